"""Data-quality texts for the report and for ``workbench check``: how each file was read (which preset,
and why), what was quarantined or used with a caveat, and what each issue does to the conclusions.

Only words are made here; every count comes from the loading's :class:`TableReport`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from workbench.io.quarantine import HIDDEN, RAW_REASONS, TableReport
from workbench.limits import printable
from workbench.present.i18n import Messages

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "cp1251": "Windows-1251",
    "windows-1251": "Windows-1251",
    "utf-16": "UTF-16",
    "koi8-r": "KOI8-R",
    "latin-1": "Latin-1",
}
MATCHED_SHOWN = 4
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?")


QUOTES = frozenset('«»“”"')


def quote(t: Messages, text: object) -> str:
    """«text» in Russian, “text” in English (left as it is when it holds quotes: «ООО «Альфа»»); control
    and invisible characters of a quarantined cell are shown as ``\\x1b`` or ``<U+202E>``."""
    text = printable(str(text))
    if QUOTES & set(text):
        return text
    return f"«{text}»" if t.locale == "ru" else f"“{text}”"


def field_name(t: Messages, report: TableReport, field: str) -> str:
    """A column as the client's file names it, else the canonical column's name in the report's language."""
    return report.columns.get(field) or field_name_only(t, field)


def field_name_only(t: Messages, field: str) -> str:
    """The canonical column's name in the report's language."""
    key = f"appendix_data.fields.{field}"
    return t(key) if t.has(key) else field


def issue_label(t: Messages, report: TableReport, code: str) -> str:
    """'invalid_date:created_at' -> 'Неверная дата в столбце «Дата создания сделки»'."""
    name, _, field = code.partition(":")
    for group in ("reasons", "warnings"):
        key = f"appendix_data.{group}.{name}"
        if t.has(key):
            return t(key, field=field_name(t, report, field))
    return code


def issue_effect(t: Messages, code: str) -> str | None:
    """What an issue does to the conclusions, in one or two sentences (None for an unknown code)."""
    key = f"appendix_data.effects.{code.partition(':')[0]}"
    return t(key) if t.has(key) else None


def check_advice(t: Messages, code: str) -> str | None:
    """How the client's configuration fixes an issue: for ``workbench check`` only, never the report."""
    key = f"check_advice.{code.partition(':')[0]}"
    return t(key) if t.has(key) else None


# Specific details the loading writes (in English), put into the report's language.
_DETAILS = (
    (re.compile(r"first seen in row (?P<row>\d+)"), "first_seen"),
    (re.compile(r"expected (?P<expected>\d+) fields, found (?P<found>\d+)"), "field_count"),
)


def detail_text(t: Messages, detail: object) -> str | None:
    """A specific detail of a quarantined row in the report's language (None when it has no wording)."""
    if isinstance(detail, str):
        for pattern, key in _DETAILS:
            if match := pattern.fullmatch(detail.strip()):
                found = {k: int(v) if v.isdigit() else v for k, v in match.groupdict().items()}
                return t(f"appendix_data.details.{key}", **found)
    return None


