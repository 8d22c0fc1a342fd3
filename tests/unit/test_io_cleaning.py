"""Cleaning rules for sales lines (client.yaml): each line counted once, with its money, apart from the
quarantine; rows read = used + quarantined + excluded. Amounts from quantity x unit price; criteria
columns of the customers file."""

from __future__ import annotations

import pytest
from test_io_load import DEALS, DEALS_CSV, make_client

from workbench.config import parse_config
from workbench.errors import ConfigError, DataError
from workbench.io.load import load_client

SALES_CSV = (
    "Дата;Документ;Клиент;Товар;Сумма\n"
    "10.01.2026;536365;17850;85123A;100,00\n"  # 2: a sale
    "11.01.2026;C536379;17850;85123A;-30,00\n"  # 3: a cancellation (C...) with a negative amount
    "12.01.2026;536380;;22633;55,50\n"  # 4: no customer
    "13.01.2026;536381;13047;POST;18,00\n"  # 5: postage
    "14.01.2026;536382;13047;post ;7,00\n"  # 6: postage in another case and with a space
    "15.01.2026;536383;13047;gift_0001_20;20,00\n"  # 7: a gift voucher (pattern)
    "16.01.2026;536384;12583;22633;-12,00\n"  # 8: a return without a C document
    "17.01.2026;536385;;POST;9,00\n"  # 9: postage without a customer: counted as postage (first rule)
    "18.01.2026;536386;12583;22633;\n"  # 10: no amount: quarantined, not excluded
    "19.01.2026;C536387;;22633;-4,00\n"  # 11: a cancellation without a customer: a cancellation
)
SALES = {
    "file": "data/sales.csv",
    "columns": {
        "date": "Дата",
        "document_id": "Документ",
        "customer_id": "Клиент",
        "product": "Товар",
        "amount": "Сумма",
    },
}
ALL_RULES = {
    "cancellation_prefixes": ["C"],
    "returns": "exclude",
    "non_product_codes": ["POST", "DOT"],
    "non_product_patterns": ["^gift_"],
    "no_customer": "exclude",
}


def load_sales(tmp_path, cleaning=None, sales=SALES, csv=SALES_CSV, extra=None):
    source = {**sales, **({"cleaning": cleaning} if cleaning is not None else {})}
    files = {"deals.csv": DEALS_CSV, "sales.csv": csv, **(extra or {}).get("files", {})}
    data = {"deals": DEALS, "transactions": source, **(extra or {}).get("data", {})}
    return load_client(make_client(tmp_path, data, files))


def test_every_rule_counts_its_lines_and_money(tmp_path):
    client = load_sales(tmp_path, ALL_RULES)
    report = client.reports["transactions"]
    assert report.excluded == {
        "cancellation": {"rows": 2, "amount": pytest.approx(-34.0)},  # rows 3 and 11
        "return": {"rows": 1, "amount": pytest.approx(-12.0)},  # row 8
        "non_product": {"rows": 4, "amount": pytest.approx(18 + 7 + 20 + 9)},  # rows 5, 6, 7, 9
        "no_customer": {"rows": 1, "amount": pytest.approx(55.5)},  # row 4
    }
    assert report.reasons == {"missing_value:amount": 1}  # row 10: an error, not a rule
    assert (report.rows_read, report.rows_used, report.rows_quarantined, report.rows_excluded) == (
        10,
        1,
        1,
        8,
    )
    assert report.balanced
    assert client.tables["transactions"].index.tolist() == [2]
    # Excluded lines are not in the quarantine file; a few examples name the row and the cell.
    assert set(client.quarantine["row"]) == {10}
    postage = report.examples["non_product"][0]
    assert (postage["row"], postage["value"], postage["hint"]) == (5, "POST", None)
    assert ["product", "POST"] in postage["cells"] and ["amount", 18.0] in postage["cells"]
    assert report.examples["cancellation"][0]["value"] == "C536379"


def test_returns_netted_by_default_and_lines_without_a_customer_quarantined(tmp_path):
    client = load_sales(tmp_path, {"cancellation_prefixes": ["C"], "non_product_codes": ["POST"]})
    report = client.reports["transactions"]
    # Without a customer: rows 4, 9 and 11 are quarantined as before; the cancellation (3) and the return
    # (8) stay and reduce revenue, counted as caveats.
    assert report.reasons == {"missing_value:customer_id": 3, "missing_value:amount": 1}
    assert report.excluded == {"non_product": {"rows": 2, "amount": pytest.approx(25.0)}}
    assert report.warnings["cancellation_lines"] == 1
    assert report.warnings["refund_lines"] == 1  # the cancellation line is counted once, above
    assert sorted(client.tables["transactions"].index) == [2, 3, 7, 8]
    assert report.rows_read == report.rows_used + report.rows_quarantined + report.rows_excluded


