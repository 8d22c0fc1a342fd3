"""The committed demo client is what the generator writes, and the audit finds every planted problem."""

from __future__ import annotations

import pytest

from workbench.audit import build_audit
from workbench.demo.generate import (
    IRREGULAR_MANAGER,
    PLANTED,
    STAGES,
    WEAK_MANAGER,
    WEAK_MANAGER_STEP,
    WEAKEST_STEP,
    generate_demo,
)


@pytest.fixture(scope="module")
def demo_audit(repo):
    return build_audit(repo / "clients" / "demo")


def test_committed_demo_is_byte_identical_to_the_generator(repo, tmp_path):
    generated = generate_demo(tmp_path / "demo")
    committed = repo / "clients" / "demo"
    names = sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file())
    assert names == sorted(
        str(p.relative_to(committed))
        for p in committed.rglob("*")
        if p.is_file() and "reports" not in p.parts
    )
    for name in names:
        assert (generated / name).read_bytes() == (committed / name).read_bytes(), (
            f"{name} differs: run `workbench demo`"
        )


def test_bottleneck_is_the_planted_weakest_step(demo_audit):
    neck = demo_audit.funnel.bottleneck
    assert neck.stage == STAGES[WEAKEST_STEP]
    assert f"{neck.stage} → {STAGES[WEAKEST_STEP + 1]}" == PLANTED["weakest_step"]
    assert neck.conversion == min(s.conversion for s in demo_audit.funnel.impacts)
    assert demo_audit.findings[0].code == "funnel_bottleneck"


def test_only_the_planted_weak_manager_is_flagged(demo_audit):
    flagged = [(m.manager, m.index, m.flag) for m in demo_audit.funnel.manager_stages if m.flag]
    assert flagged == [(WEAK_MANAGER, WEAK_MANAGER_STEP, "low")]


def test_customer_problems_are_found(demo_audit):
    codes = {f.code for f in demo_audit.findings}
    assert {"customers_unprofitable", "customers_dependence"} <= codes
    profit = demo_audit.abc.profitability
    assert 0.15 < profit.unprofitable_count / profit.customers < 0.35
    assert demo_audit.abc.concentration.top1_share > 0.20


def test_monthly_plans_and_irregular_activity_are_found(demo_audit):
    codes = {f.code for f in demo_audit.findings}
    assert "plan_monthly_only" in codes
    irregular = [f.params["manager"] for f in demo_audit.findings if f.code == "activity_irregular"]
    assert irregular == [IRREGULAR_MANAGER]


def test_broken_rows_are_quarantined_not_dropped(demo_audit):
    deals = demo_audit.data.reports["deals"]
    assert deals.rows_read == deals.rows_used + deals.rows_quarantined
    assert deals.reasons == {
        "unknown_stage": 2,
        "invalid_date:created_at": 1,
        "duplicate_row": 1,
        "bad_field_count": 1,
    }


def test_the_deeper_diagnosis_adds_no_spurious_finding_to_the_demo(demo_audit):
    # Nothing of the kind is planted: no temporary dip, no slow manager or source, no manager whose
    # activity is at odds with their conversion, no manager demonstrably better at the bottleneck.
    codes = {f.code for f in demo_audit.findings}
    assert not codes & {
        "funnel_dip",
        "funnel_slow_manager",
        "funnel_slow_source",
        "activity_busy_poor",
        "activity_good_idle",
        "funnel_learn_from",
    }
    assert demo_audit.dips.months and demo_audit.time_by_group.tests and demo_audit.activity_quality.rows
    neck = next(f for f in demo_audit.findings if f.code == "funnel_bottleneck")
    assert neck.params["no_better_manager"]
    # The weak source's finding names the step where it loses: the first one, as planted.
    source = next(f for f in demo_audit.findings if f.code == "funnel_source_no_sales")
    assert source.params["stage"] == STAGES[0]
