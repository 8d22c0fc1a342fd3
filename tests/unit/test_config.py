"""``workbench.config``: client.yaml is validated, and every error names the field and what was expected."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from workbench.config import load_config, parse_config
from workbench.errors import ConfigError

BASE = {
    "name": "ООО «Тест»",
    "period": {"start": "2026-01-01", "end": "2026-03-31"},
    "data": {
        "deals": {
            "file": "data/deals.csv",
            "columns": {"deal_id": "ID", "created_at": "Дата", "stage": "Этап"},
        }
    },
    "funnel": {"stages": ["Контакт", "Переговоры"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]},
}


def config_with(change):
    raw = copy.deepcopy(BASE)
    change(raw)
    return raw


def problems(raw):
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    assert info.value.path == "client.yaml"
    return info.value.problems


def client_folder(tmp_path, text=None, files=("deals.csv",)):
    root = tmp_path / "ooo-test"
    (root / "data").mkdir(parents=True)
    if text is None:
        text = yaml.safe_dump(BASE, allow_unicode=True)
    (root / "client.yaml").write_text(text, encoding="utf-8")
    for name in files:
        (root / "data" / name).write_text("ID,Дата,Этап\n", encoding="utf-8")
    return root


# --- valid configuration ---------------------------------------------------------------------------------


def test_valid_config_loads_with_defaults(tmp_path):
    config = load_config(client_folder(tmp_path))
    assert config.name == "ООО «Тест»"
    assert config.slug == "ooo-test"  # from the folder name
    assert config.locale == "ru"
    assert config.currency == "RUB"
    assert config.period.start == dt.date(2026, 1, 1)
    assert config.period.end == dt.date(2026, 3, 31)
    deals = config.data.deals
    assert deals.columns == {"deal_id": "ID", "created_at": "Дата", "stage": "Этап"}
    assert (deals.encoding, deals.delimiter, deals.header_row, deals.sheet) == ("auto", "auto", 1, None)
    assert config.data.plans is None
    assert config.funnel.stages == ["Контакт", "Переговоры"]
    assert config.funnel.won_label == "Успех"
    assert config.funnel.counting == "credit_skipped"
    assert config.abc.thresholds == (0.8, 0.95)


def test_period_months():
    """1 January to 31 March 2026 is 90 days: 90 / 30.4375 months."""
    config = parse_config(BASE)
    assert config.period.months == pytest.approx(90 / 30.4375)


def test_explicit_slug_is_kept(tmp_path):
    root = client_folder(tmp_path, yaml.safe_dump({**BASE, "slug": "test"}, allow_unicode=True))
    assert load_config(root).slug == "test"


def test_encoding_is_normalised_to_lower_case():
    raw = config_with(lambda r: r["data"]["deals"].update(encoding="CP1251"))
    assert parse_config(raw).data.deals.encoding == "cp1251"


def test_activities_type_may_be_left_unmapped_for_type_columns():
    raw = config_with(
        lambda r: r["data"].update(
            activities={
                "file": "a.csv",
                "columns": {"manager": "М", "date": "Д"},
                "type_columns": {"звонки": "З"},
            }
        )
    )
    assert parse_config(raw).data.activities.type_columns == {"звонки": "З"}


def test_required_column_given_as_default_is_accepted():
    raw = config_with(
        lambda r: r["data"].update(
            plans={"file": "p.csv", "columns": {"period_start": "Месяц"}, "defaults": {"manager": "Отдел"}}
        )
    )
    assert parse_config(raw).data.plans.defaults == {"manager": "Отдел"}


# --- errors name the field and what was expected ---------------------------------------------------------


def test_bad_date_in_period_end():
    assert problems(config_with(lambda r: r["period"].update(end="сентябрь"))) == [
        "period.end: expected a date like 2026-09-30, got 'сентябрь'"
    ]


def test_end_before_start():
    (problem,) = problems(config_with(lambda r: r["period"].update(end="2025-12-31")))
    assert problem.startswith("period: ")
    assert "the end date 2025-12-31 is before the start date 2026-01-01" in problem


def test_unknown_canonical_column():
    (problem,) = problems(config_with(lambda r: r["data"]["deals"]["columns"].update(budget="Бюджет")))
    assert "data.deals.columns: unknown canonical column 'budget'" in problem
    assert "expected one of amount, closed_at, created_at, currency, customer_id, deal_id," in problem


def test_unknown_canonical_column_in_defaults():
    (problem,) = problems(config_with(lambda r: r["data"]["deals"].update(defaults={"valuta": "RUB"})))
    assert "data.deals.columns: unknown canonical column 'valuta'" in problem


def test_required_column_not_mapped_without_a_preset():
    def change(raw):
        raw["data"]["deals"]["columns"].pop("created_at")
        raw["data"]["deals"]["preset"] = "none"

    (problem,) = problems(config_with(change))
    assert "data.deals.columns: required column(s) created_at not mapped" in problem
    assert "canonical_name: header in the file" in problem


def test_required_columns_of_an_optional_table_without_a_preset():
    raw = config_with(
        lambda r: r["data"].update(
            transactions={"file": "s.csv", "preset": "none", "columns": {"amount": "Сумма"}}
        )
    )
    (problem,) = problems(raw)
    assert "data.transactions.columns: required column(s) customer_id, date not mapped" in problem


def test_deals_need_stage_or_status_without_a_preset():
    def change(raw):
        raw["data"]["deals"]["columns"].pop("stage")
        raw["data"]["deals"]["preset"] = "none"

    (problem,) = problems(config_with(change))
    assert "data.deals.columns: map 'stage' or 'status' (or both)" in problem


def test_with_a_preset_unmapped_columns_are_left_to_the_file_headers():
    """preset: auto (the default) or a named preset finds the columns when the file is read."""
    for preset in (None, "auto", "amocrm", "Bitrix24"):
        raw = config_with(lambda r: r["data"]["deals"].update(columns={}))
        if preset:
            raw["data"]["deals"]["preset"] = preset
        config = parse_config(raw)
        assert config.data.deals.preset == (preset or "auto").casefold()


def test_unknown_preset_lists_the_known_ones():
    (problem,) = problems(config_with(lambda r: r["data"]["deals"].update(preset="salesforce")))
    assert (
        "data.deals.preset: expected one of auto, none, amocrm, bitrix24, hubspot, pipedrive, generic"
        in problem
    )
    assert "'salesforce'" in problem


def test_the_config_knows_the_presets_io_ships():
    from workbench.io.presets import preset_names
    from workbench.resources import preset_names as names_without_io

    assert names_without_io() == preset_names()


def test_merge_spellings_names_canonical_columns():
    (problem,) = problems(config_with(lambda r: r["data"]["deals"].update(merge_spellings=["Менеджер"])))
    assert "unknown canonical column 'Менеджер'" in problem


@pytest.mark.parametrize("thresholds", [[0.95, 0.8], [0.8, 0.8], [0.0, 0.9], [0.8, 1.0]])
def test_abc_thresholds_out_of_order(thresholds):
    assert problems(config_with(lambda r: r.update(abc={"thresholds": thresholds}))) == [
        f"abc.thresholds: expected two shares 0 < A < B < 1 such as [0.8, 0.95], got {thresholds}"
    ]


def test_stage_listed_twice_in_one_list():
    """Case and surrounding spaces do not make a different stage."""
    (problem,) = problems(
        config_with(lambda r: r["funnel"].update(stages=["Контакт", "Переговоры", " контакт"]))
    )
    assert problem == "funnel: stage ' контакт' is listed twice (in stages and stages)"


def test_stage_listed_as_won_and_lost():
    (problem,) = problems(config_with(lambda r: r["funnel"].update(won_stages=["Отказ"])))
    assert problem == "funnel: stage 'Отказ' is listed twice (in won_stages and lost_stages)"


def test_alias_to_an_unknown_stage():
    (problem,) = problems(config_with(lambda r: r["funnel"].update(stage_aliases={"КП": "Предложение"})))
    assert problem == "funnel: stage_aliases: 'КП' points to 'Предложение', which is not a configured stage"


def test_misspelt_field():
    assert problems(config_with(lambda r: r.update(nmae="x"))) == [
        "nmae: expected no such field (check the spelling)"
    ]


def test_missing_required_field():
    assert problems(config_with(lambda r: r.pop("name"))) == [
        "name: expected a value (the field is required)"
    ]


def test_unknown_encoding():
    (problem,) = problems(config_with(lambda r: r["data"]["deals"].update(encoding="mac-cyrillic")))
    assert problem.startswith("data.deals.encoding: expected one of [")
    assert "'cp1251'" in problem
    assert problem.endswith("got 'mac-cyrillic'")


def test_header_row_must_be_positive():
    (problem,) = problems(config_with(lambda r: r["data"]["deals"].update(header_row=0)))
    assert problem.startswith("data.deals.header_row: ")


def test_every_bad_field_is_reported():
    raw = config_with(lambda r: (r["period"].update(end="x"), r.update(locale="de")))
    found = problems(raw)
    assert len(found) == 2
    assert any(p.startswith("locale: ") and "'ru' or 'en'" in p for p in found)
    assert "period.end: expected a date like 2026-09-30, got 'x'" in found


@pytest.mark.parametrize("raw", [None, [1, 2], "name: x"])
def test_top_level_must_be_a_mapping(raw):
    assert problems(raw) == ["expected a mapping of 'key: value' lines at the top level"]


# --- files -----------------------------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line(tmp_path):
    text = "name: Тест\nperiod:\n\tstart: 2026-01-01\n"
    with pytest.raises(ConfigError) as info:
        load_config(client_folder(tmp_path, text))
    assert info.value.path.endswith("client.yaml")
    assert "YAML syntax error at line 3, column 1" in str(info.value)


def test_yaml_unclosed_quote_names_the_line(tmp_path):
    text = "name: Тест\nlocale: ru\ncurrency: 'RUB\nperiod: x\n"
    with pytest.raises(ConfigError, match=r"YAML syntax error at line \d+"):
        load_config(client_folder(tmp_path, text))


def test_a_date_that_does_not_exist_is_a_config_error(tmp_path):
    text = "name: Тест\nperiod:\n  start: 2026-13-01\n  end: 2026-09-30\n"
    with pytest.raises(ConfigError) as info:
        load_config(client_folder(tmp_path, text))
    assert info.value.path.endswith("client.yaml")
    assert "a date that does not exist (month must be in 1..12)" in str(info.value)


def test_config_not_utf8(tmp_path):
    root = client_folder(tmp_path)
    (root / "client.yaml").write_bytes(yaml.safe_dump(BASE, allow_unicode=True).encode("cp1251"))
    with pytest.raises(ConfigError, match="not UTF-8 text; save the file as UTF-8"):
        load_config(root)


def test_config_file_missing(tmp_path):
    root = client_folder(tmp_path)
    (root / "client.yaml").unlink()
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.path == str(root / "client.yaml")
    assert info.value.problems == ["file not found"]


def test_client_folder_missing(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nobody")
    assert info.value.problems == ["client folder not found"]


def test_data_file_missing(tmp_path):
    root = client_folder(tmp_path, files=())
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.problems == ["data.deals.file: 'data/deals.csv' not found in the client folder"]


def test_validation_error_from_file_names_the_file(tmp_path):
    raw = config_with(lambda r: r["period"].update(end="сентябрь"))
    root = client_folder(tmp_path, yaml.safe_dump(raw, allow_unicode=True))
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert (
        str(info.value)
        == f"{root / 'client.yaml'}: period.end: expected a date like 2026-09-30, got 'сентябрь'"
    )
