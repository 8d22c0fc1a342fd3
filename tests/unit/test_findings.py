"""Findings derived from hand-built analysis results: which appear, with what money, in what order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from analyses_stub import analyses

from workbench.analysis.activity import ActivityResult, ManagerActivity
from workbench.analysis.customers.abc import (
    AbcResult,
    ClassSummary,
    Concentration,
    Profitability,
    analyze_customers,
)
from workbench.analysis.funnel.conversion import FunnelResult, ManagerStage, StageImpact, StageRow
from workbench.analysis.plan import PlanResult
from workbench.config import AbcConfig, Period
from workbench.findings import Finding, derive_findings, rank
from workbench.io.quarantine import TableReport

STAGES = ["Lead", "Meeting", "Proposal", "Won"]


def stage_rows(conversions: list[float | None]) -> list[StageRow]:
    return [
        StageRow(name, k, 100, 0, 0, 0, 0, conversions[k] if k < 3 else None, None, None, None, 1.0)
        for k, name in enumerate(STAGES)
    ]


def impact(stage: str, conversion: float, money: float) -> StageImpact:
    return StageImpact(stage, STAGES.index(stage), conversion, None, money, None)


def manager_low(manager: str, stage: str, money: float | None) -> ManagerStage:
    k = STAGES.index(stage)
    return ManagerStage(manager, stage, k, 60, 12, 0.2, 0.12, 0.31, 0.22, 0.5, 0.31, 0.69, "low", None, money)


def funnel_result(
    impacts: list[StageImpact] | None = None,
    manager_stages: list[ManagerStage] | None = None,
    revenue: float = 30_000.0,
    months: float = 3.0,
    basis: str = "history",
    lost_stage_unknown: int = 0,
) -> FunnelResult:
    return FunnelResult(
        rule="credit_skipped",
        basis=basis,
        stages=stage_rows([0.8, 0.5, 0.9]),
        won=30,
        lost=60,
        open=10,
        lost_stage_unknown=lost_stage_unknown,
        deals_in_cohort=100,
        deals_total=100,
        win_rate=1 / 3,
        win_rate_ci=(0.25, 0.43),
        revenue=revenue,
        avg_check=1000.0,
        won_with_amount=30,
        cycle_days_median=20.0,
        cycle_days_p75=30.0,
        months=months,
        managers=[],
        manager_stages=manager_stages or [],
        tests=[],
        impacts=impacts or [],
    )


def abc_result(
    top1: float = 0.1,
    top3: float = 0.3,
    unprofitable_count: int = 0,
    unprofitable_margin: float = 0.0,
    customers: int = 40,
    a_count: int = 8,
    months: float = 3.0,
    total: float = 90_000.0,
) -> AbcResult:
    return AbcResult(
        mode="fixed",
        metric="revenue",
        thresholds=(0.8, 0.95),
        classes={
            "A": ClassSummary(a_count, 0.8 * total, 0.8, a_count / customers),
            "B": ClassSummary(10, 0.15 * total, 0.15, 10 / customers),
            "C": ClassSummary(customers - a_count - 10, 0.05 * total, 0.05, 0.5),
        },
        items=pd.DataFrame({"id": [f"c{j}" for j in range(customers)]}),
        excluded_count=0,
        excluded_value=0.0,
        total=total,
        concentration=Concentration(customers, top1, "ООО Ромашка", top3, 0.6, 0.4, 0.05, total),
        profitability=Profitability(
            True, unprofitable_count, 5000.0, unprofitable_margin, 20_000.0, customers
        ),
        months=months,
    )


def no_plan(fact_total: float = 0.0) -> PlanResult:
    return PlanResult(False, [], False, [], [], False, [], 0.0, fact_total, 0, 0, 0.9)


def no_activity() -> ActivityResult:
    return ActivityResult(False, pd.DataFrame(), pd.DataFrame(), [], 0.6)


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {f.id: f for f in findings}


def derive(funnel=None, abc=None, plan=None, activity=None, reports=None) -> dict[str, Finding]:
    """derive_findings on the given results (defaults: a plain funnel, no plan, no activity), by id."""
    return by_id(
        derive_findings(
            analyses(
                funnel or funnel_result(), abc, plan or no_plan(), activity or no_activity(), reports=reports
            )
        )
    )


# ----------------------------------------------------------------------------------------------------
# Ranking
# ----------------------------------------------------------------------------------------------------


def test_ranking_money_first_then_severity():
    funnel = funnel_result(
        impacts=[impact("Meeting", 0.5, 500.0), impact("Lead", 0.8, 120.0)],
        manager_stages=[manager_low("Борис Петров", "Meeting", 1200.0)],
        basis="snapshot",
    )
    abc = abc_result(top1=0.25, top3=0.45, unprofitable_count=2, unprofitable_margin=-900.0)
    findings = derive_findings(analyses(funnel, abc, no_plan(), no_activity()))
    assert [f.id for f in findings] == [
        "funnel-manager-борис-петров-1",  # 1200 a month
        "funnel-bottleneck",  # 500
        "customers-unprofitable",  # 900 / 3 months = 300
        "plan-missing",  # no money: critical
        "customers-dependence",  # high
        "activity-missing",  # medium
        "customers-abc",  # low (ties by id)
        "data-no-history",  # low
    ]
    # Monthly revenue is 30,000 / 3 = 10,000: 1200 is 12% (critical), 500 is 5% (high).
    found = by_id(findings)
    assert found["funnel-manager-борис-петров-1"].severity == "critical"
    assert found["funnel-bottleneck"].severity == "high"


def test_rank_orders_unpriced_findings_by_severity_then_id():
    findings = [
        Finding("b-low", "x", 1, "low", None, "s", 30),
        Finding("a-medium", "x", 1, "medium", None, "s", 30),
        Finding("z-critical", "x", 1, "critical", None, "s", 30),
        Finding("small-money", "x", 1, "low", 10.0, "s", 30),
        Finding("a-low", "x", 1, "low", None, "s", 30),
        Finding("big-money", "x", 1, "medium", 1000.0, "s", 30),
        Finding("zero-money", "x", 1, "critical", 0.0, "s", 30),
    ]
    assert [f.id for f in rank(findings)] == [
        "big-money",
        "small-money",
        "zero-money",  # priced at 0: still ahead of the unpriced ones
        "z-critical",
        "a-medium",
        "a-low",
        "b-low",
    ]


# ----------------------------------------------------------------------------------------------------
# Funnel findings
# ----------------------------------------------------------------------------------------------------


def test_bottleneck_finding_carries_its_impact():
    funnel = funnel_result(impacts=[impact("Meeting", 0.5, 360.0), impact("Lead", 0.8, 90.0)])
    found = derive(funnel)
    neck = found["funnel-bottleneck"]
    assert neck.code == "funnel_bottleneck"
    assert neck.layer == 6
    assert neck.impact_per_month == 360.0
    assert neck.severity == "high"  # 360 / 10,000 = 3.6%: between 3% and 10%
    assert neck.params["stage"] == "Meeting"
    assert neck.params["next_stage"] == "Proposal"
    assert neck.params["rate"] == 0.5
    assert neck.params["loss"] == pytest.approx(0.5)
    assert neck.params["share"] == pytest.approx(0.10)
    assert neck.params["is_lowest"] is True


def test_bottleneck_that_is_not_the_lowest_step():
    # The worth of a step depends on its flow: Lead (0.6) is worth more here than Meeting (0.4).
    funnel = funnel_result(impacts=[impact("Lead", 0.6, 900.0), impact("Meeting", 0.4, 200.0)])
    neck = derive(funnel)["funnel-bottleneck"]
    assert neck.params["stage"] == "Lead"
    assert neck.params["next_stage"] == "Meeting"
    assert neck.params["is_lowest"] is False
    assert neck.severity == "high"  # 900 / 10,000 = 9%: below the 10% of critical


def test_bottleneck_severity_thresholds():
    # Monthly revenue 10,000: 10% and more is critical, 3% and more high, less medium.
    for money, severity in ((1000.0, "critical"), (300.0, "high"), (299.0, "medium")):
        funnel = funnel_result(impacts=[impact("Meeting", 0.5, money)])
        neck = derive(funnel)["funnel-bottleneck"]
        assert neck.severity == severity, money


def test_plan_fact_raises_the_monthly_revenue_used_for_severity():
    # Funnel revenue 10,000 a month, plan fact 60,000 / 3 = 20,000 a month: 1000 is then 5% (high).
    funnel = funnel_result(impacts=[impact("Meeting", 0.5, 1000.0)])
    neck = derive(funnel, plan=no_plan(fact_total=60_000.0))
    assert neck["funnel-bottleneck"].severity == "high"


def test_no_bottleneck_finding_without_a_gain():
    funnel = funnel_result(impacts=[impact("Meeting", 1.0, 0.0)])
    assert "funnel-bottleneck" not in derive(funnel)
    assert "funnel-bottleneck" not in derive(funnel_result())


def test_manager_low_finding():
    funnel = funnel_result(manager_stages=[manager_low("Anna", "Lead", 450.0)])
    found = derive(funnel)
    f = found["funnel-manager-anna-0"]
    assert f.code == "funnel_manager_low"
    assert f.impact_per_month == 450.0
    assert f.severity == "high"  # 4.5% of 10,000
    assert f.params["manager"] == "Anna"
    assert f.params["stage"] == "Lead"
    assert f.params["next_stage"] == "Meeting"
    assert f.params["deals"] == 60


def test_only_low_flags_become_findings():
    high = ManagerStage("Vera", "Lead", 0, 60, 50, 0.83, 0.7, 0.9, 0.8, 0.5, 0.31, 0.69, "high", None, None)
    watch = ManagerStage("Gleb", "Lead", 0, 60, 22, 0.37, 0.25, 0.5, 0.4, 0.5, 0.31, 0.69, None, "low", None)
    funnel = funnel_result(manager_stages=[high, watch])
    ids = derive(funnel)
    assert not any(i.startswith("funnel-manager") for i in ids)


# ----------------------------------------------------------------------------------------------------
# Customer findings
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top1", "top3", "present", "severity"),
    [
        (0.20, 0.30, True, "high"),  # exactly at the 20% threshold
        (0.19, 0.49, False, None),
        (0.10, 0.50, True, "high"),  # the top-3 rule
        (0.40, 0.60, True, "critical"),  # twice the threshold
        (0.39, 0.60, True, "high"),
    ],
)
def test_dependence_finding(top1, top3, present, severity):
    abc = abc_result(top1=top1, top3=top3)
    found = derive(abc=abc)
    assert ("customers-dependence" in found) is present
    if present:
        f = found["customers-dependence"]
        assert f.severity == severity
        assert f.impact_per_month is None
        assert f.params["top1"] == "ООО Ромашка"
        assert f.params["top1_share"] == top1
        # At risk: the top customer's share of the 90,000 over 3 months.
        assert f.params["at_risk"] == pytest.approx(top1 * 30_000.0)


def test_unprofitable_finding_impact_is_the_lost_margin_a_month():
    abc = abc_result(unprofitable_count=3, unprofitable_margin=-1200.0, customers=40, months=3.0)
    f = derive(abc=abc)["customers-unprofitable"]
    assert f.impact_per_month == pytest.approx(400.0)  # -(-1200) / 3
    assert f.severity == "medium"  # 3 of 40 customers is below 10%
    assert f.params["count"] == 3
    assert f.params["share"] == pytest.approx(3 / 40)
    assert f.params["margin"] == -1200.0


def test_unprofitable_finding_severity_with_many_such_customers():
    abc = abc_result(unprofitable_count=4, unprofitable_margin=-100.0, customers=40)
    f = derive(abc=abc)["customers-unprofitable"]
    assert f.severity == "high"  # 4 of 40 = 10%


def test_no_unprofitable_finding_when_every_customer_pays():
    abc = abc_result(unprofitable_count=0, unprofitable_margin=0.0)
    assert "customers-unprofitable" not in derive(abc=abc)


def transactions(quantities: tuple[float, float]) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "customer_id": ["big", "small"],
            "date": pd.to_datetime(["2026-01-10", "2026-01-12"]).astype("datetime64[ns]"),
            "amount": [900.0, 100.0],
            "quantity": list(quantities),
        }
    )
    return out.astype({"customer_id": "string"})


PERIOD_30 = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 30))
MONTHS_30 = 30 / 30.4375


def test_dependence_at_risk_from_real_analysis():
    abc = analyze_customers(transactions((1.0, 9.0)), AbcConfig(), PERIOD_30)
    f = derive(abc=abc)["customers-dependence"]
    assert f.params["top1"] == "big"
    assert f.params["top1_share"] == pytest.approx(0.9)
    assert f.severity == "critical"
    assert f.params["at_risk"] == pytest.approx(0.9 * 1000 / MONTHS_30)  # 900 of revenue a month


def test_dependence_at_risk_is_revenue_whatever_the_abc_metric():
    abc = analyze_customers(transactions((1.0, 9.0)), AbcConfig(metric="quantity"), PERIOD_30)
    f = derive(abc=abc)["customers-dependence"]
    assert f.params["top1_share"] == pytest.approx(0.9)  # revenue share: 900 of 1000
    # The message says "of revenue a month": 900 / months, not 0.9 x 10 units / months.
    assert f.params["at_risk"] == pytest.approx(0.9 * 1000 / MONTHS_30)


# ----------------------------------------------------------------------------------------------------
# Plan, activity and data findings
# ----------------------------------------------------------------------------------------------------


def test_missing_plan_and_activity():
    found = derive()
    assert found["plan-missing"].severity == "critical"
    assert found["plan-missing"].layer == 1
    assert found["activity-missing"].severity == "medium"
    assert found["activity-missing"].layer == 5
    assert "data-no-history" not in found  # the funnel has a history


def test_monthly_only_plan_below_target():
    plan = PlanResult(
        available=True,
        granularities=["month"],
        has_manager_plans=False,
        monthly=[],
        weekly=[],
        weekly_derived=True,
        managers=[],
        plan_total=3000.0,
        fact_total=2400.0,
        weeks_below=5,
        weeks_total=13,
        attainment_warning=0.9,
    )
    found = derive(plan=plan)
    assert found["plan-monthly-only"].params["weeks_below"] == 5
    assert "plan-no-personal" in found
    low = found["plan-attainment"]
    assert low.params["attainment"] == pytest.approx(0.8)
    assert low.params["gap"] == pytest.approx(200.0)  # (3000 - 2400) / 3 months
    assert "plan-missing" not in found


def test_irregular_managers_and_data_findings():
    activity = ActivityResult(
        True,
        pd.DataFrame(),
        pd.DataFrame(),
        [
            ManagerActivity("Anna", 40.0, 10.0, 0.1, 0, 4, False),
            ManagerActivity("Boris", 40.0, 10.0, 1.0, 3, 4, True),
        ],
        0.6,
    )
    reports = {
        "deals": TableReport("deals", "deals.csv", rows_read=100, rows_used=98, rows_quarantined=2),
        "plans": TableReport("plans", "plans.csv", rows_read=100, rows_used=99, rows_quarantined=1),
    }
    funnel = funnel_result(lost_stage_unknown=7)
    found = derive(funnel, activity=activity, reports=reports)
    assert "activity-irregular-anna" not in found
    boris = found["activity-irregular-boris"]
    assert boris.severity == "high"  # three empty weeks
    assert boris.params["usual"] == pytest.approx(0.55)  # median of 0.1 and 1.0
    assert found["data-lost-stage-unknown"].params == {"count": 7, "lost": 60}
    assert found["data-quarantine-deals"].params["share"] == pytest.approx(0.02)  # at the 2% threshold
    assert "data-quarantine-plans" not in found  # 1% is below it