def test_without_rules_nothing_is_excluded(tmp_path):
    report = load_sales(tmp_path).reports["transactions"]
    assert (report.rows_excluded, report.excluded) == (0, {})
    assert report.rows_read == report.rows_used + report.rows_quarantined


def test_amount_from_quantity_and_unit_price(tmp_path):
    csv = (
        "Дата;Клиент;Кол-во;Цена\n"
        "10.01.2026;17850;6;2,55\n"
        "11.01.2026;17850;-2;2,55\n"
        "12.01.2026;13047;;1,00\n"  # no quantity: quarantined
        "13.01.2026;13047;3;\n"  # no price: quarantined
    )
    sales = {
        "file": "data/sales.csv",
        "columns": {"date": "Дата", "customer_id": "Клиент", "quantity": "Кол-во", "unit_price": "Цена"},
    }
    client = load_sales(tmp_path, sales=sales, csv=csv)
    lines = client.tables["transactions"]
    assert lines["amount"].tolist() == pytest.approx([15.3, -5.1])
    assert client.reports["transactions"].reasons == {
        "missing_value:quantity": 1,
        "missing_value:unit_price": 1,
    }


def test_amount_or_quantity_and_price_must_be_mapped():
    raw = {
        "name": "x",
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "data": {
            "deals": DEALS,
            # Without a preset the mapping is complete in client.yaml and is checked when it is read.
            "transactions": {"file": "s.csv", "preset": "none", "columns": {"date": "D", "customer_id": "C"}},
        },
        "funnel": {"stages": ["a", "b"], "won_stages": ["w"], "lost_stages": ["l"]},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    assert "required column(s) amount not mapped" in info.value.problems[0]


def test_a_bad_pattern_is_a_config_error_naming_the_field():
    raw = {
        "name": "x",
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "data": {"deals": DEALS, "transactions": {**SALES, "cleaning": {"non_product_patterns": ["(gift"]}}},
        "funnel": {"stages": ["a", "b"], "won_stages": ["w"], "lost_stages": ["l"]},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    assert info.value.problems[0].startswith("data.transactions.cleaning.non_product_patterns:")
    assert "'(gift' is not a valid regular expression" in info.value.problems[0]


CUSTOMERS = {
    "file": "data/customers.csv",
    "columns": {"customer_id": "Клиент", "potential": "Потенциал"},
}
# The repeated 13047 is quarantined as a duplicate: the criterion is parsed for the rows kept.
CUSTOMERS_CSV = "Клиент;Потенциал;Сотрудников\n17850;1 000 000;250\n13047;;много\n13047;5;7\n"


def test_numeric_customer_columns_named_as_criteria_are_parsed(tmp_path):
    extra = {"files": {"customers.csv": CUSTOMERS_CSV}, "data": {"customers": CUSTOMERS}}
    root = make_client(
        tmp_path,
        {"deals": DEALS, "transactions": SALES, "customers": CUSTOMERS},
        {"deals.csv": DEALS_CSV, "sales.csv": SALES_CSV, **extra["files"]},
    )
    config = (root / "client.yaml").read_text(encoding="utf-8")
    (root / "client.yaml").write_text(
        config + "abc:\n  segments:\n    weights: {revenue: 1, Сотрудников: 1}\n", encoding="utf-8"
    )
    client = load_client(root)
    customers = client.tables["customers"].set_index("customer_id")
    assert customers.loc["17850", "potential"] == 1_000_000
    assert customers.loc["17850", "Сотрудников"] == 250
    assert customers["Сотрудников"].isna().sum() == 1  # "много" is not a number: a caveat, not an error
    assert client.reports["customers"].warnings == {"criterion_not_a_number:Сотрудников": 1}
    assert client.reports["customers"].reasons == {"duplicate_id:customer_id": 1}


def test_a_criterion_column_missing_from_the_file_is_named(tmp_path):
    root = make_client(
        tmp_path,
        {"deals": DEALS, "transactions": SALES, "customers": CUSTOMERS},
        {"deals.csv": DEALS_CSV, "sales.csv": SALES_CSV, "customers.csv": CUSTOMERS_CSV},
    )
    config = (root / "client.yaml").read_text(encoding="utf-8")
    (root / "client.yaml").write_text(
        config + "abc:\n  segments:\n    weights: {Выручка в год: 1}\n", "utf-8"
    )
    with pytest.raises(DataError) as info:
        load_client(root)
    assert "abc.segments.weights.Выручка в год" in str(info.value)
    assert "data/customers.csv" in str(info.value)


def test_criteria_columns_need_a_customers_file():
    raw = {
        "name": "x",
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "data": {"deals": DEALS},
        "funnel": {"stages": ["a", "b"], "won_stages": ["w"], "lost_stages": ["l"]},
        "abc": {"segments": {"weights": {"revenue": 1, "Сотрудников": 1}}},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    assert info.value.problems == [
        "abc.segments.weights: 'Сотрудников' must be column(s) of the customers file, but data.customers is "
        "not configured"
    ]
