"""Presets of CRM exports: each system's export and a hand-made variant of it give the same canonical tables.

The fixtures in tests/fixtures/presets are synthetic (written by make_fixtures.py there) and reproduce the
formats of the research notes: amoCRM's 76-column header with «Бюджет » and repeated names, «не закрыта»,
quoted line breaks; Bitrix24's ';' CSV and its HTML-table ".xls"; Pipedrive's "Deal - ..." columns;
HubSpot's labels and internal stage ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbench.audit import run_analyses
from workbench.errors import ConfigError, DataError
from workbench.io.load import canonical_only, load_client
from workbench.io.presets import presets
from workbench.tables import TABLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "presets"
COMPARED = ["deal_id", "created_at", "closed_at", "stage", "status", "amount", "manager", "customer_id"]

AMO_FUNNEL = {
    "stages": ["Первичный контакт", "Переговоры", "Принимают решение", "Согласование договора"],
    "won_stages": ["Продажа"],
    "lost_stages": ["Отказ"],
}
BITRIX_FUNNEL = {
    "stages": ["Новая", "Подготовка документов", "Счёт на предоплату", "В работе"],
    "won_stages": ["Сделка успешна"],
    "lost_stages": ["Сделка провалена"],
}
PIPEDRIVE_FUNNEL = {
    "stages": ["Qualified", "Contact Made", "Demo Scheduled", "Proposal Made"],
    "won_stages": ["Won"],
    "lost_stages": ["Lost"],
}
HUBSPOT_FUNNEL = {
    "stages": ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Contract Sent"],
    "won_stages": ["Closed Won"],
    "lost_stages": ["Closed Lost"],
}
GENERIC_FUNNEL = {
    "stages": ["Контакт", "Переговоры", "Решение", "Договор"],
    "won_stages": ["Успех"],
    "lost_stages": ["Отказ"],
}


def client(tmp_path: Path, files: dict[str, str], funnel: dict, **extra) -> Path:
    """A client folder whose data/ holds copies of fixture files; ``files`` maps table -> fixture name."""
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True, exist_ok=True)
    data = {}
    for table, name in files.items():
        shutil.copy(FIXTURES / name, root / "data" / name)
        data[table] = {"file": f"data/{name}", **extra.get(table, {})}
    config = {
        "name": "ООО «Тест»",
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)},
        "data": data,
        "funnel": funnel,
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


def load(tmp_path: Path, files: dict[str, str], funnel: dict, **extra):
    root = client(tmp_path, files, funnel, **extra)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "data").iterdir()}
    data = load_client(root)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "data").iterdir()}
    assert before == after, "the client's files must not change"
    for report in data.reports.values():
        assert report.balanced
    return data


def canonical(data, table: str = "deals", columns: list[str] = COMPARED) -> pd.DataFrame:
    frame = canonical_only(data.tables[table], table)[columns].reset_index(drop=True)
    return frame.sort_values(columns[0], kind="stable").reset_index(drop=True)


def same_tables(a, b, columns: list[str] = COMPARED) -> None:
    pd.testing.assert_frame_equal(
        canonical(a, columns=columns), canonical(b, columns=columns), check_dtype=False
    )


# --- the preset files ------------------------------------------------------------------------------------


def test_every_preset_file_is_valid():
    found = presets()
    assert list(found) == ["amocrm", "bitrix24", "hubspot", "pipedrive", "generic"]
    for preset in found.values():
        for table, spec in preset.tables.items():
            assert table in TABLES, (preset.name, table)
            known = {c.name for c in TABLES[table]}
            assert set(spec.columns) <= known, (preset.name, table, set(spec.columns) - known)
            assert set(spec.fill_from) <= known
            assert all(spec.columns.values()), "every canonical column needs at least one candidate header"
            if preset.name != "generic":
                assert len(spec.detect) >= spec.min_matches


# --- amoCRM / Kommo --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def amocrm(tmp_path_factory):
    return load(tmp_path_factory.mktemp("amo"), {"deals": "amocrm_leads.csv"}, AMO_FUNNEL)


def test_amocrm_export_keeps_the_real_quirks():
    """The fixture has the real export's format (datasets README §4), so the test below means something."""
    raw = (FIXTURES / "amocrm_leads.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    header = raw.decode("utf-8").split("\n", 1)[0].split(",")
    assert len(header) == 76 and header[2] == "Бюджет "
    assert [h for h in set(header) if header.count(h) > 1] != []
    assert {"Источник", "Товар", "cid", "roistat"} <= {h for h in header if header.count(h) > 1}
    text = raw.decode("utf-8")
    assert "не закрыта" in text and '"Монтаж линии\nэтап 2"' in text
    assert text.count("\n") > 9  # 8 records on more lines: quoted line breaks


def test_amocrm_is_recognised_and_read(amocrm):
    report = amocrm.reports["deals"]
    assert report.preset.name == "amocrm" and report.preset.how == "detected"
    assert {"Этап сделки", "Бюджет", "Дата создания сделки", "Воронка"} <= set(report.preset.matched)
    assert report.columns["amount"] == "Бюджет"  # the trailing space of «Бюджет » does not matter
    assert report.columns["source"] == "Источник"  # the first of the repeated «Источник» is the deal's
    assert report.preset.stage_aliases == {
        "Успешно реализовано": "Продажа",
        "Закрыто и не реализовано": "Отказ",
    }
    deals = amocrm.deals.set_index("deal_id")
    assert (report.rows_read, report.rows_used) == (8, 8)
    assert deals.loc["102", "title"] == "Монтаж линии\nэтап 2"
    assert deals.loc["101", "source"] == "Сайт"
    assert pd.isna(deals.loc["101", "closed_at"])  # «не закрыта»
    assert deals.loc["103", "closed_at"] == pd.Timestamp(2026, 1, 20, 16, 0)
    assert deals.loc["103", "stage"] == "Продажа" and deals.loc["103", "status"] == "won"
    assert deals.loc["104", "status"] == "lost" and pd.isna(deals.loc["104", "amount"])  # budget 0: unknown
    assert report.warnings["zero_amount_as_unknown"] == 1


def test_kommo_english_xlsx_variant_gives_the_same_tables(amocrm, tmp_path):
    variant = load(tmp_path, {"deals": "amocrm_kommo_en.xlsx"}, AMO_FUNNEL)
    report = variant.reports["deals"]
    assert report.preset.name == "amocrm"
    assert report.columns["amount"] == "Budget, ₽"
    assert report.preset.stage_aliases == {"Closed - won": "Продажа", "Closed - lost": "Отказ"}
    same_tables(amocrm, variant, [*COMPARED, "source"])


def test_renamed_system_stage_is_configured_in_client_yaml(tmp_path):
    """Accounts rename «Успешно реализовано»; the funnel's aliases say what the new name means."""
    text = (
        (FIXTURES / "amocrm_leads.csv").read_text(encoding="utf-8").replace("Успешно реализовано", "Оплачено")
    )
    root = client(tmp_path, {}, AMO_FUNNEL)
    (root / "data" / "leads.csv").write_text(text, encoding="utf-8")
    config = yaml.safe_load((root / "client.yaml").read_text(encoding="utf-8"))
    config["data"] = {"deals": {"file": "data/leads.csv"}}
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert load_client(root).reports["deals"].reasons == {"unknown_stage": 2}  # not guessed
    config["funnel"]["stage_aliases"] = {"Оплачено": "Продажа"}
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    deals = load_client(root).deals.set_index("deal_id")
    assert deals.loc[["103", "106"], "status"].tolist() == ["won", "won"]


def test_preset_named_in_client_yaml_and_explicit_columns_win(tmp_path):
    data = load(
        tmp_path,
        {"deals": "amocrm_leads.csv"},
        AMO_FUNNEL,
        deals={"preset": "amocrm", "columns": {"source": "Полное имя контакта"}},
    )
    report = data.reports["deals"]
    assert report.preset.how == "configured"
    assert report.preset.from_config == {"source": "Полное имя контакта"}
    assert report.columns["source"] == "Полное имя контакта"
    assert data.deals.set_index("deal_id").loc["101", "source"] == "Fake Name 101"


def test_preset_none_uses_only_the_columns_of_client_yaml(tmp_path):
    columns = {"deal_id": "ID", "created_at": "Дата создания сделки", "stage": "Этап сделки"}
    data = load(
        tmp_path, {"deals": "amocrm_leads.csv"}, AMO_FUNNEL, deals={"preset": "none", "columns": columns}
    )
    report = data.reports["deals"]
    assert report.preset.name is None and report.preset.how == "columns"
    assert report.columns == columns
    assert data.deals["manager"].eq("—").all()  # not mapped: no manager
    # Without the preset, the system stages are not known: won and lost deals are quarantined, with hints.
    assert report.reasons == {"unknown_stage": 4}


def test_a_preset_without_the_table_is_a_config_error(tmp_path):
    files = {"deals": "amocrm_leads.csv", "stage_events": "amocrm_events.csv"}
    root = client(tmp_path, files, AMO_FUNNEL, stage_events={"preset": "hubspot"})
    with pytest.raises(ConfigError) as caught:
        load_client(root)
    assert "data.stage_events.preset: hubspot has no mapping for stage_events (it has: deals)" in str(
        caught.value
    )


def test_amocrm_events_export_becomes_stage_history(tmp_path):
    data = load(tmp_path, {"deals": "amocrm_leads.csv", "stage_events": "amocrm_events.csv"}, AMO_FUNNEL)
    report = data.reports["stage_events"]
    assert report.preset.name == "amocrm" and report.preset.how == "detected"
    # Deal creations and tasks are events of other kinds: counted, not part of the history.
    assert report.reasons == {"not_stage_change": 16}
    assert report.rows_used == report.rows_read - 16
    events = data.tables["stage_events"]
    assert set(events["stage"]) == {*AMO_FUNNEL["stages"], "Продажа", "Отказ"}
    lost_at = data.deals.set_index("deal_id")["lost_at_stage"]
    assert lost_at["104"] == "Переговоры" and lost_at["107"] == "Первичный контакт"
    assert data.reports["deals"].warnings["lost_at_stage_from_history"] == 2
    # 16 of 41 rows are other events by design: that is no sign of poor data.
    findings = {f.code for f in run_analyses(data, dt.date(2026, 11, 23)).findings}
    assert "data_quarantine" not in findings and report.rows_rejected == 0


# --- Bitrix24 --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bitrix(tmp_path_factory):
    files = {"deals": "bitrix24_deals.csv", "stage_events": "bitrix24_stage_history.csv"}
    return load(tmp_path_factory.mktemp("bitrix"), files, BITRIX_FUNNEL)


def test_bitrix24_csv_is_recognised_and_read(bitrix):
    report = bitrix.reports["deals"]
    assert report.preset.name == "bitrix24" and report.delimiter == ";"
    assert report.columns["customer_id"] == "Компания: Название компании"
    deals = bitrix.deals.set_index("deal_id")
    assert deals.loc["102", "amount"] == 480000.0  # «480 000,00»
    assert deals.loc["103", "status"] == "won" and deals.loc["104", "status"] == "lost"
    # Open deals carry an expected close date: it is not a fact and is not used.
    assert deals.loc[["101", "102", "105", "108"], "closed_at"].isna().all()
    assert report.warnings["open_close_date_ignored"] == 4
    assert "other_currency" not in report.warnings  # «Российский рубль» is the client's RUB


def test_bitrix24_html_xls_gives_the_same_tables(bitrix, tmp_path):
    variant = load(tmp_path, {"deals": "DEAL_20260301_3f2a1b_9c8d7e.xls"}, BITRIX_FUNNEL)
    report = variant.reports["deals"]
    assert report.file_format == "html" and report.preset.name == "bitrix24"
    same_tables(bitrix, variant, [*COMPARED, "title", "loss_reason"])


def test_bitrix24_stage_history_codes_and_lost_stage(bitrix):
    report = bitrix.reports["stage_events"]
    assert report.preset.name == "bitrix24"
    assert report.preset.stage_aliases["WON"] == "Сделка успешна"
    assert report.preset.stage_aliases["PREPARATION"] == "Подготовка документов"
    assert report.rows_quarantined == 0
    lost_at = bitrix.deals.set_index("deal_id")["lost_at_stage"]
    assert lost_at["104"] == "Подготовка документов" and lost_at["107"] == "Новая"


def test_bitrix24_pipeline_prefix_and_foreign_currency(tmp_path):
    text = (FIXTURES / "bitrix24_deals.csv").read_text(encoding="utf-8")
    text = text.replace(";Сделка успешна;", ";C2:WON;", 1).replace("Российский рубль", "USD", 1)
    root = client(tmp_path, {}, BITRIX_FUNNEL)
    (root / "data" / "deals.csv").write_text(text, encoding="utf-8")
    config = yaml.safe_load((root / "client.yaml").read_text(encoding="utf-8"))
    config["data"] = {"deals": {"file": "data/deals.csv"}}
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    data = load_client(root)
    deals = data.deals.set_index("deal_id")
    assert deals.loc["103", "status"] == "won"  # «C2:WON»: the pipeline prefix is dropped
    assert pd.isna(deals.loc["101", "amount"])  # an amount in USD in a RUB audit is unknown, not converted
    assert data.reports["deals"].warnings["other_currency"] == 1


# --- Pipedrive and HubSpot -------------------------------------------------------------------------------


def test_pipedrive_export_and_variant(tmp_path):
    export = load(tmp_path / "a", {"deals": "pipedrive_deals.csv"}, PIPEDRIVE_FUNNEL)
    variant = load(tmp_path / "b", {"deals": "pipedrive_variant.xlsx"}, PIPEDRIVE_FUNNEL)
    for data in (export, variant):
        assert data.reports["deals"].preset.name == "pipedrive"
        assert data.reports["deals"].reasons == {}
    # The variant has no «Deal closed on»: won and lost times fill the close date.
    assert variant.reports["deals"].columns["closed_at (fill)"] == "Deal - Won time"
    same_tables(export, variant, [*COMPARED, "loss_reason", "lost_at_stage"])
    deals = export.deals.set_index("deal_id")
    assert deals.loc["104", "status"] == "lost" and deals.loc["104", "lost_at_stage"] == "Contact Made"
    assert deals.loc["103", "status"] == "won"


def test_hubspot_export_and_variant_with_internal_stage_ids(tmp_path):
    export = load(tmp_path / "a", {"deals": "hubspot_deals.csv"}, HUBSPOT_FUNNEL)
    variant = load(tmp_path / "b", {"deals": "hubspot_variant.csv"}, HUBSPOT_FUNNEL)
    assert export.reports["deals"].preset.name == variant.reports["deals"].preset.name == "hubspot"
    assert variant.reports["deals"].preset.stage_aliases["closedwon"] == "Closed Won"
    same_tables(export, variant, [*COMPARED, "loss_reason"])
    assert export.reports["deals"].warnings["open_close_date_ignored"] == 4


# --- generic ---------------------------------------------------------------------------------------------


def test_generic_names_and_a_russian_hand_made_variant(tmp_path):
    export = load(tmp_path / "a", {"deals": "generic_deals.csv"}, GENERIC_FUNNEL)
    variant = load(tmp_path / "b", {"deals": "generic_variant.csv"}, GENERIC_FUNNEL)
    for data in (export, variant):
        choice = data.reports["deals"].preset
        assert (choice.name, choice.how, choice.matched) == ("generic", "detected", ())
    assert variant.reports["deals"].encoding == "cp1251"
    assert variant.reports["deals"].columns["deal_id"] == "Номер сделки"
    same_tables(export, variant, [*COMPARED, "source", "loss_reason"])


def test_an_unknown_export_without_a_mapping_names_what_is_missing(tmp_path):
    root = client(tmp_path, {}, GENERIC_FUNNEL)
    (root / "data" / "deals.csv").write_text("Код;Когда;Кто\n1;01.01.2026;Иван\n", encoding="utf-8")
    config = yaml.safe_load((root / "client.yaml").read_text(encoding="utf-8"))
    config["data"] = {"deals": {"file": "data/deals.csv"}}
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_client(root)
    message = str(caught.value)
    assert message.startswith("data/deals.csv")
    assert "deal_id" in message and "created_at" in message and "stage" in message
    assert "not recognised as a known CRM export" in message
    assert "data.deals.columns.deal_id" in message and "'Код', 'Когда', 'Кто'" in message
