"""Formatting per locale, the message catalogues, and escaping of client text in the report's HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import yaml

from workbench.analysis.funnel.groups import GroupRow
from workbench.findings import Finding
from workbench.present.finding_text import finding_texts
from workbench.present.fmt import Formatter
from workbench.present.funnel_section import deviation_label
from workbench.present.html import render
from workbench.present.i18n import Messages

NBSP = "\u00a0"


def test_russian_formats():
    f = Formatter("ru")
    assert f.money(1_234_567.8) == f"1{NBSP}234{NBSP}568{NBSP}₽"
    assert f.money(-5_000) == f"\u22125{NBSP}000{NBSP}₽"
    assert f.money(1_234_567, compact=True) == f"1,2{NBSP}млн{NBSP}₽"
    assert f.pct(0.125) == f"12,5{NBSP}%"
    assert f.pct(0.125, 0) == f"12{NBSP}%"
    assert f.pp(-0.031) == f"−3,1{NBSP}п.{NBSP}п."
    assert f.num(1234567) == f"1{NBSP}234{NBSP}567"
    assert f.date(dt.date(2026, 11, 23)) == "23 ноября 2026\u202fг."
    assert f.date(dt.date(2026, 11, 23), "short") == "23.11.2026"
    assert f.month_long(dt.date(2026, 11, 1)) == "ноябрь 2026"
    assert f.days(37.9) == f"38{NBSP}дн."


def test_english_formats():
    f = Formatter("en")
    assert f.money(1_234_567.8) == "₽1,234,568"
    assert f.money(-19_590.4) == "\u2212₽19,590"
    assert f.money(-0.4) == "₽0"
    assert f.pct(0.125) == "12.5%"
    assert f.date(dt.date(2026, 11, 23)) == "November 23, 2026"
    assert f.days(3.25) == f"3.2{NBSP}days"


def test_other_currency_uses_its_symbol():
    assert Formatter("en", "USD").money(1500) == "$1,500"


@pytest.mark.parametrize("value", [None, float("nan")])
def test_missing_values_print_as_a_dash(value):
    f = Formatter("ru")
    assert f.money(value) == f.pct(value) == f.num(value) == f.days(value) == "—"


def _keys(tree, prefix=""):
    out = set()
    for key, value in tree.items():
        out |= _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
    return out


def test_catalogues_have_the_same_keys_and_placeholders(repo):
    folder = repo / "workbench" / "present" / "messages"
    ru = yaml.safe_load((folder / "ru.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((folder / "en.yaml").read_text(encoding="utf-8"))
    assert _keys(ru) == _keys(en)
    for key in _keys(ru):
        node_ru, node_en = ru, en
        for part in key.split("."):
            node_ru, node_en = node_ru[part], node_en[part]
        placeholders = lambda text: sorted(set(re.findall(r"{(\w+)", text)))  # noqa: E731
        assert placeholders(node_ru) == placeholders(node_en), key


def test_every_finding_code_has_its_three_texts():
    from workbench.findings import RULES
    from workbench.findings.registry import _load_rules

    _load_rules()
    assert len(RULES) >= 20
    for locale in ("ru", "en"):
        t = Messages(locale)
        for code in RULES:
            if code.startswith("intake."):
                continue  # the questionnaire carries their texts (test_intake_findings.py)
            for part in ("title", "evidence", "recommendation", "role", "kpi"):
                assert t.has(f"findings.{code}.{part}"), (locale, code, part)


def test_finding_rules_are_declared_once_with_valid_metadata():
    from workbench.findings import RULES, Layer, Section
    from workbench.findings.model import HORIZONS
    from workbench.findings.registry import _load_rules, rule

    _load_rules()
    ids = [r.id for r in RULES.values()]
    assert len(ids) == len(set(ids))
    for r in RULES.values():
        assert r.layer is None or isinstance(r.layer, Layer)
        assert isinstance(r.section, Section) and r.horizon in HORIZONS
    with pytest.raises(ValueError, match="declared twice"):
        rule("x", "funnel_bottleneck", None, Section.FUNNEL, 30)(lambda result: [])


def test_finding_texts_are_formatted():
    finding = Finding(
        id="funnel-bottleneck",
        code="funnel_bottleneck",
        layer=6,
        severity="critical",
        impact_per_month=560_457.6,
        section="funnel",
        horizon=30,
        params={
            "stage": "КП",
            "next_stage": "Встреча",
            "rate": 0.242,
            "loss": 0.758,
            "share": 0.1,
            "best": 0.3,
            "impact_best": 120_000.0,
            "best_worth_mentioning": True,
            "best_managers": "Анна Соколова",
            "others_rate": 0.22,
            "no_better_manager": False,
        },
    )
    texts = finding_texts(Messages("ru"), finding)
    assert texts["title"] == "Узкое место воронки — шаг «КП» → «Встреча»"
    assert f"560{NBSP}458{NBSP}₽" in texts["evidence"]
    assert f"24,2{NBSP}%" in texts["evidence"]
    assert f"120{NBSP}000{NBSP}₽" in texts["evidence"]
    assert "Учиться у менеджеров: Анна Соколова" in texts["evidence"]
    assert f"30,0{NBSP}% против 22,0{NBSP}%" in texts["evidence"]
    nobody = dataclasses.replace(
        finding,
        params={
            **finding.params,
            "best_worth_mentioning": False,
            "best_managers": "",
            "no_better_manager": True,
        },
    )
    evidence = finding_texts(Messages("en"), nobody)["evidence"]
    assert "No manager is demonstrably better at this step" in evidence
    assert "Learn from" not in evidence


def test_client_text_is_escaped_in_sections():
    section = render("contents.html.j2", Messages("ru"), sections=[("x", "<script>alert(1)</script>")])
    assert "<script>" not in section.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section.html


@pytest.mark.parametrize(
    ("flag", "won", "lost", "expected"),
    [
        ("low", 3, 40, "ниже остальных"),
        ("high", 30, 10, "выше остальных"),
        (None, 10, 20, "в пределах случайного"),  # 30 closed deals: enough to judge, and nothing to say
        (None, 5, 24, "мало сделок"),  # 29 closed deals: too few to call either way
    ],
)
def test_deviation_cell_says_why_it_has_no_flag(flag, won, lost, expected):
    row = GroupRow("Анна", won + lost, won, lost, 0, None, None, None, 0.0, None, flag=flag)
    assert deviation_label(Messages("ru"), row, min_deals=30) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.125, "12,5 %"), (0.0012, "0,12 %"), (0.00012, "0,012 %"), (0.0, "0,0 %"), (None, "—")],
)
def test_small_shares_keep_two_significant_digits(value, expected):
    assert Formatter("ru").share(value) == expected.replace(" ", NBSP)


def test_a_date_at_the_end_of_a_sentence_does_not_double_its_dot():
    t = Messages("ru")
    text = t("customers.migration_halves", previous="1 января – 31 мая 2026 г.", current="1 июня 2026 г.")
    assert "2026 г. В таблице" in text
    assert ".." not in text
