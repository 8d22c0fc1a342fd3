"""Real data: a year of UCI "Online Retail" lines (541,909; Chen 2015, CC BY 4.0) through a client.yaml with
cleaning rules. The accounting of every rule and the customer and product ABC and XYZ counts are checked
against an independent computation with plain pandas. The data is loaded once for the module."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from workbench.audit import build_audit
from workbench.render.metrics import build_metrics, validate_metrics

pytestmark = pytest.mark.realdata

NON_PRODUCT = ["POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "B"]
CONFIG = {
    "name": "UCI Online Retail (a UK online gift wholesaler)",
    "locale": "en",
    "currency": "GBP",
    "period": {"start": "2010-12-01", "end": "2011-12-09"},
    "data": {
        # Invoices stand in for deals: the funnel is not what this test is about.
        "deals": {
            "file": "data/invoices.csv",
            "columns": {
                "deal_id": "Invoice",
                "created_at": "Date",
                "customer_id": "Customer",
                "stage": "Status",
            },
        },
        "transactions": {
            "file": "data/online_retail.csv",
            "columns": {
                "document_id": "InvoiceNo",
                "product": "StockCode",
                "quantity": "Quantity",
                "unit_price": "UnitPrice",
                "date": "InvoiceDate",
                "customer_id": "CustomerID",
            },
            "cleaning": {
                "cancellation_prefixes": ["C"],
                "returns": "exclude",
                "non_product_codes": NON_PRODUCT,
                "non_product_patterns": ["^gift_"],
                "no_customer": "exclude",
            },
        },
    },
    "funnel": {"stages": ["Basket", "Checkout"], "won_stages": ["Paid"], "lost_stages": ["Cancelled"]},
    "abc": {"xyz": {"preset": "supply_chain"}},
}
LIMITS = (0.5, 1.0)


@pytest.fixture(scope="module")
def raw(datasets) -> pd.DataFrame:
    return pd.read_parquet(datasets / "uci_online_retail" / "online_retail.parquet")


@pytest.fixture(scope="module")
def audit(raw, tmp_path_factory):
    folder = tmp_path_factory.mktemp("uci") / "online-retail"
    (folder / "data").mkdir(parents=True)
    raw.to_csv(folder / "data" / "online_retail.csv", index=False)
    invoices = raw.drop_duplicates("InvoiceNo")
    pd.DataFrame(
        {
            "Invoice": invoices["InvoiceNo"],
            "Date": invoices["InvoiceDate"],
            "Customer": invoices["CustomerID"],
            "Status": np.where(invoices["InvoiceNo"].str.startswith("C"), "Cancelled", "Paid"),
        }
    ).to_csv(folder / "data" / "invoices.csv", index=False)
    (folder / "client.yaml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True), encoding="utf-8")
    return build_audit(folder)


@pytest.fixture(scope="module")
def expected(raw) -> dict:
    """The same rules in plain pandas, in the same order: each line counts under its first rule."""
    lines = raw.assign(
        amount=raw["Quantity"] * raw["UnitPrice"],
        product=raw["StockCode"].str.strip(),
        customer=raw["CustomerID"].astype(str),  # as the CSV writes it: 17850.0
    )
    cancellation = lines["InvoiceNo"].str.startswith("C")
    ret = ~cancellation & (lines["amount"] < 0)
    codes = {c.casefold() for c in NON_PRODUCT}
    product_rule = lines["product"].str.casefold().isin(codes) | lines["product"].str.match(r"gift_")
    non_product = ~cancellation & ~ret & product_rule
    no_customer = ~cancellation & ~ret & ~non_product & lines["CustomerID"].isna()
    rules = {
        "cancellation": cancellation,
        "return": ret,
        "non_product": non_product,
        "no_customer": no_customer,
    }
    kept = lines[~(cancellation | ret | non_product | no_customer)]
    return {
        "rules": {k: (int(m.sum()), float(lines.loc[m, "amount"].sum())) for k, m in rules.items()},
        "kept": kept,
    }


def abc_counts(values: pd.Series) -> dict[str, int]:
    """Fixed 80 / 95 on the share before each item, ties by id."""
    order = values[values > 0].reset_index()
    order.columns = ["id", "value"]
    order = order.sort_values(["value", "id"], ascending=[False, True])
    shares = order["value"].to_numpy() / order["value"].sum()
    before = np.concatenate([[0.0], np.cumsum(shares)[:-1]])
    a = int((before < 0.8).sum())
    b = int(((before >= 0.8) & (before < 0.95)).sum())
    return {"A": a, "B": b, "C": len(order) - a - b}


def xyz_counts(kept: pd.DataFrame, key: str) -> dict[str, int]:
    """CV of the twelve complete months (December 2010 - November 2011), months without sales as 0."""
    totals = kept.groupby(key)["amount"].sum()
    ranked = totals[totals > 0].index
    month = pd.to_datetime(kept["InvoiceDate"]).dt.to_period("M")
    complete = kept[(month >= "2010-12") & (month <= "2011-11")]
    table = complete.pivot_table(
        index=key, columns=month[complete.index], values="amount", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(
        index=ranked, columns=pd.period_range("2010-12", "2011-11", freq="M"), fill_value=0.0
    )
    mean, sd = table.mean(axis=1), table.std(axis=1, ddof=0)
    cv = (sd / mean)[mean > 0]
    return {
        "X": int((cv <= LIMITS[0]).sum()),
        "Y": int(((cv > LIMITS[0]) & (cv <= LIMITS[1])).sum()),
        "Z": int((cv > LIMITS[1]).sum()),
        "unclassified": int(len(ranked) - len(cv)),
    }


def test_every_line_is_accounted_for_by_rule(audit, raw, expected):
    report = audit.data.reports["transactions"]
    assert report.rows_read == len(raw) == 541_909
    assert report.reasons == {}  # nothing in this file is an error
    assert report.rows_read == report.rows_used + report.rows_quarantined + report.rows_excluded
    assert report.rows_used == len(expected["kept"])
    for rule, (rows, amount) in expected["rules"].items():
        assert report.excluded[rule]["rows"] == rows, rule
        assert report.excluded[rule]["amount"] == pytest.approx(amount, abs=0.01), rule
    # The known shape of the data: 9,288 cancellation lines; most lines without a customer are retail.
    assert report.excluded["cancellation"]["rows"] == 9288
    assert report.excluded["no_customer"]["rows"] > 130_000


def test_customer_abc_against_pandas(audit, expected):
    kept = expected["kept"]
    revenue = kept.groupby("customer")["amount"].sum()
    abc = audit.abc
    assert {k: v.count for k, v in abc.classes.items()} == abc_counts(revenue)
    assert abc.total == pytest.approx(revenue[revenue > 0].sum())
    assert abc.excluded_count == int((revenue <= 0).sum())
    top = revenue.sort_values(ascending=False)
    # The published CSV writes customer ids as decimals (14646.0): read as the whole numbers they are.
    assert str(top.index[0]) == "14646.0" and abc.concentration.top1_name == "14646"
    assert audit.data.reports["transactions"].warnings["id_as_float:customer_id"] > 0
    assert abc.concentration.top1_share == pytest.approx(top.iloc[0] / top[top > 0].sum())


def test_product_abc_against_pandas(audit, expected):
    revenue = expected["kept"].groupby("product")["amount"].sum()
    products = audit.customers.products
    assert {k: v.count for k, v in products.classes.items()} == abc_counts(revenue)
    assert products.lines_without_key == 0


def test_xyz_of_customers_and_products_against_pandas(audit, expected):
    customers, products = audit.abc.xyz, audit.customers.products.xyz
    assert (customers.months[0].strftime("%Y-%m"), customers.months[-1].strftime("%Y-%m")) == (
        "2010-12",
        "2011-11",
    )
    assert {**customers.counts, "unclassified": customers.unclassified} == xyz_counts(
        expected["kept"], "customer"
    )
    assert {**products.counts, "unclassified": products.unclassified} == xyz_counts(
        expected["kept"], "product"
    )


def test_the_rest_of_the_customer_base_runs_and_the_metrics_follow_the_schema(audit):
    base = audit.customers
    assert base.migration.split == "halves"
    assert base.d_class.rules == ["no_revenue", "inactive"]  # no margin in this data
    assert base.time.deals_total > 20_000
    assert base.segments.dropped == ["margin", "potential"]
    validate_metrics(build_metrics(audit, {}))


def test_no_key_customer_stopped_who_bought_again_and_unknown_revenue_is_no_zero(audit, expected):
    """Read as the client: 12423 bought on 9 December 2011, the period's last day, after three empty
    months; it has not stopped buying. The invoices carry neither amounts nor close dates: the won-deals
    revenue is unknown (not 0) and CRM and ledger are not reconciled."""
    kept = expected["kept"]
    last = pd.to_datetime(kept["InvoiceDate"]).groupby(kept["customer"].str.removesuffix(".0")).max()
    stopped = audit.customers.stopped.customers
    assert stopped and "12423" not in {c.id for c in stopped}
    for customer in stopped:
        assert last[customer.id] < pd.Timestamp(customer.since), customer
    won = audit.summary.revenue_won
    assert (won.count, won.undated, won.known) == (0, audit.funnel.won, False)
    assert audit.summary.reconciliation is None


def test_the_published_gzip_file_alone_as_a_sales_lines_only_client(datasets, tmp_path):
    """The .csv.gz exactly as published, no deals file and no funnel: read as the CSV inside, the customer
    ids written as decimals (14646.0) read as whole numbers, the customer base audited without a funnel."""
    folder = tmp_path / "uci"
    (folder / "data").mkdir(parents=True)
    shutil.copy(datasets / "uci_online_retail" / "online_retail.derived.csv.gz", folder / "data")
    source = CONFIG["data"]["transactions"]
    config = {
        **{k: v for k, v in CONFIG.items() if k not in {"data", "funnel"}},
        "data": {"transactions": {**source, "file": "data/online_retail.derived.csv.gz"}},
    }
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    audit = build_audit(folder)
    report = audit.data.reports["transactions"]
    assert report.rows_read == 541_909 and report.balanced
    assert report.warnings["id_as_float:customer_id"] > 400_000
    assert not audit.data.has_deals and audit.abc.concentration.top1_name == "14646"
    assert not [f for f in audit.findings if f.section == "funnel"]
