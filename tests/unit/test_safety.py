"""Safety of what the workbench reads and writes: formula injection, YAML tags, paths leaving the client
folder, client text in HTML, and the pseudonyms of ``--anonymize``."""

from __future__ import annotations

import datetime as dt
import errno
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


# --- hostile configuration and paths -------------------------------------------------------------------


def _edit_config(root, change):
    path = root / "client.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _config_error(root) -> str:
    with pytest.raises(ConfigError) as caught:
        load_client(root)
    message = str(caught.value)
    assert "Traceback" not in message and "\n" not in message
    return message


def test_a_nul_byte_in_a_data_path_is_refused(tmp_path):
    root = _client(tmp_path, DEALS)
    _edit_config(root, lambda text: text.replace("file: data/deals.csv", 'file: "data/de\\0als.csv"'))
    assert "data.deals.file: 'data/de\\x00als.csv' contains a NUL character" in _config_error(root)


def test_a_data_file_linked_to_itself_is_refused(tmp_path):
    root = _client(tmp_path, DEALS)
    (root / "data" / "deals.csv").unlink()
    os.symlink("deals.csv", root / "data" / "deals.csv")
    assert "points to itself (a link loop)" in _config_error(root)


def test_a_hard_link_is_refused(tmp_path):
    root = _client(tmp_path, DEALS)
    outside = tmp_path / "elsewhere.csv"
    os.link(root / "data" / "deals.csv", outside)  # the same file has a second name outside the folder
    message = _config_error(root)
    assert "data.deals.file: 'data/deals.csv' has 2 hard links" in message
    assert outside.read_text(encoding="utf-8") == DEALS


def test_a_pipe_is_not_called_missing(tmp_path):
    root = _client(tmp_path, DEALS)
    (root / "data" / "deals.csv").unlink()
    os.mkfifo(root / "data" / "deals.csv")
    assert "is a pipe, socket or device, not a regular file" in _config_error(root)


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        ("industry: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested more than 32 levels deep"),
        (
            "period:\n  start: 2026-02-01\n  end: 2026-03-01\n",
            "the key 'period' is given twice, on lines 14 and 17; keep one",
        ),
        ("consultant: *a1\n", "an alias (*name) is not allowed"),
    ],
    ids=["nested_50000_deep", "duplicate_key", "alias"],
)
def test_hostile_yaml_is_refused(tmp_path, addition, expected):
    root = _client(tmp_path, DEALS)
    _edit_config(root, lambda text: text.replace("name:", "x: &a1 [lol]\nname:", 1) + addition)
    assert expected in _config_error(root)


def test_a_billion_laughs_is_refused_at_once(tmp_path):
    """Nine levels of aliases, each ten times the one before: refused at the first alias, not expanded."""
    root = _client(tmp_path, DEALS)
    lines = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    _edit_config(root, lambda text: "\n".join(lines) + "\n" + text.replace("name: ", "name: *a9 #", 1))
    assert "YAML error at line 2, column 10: an alias (*name) is not allowed" in _config_error(root)


def test_an_oversized_client_yaml_is_refused_before_parsing(tmp_path):
    root = _client(tmp_path, DEALS)
    _edit_config(root, lambda text: text + "# " + "x" * (1024 * 1024) + "\n")
    assert "above the limit of 1,048,576 bytes" in _config_error(root)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  start: 2026-01-01", "  start: 0001-01-01"), "period: expected dates between 1990 and 2100"),
        (("  end: 2026-03-31", "  end: 9999-12-31"), "period: expected dates between 1990 and 2100"),
        (("name:", "abc: {d_class: {hour_cost: .inf}}\nname:"), "abc.d_class.hour_cost: expected a finite"),
        (("name:", "abc: {thresholds: [.nan, 0.9]}\nname:"), "abc.thresholds.0: expected a finite number"),
    ],
    ids=["period_from_year_1", "period_to_year_9999", "infinite_hour_cost", "nan_threshold"],
)
def test_out_of_range_configuration_numbers_are_refused(tmp_path, change, expected):
    root = _client(tmp_path, DEALS)
    _edit_config(root, lambda text: text.replace(*change, 1))
    assert expected in _config_error(root)


