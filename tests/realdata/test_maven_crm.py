"""Real data: the Maven Analytics CRM pipeline (8,800 deals, 30 agents), mapped by a client.yaml.

Funnel and ABC figures are checked against an independent computation with plain pandas.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from workbench.audit import build_audit

pytestmark = pytest.mark.realdata

CONFIG = {
    "name": "Maven CRM (fictitious computer-hardware company)",
    "locale": "en",
    "currency": "USD",
    "period": {"start": "2016-10-01", "end": "2017-12-31"},
    "data": {
        "deals": {
            "file": "data/sales_pipeline.csv",
            "columns": {
                "deal_id": "opportunity_id",
                "manager": "sales_agent",
                "customer_id": "account",
                "stage": "deal_stage",
                "created_at": "engage_date",
                "closed_at": "close_date",
                "amount": "close_value",
            },
        },
        "transactions": {
            "file": "data/sales_pipeline.csv",
            "columns": {
                "customer_id": "account",
                "date": "close_date",
                "amount": "close_value",
                "product": "product",
            },
        },
    },
    "funnel": {"stages": ["Prospecting", "Engaging"], "won_stages": ["Won"], "lost_stages": ["Lost"]},
}


@pytest.fixture(scope="module")
def raw(datasets) -> pd.DataFrame:
    return pd.read_csv(datasets / "maven_crm_sales_opportunities" / "sales_pipeline.csv")


@pytest.fixture(scope="module")
def client(datasets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("maven") / "maven"
    (folder / "data").mkdir(parents=True)
    shutil.copy(datasets / "maven_crm_sales_opportunities" / "sales_pipeline.csv", folder / "data")
    (folder / "client.yaml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def audit(client):
    return build_audit(client)


def test_accounting_of_rows(audit, raw):
    deals = audit.data.reports["deals"]
    assert deals.rows_read == len(raw) == 8800
    # Prospecting deals have no engage date: they cannot be placed in time but are deals at their stage,
    # used with a caveat (not quarantined).
    no_date = int(raw["engage_date"].isna().sum())
    assert no_date == 500 and deals.reasons == {}
    assert deals.warnings["no_created_at"] == no_date
    assert deals.rows_used == len(raw)
    sales = audit.data.reports["transactions"]
    assert sales.rows_read == sales.rows_used + sales.rows_quarantined
    # Each row is quarantined once, for its first problem in the contract's column order.
    no_account = raw["account"].isna()
    assert sales.reasons == {
        "missing_value:customer_id": int(no_account.sum()),
        "missing_value:date": int((~no_account & raw["close_date"].isna()).sum()),
    }


def test_funnel_against_pandas(audit, raw):
    engaged = raw[raw["engage_date"].notna()]
    won = int((engaged["deal_stage"] == "Won").sum())
    lost = int((engaged["deal_stage"] == "Lost").sum())
    funnel = audit.funnel
    # The 500 Prospecting deals without an engage date are open at their stage, in the snapshot.
    assert (funnel.won, funnel.lost, funnel.open) == (
        won,
        lost,
        int(raw["deal_stage"].isin(["Engaging", "Prospecting"]).sum()),
    )
    assert funnel.stages[0].open == int((raw["deal_stage"] == "Prospecting").sum()) == 500
    # ... and in no figure over time.
    assert sum(c.deals for c in audit.cohorts) == len(engaged)
    assert funnel.win_rate == pytest.approx(won / (won + lost))
    assert funnel.avg_check == pytest.approx(
        engaged.loc[engaged["deal_stage"] == "Won", "close_value"].mean()
    )
    # The export is a snapshot without the stage where lost deals were lost: said loudly, not invented.
    assert funnel.basis == "snapshot"
    assert funnel.lost_stage_unknown == lost
    assert "data_lost_stage_unknown" in {f.code for f in audit.findings}


def test_per_agent_win_rates_against_pandas(audit, raw):
    closed = raw[raw["deal_stage"].isin(["Won", "Lost"])]
    expected = closed.groupby("sales_agent")["deal_stage"].agg(
        won=lambda s: int((s == "Won").sum()), lost=lambda s: int((s == "Lost").sum())
    )
    got = {m.manager: m for m in audit.funnel.managers}
    assert set(got) == set(expected.index)
    for agent, row in expected.iterrows():
        assert (got[agent].won, got[agent].lost) == (row["won"], row["lost"])
        assert got[agent].win_rate == pytest.approx(row["won"] / (row["won"] + row["lost"]))


def test_customer_abc_against_pandas(audit, raw):
    won = raw[raw["deal_stage"] == "Won"]
    revenue = won.groupby("account")["close_value"].sum()
    order = revenue.reset_index().sort_values(["close_value", "account"], ascending=[False, True])
    shares = order["close_value"].to_numpy() / order["close_value"].sum()
    before = np.concatenate([[0.0], np.cumsum(shares)[:-1]])
    expected = {"A": int((before < 0.8).sum()), "B": int(((before >= 0.8) & (before < 0.95)).sum())}
    expected["C"] = len(order) - expected["A"] - expected["B"]
    classes = audit.abc.classes
    assert {k: v.count for k, v in classes.items()} == expected
    assert sum(v.revenue for v in classes.values()) == pytest.approx(revenue.sum())
    assert audit.abc.concentration.top1_share == pytest.approx(shares[0])
    assert audit.abc.concentration.top1_name == order["account"].iloc[0]


# --- the same data as a consultant receives it: four files, no column mapping -------------------------

FOUR_FILES = {
    "name": "Maven CRM (fictitious computer-hardware company)",
    "locale": "en",
    "currency": "USD",
    "period": {"start": "2016-10-01", "end": "2017-12-31"},
    "data": {
        "deals": {"file": "data/sales_pipeline.csv"},
        "customers": {"file": "data/accounts.csv"},
        "products": {"file": "data/products.csv"},
        "managers": {"file": "data/sales_teams.csv"},
    },
    "funnel": {"stages": ["Prospecting", "Engaging"], "won_stages": ["Won"], "lost_stages": ["Lost"]},
}


@pytest.fixture(scope="module")
def four_files(datasets, tmp_path_factory):
    """The Maven folder with its reference files, read by the generic preset (no ``columns`` at all)."""
    folder = tmp_path_factory.mktemp("maven4") / "maven"
    (folder / "data").mkdir(parents=True)
    for name in ("sales_pipeline.csv", "accounts.csv", "products.csv", "sales_teams.csv"):
        shutil.copy(datasets / "maven_crm_sales_opportunities" / name, folder / "data")
    (folder / "client.yaml").write_text(yaml.safe_dump(FOUR_FILES, allow_unicode=True), encoding="utf-8")
    return build_audit(folder)


def test_known_defects_are_found(four_files, raw, datasets):
    """The dataset's known defects: a product spelt two ways, open deals without an account, agents
    without deals. Counted independently with pandas."""
    folder = datasets / "maven_crm_sales_opportunities"
    products = pd.read_csv(folder / "products.csv")
    teams = pd.read_csv(folder / "sales_teams.csv")
    used = raw  # every deal is used (Prospecting deals without a date too)
    deals = four_files.data.reports["deals"]
    assert deals.preset.name == "generic"
    assert deals.columns["manager"] == "sales_agent" and deals.columns["customer_id"] == "account"
    respelt = used[~used["product"].isin(products["product"])]
    assert set(respelt["product"]) == {"GTXPro"}
    assert deals.warnings["product_spelt_unlike_catalogue"] == len(respelt)
    assert deals.examples["product_spelt_unlike_catalogue"] == [
        {"row": None, "value": "GTXPro", "hint": "GTX Pro"}
    ]
    open_no_account = used["account"].isna() & used["deal_stage"].isin(["Prospecting", "Engaging"])
    assert deals.warnings["open_without_customer"] == int(open_no_account.sum()) == 1425
    assert "closed_without_customer" not in deals.warnings
    roster = four_files.data.reports["managers"]
    assert roster.columns == {"manager": "sales_agent", "head": "manager", "team": "regional_office"}
    idle = set(teams["sales_agent"]) - set(raw["sales_agent"])
    assert roster.warnings == {"roster_without_deals": len(idle)} == {"roster_without_deals": 5}
    assert {e["value"] for e in roster.examples["roster_without_deals"]} <= idle
    # Every categorical column of the accounts is checked for one value spelt two ways; "technolgy" is
    # the only spelling of that sector here (nothing to compare it with), so nothing is flagged.
    accounts = pd.read_csv(folder / "accounts.csv")
    assert "technology" not in set(accounts["sector"])
    assert four_files.data.reports["customers"].warnings == {}


def test_the_data_quality_section_names_the_defects(four_files):
    from workbench.present.i18n import Messages
    from workbench.present.registry import render_section

    t = Messages("en", "USD")
    html = str(render_section("data", t, four_files)) + str(render_section("appendix_data", t, four_files))
    for text in (
        "Product spelt unlike the product catalogue",
        "“GTXPro” perhaps “GTX Pro”",
        "Open deals without a customer (company)",
        "Managers on the staff list without a single deal",
        "manager ← “sales_agent”",
    ):
        assert text in html, text
