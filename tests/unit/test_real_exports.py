"""Real exports as they come: shapes of client files that used to crash or mislead the audit."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from workbench.audit import run_analyses
from workbench.frames import lookup
from workbench.io.load import load_client

AMO_FUNNEL = {
    "stages": ["Первичный контакт", "Переговоры"],
    "won_stages": ["Успешно реализовано"],
    "lost_stages": ["Закрыто и не реализовано"],
}


def make_client(tmp_path, data, files, funnel=None, **extra):
    """A client folder with client.yaml and the given files (str written as UTF-8) in data/."""
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True)
    config = {
        "name": "ООО «Тест»",
        "period": {"start": dt.date(2025, 10, 1), "end": dt.date(2025, 12, 31)},
        "data": data,
        "funnel": funnel or AMO_FUNNEL,
        **extra,
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for name, content in files.items():
        path = root / "data" / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


# --- 1. a lost stage with no loss event in the history ------------------------------------------------

AMO_DEALS = (
    "ID,Дата создания сделки,Дата закрытия,Этап сделки,Бюджет\n"
    "1,01.10.2025 10:00:00,10.10.2025 10:00:00,Закрыто и не реализовано,1000\n"
    "2,02.10.2025 10:00:00,не закрыта,Переговоры,2000\n"
)
HISTORY_WITHOUT_LOSS = (
    "deal_id,stage,entered_at\n"
    "1,Первичный контакт,01.10.2025 10:00:00\n"
    "1,Переговоры,03.10.2025 10:00:00\n"
    "2,Первичный контакт,02.10.2025 10:00:00\n"
    "2,Переговоры,04.10.2025 10:00:00\n"
)


def test_lost_deal_without_a_loss_event_in_the_history_is_placed_at_its_last_stage(tmp_path):
    root = make_client(
        tmp_path,
        {"deals": {"file": "data/deals.csv"}, "stage_events": {"file": "data/history.csv"}},
        {"deals.csv": AMO_DEALS, "history.csv": HISTORY_WITHOUT_LOSS},
    )
    data = load_client(root)
    lost = data.deals.set_index("deal_id").loc["1"]
    assert lost["status"] == "lost" and lost["lost_at_stage"] == "Переговоры"
    assert data.reports["deals"].warnings["lost_at_stage_from_history"] == 1
    audit = run_analyses(data, dt.date(2025, 12, 31))  # the whole audit runs
    assert audit.funnel.lost == 1 and audit.funnel.open == 1


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "timedelta64[ns]", "string", "float64", "object"])
def test_lookup_in_an_empty_table_keeps_its_type(dtype):
    keys = pd.Series(["1", "2"], dtype="string", index=[5, 7])
    found = lookup(keys, pd.Series([], dtype=dtype))
    assert found.dtype == dtype and found.isna().all() and list(found.index) == [5, 7]
    table = pd.Series(pd.to_datetime(["2025-10-01"]), index=pd.Index(["2"], dtype="string"))
    assert lookup(keys, table).tolist() == [pd.NaT, pd.Timestamp("2025-10-01")]


# --- 2. the missing manager is not a manager -----------------------------------------------------------

FUNNEL3 = {"stages": ["Контакт", "Переговоры"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]}


def deals_csv(rows):
    """A deals CSV (id, created, closed, stage, amount, manager) from tuples."""
    lines = ["ID,Создана,Закрыта,Этап,Бюджет,Менеджер"]
    lines += [",".join(str(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


def team_rows(unassigned_lost, only_on_won=False):
    """Two managers with 40 closed deals each and ``unassigned_lost`` lost deals without a manager."""
    rows = []
    n = 0
    for manager, wins in (("Анна", 20), ("Борис", 12)):
        for i in range(40):
            n += 1
            won = i < wins
            name = manager if (won or not only_on_won) else ""
            stage = "Успех" if won else "Отказ"
            rows.append((n, f"{1 + i % 28:02d}.10.2025", f"{1 + i % 28:02d}.11.2025", stage, 1000, name))
    for i in range(unassigned_lost):
        n += 1
        rows.append((n, f"{1 + i % 28:02d}.10.2025", f"{1 + i % 28:02d}.11.2025", "Отказ", 1000, ""))
    return rows


DEALS_SOURCE = {
    "file": "data/deals.csv",
    "preset": "none",
    "columns": {
        "deal_id": "ID",
        "created_at": "Создана",
        "closed_at": "Закрыта",
        "stage": "Этап",
        "amount": "Бюджет",
        "manager": "Менеджер",
    },
}


def audit_of(tmp_path, rows):
    root = make_client(tmp_path, {"deals": DEALS_SOURCE}, {"deals.csv": deals_csv(rows)}, FUNNEL3)
    return run_analyses(load_client(root), dt.date(2025, 12, 31))


def test_deals_without_a_manager_are_a_line_of_their_own_not_a_manager(tmp_path):
    from workbench.present.i18n import Messages
    from workbench.present.registry import render_section

    audit = audit_of(tmp_path, team_rows(200))
    funnel = audit.funnel
    assert [m.name for m in funnel.managers] == ["Анна", "Борис"]
    assert funnel.manager_count == 2 and funnel.managers_compared
    assert funnel.managers_unassigned.deals == 200 and funnel.managers_unassigned.lost == 200
    assert {m.name for m in funnel.manager_stages} == {"Анна", "Борис"}
    assert funnel.manager_win_test.managers == 2 and all(s.managers <= 2 for s in funnel.tests)
    # 200 lost deals of nobody do not make both managers "above the department": the centre of the limits
    # is the named managers' rate (32 of 80), not the 32 of 280 of the whole department.
    assert funnel.win_rate == pytest.approx(32 / 280)
    assert [m.flag for m in funnel.managers] == [None, None]
    assert all(m.limit_low < 32 / 80 < m.limit_high for m in funnel.managers)
    assert not any(f.params.get("manager") == "—" for f in audit.findings)
    t = Messages("en", "RUB")
    assert "the work of 2 sales managers" in render_section("summary", t, audit).html
    html = render_section("funnel", t, audit).html
    assert "Without a manager" in html and "not compared" in html
    ru = Messages("ru", "RUB")
    assert "работу 2 менеджеров" in render_section("summary", ru, audit).html


def test_managers_are_not_compared_when_only_won_deals_have_one(tmp_path):
    from workbench.present.i18n import Messages
    from workbench.present.registry import render_section
    from workbench.render.metrics import build_metrics

    audit = audit_of(tmp_path, team_rows(300, only_on_won=True))
    assert audit.data.reports["deals"].warnings["manager_only_on_won"] > 0
    funnel = audit.funnel
    assert not funnel.managers_compared
    assert funnel.managers == [] and funnel.manager_stages == [] and funnel.tests == []
    assert funnel.manager_win_test is None and funnel.manager_count == 2
    assert not [f for f in audit.findings if f.code == "funnel_manager_low"]
    html = render_section("funnel", Messages("en", "RUB"), audit).html
    assert "Managers are therefore not compared" in html and "Deviations that chance" not in html
    metrics = build_metrics(audit, {})
    assert metrics["funnel"]["managers_compared"] is False
    assert metrics["funnel"]["managers_unassigned"]["deals"] == 300 + 20 + 28  # and the lost deals of both


def test_a_client_without_a_manager_column_has_no_managers_in_the_summary(tmp_path):
    from workbench.present.i18n import Messages
    from workbench.present.registry import render_section

    source = {**DEALS_SOURCE, "columns": {k: v for k, v in DEALS_SOURCE["columns"].items() if k != "manager"}}
    root = make_client(tmp_path, {"deals": source}, {"deals.csv": deals_csv(team_rows(0))}, FUNNEL3)
    audit = run_analyses(load_client(root), dt.date(2025, 12, 31))
    assert audit.funnel.manager_count == 0 and audit.funnel.managers == []
    text = render_section("summary", Messages("en", "RUB"), audit).html
    assert "sales managers" not in text and "We analysed 80 deals" in text


# --- 3. unknown is not zero ------------------------------------------------------------------------------


def stalled_rows(with_amount):
    """20 won deals with a 10-day cycle, and 30 open deals from long ago, ``with_amount`` of them priced."""
    rows = [(i, "01.10.2025", "11.10.2025", "Успех", 1000, "Анна") for i in range(1, 21)]
    for i in range(30):
        rows.append((100 + i, "02.10.2025", "", "Переговоры", 500 if i < with_amount else "", "Анна"))
    rows.append((200, "20.12.2025", "", "Контакт", 700, "Анна"))  # fresh: not stalled
    return rows


@pytest.mark.parametrize(
    ("priced", "title_en", "title_ru"),
    [
        (0, "30 deals of unknown worth", "Зависли 30 сделок без суммы в CRM"),
        (
            10,
            "30 deals worth ₽5,000 and 20 more deals without an amount",
            "на сумму 5 000 ₽ и ещё 20 сделок без",
        ),
        (30, "30 deals worth ₽15,000", "Зависли 30 сделок на сумму 15 000 ₽"),
    ],
)
def test_stalled_deals_without_an_amount_are_counted_not_summed_as_zero(tmp_path, priced, title_en, title_ru):
    from workbench.present.finding_text import finding_texts
    from workbench.present.i18n import Messages
    from workbench.present.registry import render_section
    from workbench.render.metrics import build_metrics

    audit = audit_of(tmp_path, stalled_rows(priced))
    time = audit.funnel_time
    assert time.stalled_count == 30 and time.stalled_no_amount == 30 - priced
    assert time.open_no_amount == 30 - priced and time.stalled_amount == 500 * priced
    finding = next(f for f in audit.findings if f.code == "funnel_stalled")
    en = finding_texts(Messages("en", "RUB"), finding)
    ru = finding_texts(Messages("ru", "RUB"), finding)
    assert title_en in en["title"].replace("\u202f", " ").replace("\xa0", " ")
    assert title_ru in ru["title"].replace("\u202f", " ").replace("\xa0", " ")
    assert "₽0" not in en["title"] and " 0 ₽" not in ru["title"]
    assert ("open pipeline's money" in en["evidence"]) == (priced > 0)
    assert "0.0%" not in en["evidence"]
    html = render_section("funnel", Messages("ru", "RUB"), audit).html
    assert "на сумму 0 ₽" not in html.replace("\xa0", " ")
    stalled = build_metrics(audit, {})["funnel"]["time"]["stalled"]
    assert stalled["amount_unknown"] == 30 - priced and stalled["open_amount_unknown"] == 30 - priced


# --- 6. a funnel that matches nothing stops check and audit --------------------------------------------


def test_a_funnel_matching_few_deals_stops_with_the_stages_of_the_file_in_history_order(tmp_path):
    from workbench.errors import DataError

    deals = ["ID,Создана,Закрыта,Этап,Бюджет,Менеджер"]
    history = ["ID сделки,Этап,Дата"]
    for i in range(1, 41):
        stage = ("Квалификация", "Встреча", "Коммерческое предложение", "Отказ")[i % 4]
        deals.append(f"{i},01.10.2025,,{stage},100,Анна")
        path = ["Квалификация", "Встреча", "Коммерческое предложение"]
        for k, step in enumerate(path[: path.index(stage) + 1] if stage in path else path[:1]):
            history.append(f"{i},{step},{1 + k:02d}.10.2025")
    deals.append("41,01.10.2025,,Переговоры,100,Анна")  # one deal at a stage of the funnel
    root = make_client(
        tmp_path,
        {
            "deals": DEALS_SOURCE | {"columns": {**DEALS_SOURCE["columns"], "closed_at": "Закрыта"}},
            "stage_events": {
                "file": "data/history.csv",
                "preset": "none",
                "columns": {"deal_id": "ID сделки", "stage": "Этап", "entered_at": "Дата"},
            },
        },
        {"deals.csv": "\n".join(deals) + "\n", "history.csv": "\n".join(history) + "\n"},
        {"stages": ["Первичный контакт", "Переговоры"], "won_stages": ["Продажа"], "lost_stages": ["Отказ"]},
    )
    with pytest.raises(DataError) as caught:
        load_client(root)
    message = str(caught.value)
    assert message.startswith("data/deals.csv, field 'Этап': 30 of 41 deals (73%)")
    assert (
        "in the order of the stage history: Квалификация (10), Встреча (10), Коммерческое предложение (10)"
        in message
    )
    assert (
        "funnel: {stages: [Квалификация, Встреча, Коммерческое предложение, Переговоры], "
        "won_stages: [Продажа], lost_stages: [Отказ]}" in message
    )


def test_check_and_audit_stop_on_a_funnel_that_matches_nothing(tmp_path):
    from click.testing import CliRunner

    from workbench.app.cli import main

    rows = [(i, "01.10.2025", "", "Prospecting", 100, "Анна") for i in range(1, 10)]
    rows.append((10, "01.10.2025", "", "Контакт", 100, "Анна"))
    root = make_client(tmp_path, {"deals": DEALS_SOURCE}, {"deals.csv": deals_csv(rows)}, FUNNEL3)
    for command in (["check", str(root)], ["audit", str(root), "--format", "html"]):
        # In the client's language (Russian by default), with the file and the column named.
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert "Ошибка: data/deals.csv, поле «Этап»: 9 из 10 сделок" in result.output, result.output
        assert "Этапы в файле (по числу сделок): Prospecting (9), Контакт (1)" in result.output
        assert "OK" not in result.output and "Stages in the file" not in result.output
        english = CliRunner().invoke(main, [*command, "--locale", "en"])
        assert "Error: data/deals.csv, field “Этап”: 9 of 10 deals" in english.output, english.output
        assert "Stages in the file, by number of deals: Prospecting (9), Контакт (1)" in english.output
    assert not (root / "reports").exists() or not any((root / "reports").rglob("report.html"))


# --- 4. won and lost events of the stage history close the deals -----------------------------------------


def test_terminal_events_of_the_history_close_open_deals_and_conflicts_are_reported(tmp_path):
    deals = deals_csv(
        [
            (1, "01.10.2025", "", "Контакт", 100, "Анна"),  # won in the history
            (2, "01.10.2025", "", "Контакт", 100, "Анна"),  # lost in the history
            (3, "01.10.2025", "", "Контакт", 100, "Анна"),  # lost, then reopened: stays open
            (4, "01.10.2025", "05.10.2025", "Успех", 100, "Анна"),  # won here, lost in the history
            (5, "01.10.2025", "", "Переговоры", 100, "Анна"),  # no terminal event
        ]
    )
    history = (
        "ID сделки,Этап,Дата\n"
        "1,Контакт,01.10.2025\n1,Успех,07.10.2025 12:00\n"
        "2,Контакт,01.10.2025\n2,Переговоры,03.10.2025\n2,Отказ,08.10.2025\n"
        "3,Отказ,02.10.2025\n3,Контакт,04.10.2025\n"
        "4,Отказ,05.10.2025\n"
        "5,Контакт,01.10.2025\n5,Переговоры,02.10.2025\n"
    )
    events = {
        "file": "data/history.csv",
        "preset": "none",
        "columns": {"deal_id": "ID сделки", "stage": "Этап", "entered_at": "Дата"},
    }
    root = make_client(
        tmp_path,
        {"deals": DEALS_SOURCE, "stage_events": events},
        {"deals.csv": deals, "history.csv": history},
        FUNNEL3,
    )
    data = load_client(root)
    deals = data.deals.set_index("deal_id")
    assert deals.loc["1", ["status", "stage"]].tolist() == ["won", "Успех"]
    assert deals.loc["1", "closed_at"] == pd.Timestamp("2025-10-07 12:00")
    assert deals.loc["2", ["status", "stage", "lost_at_stage"]].tolist() == ["lost", "Отказ", "Переговоры"]
    assert deals.loc["3", "status"] == "open" and deals.loc["5", "status"] == "open"
    assert deals.loc["4", "status"] == "won"  # the deals file wins; the conflict is reported
    report = data.reports["deals"]
    assert report.warnings["closed_by_history"] == 2
    assert report.warnings["history_conflict"] == 1
    assert report.examples["history_conflict"][0]["value"] == "4: won"
    assert report.examples["history_conflict"][0]["hint"] == "lost"
    assert report.balanced


# --- 5. a deal without a creation date is still a deal at its stage ---------------------------------------


def test_deals_without_a_creation_date_count_at_their_stage_but_not_over_time(tmp_path):
    rows = [(i, "01.10.2025", "11.10.2025", "Успех", 1000, "Анна") for i in range(1, 21)]
    rows += [(100 + i, "", "", "Контакт", 500, "Анна") for i in range(15)]  # open, never dated
    rows += [(200, "", "01.01.2024", "Отказ", 500, "Анна")]  # closed long before the period: not in it
    rows += [(300, "02.10.2025", "", "Переговоры", 700, "Анна")]
    audit = audit_of(tmp_path, rows)
    report = audit.data.reports["deals"]
    assert report.rows_quarantined == 0 and report.warnings["no_created_at"] == 16
    funnel = audit.funnel
    assert funnel.open == 16 and funnel.deals_in_cohort == 36 and funnel.lost == 0
    assert funnel.stages[0].open == 15 and funnel.stages[0].reached == 36
    assert sum(c.deals for c in audit.cohorts) == 21  # months: dated deals only
    time = audit.funnel_time
    assert time.open_count == 16
    assert {d.deal_id for d in time.stalled} <= {"300"}
    assert funnel.cycle_days_median == 10


# --- 8. compressed files --------------------------------------------------------------------------------


def test_the_size_limit_applies_to_what_a_gzip_file_unpacks_to(tmp_path, monkeypatch):
    import gzip
    import tempfile
    from pathlib import Path

    from workbench.errors import DataError

    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "1")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    row = "1,01.10.2025,,Контакт,100,Анна\n"
    bomb = gzip.compress(("ID,Создана,Закрыта,Этап,Бюджет,Менеджер\n" + row * 100_000).encode(), mtime=0)
    assert len(bomb) < 100_000  # small on disk, about 4.5 MB unpacked
    root = make_client(
        tmp_path, {"deals": {**DEALS_SOURCE, "file": "data/deals.csv.gz"}}, {"deals.csv.gz": bomb}, FUNNEL3
    )
    with pytest.raises(DataError, match=r"^data/deals.csv.gz: unpacks to more than 1 MB, above the limit"):
        load_client(root)
    assert list(Path(tmp_path / "tmp").iterdir()) == []  # the unpacked part is removed
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "8")
    data = load_client(root)
    assert data.reports["deals"].rows_read == 100_000 and data.reports["deals"].file == "data/deals.csv.gz"
    assert list(Path(tmp_path / "tmp").iterdir()) == []


# --- 9. data-quality checks real exports need -------------------------------------------------------------


def test_every_categorical_column_of_a_reference_table_is_checked_for_typos(tmp_path):
    accounts = ["account,sector,office_location,employees,founded"]
    sectors = ["technology"] * 6 + ["technolgy"] * 2 + ["retail"] * 5 + ["Retail "] * 1
    for i, sector in enumerate(sectors):
        office = ("Philippines", "Philippines", "Philipines", "Kenya")[i % 4]
        accounts.append(f"Company {i},{sector},{office},{100 + i},{2000 + i}")
    root = make_client(
        tmp_path,
        {
            "deals": DEALS_SOURCE,
            "customers": {
                "file": "data/accounts.csv",
                "preset": "none",
                "columns": {"customer_id": "account"},
            },
        },
        {"deals.csv": deals_csv(team_rows(0)), "accounts.csv": "\n".join(accounts) + "\n"},
        FUNNEL3,
    )
    report = load_client(root).reports["customers"]
    assert report.warnings == {
        "similar_spellings:sector": 2,
        "spelling_variants:sector": 1,
        "similar_spellings:office_location": 3,
    }
    (sector,) = report.examples["similar_spellings:sector"]
    assert sector["variants"] == [["technology", 6], ["technolgy", 2]]


def test_outliers_rounding_and_float_ids_in_detail(tmp_path):
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "corpus" / "files"

    def client_with(folder, source):
        folder.mkdir()
        return make_client(
            folder,
            {"deals": {"file": f"data/{source.name}"}},
            {source.name: source.read_bytes()},
            {
                "stages": ["Контакт", "Переговоры", "Договор"],
                "won_stages": ["Успех"],
                "lost_stages": ["Отказ"],
            },
        )

    outlier = load_client(client_with(tmp_path / "a", corpus / "amount_outlier.csv")).reports["deals"]
    assert outlier.examples["amount_outlier"] == [
        {"row": 26, "value": "25: 50 000 000", "hint": "~1 340 000"}
    ]
    rounded = load_client(client_with(tmp_path / "b", corpus / "closed_seconds_before_created.csv")).deals
    rounded = rounded.set_index("deal_id")
    assert rounded.loc["1", "closed_at"] == rounded.loc["1", "created_at"]  # seconds lost: same moment
    assert rounded.loc["2", "closed_at"] < rounded.loc["2", "created_at"]  # two days: left as it is
    ids = load_client(client_with(tmp_path / "c", corpus / "float_ids.csv")).deals
    assert ids["deal_id"].tolist() == ["14646", "14647", "14648"]
    assert ids["customer_id"].tolist() == ["301.0", "302.0", "ООО Гамма"]  # not all numbers: kept as text


def test_amount_outliers_do_not_fire_on_a_wide_but_ordinary_spread():
    import numpy as np

    from workbench.io.plausibility import amount_outliers

    rng = np.random.default_rng(7)
    ordinary = pd.Series(np.exp(rng.normal(np.log(1.37e6), 0.5, 500)))
    assert not amount_outliers(ordinary).any()
    planted = pd.concat([ordinary, pd.Series([5e7, 100.0])], ignore_index=True)
    assert amount_outliers(planted).tolist()[-2:] == [True, True] and amount_outliers(planted).sum() == 2
    assert not amount_outliers(pd.Series([1.0, 1e9] + [1e6] * 10)).any()  # too few amounts to judge


# --- 19. metrics.json records paths relative to the client folder ------------------------------------------


def test_metrics_record_paths_relative_to_the_client_folder(tmp_path):
    import json

    from workbench.render.paths import final_dir, relative_to_client, staging_dir
    from workbench.render.report import Report

    root = make_client(tmp_path, {"deals": DEALS_SOURCE}, {"deals.csv": deals_csv(team_rows(5))}, FUNNEL3)
    staging = staging_dir(root / "reports" / "2025-12-31")
    assert final_dir(staging) == root / "reports" / "2025-12-31"
    report = Report.from_parameters(
        client_dir=str(root.resolve()), as_of="2025-12-31", output_dir=str(staging)
    )
    text = json.dumps(report.metrics(), default=str)
    assert report.parameters["client_dir"] == "."
    assert report.parameters["output_dir"] == "reports/2025-12-31"
    assert str(tmp_path) not in text and ".partial-" not in text
    assert relative_to_client(tmp_path / "elsewhere" / "out", root) == "../out"
    assert relative_to_client("", root) == ""


# --- 17. quarantine.csv: every row with its value and a suggested fix, in the client's language -----------


def test_every_quarantined_row_has_its_value_and_a_suggested_fix(tmp_path):
    from workbench.render.report import Report

    rows = team_rows(0)[:30]
    rows += [
        (900, "", "", "Контакт", 100, "Анна"),  # no creation date: kept, not quarantined
        (901, "31.02.2025", "", "Контакт", 100, "Анна"),  # invalid date
        (902, "01.10.2025", "", "Переговоры 2", 100, "Анна"),  # unknown stage, nearest known
        (903, "01.10.2025", "", "Контакт", "много", "Анна"),  # not a number
        ("", "01.10.2025", "", "Контакт", 100, "Борис"),  # no id: the value is the rest of the row
    ]
    root = make_client(
        tmp_path, {"deals": DEALS_SOURCE}, {"deals.csv": deals_csv(rows)}, FUNNEL3, locale="ru"
    )
    report = Report.from_parameters(client_dir=str(root), as_of="2025-12-31")
    out = tmp_path / "out"
    report.write_outputs(out)
    quarantine = pd.read_csv(out / "quarantine.csv", sep=None, engine="python", dtype=str)
    assert len(quarantine) == 4
    assert quarantine["value"].notna().all() and quarantine["hint"].notna().all()
    by_reason = quarantine.set_index("reason")
    assert by_reason.loc["missing_value:deal_id", "value"].startswith("2025-10-01")  # the row, no name in it
    assert "Борис" not in by_reason.loc["missing_value:deal_id", "value"]
    assert "Вероятно, «Переговоры»" in by_reason.loc["unknown_stage", "hint"]
    assert "«Бюджет»" in by_reason.loc["invalid_number:amount", "hint"]
    assert "«Создана»" in by_reason.loc["invalid_date:created_at", "hint"]
    # What is wrong, and the column, as the client knows them (not canonical names, not English).
    assert by_reason.loc["invalid_date:created_at", "detail"] == "Неверная дата в столбце «Создана»"
    assert by_reason.loc["invalid_date:created_at", "field"] == "Создана"
    assert by_reason.loc["unknown_stage", "field"] == "Этап"


# --- 7. a client with sales lines only --------------------------------------------------------------------


def test_a_client_with_sales_lines_only_gets_the_customer_base_and_no_funnel(tmp_path):
    from workbench.errors import ConfigError
    from workbench.present.i18n import Messages
    from workbench.present.registry import render_section
    from workbench.render.metrics import build_metrics, validate_metrics

    lines = ["Дата,Документ,Контрагент,Сумма"]
    for i in range(60):
        lines.append(f"{1 + i % 28:02d}.{1 + i % 9:02d}.2025,Д-{i},Клиент {i % 12},{1000 * (1 + i % 7)}")
    source = {
        "file": "data/sales.csv",
        "columns": {
            "date": "Дата",
            "document_id": "Документ",
            "customer_id": "Контрагент",
            "amount": "Сумма",
        },
    }
    root = make_client(tmp_path, {"transactions": source}, {"sales.csv": "\n".join(lines) + "\n"})
    config = {"name": "ООО «Бухгалтерия»", "period": {"start": "2025-01-01", "end": "2025-12-31"}}

    def write(data):
        text = yaml.safe_dump({**config, "data": data}, allow_unicode=True)  # no funnel at all
        (root / "client.yaml").write_text(text, encoding="utf-8")

    write({"transactions": source})
    data = load_client(root)
    assert not data.has_deals and data.deals.empty and "deals" not in data.reports
    audit = run_analyses(data, dt.date(2025, 12, 31))
    assert audit.abc is not None and audit.abc.total == pytest.approx(
        sum(1000 * (1 + i % 7) for i in range(60))
    )
    assert not [f for f in audit.findings if f.section == "funnel" or f.code == "data_no_history"]
    t = Messages("ru", "RUB")
    assert "Воронки нет" in render_section("funnel", t, audit).html
    intro = render_section("summary", t, audit).html
    assert (
        "Мы проанализировали продажи" in intro and "0 сделок" not in intro and "Выручка по продажам" in intro
    )
    metrics = build_metrics(audit, {})
    validate_metrics(metrics)
    assert metrics["funnel"]["available"] is False
    # Neither deals nor sales lines: nothing to audit, said so.
    write({})
    with pytest.raises(ConfigError, match="expected the deals file"):
        load_client(root)
    write({"transactions": source, "stage_events": {"file": "data/sales.csv"}})
    with pytest.raises(ConfigError, match="a stage history needs the deals file"):
        load_client(root)
    # With deals, the funnel stays required.
    write({"deals": {"file": "data/sales.csv"}})
    with pytest.raises(ConfigError, match="funnel: expected a value"):
        load_client(root)


def test_quarantine_details_are_worded_in_the_report_language():
    from workbench.io.quarantine import TableReport
    from workbench.present.i18n import Messages
    from workbench.present.quarantine_out import client_quarantine

    frame = pd.DataFrame(
        {
            "table": ["deals", "deals"],
            "file": ["data/deals.csv"] * 2,
            "row": [10, 11],
            "reason": ["duplicate_id:deal_id", "bad_field_count"],
            "field": ["deal_id", ""],
            "value": ["7", "8;05.01.2026"],
            "detail": ["first seen in row 8", "expected 6 fields, found 5"],
            "hint": [pd.NA, pd.NA],
        }
    )
    report = TableReport("deals", "data/deals.csv", columns={"deal_id": "ID"})
    out = client_quarantine(Messages("ru", "RUB"), frame, {"deals": report})
    assert out["detail"].tolist()[0].endswith(": впервые в строке 8") and "«ID»" in out["detail"].tolist()[0]
    assert out["detail"].tolist()[1].endswith(": 5 полей вместо 6")
    assert out["field"].tolist() == ["ID", ""]
    assert out["hint"].notna().all()