@pytest.mark.parametrize("value", ["abc", "nan", "-1", "0", "inf"])
def test_the_size_limit_variable_is_validated(tmp_path, monkeypatch, value):
    root = _client(tmp_path, DEALS)
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", value)
    message = _config_error(root)
    assert message == (
        "WORKBENCH_MAX_FILE_MB: expected a number of megabytes above 0 and up to 1048576 (such as 1024), "
        f"got {value!r}"
    )


# --- where the workbench writes ------------------------------------------------------------------------


def _digests(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("where", ["data", ".", "..", "data/sub"])
def test_an_output_folder_among_the_inputs_is_refused(tmp_path, where):
    from workbench.app.run import run_audit

    root = _client(tmp_path, DEALS)
    (root / "data" / "quarantine.csv").write_text("customer_id,name\n1,ООО Альфа\n", encoding="utf-8")
    before = _digests(tmp_path)
    with pytest.raises(ConfigError) as caught:
        run_audit(root, out=root / where, formats=("html",), as_of="2026-11-23")
    assert str(caught.value).startswith("--out: the output folder ")
    assert "the client's files are only ever read" in str(caught.value)
    assert _digests(tmp_path) == before
    assert not (root / "data" / "sub").exists()


def test_an_output_folder_under_a_regular_file_is_one_clear_error(tmp_path):
    from workbench.app.run import run_audit
    from workbench.errors import RunError

    root = _client(tmp_path, DEALS)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(RunError) as caught:
        run_audit(root, out=tmp_path / "a-file" / "out", formats=("html",), as_of="2026-02-28")
    assert str(caught.value).startswith(f"Cannot write the report into {tmp_path / 'a-file' / 'out'}: ")
    assert "choose another --out folder" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "text"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
    ids=["full", "read_only"],
)
def test_a_full_or_read_only_disk_leaves_nothing_half_written(tmp_path, monkeypatch, code, text):
    from workbench.app import run
    from workbench.errors import RunError

    root = _client(tmp_path, DEALS)

    def full(*_args, **_kwargs):
        raise OSError(code, text, str(tmp_path / "out"))

    monkeypatch.setattr(run, "_execute", full)
    with pytest.raises(RunError, match=text):
        run.run_audit(root, out=tmp_path / "out", formats=("html",), as_of="2026-02-28")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left
    assert not list((tmp_path).rglob("report.*"))


def test_a_stale_staging_folder_of_a_dead_run_is_removed(tmp_path, monkeypatch):
    from workbench.app import run

    root = _client(tmp_path, DEALS)
    stale = tmp_path / ".out.partial-999999999"
    stale.mkdir()
    (stale / "report.html").write_text("<html>killed run</html>", encoding="utf-8")
    alive = tmp_path / f".out.partial-{os.getppid()}"
    alive.mkdir()
    monkeypatch.setattr(run, "_execute", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("stop here")))
    with pytest.raises(RuntimeError, match="stop here"):
        run.run_audit(root, out=tmp_path / "out", formats=("html",), as_of="2026-02-28")
    assert not stale.exists()
    assert alive.exists()  # a running process's folder is left alone


def test_audit_refuses_what_check_refuses(tmp_path):
    from workbench.app.check import check_client, error_texts
    from workbench.app.run import run_audit
    from workbench.errors import DataError
    from workbench.present.i18n import Messages

    root = _client(tmp_path, "deal_id,created_at,stage,manager,customer_id\n")
    assert error_texts(check_client(root), Messages("en")) == [
        "data/deals.csv: no deals in the file (only a header); expected one row per deal"
    ]
    with pytest.raises(DataError, match=r"no deals in the file \(only a header\); expected one row per deal"):
        run_audit(root, out=tmp_path / "out", formats=("html",), as_of="2026-11-23")
    assert not (tmp_path / "out").exists()


