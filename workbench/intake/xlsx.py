"""The questionnaire as an Excel workbook for the client, and reading a filled one back.

The workbook has an instructions sheet, one sheet per layer (question cells locked, the answer and comment
cells open, answers chosen from a drop-down list where the question has options) and a hidden ``meta``
sheet naming the questionnaire version and language. Reading checks everything and reports each problem
with the sheet, the row and the question; nothing is written here (see :mod:`workbench.intake.merge`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.intake.answers import Answer, IntakeAnswers, IntakeError, parse_value
from workbench.intake.model import LayerSpec, Question, Questionnaire, questionnaire
from workbench.io.atomic import FORMULA_PREFIXES, guard_formula, write_bytes

META_SHEET = "meta"
FORMAT = "workbench-intake"
COLUMNS = ("key", "no", "question", "hint", "answer", "comment")
KEY_COL, ANSWER_COL, COMMENT_COL = 1, 5, 6
FIRST_ROW = 2
HEADERS = {
    "ru": ("Код", "№", "Вопрос", "Как отвечать", "Ответ", "Комментарий"),
    "en": ("Key", "No.", "Question", "How to answer", "Answer", "Comment"),
}
HINTS = {
    "ru": {
        "number": "число",
        "date": "дата ДД.ММ.ГГГГ",
        "text": "свободный текст",
        "options": "выберите из списка",
    },
    "en": {
        "number": "a number",
        "date": "a date DD.MM.YYYY",
        "text": "free text",
        "options": "choose from the list",
    },
}
INSTRUCTIONS = {
    "ru": (
        "Анкета аудита системы продаж",
        "Анкета проходит систему продаж по 11 слоям: каждому слою — свой лист.",
        "Заполняйте только столбцы «Ответ» и «Комментарий»; остальные ячейки защищены.",
        "Где есть список, выберите ответ из списка. Числа — цифрами, даты — ДД.ММ.ГГГГ.",
        "Не знаете ответа — оставьте ячейку пустой: слой не оценится по вопросу, но и не получит ноль.",
        "Не переименовывайте листы, не добавляйте и не удаляйте строки, не вставляйте формулы.",
    ),
    "en": (
        "Sales-system audit questionnaire",
        "The questionnaire goes through the sales system in 11 layers: one sheet per layer.",
        "Fill in only the Answer and Comment columns; the other cells are protected.",
        "Where there is a list, choose the answer from it. Numbers as digits, dates as DD.MM.YYYY.",
        "Do not know an answer? Leave the cell empty: the layer is not assessed on it, not scored zero.",
        "Do not rename sheets, add or delete rows, or enter formulas.",
    ),
}
_HEAD = PatternFill("solid", fgColor="1F4E79")
_OPEN = PatternFill("solid", fgColor="FFF8DC")


def _unguard(text: str) -> str:
    """Text the export kept from running as a formula, without the apostrophe it added."""
    return text[1:] if text.startswith("'") and text[1:2].startswith(FORMULA_PREFIXES) and text[1:2] else text


def sheet_title(layer: LayerSpec, locale: str) -> str:
    """A layer's sheet name (Excel allows 31 characters and no ``[]:*?/\\``)."""
    return re.sub(r"[\[\]:*?/\\]", " ", f"{layer.number} {layer.name.get(locale)}")[:31]


def _label(question: Question, value: Any, locale: str) -> Any:
    if value is None:
        return None
    option = question.option(str(value)) if question.options else None
    if option is not None:
        return option.text.get(locale)
    return guard_formula(value) if isinstance(value, str) else value


def build_workbook(
    answers: IntakeAnswers, locale: str = "ru", client: str = "", q: Questionnaire | None = None
):
    """The questionnaire workbook, filled with ``answers``."""
    q = q or questionnaire()
    wb = Workbook()
    guide = wb.active
    guide.title = "Инструкция" if locale == "ru" else "Instructions"
    lines = INSTRUCTIONS[locale]
    guide.append([lines[0]])
    guide["A1"].font = Font(bold=True, size=14)
    if client:
        guide.append([client])
    guide.append([])
    for line in lines[1:]:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    guide.protection.sheet = True
    for layer in q.layers:
        _layer_sheet(wb.create_sheet(sheet_title(layer, locale)), layer, answers, locale)
    meta = wb.create_sheet(META_SHEET)
    for row in (("format", FORMAT), ("questionnaire_version", q.version), ("locale", locale)):
        meta.append(list(row))
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    return wb


def _layer_sheet(ws: Worksheet, layer: LayerSpec, answers: IntakeAnswers, locale: str) -> None:
    ws.append(list(HEADERS[locale]))
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEAD
    hints = HINTS[locale]
    for number, question in enumerate(layer.questions, start=1):
        hint = hints["options"] if question.options else hints[question.type]
        if question.unit:
            hint += f", {question.unit.get(locale)}"
        ws.append(
            [
                question.key,
                f"{layer.number}.{number}",
                question.text.get(locale),
                hint,
                _label(question, answers.value(question.key), locale),
                guard_formula(answers.comment(question.key)) or None,
            ]
        )
        row = FIRST_ROW + number - 1
        for col in (ANSWER_COL, COMMENT_COL):
            cell = ws.cell(row, col)
            cell.protection, cell.fill = Protection(locked=False), _OPEN
        if question.type == "date":
            ws.cell(row, ANSWER_COL).number_format = "DD.MM.YYYY"
        _validate(ws, question, f"{ws.cell(row, ANSWER_COL).coordinate}", locale)
    for col, width in zip("ABCDEF", (16, 6, 70, 22, 24, 40), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=FIRST_ROW):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].hidden = True
    ws.protection.sheet = True
    ws.freeze_panes = "C2"


