"""Real data: the Olist marketing funnel (8,000 marketing-qualified leads, 842 closed deals).

The client folder is built the way a consultant would: the leads joined with the closed deals into one
deals file (won when a deal was closed, otherwise not converted). The data stays in ../shared (its licence
is non-commercial); it is never copied into the project.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from workbench.audit import build_audit

pytestmark = pytest.mark.realdata

CONFIG = {
    "name": "Olist marketing funnel",
    "locale": "en",
    "currency": "BRL",
    "period": {"start": "2017-06-01", "end": "2018-05-31"},
    "data": {
        "deals": {
            "file": "data/leads.csv",
            "columns": {
                "deal_id": "mql_id",
                "created_at": "first_contact_date",
                "closed_at": "won_date",
                "status": "status",
                "source": "origin",
                "manager": "sr_id",
            },
            "defaults": {"stage": "MQL"},
        }
    },
    "funnel": {"stages": ["MQL"], "won_stages": ["Closed deal"], "lost_stages": ["Not converted"]},
}


@pytest.fixture(scope="module")
def leads(datasets) -> pd.DataFrame:
    folder = datasets / "olist_marketing_funnel"
    mql = pd.read_csv(folder / "olist_marketing_qualified_leads_dataset.csv")
    closed = pd.read_csv(folder / "olist_closed_deals_dataset.csv")
    joined = mql.merge(closed[["mql_id", "sr_id", "sdr_id", "won_date"]], on="mql_id", how="left")
    joined["status"] = joined["won_date"].notna().map({True: "won", False: "lost"})
    return joined


@pytest.fixture(scope="module")
def audit(leads, tmp_path_factory):
    folder = tmp_path_factory.mktemp("olist") / "olist"
    (folder / "data").mkdir(parents=True)
    leads.to_csv(folder / "data" / "leads.csv", index=False)
    (folder / "client.yaml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True), encoding="utf-8")
    return build_audit(folder)


def test_every_lead_is_accounted_for(audit, leads):
    report = audit.data.reports["deals"]
    assert report.rows_read == len(leads) == 8000
    assert report.rows_quarantined == 0
    assert audit.funnel.deals_in_cohort == 8000
    assert (audit.funnel.won, audit.funnel.lost) == (int((leads["status"] == "won").sum()), 8000 - 842)


def test_lead_to_deal_conversion_by_origin(audit, leads):
    expected = (
        leads.assign(origin=leads["origin"].fillna("—"))
        .groupby("origin")["status"]
        .agg(won=lambda s: int((s == "won").sum()), deals="size")
    )
    got = {s.name: s for s in audit.funnel.sources}
    # Leads without an origin are no channel: counted on a line of their own, never compared.
    got["—"] = audit.funnel.sources_unassigned
    assert set(got) == set(expected.index)
    for origin, row in expected.iterrows():
        assert (got[origin].deals, got[origin].won) == (row["deals"], row["won"])
        assert got[origin].win_rate == pytest.approx(row["won"] / row["deals"])
    # Channels far off the overall 10.5% with real volume are marked; the marks agree with the data.
    for source in audit.funnel.sources:
        if source.flag == "low":
            assert source.win_rate < audit.funnel.win_rate
        if source.flag == "high":
            assert source.win_rate > audit.funnel.win_rate


def test_sales_reps_are_known_only_on_won_deals(audit, leads):
    closed = leads[leads["status"] == "won"]
    per_rep = closed.groupby("sr_id").size()
    # Conversion per rep is not identifiable here: the reps are counted but not compared (no table, test or
    # flag), and the data-quality accounting says why.
    funnel = audit.funnel
    assert funnel.manager_count == len(per_rep) and not funnel.managers_compared
    assert funnel.managers == [] and funnel.manager_stages == [] and funnel.manager_win_test is None
    assert funnel.managers_unassigned.deals == int((leads["status"] == "lost").sum())
    assert not [f for f in audit.findings if f.code == "funnel_manager_low"]
    assert audit.data.reports["deals"].warnings["manager_only_on_won"] == int(
        (leads["status"] == "lost").sum()
    )


def test_the_leads_carry_no_amount_so_revenue_is_unknown_not_zero(audit):
    won = audit.summary.revenue_won
    assert won.count > 0 and won.unknown_amount == won.count and not won.known
    assert audit.summary.revenue_cohort.unknown_amount == audit.funnel.won == 842


# The two files as published, without a join: all leads as the deals (no status), the closed deals as the
# stage history with the won stage (the mapping the README documents).
TWO_FILES = {
    "name": "Olist, two files",
    "locale": "en",
    "currency": "BRL",
    "period": {"start": "2017-06-01", "end": "2018-05-31"},
    "data": {
        "deals": {
            "file": "data/leads.csv",
            "columns": {"deal_id": "mql_id", "created_at": "first_contact_date", "source": "origin"},
            "defaults": {"stage": "MQL"},
        },
        "stage_events": {
            "file": "data/closed_deals.csv",
            "columns": {"deal_id": "mql_id", "entered_at": "won_date"},
            "defaults": {"stage": "Closed deal"},
        },
    },
    "funnel": {"stages": ["MQL"], "won_stages": ["Closed deal"], "lost_stages": ["Not converted"]},
}


def test_leads_plus_closed_deals_as_a_won_history(datasets, tmp_path):
    import shutil

    folder = tmp_path / "olist2"
    (folder / "data").mkdir(parents=True)
    source = datasets / "olist_marketing_funnel"
    shutil.copy(source / "olist_marketing_qualified_leads_dataset.csv", folder / "data" / "leads.csv")
    shutil.copy(source / "olist_closed_deals_dataset.csv", folder / "data" / "closed_deals.csv")
    (folder / "client.yaml").write_text(yaml.safe_dump(TWO_FILES, allow_unicode=True), encoding="utf-8")
    audit = build_audit(folder)
    report = audit.data.reports["deals"]
    assert report.warnings["closed_by_history"] == 842
    assert "history_conflict" not in report.warnings
    assert (audit.funnel.won, audit.funnel.open) == (842, 8000 - 842)
    won = audit.data.deals[audit.data.deals["status"] == "won"]
    assert won["closed_at"].notna().all() and (won["stage"] == "Closed deal").all()