def test_a_period_without_deals_stops_before_the_notebook(tmp_path):
    from workbench.app.check import check_client, error_texts
    from workbench.app.run import run_audit
    from workbench.errors import DataError
    from workbench.present.i18n import Messages

    root = _client(tmp_path, DEALS)
    _edit_config(
        root, lambda text: text.replace("2026-01-01", "2030-01-01").replace("2026-03-31", "2030-03-31")
    )
    expected = (
        "data/deals.csv: no deal created within the period 2030-01-01–2030-03-31 (its dates run from "
        "2026-02-01 to 2026-02-03); set period in client.yaml to the dates of the data"
    )
    assert error_texts(check_client(root), Messages("en")) == [expected]
    assert error_texts(check_client(root), Messages("ru")) == [
        "data/deals.csv: в периоде 01.01.2030–31.03.2030 нет ни одной созданной сделки (даты в файле — с "
        "01.02.2026 по 03.02.2026); задайте period в client.yaml по датам данных"
    ]
    with pytest.raises(DataError) as caught:
        run_audit(root, out=tmp_path / "out", formats=("html",), as_of="2026-11-23")
    assert expected in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("placed", ["symlink", "folder"])
def test_the_error_log_never_writes_through_a_placed_name(tmp_path, monkeypatch, capsys, placed):
    """A link or a folder placed in the shared temporary folder under the old fixed name is left alone;
    the traceback goes to a new private file, and only one paragraph reaches the terminal."""
    import stat
    import tempfile

    from workbench.app.cli import _fail

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    if placed == "symlink":
        os.symlink(victim, tmp_path / "workbench-error.log")
    else:
        (tmp_path / "workbench-error.log").mkdir()
    with pytest.raises(SystemExit) as exit_code:
        _fail(RuntimeError("boom \x1b[31mred\x1b[0m"))
    assert exit_code.value.code == 1
    assert victim.read_text(encoding="utf-8") == "precious"
    err = capsys.readouterr().err
    assert "Traceback" not in err and "\x1b" not in err and "\\x1b[31mred" in err
    logs = [p for p in tmp_path.iterdir() if p.name.startswith("workbench-error-")]
    assert len(logs) == 1 and str(logs[0]) in err
    assert not logs[0].is_symlink() and stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    assert "RuntimeError: boom" in logs[0].read_text(encoding="utf-8")


def test_control_characters_are_escaped_in_csv_and_xlsx(tmp_path):
    """ESC and VT in a quarantined cell once failed the whole XLSX (openpyxl refuses them)."""
    values = ["Пере\x1bговоры\x0b", "\x00=1+1", "ok\tstill"]
    frame = pd.DataFrame({"value": pd.array(values, dtype="string"), "row": range(3)})
    sheet = openpyxl.load_workbook(write_xlsx(tmp_path / "q.xlsx", frame, "q")).active
    assert [c.value for c in next(sheet.iter_cols(min_row=2, max_col=1))] == [
        "Пере\\x1bговоры\\x0b",
        "\\x00=1+1",
        "ok\tstill",
    ]
    text = write_csv(tmp_path / "q.csv", frame).read_bytes().decode("utf-8-sig")
    assert "\x1b" not in text and "\x0b" not in text and "\x00" not in text
    assert "Пере\\x1bговоры\\x0b" in text