def cell_text(t: Messages, value: object) -> str:
    """One value of a row, formatted in the report's language: a date (with its time when it has one),
    a number with its decimals, a text in quotes."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = 0 if float(value).is_integer() else 2
        return t.fmt.num(value, digits)
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        moment = pd.Timestamp(text)
        day = t.fmt.date(moment, "short")
        return day if moment == moment.normalize() else f"{day} {moment:%H:%M}"
    return quote(t, text)


def cells_label(t: Messages, cells: list, report: TableReport | None) -> str:
    """A row's values under the client's own column names: ``ID «906», Создана 02.10.2025, Бюджет 500``."""
    return ", ".join(f"{_column(t, report, str(c))} {cell_text(t, v)}" for c, v in cells)


def _column(t: Messages, report: TableReport | None, field: str) -> str:
    return field_name(t, report, field) if report is not None else field_name_only(t, field)


def example_label(
    t: Messages, example: dict[str, object], report: TableReport | None = None, code: str = ""
) -> str:
    """One example row of a data-quality issue, in the report's language: the row number and the value,
    or the row's values under the file's column names (with the empty field named, for a missing value),
    and a suggested correction."""
    variants = example.get("variants")
    if isinstance(variants, list):
        return " / ".join(f"{quote(t, name)} ({t.fmt.num(count)})" for name, count in variants)
    parts = []
    if example.get("row") is not None:
        parts.append(t("appendix_data.example_row", row=example["row"]))
    name, _, field = code.partition(":")
    cells = example.get("cells")
    raw_shown = name in RAW_REASONS and example.get("value") and example["value"] != HIDDEN
    if isinstance(cells, list) and cells and not raw_shown:
        shown = cells_label(t, cells, report)
        if name == "missing_value" and field:
            empty = t("appendix_data.example_empty", field=quote(t, _column(t, report, field)))
            shown = f"{empty}; {shown}"
        parts.append(shown)
    elif example.get("value"):
        parts.append(quote(t, example["value"]))
    text = ": ".join(parts)
    detail = detail_text(t, example.get("detail"))
    if detail and name == "bad_field_count":
        text += f" ({detail})"
    if example.get("hint"):
        text += " " + t("appendix_data.example_hint", hint=example["hint"])
    return text


def format_text(t: Messages, report: TableReport) -> str:
    """'encoding UTF-8, delimiter “;”' or 'sheet “Сделки”'."""
    encoding = ENCODING_NAMES.get(report.encoding or "", report.encoding or "—")
    if report.sheet:
        return t("appendix_data.format_sheet", sheet=report.sheet)
    if report.file_format == "html":
        return t("appendix_data.format_html", encoding=encoding)
    delimiter = {"\t": "Tab"}.get(report.delimiter or "", report.delimiter or "")
    return t("appendix_data.format", encoding=encoding, delimiter=delimiter)


def reading_text(t: Messages, report: TableReport) -> str:
    """How the file's columns were found: the preset and why, what client.yaml set, stages it named."""
    table = t(f"data.tables.{report.table}")
    choice = report.preset
    if choice is None or choice.name is None:
        sentences = [t("data.preset_columns", table=table)]
    elif choice.how == "configured":
        sentences = [t("data.preset_configured", table=table, title=choice.title)]
    elif choice.matched:
        shown = ", ".join(quote(t, h) for h in choice.matched[:MATCHED_SHOWN])
        if len(choice.matched) > MATCHED_SHOWN:
            shown += ", …"
        sentences = [
            t(
                "data.preset_detected",
                table=table,
                title=choice.title,
                found=len(choice.matched),
                total=choice.characteristic,
                matched=shown,
            )
        ]
    else:
        sentences = [t("data.preset_generic", table=table)]
    if choice is not None and choice.name is not None and choice.from_config:
        columns = ", ".join(f"{field_name_only(t, c)} ← {quote(t, h)}" for c, h in choice.from_config.items())
        sentences.append(t("data.preset_explicit", columns=columns))
    if choice is not None and choice.stage_aliases:
        aliases = ", ".join(f"{quote(t, a)} → {quote(t, s)}" for a, s in choice.stage_aliases.items())
        sentences.append(t("data.preset_aliases", aliases=aliases))
    return " ".join(sentences)


def issues(t: Messages, report: TableReport, kind: str) -> list[dict[str, Any]]:
    """Rows for the quarantine reasons (``kind='reasons'``) or the caveats (``'warnings'``) of a file."""
    counts = report.reasons if kind == "reasons" else report.warnings
    return [
        {
            "code": code,
            "reason": issue_label(t, report, code),
            "count": t.fmt.num(count),
            "examples": [example_label(t, e, report, code) for e in report.examples.get(code, [])],
            "effect": issue_effect(t, code),
        }
        for code, count in counts.items()
    ]


def mapping_text(t: Messages, report: TableReport) -> str:
    """'deal number ← «ID»; amount ← «Бюджет»; …': which header each canonical column was read from."""
    parts = []
    for column, header in report.columns.items():
        name = field_name_only(t, column.removesuffix(" (fill)"))
        if column.endswith(" (fill)"):
            name += " " + t("appendix_data.fill_suffix")
        elif column.startswith("count["):  # activities with a count column per action type
            name = f"{field_name_only(t, 'count')} ({column[6:-1]})"
        parts.append(f"{name} ← {quote(t, header)}")
    return "; ".join(parts)


def excluded_label(t: Messages, rule: str, effect: dict[str, float]) -> str:
    """'Нетоварные строки (почтовые расходы, комиссии, корректировки): 14 строк на 85 632 ₽'."""
    return (
        t(f"appendix_data.excluded.{rule}")
        + ": "
        + t("appendix_data.excluded_effect", rows=effect["rows"], amount=effect["amount"])
    )


def exclusions(t: Messages, report: TableReport) -> list[dict[str, Any]]:
    """Rows for the cleaning rules that excluded lines of a file: rows, money and examples."""
    return [
        {
            "reason": t(f"appendix_data.excluded.{rule}"),
            "count": t.fmt.num(effect["rows"]),
            "amount": t.fmt.money(effect["amount"]),
            "examples": [example_label(t, e, report, rule) for e in report.examples.get(rule, [])],
        }
        for rule, effect in report.excluded.items()
    ]
