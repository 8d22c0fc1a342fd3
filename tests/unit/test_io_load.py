"""``load_client`` end to end on tiny client folders: canonical tables, quarantine and the accounting."""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import openpyxl
import pandas as pd
import pytest
import yaml

from workbench.config import resolve_data_path
from workbench.errors import ConfigError, DataError
from workbench.io.load import load_client

FUNNEL = {"stages": ["Контакт", "Переговоры", "Договор"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]}
DEALS = {"file": "data/deals.csv", "columns": {"deal_id": "ID", "created_at": "Создана", "stage": "Этап"}}
DEALS_CSV = "ID,Создана,Этап\n1,01.01.2026,Контакт\n"


def make_client(tmp_path, data, files, funnel=None):
    """A client folder with client.yaml and the given files in data/ (str is written as UTF-8)."""
    root = tmp_path / "acme"
    (root / "data").mkdir(parents=True)
    config = {
        "name": "ООО «Тест»",
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)},
        "data": data,
        "funnel": funnel or FUNNEL,
    }
    (root / "client.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    for name, content in files.items():
        path = root / "data" / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def assert_balanced(client):
    for table, report in client.reports.items():
        assert report.rows_read == report.rows_used + report.rows_quarantined, table
        assert report.balanced, table
        assert client.tables[table].index.nunique() == report.rows_used, table


def quarantined(client, table):
    """(row, reason) pairs of one table's quarantined rows, in row order."""
    q = client.quarantine[client.quarantine["table"] == table]
    return list(zip(q["row"].tolist(), q["reason"].tolist(), strict=True))


def by_id(frame, column):
    return dict(zip(frame["deal_id"], frame[column], strict=True))


# --- a deals file with one problem per row, and its stage history ------------------------------------------

MIXED_DEALS = (
    "ID;Создана;Закрыта;Этап;Бюджет;Менеджер\n"
    "1;01.01.2026;10.01.2026;Успех;1 000,50;Иван\n"  # 2 used, won
    "2;02.01.2026;не закрыта;Переговоры;0;Иван\n"  # 3 used, open, zero amount
    "3;31.02.2026;;Контакт;500;Пётр\n"  # 4 invalid_date:created_at
    "4;;;Контакт;500;Пётр\n"  # 5 used, open, no creation date (still a deal at its stage)
    "5;03.01.2026;;Переговоры;;\n"  # 6 used, no manager
    "6;03.01.2026;12.01.2026;Переговоры 2;100;Пётр\n"  # 7 unknown_stage
    "7;04.01.2026;15.01.2026;Отказ;200;Пётр\n"  # 8 used, lost
    "7;04.01.2026;15.01.2026;Отказ;200;Пётр\n"  # 9 duplicate_row
    "7;05.01.2026;15.01.2026;Отказ;300;Пётр\n"  # 10 duplicate_id:deal_id
    "8;05.01.2026;15.01.2026;Договор;300\n"  # 11 bad_field_count
    "9;05.01.2026;15.01.2026;Отказ;300;Пётр\n"  # 12 used, lost
    "10;06.01.2026;32.01.2026;Успех;100;Иван\n"  # 13 invalid_date:closed_at
    "11;06.01.2026;;Контакт;много;Иван\n"  # 14 invalid_number:amount
)
MIXED_HISTORY = (
    "ID сделки,Этап,Дата\n"
    "7,Контакт,04.01.2026\n"  # 2
    "7,Переговоры,05.01.2026\n"  # 3
    "7,Отказ,15.01.2026\n"  # 4
    "99,Контакт,01.01.2026\n"  # 5 unknown_deal
    "9,Контакт,05.01.2026\n"  # 6
    "9,Переговоры,06.01.2026\n"  # 7
    "9,Договор,07.01.2026\n"  # 8
    "9,Отказ,08.01.2026\n"  # 9
    "1,Перговоры,02.01.2026\n"  # 10 unknown_stage
    "1,Контакт,01.01.2026\n"  # 11
    "1,Контакт,01.01.2026\n"  # 12 duplicate_row
)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Loaded once for the module; the tests only read it."""
    tmp_path = tmp_path_factory.mktemp("mixed")
    data = {
        "deals": {
            "file": "data/deals.csv",
            "columns": {
                "deal_id": "ID",
                "created_at": "Создана",
                "closed_at": "Закрыта",
                "stage": "Этап",
                "amount": "Бюджет",
                "manager": "Менеджер",
            },
        },
        "stage_events": {
            "file": "data/history.csv",
            "columns": {"deal_id": "ID сделки", "stage": "Этап", "entered_at": "Дата"},
        },
    }
    root = make_client(tmp_path, data, {"deals.csv": MIXED_DEALS, "history.csv": MIXED_HISTORY})
    return load_client(root)


def test_mixed_deals_accounting(mixed):
    report = mixed.reports["deals"]
    assert (report.rows_read, report.rows_used, report.rows_quarantined) == (13, 6, 7)
    assert report.encoding == "utf-8"
    assert report.delimiter == ";"
    assert_balanced(mixed)
    assert sorted(mixed.deals["deal_id"]) == ["1", "2", "4", "5", "7", "9"]
    assert mixed.deals.index.tolist() == [2, 3, 5, 6, 8, 12]


def test_mixed_deals_quarantine_reasons(mixed):
    assert mixed.reports["deals"].reasons == {
        "invalid_date:created_at": 1,
        "unknown_stage": 1,
        "duplicate_row": 1,
        "duplicate_id:deal_id": 1,
        "bad_field_count": 1,
        "invalid_date:closed_at": 1,
        "invalid_number:amount": 1,
    }
    assert quarantined(mixed, "deals") == [
        (4, "invalid_date:created_at"),
        (7, "unknown_stage"),
        (9, "duplicate_row"),
        (10, "duplicate_id:deal_id"),
        (11, "bad_field_count"),
        (13, "invalid_date:closed_at"),
        (14, "invalid_number:amount"),
    ]


def test_mixed_deals_quarantine_details(mixed):
    q = mixed.quarantine.set_index(["table", "row"])
    assert set(mixed.quarantine["file"][mixed.quarantine["table"] == "deals"]) == {"data/deals.csv"}
    assert q.loc[("deals", 4), "value"] == "31.02.2026"
    assert q.loc[("deals", 4), "field"] == "created_at"
    assert "23.11.2026" in q.loc[("deals", 4), "detail"]
    assert q.loc[("deals", 7), "value"] == "Переговоры 2"
    assert q.loc[("deals", 7), "hint"] == "Переговоры"
    assert "funnel.stage_aliases" in q.loc[("deals", 7), "detail"]
    assert q.loc[("deals", 10), "detail"] == "first seen in row 8"
    assert q.loc[("deals", 11), "value"] == "8;05.01.2026;15.01.2026;Договор;300"
    assert q.loc[("deals", 11), "detail"] == "expected 6 fields, found 5"
    assert q.loc[("deals", 14), "value"] == "много"


def test_mixed_deals_values(mixed):
    deals = mixed.deals
    assert by_id(deals, "status") == {
        "1": "won",
        "2": "open",
        "4": "open",
        "5": "open",
        "7": "lost",
        "9": "lost",
    }
    assert deals.loc[5, "created_at"] is pd.NaT
    assert deals.loc[2, "created_at"] == pd.Timestamp(2026, 1, 1)
    assert deals.loc[2, "closed_at"] == pd.Timestamp(2026, 1, 10)
    assert deals.loc[3, "closed_at"] is pd.NaT  # 'не закрыта'
    assert deals.loc[2, "amount"] == 1000.5
    assert math.isnan(deals.loc[3, "amount"])  # 0 is unknown, not zero revenue
    assert math.isnan(deals.loc[6, "amount"])
    assert deals.loc[6, "manager"] == "—"
    assert mixed.reports["deals"].warnings == {
        "zero_amount_as_unknown": 1,
        "no_created_at": 1,
        "no_manager": 1,
        "lost_at_stage_from_history": 2,
    }


def test_mixed_stage_events(mixed):
    report = mixed.reports["stage_events"]
    assert (report.rows_read, report.rows_used, report.rows_quarantined) == (11, 8, 3)
    assert report.reasons == {"unknown_deal": 1, "unknown_stage": 1, "duplicate_row": 1}
    assert report.delimiter == ","
    assert quarantined(mixed, "stage_events") == [
        (5, "unknown_deal"),
        (10, "unknown_stage"),
        (12, "duplicate_row"),
    ]
    q = mixed.quarantine.set_index(["table", "row"])
    assert q.loc[("stage_events", 5), "value"] == "99"
    assert q.loc[("stage_events", 10), "hint"] == "Переговоры"


def test_lost_at_stage_derived_from_stage_history(mixed):
    """Deal 7 was lost after 'Переговоры', deal 9 after 'Договор'; open and won deals have none."""
    lost_at = by_id(mixed.deals, "lost_at_stage")
    assert lost_at["7"] == "Переговоры"
    assert lost_at["9"] == "Договор"
    assert all(lost_at[d] is pd.NA for d in ["1", "2", "5"])


def test_input_files_are_not_modified(tmp_path):
    root = make_client(
        tmp_path,
        {"deals": {**DEALS, "columns": {**DEALS["columns"], "amount": "Бюджет"}}},
        {"deals.csv": "ID;Создана;Этап;Бюджет\n1;01.01.2026;Контакт;1 000\n2;;Контакт;0\n".encode("cp1251")},
    )
    paths = [root / "client.yaml", root / "data" / "deals.csv"]
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    client = load_client(root)
    assert client.reports["deals"].encoding == "cp1251"
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths] == before
    assert sorted(p.name for p in (root / "data").iterdir()) == ["deals.csv"]


# --- statuses and stages ---------------------------------------------------------------------------------


def test_status_column_with_status_values_and_lost_at_working_stage(tmp_path):
    """Pipedrive: the stage stays a working stage and a status column says won / lost / open."""
    funnel = {**FUNNEL, "status_values": {"lost": ["deleted"], "open": ["Заморожена"]}}
    data = {
        "deals": {
            "file": "data/deals.csv",
            "columns": {"deal_id": "id", "created_at": "add_time", "stage": "stage", "status": "status"},
        }
    }
    csv = (
        "id,add_time,stage,status\n"
        "1,2026-01-01,Контакт,open\n"
        "2,2026-01-02,Переговоры,lost\n"
        "3,2026-01-03,Договор,won\n"
        "4,2026-01-04,Договор,Выиграна\n"
        "5,2026-01-05,Контакт,Заморожена\n"
        "6,2026-01-06,Контакт,\n"
        "7,2026-01-07,Контакт,deleted\n"
        "8,2026-01-08,Успех,\n"
        "9,2026-01-09,Контакт,в архиве\n"
    )
    client = load_client(make_client(tmp_path, data, {"deals.csv": csv}, funnel))
    assert_balanced(client)
    report = client.reports["deals"]
    assert (report.rows_read, report.rows_used, report.rows_quarantined) == (9, 8, 1)
    assert report.reasons == {"unknown_status": 1}
    assert quarantined(client, "deals") == [(10, "unknown_status")]
    deals = client.deals
    assert by_id(deals, "status") == {
        "1": "open",
        "2": "lost",
        "3": "won",
        "4": "won",
        "5": "open",
        "6": "open",  # empty status: from the stage
        "7": "lost",
        "8": "won",  # empty status, won stage
    }
    lost_at = by_id(deals, "lost_at_stage")
    assert lost_at["2"] == "Переговоры"
    assert lost_at["7"] == "Контакт"
    assert sum(v is not pd.NA for v in lost_at.values()) == 2


def test_status_derived_from_won_and_lost_stages(tmp_path):
    csv = (
        "ID,Создана,Этап\n"
        "1,01.01.2026,Контакт\n"
        "2,01.01.2026,Договор\n"
        "3,01.01.2026,успех\n"  # case does not matter
        "4,01.01.2026, Отказ \n"  # nor surrounding spaces
        "5,01.01.2026,\n"  # no stage, no status
    )
    client = load_client(make_client(tmp_path, {"deals": DEALS}, {"deals.csv": csv}))
    assert by_id(client.deals, "status") == {"1": "open", "2": "open", "3": "won", "4": "lost"}
    assert by_id(client.deals, "stage") == {"1": "Контакт", "2": "Договор", "3": "Успех", "4": "Отказ"}
    assert client.reports["deals"].reasons == {"missing_value:stage": 1}
    assert quarantined(client, "deals") == [(6, "missing_value:stage")]
    assert_balanced(client)


def test_stage_aliases_and_lost_at_stage_column(tmp_path):
    funnel = {
        **FUNNEL,
        "stage_aliases": {"Закрыто и не реализовано": "Отказ", "КП": "Переговоры", "успешно": "Успех"},
    }
    data = {
        "deals": {
            "file": "data/deals.csv",
            "columns": {**DEALS["columns"], "lost_at_stage": "Этап отказа"},
        }
    }
    csv = (
        "ID,Создана,Этап,Этап отказа\n"
        "1,01.01.2026,Закрыто и не реализовано,Переговоры\n"
        "2,01.01.2026,Отказ,КП\n"
        "3,01.01.2026,Отказ,Отказ\n"  # a lost stage is not a working stage: unknown
        "4,01.01.2026,Контакт,Договор\n"  # open deal: no loss stage
        "5,01.01.2026,Успешно,\n"
        "6,01.01.2026,Отказ,\n"  # lost, stage of loss unknown, no history
        "7,01.01.2026,Нет такого,\n"  # nothing close: no hint
    )
    client = load_client(make_client(tmp_path, data, {"deals.csv": csv}, funnel))
    assert_balanced(client)
    deals = client.deals
    assert by_id(deals, "stage") == {
        "1": "Отказ",
        "2": "Отказ",
        "3": "Отказ",
        "4": "Контакт",
        "5": "Успех",
        "6": "Отказ",
    }
    assert by_id(deals, "status") == {
        "1": "lost",
        "2": "lost",
        "3": "lost",
        "4": "open",
        "5": "won",
        "6": "lost",
    }
    lost_at = by_id(deals, "lost_at_stage")
    assert (lost_at["1"], lost_at["2"]) == ("Переговоры", "Переговоры")
    assert all(lost_at[d] is pd.NA for d in ["3", "4", "5", "6"])
    report = client.reports["deals"]
    assert report.warnings["unknown_lost_at_stage"] == 1
    assert report.reasons == {"unknown_stage": 1}
    assert client.quarantine.loc[0, "hint"] is pd.NA


# --- amounts ---------------------------------------------------------------------------------------------


def test_zero_and_negative_amounts_are_unknown_with_warnings(tmp_path):
    data = {"deals": {"file": "data/deals.csv", "columns": {**DEALS["columns"], "amount": "Бюджет, ₽"}}}
    csv = (
        "ID;Создана;Этап;Бюджет, ₽\n"
        "1;01.01.2026;Успех;0\n"  # won with a zero amount: unknown, warned
        "2;01.01.2026;Успех;0,00 ₽\n"
        "3;01.01.2026;Контакт;0\n"  # open deal with zero: unknown
        "4;01.01.2026;Успех;-500\n"
        "5;01.01.2026;Успех;1 500\n"
    )
    client = load_client(make_client(tmp_path, data, {"deals.csv": csv}))
    amounts = by_id(client.deals, "amount")
    assert all(math.isnan(amounts[d]) for d in ["1", "2", "3", "4"])
    assert amounts["5"] == 1500.0
    warnings = client.reports["deals"].warnings
    assert warnings["won_without_amount"] == 3
    assert warnings["negative_amount"] == 1
    assert client.reports["deals"].rows_quarantined == 0


# --- activities ------------------------------------------------------------------------------------------


def test_wide_activities_one_row_per_type(tmp_path):
    data = {
        "deals": DEALS,
        "activities": {
            "file": "data/act.csv",
            "columns": {"manager": "Менеджер", "date": "Неделя"},
            "type_columns": {"звонки": "Звонки", "встречи": "Встречи"},
        },
    }
    csv = (
        "Менеджер;Неделя;Звонки;Встречи\n"
        "Иван;05.01.2026;10;2\n"  # 2
        "Пётр;05.01.2026;;1\n"  # 3 empty calls: 0, warned
        "Иван;12.01.2026;abc;3\n"  # 4 invalid_number:звонки
        "Иван;;5;5\n"  # 5 missing_value:date
        "Пётр;12.01.2026;-1;0\n"  # 6 negative: invalid_number:звонки
        "Пётр;19.01.2026;4;x\n"  # 7 invalid_number:встречи
    )
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "act.csv": csv}))
    report = client.reports["activities"]
    assert (report.rows_read, report.rows_used, report.rows_quarantined) == (6, 2, 4)
    assert report.reasons == {
        "invalid_number:звонки": 2,
        "missing_value:date": 1,
        "invalid_number:встречи": 1,
    }
    assert report.warnings == {"empty_count_as_zero": 1}
    assert report.columns["count[звонки]"] == "Звонки"
    assert_balanced(client)
    acts = client.tables["activities"]
    assert len(acts) == 4
    got = {(r.manager, r.type): r.count for r in acts.itertuples()}
    assert got == {
        ("Иван", "звонки"): 10.0,
        ("Иван", "встречи"): 2.0,
        ("Пётр", "звонки"): 0.0,
        ("Пётр", "встречи"): 1.0,
    }
    assert set(acts["date"]) == {pd.Timestamp(2026, 1, 5)}


def test_long_activities_count_one_per_row(tmp_path):
    data = {
        "deals": DEALS,
        "activities": {
            "file": "data/act.csv",
            "columns": {"manager": "Менеджер", "date": "Дата", "type": "Тип"},
        },
    }
    csv = "Менеджер;Дата;Тип\nИван;05.01.2026 10:00;звонок\nПётр;05.01.2026;встреча\nПётр;06.01.2026;\n"
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "act.csv": csv}))
    acts = client.tables["activities"]
    assert acts["count"].tolist() == [1.0, 1.0]
    assert acts["type"].tolist() == ["звонок", "встреча"]
    assert client.reports["activities"].reasons == {"missing_value:type": 1}
    assert_balanced(client)


def test_long_activities_with_counts(tmp_path):
    data = {
        "deals": DEALS,
        "activities": {
            "file": "data/act.csv",
            "columns": {"manager": "Менеджер", "date": "Дата", "type": "Тип", "count": "Кол-во"},
        },
    }
    csv = (
        "Менеджер;Дата;Тип;Кол-во\n"
        "Иван;05.01.2026;звонок;12\n"
        "Иван;05.01.2026;встреча;\n"  # empty count: 0, warned
        "Пётр;05.01.2026;звонок;-3\n"  # negative_count
    )
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "act.csv": csv}))
    assert client.tables["activities"]["count"].tolist() == [12.0, 0.0]
    report = client.reports["activities"]
    assert report.warnings == {"empty_count_as_zero": 1}
    assert report.reasons == {"negative_count": 1}
    assert quarantined(client, "activities") == [(4, "negative_count")]
    assert_balanced(client)


def test_wide_activities_keep_configured_defaults(tmp_path):
    """A department-wide weekly sheet has no manager column; client.yaml gives defaults: {manager: Отдел}."""
    data = {
        "deals": DEALS,
        "activities": {
            "file": "data/act.csv",
            "columns": {"date": "Неделя"},
            "defaults": {"manager": "Отдел"},
            "type_columns": {"звонки": "Звонки"},
        },
    }
    csv = "Неделя;Звонки\n05.01.2026;10\n12.01.2026;3\n"
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "act.csv": csv}))
    assert client.reports["activities"].rows_used == 2
    assert client.tables["activities"]["manager"].tolist() == ["Отдел", "Отдел"]
    assert client.tables["activities"]["count"].tolist() == [10.0, 3.0]


def test_wide_activities_apply_null_values_to_type_columns(tmp_path):
    data = {
        "deals": DEALS,
        "activities": {
            "file": "data/act.csv",
            "columns": {"manager": "Менеджер", "date": "Неделя"},
            "null_values": ["нет данных"],
            "type_columns": {"звонки": "Звонки"},
        },
    }
    csv = "Менеджер;Неделя;Звонки\nИван;05.01.2026;нет данных\nПётр;05.01.2026;3\n"
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "act.csv": csv}))
    report = client.reports["activities"]
    assert report.reasons == {}
    assert report.warnings == {"empty_count_as_zero": 1}
    assert sorted(client.tables["activities"]["count"]) == [0.0, 3.0]


def test_activities_without_type_column_are_not_all_quarantined(tmp_path):
    """Either client.yaml is rejected up front, or the rows are used with the documented default type."""
    data = {
        "deals": DEALS,
        "activities": {"file": "data/act.csv", "columns": {"manager": "Менеджер", "date": "Дата"}},
    }
    csv = "Менеджер;Дата\nИван;05.01.2026\nПётр;06.01.2026\n"
    root = make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "act.csv": csv})
    try:
        client = load_client(root)
    except ConfigError:
        return
    assert client.reports["activities"].rows_used == 2
    assert client.tables["activities"]["type"].notna().all()


# --- plans -----------------------------------------------------------------------------------------------


def test_plans_period_normalised_and_aligned(tmp_path):
    """1 January 2026 is a Thursday: its week starts on Monday 29 December 2025."""
    data = {
        "deals": DEALS,
        "plans": {
            "file": "data/plans.csv",
            "columns": {
                "manager": "Менеджер",
                "period_start": "Начало",
                "period": "Период",
                "target_revenue": "План",
                "target_deals": "Сделок",
            },
        },
    }
    csv = (
        "Менеджер;Начало;Период;План;Сделок\n"
        "Иван;15.01.2026;;100 000;\n"  # 2 month by default, aligned to 01.01
        "Иван;01.01.2026;месяц;200 000;\n"  # 3 same manager and month: duplicate
        "Пётр;07.01.2026;неделя;;5\n"  # 4 Wednesday -> Monday 05.01
        "Пётр;01.01.2026;квартал;1;\n"  # 5 invalid_period
        ";01.02.2026;мес;500000;10\n"  # 6 whole department
        "Пётр;08.01.2026;Неделя;;\n"  # 7 no target
    )
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "plans.csv": csv}))
    report = client.reports["plans"]
    assert (report.rows_read, report.rows_used, report.rows_quarantined) == (6, 3, 3)
    assert report.reasons == {"duplicate_id:manager": 1, "invalid_period": 1, "missing_value:target": 1}
    assert quarantined(client, "plans") == [
        (3, "duplicate_id:manager"),
        (5, "invalid_period"),
        (7, "missing_value:target"),
    ]
    assert report.warnings == {"period_start_aligned": 2}
    plans = client.tables["plans"]
    assert plans.index.tolist() == [2, 4, 6]
    assert plans["period"].tolist() == ["month", "week", "month"]
    assert plans["period_start"].tolist() == [
        pd.Timestamp(2026, 1, 1),
        pd.Timestamp(2026, 1, 5),
        pd.Timestamp(2026, 2, 1),
    ]
    assert plans.loc[6, "manager"] is pd.NA
    assert plans.loc[2, "target_revenue"] == 100000.0
    assert plans.loc[4, "target_deals"] == 5.0
    assert_balanced(client)


def test_plans_period_from_defaults(tmp_path):
    data = {
        "deals": DEALS,
        "plans": {
            "file": "data/plans.csv",
            "columns": {"manager": "Менеджер", "period_start": "Начало", "target_revenue": "План"},
            "defaults": {"period": "неделя"},
        },
    }
    csv = "Менеджер;Начало;План\nИван;05.01.2026;100\nИван;01.01.2026;200\n"
    client = load_client(make_client(tmp_path, data, {"deals.csv": DEALS_CSV, "plans.csv": csv}))
    plans = client.tables["plans"]
    assert plans["period"].tolist() == ["week", "week"]
    assert plans["period_start"].tolist() == [pd.Timestamp(2026, 1, 5), pd.Timestamp(2025, 12, 29)]
    assert client.reports["plans"].warnings == {"period_start_aligned": 1}


# --- XLSX source -----------------------------------------------------------------------------------------


def test_deals_from_xlsx_sheet(tmp_path):
    """Typed cells: a float id 2.0 must become '2', datetime cells stay datetimes."""
    book = openpyxl.Workbook()
    book.active.title = "Инструкция"
    sheet = book.create_sheet("Сделки")
    sheet.append(["Выгрузка из CRM"])
    sheet.append(["ID", "Создана", "Этап", "Бюджет"])
    sheet.append([1, dt.datetime(2026, 1, 5, 9, 0), "Контакт", 1500])
    sheet.append([2.0, "06.01.2026", "Успех", "2 000,5"])
    sheet.append([3, "вчера", "Успех", 10])
    path = tmp_path / "deals.xlsx"
    book.save(path)
    data = {
        "deals": {
            **DEALS,
            "file": "data/deals.xlsx",
            "sheet": "Сделки",
            "header_row": 2,
            "columns": {**DEALS["columns"], "amount": "Бюджет"},
        }
    }
    root = make_client(tmp_path, data, {"deals.xlsx": path.read_bytes()})
    client = load_client(root)
    report = client.reports["deals"]
    assert report.sheet == "Сделки"
    assert (report.rows_read, report.rows_used, report.rows_quarantined) == (3, 2, 1)
    assert quarantined(client, "deals") == [(5, "invalid_date:created_at")]
    deals = client.deals
    assert deals["deal_id"].tolist() == ["1", "2"]
    assert deals["created_at"].tolist() == [pd.Timestamp(2026, 1, 5, 9, 0), pd.Timestamp(2026, 1, 6)]
    assert deals["amount"].tolist() == [1500.0, 2000.5]


# --- errors ----------------------------------------------------------------------------------------------


def test_mapped_header_missing_from_the_file(tmp_path):
    data = {
        "deals": {"file": "data/deals.csv", "columns": {**DEALS["columns"], "created_at": "Дата создания"}}
    }
    csv = "ID,Дата создания сделки,Этап\n1,2026-01-01,Контакт\n"
    with pytest.raises(DataError) as info:
        load_client(make_client(tmp_path, data, {"deals.csv": csv}))
    error = info.value
    assert error.path == "data/deals.csv"
    assert error.field == "Дата создания"
    message = str(error)
    assert message.startswith("data/deals.csv")
    assert "column 'Дата создания' (mapped to deals.created_at in client.yaml) is not in the file" in message
    assert "Did you mean 'Дата создания сделки'?" in message
    assert "'ID', 'Дата создания сделки', 'Этап'" in message


def test_mapped_header_matches_after_normalisation(tmp_path):
    """Case, repeated spaces, 'ё' and a currency suffix do not matter when matching headers."""
    data = {
        "deals": {
            "file": "data/deals.csv",
            "columns": {**DEALS["columns"], "amount": "Бюджет", "manager": "Ответственный"},
        }
    }
    csv = 'id;СОЗДАНА;этап;"Бюджет, руб.";Ответственный  \n1;01.01.2026;Контакт;10;Иван\n'
    client = load_client(make_client(tmp_path, data, {"deals.csv": csv}))
    assert client.reports["deals"].columns == {
        "deal_id": "id",
        "created_at": "СОЗДАНА",
        "stage": "этап",
        "amount": "Бюджет, руб.",
        "manager": "Ответственный",
    }
    assert client.deals["amount"].tolist() == [10.0]


@pytest.mark.parametrize("file", ["../outside.csv", "data/../../outside.csv"])
def test_data_path_outside_the_client_folder(tmp_path, file):
    root = make_client(tmp_path, {"deals": {**DEALS, "file": file}}, {"deals.csv": DEALS_CSV})
    (tmp_path / "outside.csv").write_text(DEALS_CSV, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_client(root)
    assert info.value.path == str(root / "client.yaml")
    assert f"data.deals.file: {file!r} points outside the client folder" in str(info.value)


def test_absolute_data_path_outside_the_client_folder(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(DEALS_CSV, encoding="utf-8")
    root = make_client(tmp_path, {"deals": {**DEALS, "file": str(outside)}}, {})
    with pytest.raises(ConfigError, match="points outside the client folder"):
        load_client(root)


def test_symlink_leading_outside_the_client_folder(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(DEALS_CSV, encoding="utf-8")
    root = make_client(tmp_path, {"deals": DEALS}, {})
    (root / "data" / "deals.csv").symlink_to(outside)
    with pytest.raises(ConfigError, match="points outside the client folder"):
        load_client(root)
    with pytest.raises(ConfigError, match=r"'data/deals\.csv' points outside the client folder"):
        resolve_data_path(root, "data/deals.csv")


def test_resolve_data_path_inside(tmp_path):
    root = make_client(tmp_path, {"deals": DEALS}, {"deals.csv": DEALS_CSV})
    assert resolve_data_path(root, "data/deals.csv") == (root / "data" / "deals.csv").resolve()
    with pytest.raises(ConfigError, match=r"'\.\./x\.csv' points outside the client folder"):
        resolve_data_path(root, "../x.csv")