def _validate(ws: Worksheet, question: Question, cell: str, locale: str) -> None:
    if question.options:
        labels = ",".join(o.text.get(locale).replace(",", " ") for o in question.options)
        rule = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    elif question.type == "number":
        rule = DataValidation(
            type="decimal", operator="between", formula1="-1000000000", formula2="1000000000"
        )
    elif question.type == "date":
        rule = DataValidation(type="date", operator="greaterThan", formula1="1")
    else:
        return
    rule.error = (
        "Выберите ответ из списка или оставьте пустым"
        if locale == "ru"
        else "Choose from the list or leave empty"
    )
    rule.showErrorMessage = True
    ws.add_data_validation(rule)
    rule.add(cell)


def export_xlsx(
    path: Path | str,
    answers: IntakeAnswers,
    locale: str = "ru",
    client: str = "",
    q: Questionnaire | None = None,
) -> Path:
    """Write the questionnaire workbook atomically."""
    buffer = io.BytesIO()
    build_workbook(answers, locale, client, q).save(buffer)
    return write_bytes(Path(path), buffer.getvalue())


def read_xlsx(path: Path | str, q: Questionnaire | None = None) -> IntakeAnswers:
    """The answers of a filled workbook; every problem names the sheet, the row and the question."""
    q = q or questionnaire()
    source = str(path)
    try:
        wb = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise IntakeError(source, [f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})"]) from None
    locale = _check_meta(wb, source, q)
    problems: list[str] = []
    answers: dict[str, Answer] = {}
    for layer in q.layers:
        title = sheet_title(layer, locale)
        if title not in wb.sheetnames:
            problems.append(
                f"sheet '{title}': missing (the layer {layer.number} sheet was renamed or deleted)"
            )
            continue
        problems += _read_sheet(wb[title], title, layer, locale, answers)
    if problems:
        raise IntakeError(source, problems)
    return IntakeAnswers(answers=answers)


def _check_meta(wb: Any, source: str, q: Questionnaire) -> str:
    if META_SHEET not in wb.sheetnames:
        raise IntakeError(
            source, [f"sheet '{META_SHEET}': missing; this is not a questionnaire exported by workbench"]
        )
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0] is not None}
    if meta.get("format") != FORMAT:
        raise IntakeError(source, [f"sheet '{META_SHEET}': not a questionnaire exported by workbench"])
    version = meta.get("questionnaire_version")
    if version != q.version:
        raise IntakeError(
            source,
            [
                f"sheet '{META_SHEET}': the file holds questionnaire version {version}, this workbench reads "
                f"version {q.version}; export a new questionnaire with `workbench intake export`"
            ],
        )
    locale = meta.get("locale")
    if locale not in ("ru", "en"):
        raise IntakeError(source, [f"sheet '{META_SHEET}', row 3: locale {locale!r} is not ru or en"])
    return str(locale)


def _read_sheet(
    ws: Worksheet, title: str, layer: LayerSpec, locale: str, answers: dict[str, Answer]
) -> list[str]:
    problems: list[str] = []
    expected = {x.key: x for x in layer.questions}
    seen: set[str] = set()
    for row in ws.iter_rows(min_row=FIRST_ROW):
        number = row[0].row
        cells = {c.column: c for c in row}
        key_cell = cells.get(KEY_COL)
        key = str(key_cell.value).strip() if key_cell is not None and key_cell.value is not None else ""
        answer_cell, comment_cell = cells.get(ANSWER_COL), cells.get(COMMENT_COL)
        if not key:
            if any(c.value not in (None, "") for c in row):
                problems.append(
                    f"sheet '{title}', row {number}: an extra row that is not a question; delete it"
                )
            continue
        question = expected.get(key)
        if question is None:
            problems.append(
                f"sheet '{title}', row {number}: '{key}' is not a question of layer {layer.number}"
            )
            continue
        seen.add(key)
        where = f"sheet '{title}', row {number}, question «{question.text.get(locale)}»"
        formula = [c for c in (answer_cell, comment_cell) if c is not None and c.data_type == "f"]
        if formula:
            problems.append(f"{where}: a formula ({formula[0].value}); type the answer as a value")
            continue
        raw = answer_cell.value if answer_cell is not None else None
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        try:
            value = parse_value(question, raw)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        comment = comment_cell.value if comment_cell is not None else None
        comment = _unguard("" if comment is None else str(comment).strip())
        if isinstance(value, str):
            value = _unguard(value)
        if value is not None or comment:
            answers[key] = Answer(value=value, comment=comment)
    for key in expected.keys() - seen:
        problems.append(f"sheet '{title}': the row of question '{key}' is missing")
    return problems