def test_check_prints_no_raw_control_characters(tmp_path):
    from click.testing import CliRunner

    from workbench.app.cli import main

    deals = DEALS.replace("Перегворы", "Пере\x1b[2Jговоры\x0b").replace(
        "Анна Смирнова", "\u202eАнна Смирнова"
    )
    root = _client(tmp_path, deals)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[2J" in result.output


def test_a_catastrophic_pattern_is_refused(tmp_path):
    from workbench.config import TransactionRules

    for pattern in (r"^(\w+\s?)+ по (сделке|договору)$", r"^(а|аа)+$", r"(x{2,})*y"):
        with pytest.raises(ValueError, match="repeats a group that itself repeats or holds alternatives"):
            TransactionRules(non_product_patterns=[pattern])
    assert TransactionRules(non_product_patterns=[r"^[\w\s]+ по (сделке|договору)$"])


def test_patterns_are_matched_once_per_distinct_product(monkeypatch):
    import re
    import types

    from workbench.io import sales_cleaning as cleaning

    searched: list[str] = []

    class Counted:
        def __init__(self, pattern: str):
            self.compiled = re.compile(pattern)

        def search(self, text: str):
            searched.append(text)
            return self.compiled.search(text)

    monkeypatch.setattr(cleaning, "re", types.SimpleNamespace(compile=Counted))
    products = pd.Series(["Доставка по договору", "Насос", None, "Насос", "Доставка по договору"] * 1000)
    mask = cleaning.is_non_product(products.astype("string"), [], [r"^[\w\s]+ по (сделке|договору)$"])
    assert mask.tolist()[:5] == [True, False, False, False, True] and mask.sum() == 2000
    assert sorted(searched) == ["Доставка по договору", "Насос"]


def test_a_stage_history_with_times_reversed_is_flagged(small_client, tmp_path):
    """Each deal's first stage with the latest time: the funnel would look the same, so say so."""
    client = tmp_path / "client"
    shutil.copytree(small_client, client)
    path = client / "data" / "stage_history.csv"
    history = pd.read_csv(path, sep=";", encoding="cp1251", dtype=str)
    assert load_client(client).reports["stage_events"].warnings.get("stage_order_reversed") is None
    times = history.columns[2]
    history[times] = history.groupby(history.columns[0])[times].transform(lambda t: t.iloc[::-1].to_numpy())
    history.to_csv(path, sep=";", encoding="cp1251", index=False)
    report = load_client(client).reports["stage_events"]
    deals_with_history = history.groupby(history.columns[0]).size().gt(1).sum()
    assert report.warnings["stage_order_reversed"] > 0.5 * deals_with_history


def test_check_of_a_header_only_export_with_a_stage_history(small_client, tmp_path):
    """Deals with only their header while the stage history has rows: a clear refusal, no crash."""
    from workbench.app.check import check_client, error_texts
    from workbench.present.i18n import Messages

    client = tmp_path / "client"
    shutil.copytree(small_client, client)
    path = client / "data" / "deals.csv"
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.index(b"\n") + 1])
    assert error_texts(check_client(client), Messages("en")) == [
        "data/deals.csv: no deals in the file (only a header); expected one row per deal"
    ]


def test_an_output_folder_holding_a_link_to_an_input_is_refused(tmp_path):
    """data/deals.csv links to exports/deals.csv: data/ is an input folder all the same."""
    from workbench.app.run import run_audit

    root = _client(tmp_path, DEALS)
    (root / "exports").mkdir()
    shutil.move(root / "data" / "deals.csv", root / "exports" / "deals.csv")
    os.symlink(root / "exports" / "deals.csv", root / "data" / "deals.csv")
    for where in ("data", "exports"):
        with pytest.raises(ConfigError, match=r"the output folder .* is the folder of the input file"):
            run_audit(root, out=root / where, formats=("html",), as_of="2026-11-23")
    assert sorted(p.name for p in (root / "data").iterdir()) == ["deals.csv"]


def test_the_notebook_path_refuses_an_output_folder_among_the_inputs(tmp_path):
    """papermill ... -p output_dir CLIENT/data: the notebook's writer obeys the same rule as --out."""
    from workbench.audit import run_analyses
    from workbench.render.report import Report

    root = _client(tmp_path, DEALS)
    report = Report(run_analyses(load_client(root), dt.date(2026, 11, 23)), "ru")
    before = _digests(root)
    with pytest.raises(ConfigError, match="is the folder of the input file"):
        report.write_outputs(root / "data")
    assert _digests(root) == before
    assert len(report.write_outputs(tmp_path / "out")) == 3


def test_pseudonyms_hide_the_raw_text_of_hostile_rows(tmp_path):
    """A NUL-damaged cell, an over-long name and a runaway quote show raw client text: hidden, as a broken
    row's text is."""
    lines = [f"{i},0{i}.02.2026,Контакт,Иван Петров,ООО Альфа" for i in range(1, 8)]
    lines[0] = lines[0].replace("Иван Петров", "Иван\x00 Петров")
    lines[1] = lines[1].replace("Иван Петров", "Иван Петров" + "ов" * 600)
    lines[2] = lines[2].replace("ООО Альфа", '"ООО Альфа')
    lines[5] = lines[5].replace("ООО Альфа", 'ООО Альфа"')
    deals = "deal_id,created_at,stage,manager,customer_id\n" + "\n".join(lines) + "\n"
    data = load_client(_client(tmp_path, deals))
    assert sorted(data.quarantine["reason"]) == ["nul_character", "runaway_quote", "text_too_long"]
    hidden = anonymize_client(data, "ru")
    text = hidden.quarantine.to_csv() + repr({t: r.examples for t, r in hidden.reports.items()})
    assert "Иван" not in text and "Альфа" not in text
