"""Safety of what the workbench reads and writes: formula injection, YAML tags, paths leaving the client
folder, client text in HTML, and the pseudonyms of ``--anonymize``."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import openpyxl
import pandas as pd
import pytest
import yaml

from workbench.config import load_config
from workbench.errors import ConfigError
from workbench.io.atomic import write_csv, write_xlsx
from workbench.io.load import load_client
from workbench.io.privacy import KEY_FILE, anonymize_client
from workbench.present.i18n import Messages

FORMULAS = ["=1+1", "+7 916 000", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","y")', "\tcmd"]


def test_csv_output_neutralises_formulas(tmp_path):
    frame = pd.DataFrame({"value": pd.array([*FORMULAS, "ok", None], dtype="string"), "row": range(8)})
    text = write_csv(tmp_path / "q.csv", frame).read_bytes().decode("utf-8-sig")
    cells = [line.split(";")[0] for line in text.splitlines()[1:]]
    assert all(cell.strip('"').startswith("'") for cell in cells[: len(FORMULAS)])
    assert cells[len(FORMULAS)] == "ok"


def test_xlsx_output_keeps_formulas_as_text(tmp_path):
    frame = pd.DataFrame({"value": pd.array([*FORMULAS, None], dtype="string"), "row": range(7)})
    sheet = openpyxl.load_workbook(write_xlsx(tmp_path / "q.xlsx", frame, "q")).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells[: len(FORMULAS)]] == FORMULAS  # shown as written
    assert {c.data_type for c in cells[: len(FORMULAS)]} == {"s"}  # text, never a formula ("f")
    assert cells[-1].value is None


def _client(tmp_path, deals_csv: str, name: str = "ООО «Тест»"):
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True)
    (root / "data" / "deals.csv").write_text(deals_csv, encoding="utf-8")
    config = {
        "name": name,
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)},
        "data": {"deals": {"file": "data/deals.csv"}},
        "funnel": {"stages": ["Контакт", "Переговоры"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]},
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


DEALS = (
    "deal_id,created_at,stage,manager,customer_id\n"
    "1,01.02.2026,Контакт,Иван Петров,ООО Альфа\n"
    "2,02.02.2026,Успех,Анна Смирнова,ООО Бета\n"
    "3,03.02.2026,Отказ,иван  петров,ООО Альфа\n"
    "4,04.02.2026,Перегворы,Анна Смирнова,\n"
    "5,05.02.2026;broken\n"
)


def test_yaml_tags_are_refused(tmp_path):
    root = _client(tmp_path, DEALS)
    marker = tmp_path / "pwned"
    text = (root / "client.yaml").read_text(encoding="utf-8")
    text = text.replace("name: ООО «Тест»", f'name: !!python/object/apply:os.system ["touch {marker}"]')
    (root / "client.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert "YAML tag not allowed at line" in str(caught.value)
    assert not marker.exists()


def test_a_data_folder_linked_outside_the_client_folder_is_refused(tmp_path):
    root = _client(tmp_path, DEALS)
    outside = tmp_path / "elsewhere"
    shutil.move(root / "data", outside)
    os.symlink(outside, root / "data")
    with pytest.raises(ConfigError, match="points outside the client folder"):
        load_client(root)


def test_a_link_inside_the_client_folder_is_followed(tmp_path):
    root = _client(tmp_path, DEALS)
    (root / "exports").mkdir()
    shutil.move(root / "data" / "deals.csv", root / "exports" / "deals.csv")
    os.symlink(root / "exports" / "deals.csv", root / "data" / "deals.csv")
    assert load_client(root).reports["deals"].rows_read == 5


def test_an_anonymization_key_linked_outside_is_refused(tmp_path):
    root = _client(tmp_path, DEALS)
    outside = tmp_path / "key.yaml"
    outside.write_text("managers: {}\n", encoding="utf-8")
    os.symlink(outside, root / KEY_FILE)
    with pytest.raises(ConfigError, match="points outside the client folder"):
        anonymize_client(load_client(root), "ru")


def test_client_text_is_escaped_in_every_data_quality_text(tmp_path):
    from workbench.audit import run_analyses
    from workbench.present.registry import render_section

    script = "<script>alert(1)</script>"
    deals = DEALS.replace("Иван Петров", script).replace("иван  петров", "<SCRIPT>alert(1)</SCRIPT>")
    audit = run_analyses(load_client(_client(tmp_path, deals)), dt.date(2026, 11, 23))
    t = Messages("ru")
    html = str(render_section("data", t, audit)) + str(render_section("appendix_data", t, audit))
    assert "spelling_variants:manager" in audit.data.reports["deals"].warnings
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- pseudonyms --------------------------------------------------------------------------------------------


def test_pseudonyms_replace_names_everywhere_and_are_stable(tmp_path):
    root = _client(tmp_path, DEALS)
    plain = load_client(root)
    names = {"Иван Петров", "иван  петров", "Анна Смирнова", "ООО Альфа", "ООО Бета"}
    first = anonymize_client(plain, "ru")
    assert first.anonymized and (root / KEY_FILE).is_file()
    text = " ".join(
        [
            first.tables["deals"].to_csv(),
            first.quarantine.to_csv(),
            repr({t: r.examples for t, r in first.reports.items()}),
        ]
    )
    assert not [n for n in names if n in text]
    assert "5,05.02.2026;broken" not in text  # a broken row's raw text is hidden
    deals = first.tables["deals"].set_index("deal_id")
    # New names are numbered in alphabetical order: Анна, Иван, иван.
    assert deals.loc["2", "manager"] == "Менеджер 01" and deals.loc["1", "manager"] == "Менеджер 02"
    assert deals.loc["1", "customer_id"] == deals.loc["3", "customer_id"] == "Клиент 0001"
    assert list(first.tables["deals"].columns) == list(plain.tables["deals"].columns[:14])
    # The same names keep their numbers in the next run and in the other language; new names come next.
    key = yaml.safe_load((root / KEY_FILE).read_text(encoding="utf-8"))
    (root / "data" / "deals.csv").write_text(DEALS + "6,06.02.2026,Контакт,Борис Орлов,ООО Альфа\n")
    again = anonymize_client(load_client(root), "en").tables["deals"].set_index("deal_id")
    assert again.loc["1", "manager"] == "Manager 02" and again.loc["6", "manager"] == "Manager 04"
    assert yaml.safe_load((root / KEY_FILE).read_text(encoding="utf-8"))["managers"] == {
        **key["managers"],
        "Борис Орлов": 4,
    }
