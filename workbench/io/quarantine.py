"""Quarantine of unusable rows and the per-table accounting: rows read = rows used + rows quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.serialize import json_key, json_omit
from workbench.tables import column_names

if TYPE_CHECKING:
    from workbench.io.mapping import PresetChoice

QUARANTINE_COLUMNS = ["table", "file", "row", "reason", "field", "value", "detail", "hint"]
MAX_EXAMPLES = 3
# Reasons whose quarantined value is raw text of any column (a whole line, a damaged or cut cell): under
# --anonymize the value is hidden and the row is shown by its masked canonical values instead.
RAW_REASONS = frozenset({"bad_field_count", "runaway_quote", "nul_character", "text_too_long"})
HIDDEN = "…"  # a value hidden under --anonymize
FREE_TEXT_FIELDS = frozenset({"title"})  # free text (a deal's title): never copied into a row's values
EXAMPLE_CELLS = 6  # values of a row shown in an example
CELL_CHARS = 80
# Rows set aside by design, not because the data is wrong: events of other kinds in an event log, deals
# deleted in the CRM. They are counted like any quarantined row but are no sign of poor data.
EXPECTED_REASONS = frozenset({"not_stage_change", "deleted_deal"})


@dataclass
class TableReport:
    """What happened to one input file on its way into a canonical table."""

    table: str = field(metadata=json_omit("the key of the report in data_quality"))
    file: str
    rows_read: int = 0
    rows_used: int = 0
    rows_quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    # Valid rows that a configured cleaning rule removed (not errors): rows and money per rule.
    rows_excluded: int = 0
    excluded: dict[str, dict[str, float]] = field(default_factory=dict)
    file_format: str = field(default="csv", metadata=json_key("format"))
    preset: PresetChoice | None = None

    @property
    def rows_rejected(self) -> int:
        """Quarantined rows that point at a problem of the data (not set aside by design)."""
        return self.rows_quarantined - sum(n for r, n in self.reasons.items() if r in EXPECTED_REASONS)

    @property
    def balanced(self) -> bool:
        """The accounting identity every table must satisfy."""
        return self.rows_read == self.rows_used + self.rows_quarantined + self.rows_excluded


class Quarantine:
    """Collects rejected rows of one table; each row is quarantined once, with its first reason."""

    def __init__(self, table: str, file: str):
        self.table = table
        self.file = file
        self._parts: list[pd.DataFrame] = []
        self._rows: set[int] = set()
        self.warnings: dict[str, int] = {}
        self.examples: dict[str, list[dict[str, object]]] = {}
        self.excluded: dict[str, dict[str, float]] = {}
        self.excluded_rows = 0

    def reject(
        self,
        frame: pd.DataFrame,
        mask: pd.Series,
        reason: str,
        field: str | None = None,
        detail: str | pd.Series = "",
        raw_values: pd.Series | None = None,
        hint: pd.Series | None = None,
        columns: dict[str, str] | None = None,
    ) -> pd.DataFrame:
        """Move the rows of ``frame`` where ``mask`` holds into quarantine; return the remaining rows.

        ``frame`` is indexed by the row number in the client's file. The quarantine shows the cell of
        ``field`` (or of ``raw_values``, the cell as it was in the file); ``hint`` is a suggested
        correction (e.g. the nearest configured stage). ``columns`` maps canonical names to the frame's
        columns when the frame is the file's raw table: the row's values kept for its examples (and, for
        the raw reasons, for every row, to show it under pseudonyms) are read through it.
        """
        mask = mask.reindex(frame.index, fill_value=False).astype(bool)
        if not mask.any():
            return frame
        rejected = frame.index[mask.to_numpy()]
        if raw_values is not None:
            values = raw_values.reindex(rejected).astype("string")
        elif field and field in frame:
            values = frame.loc[rejected, field].astype("string")
        else:
            values = pd.NA
        if isinstance(values, pd.Series) and values.isna().any():
            # An empty cell: the row's other values, so that the client can find it.
            values = values.fillna(row_text(frame.loc[rejected], self.table))
        elif not isinstance(values, pd.Series):
            values = row_text(frame.loc[rejected], self.table)
        details = detail.reindex(rejected).astype("string") if isinstance(detail, pd.Series) else detail
        hints = hint.reindex(rejected).astype("string") if hint is not None else pd.NA
        if columns is None:
            columns = {c: c for c in column_names(self.table) if c in frame.columns}
        positions = np.flatnonzero(mask.to_numpy())
        sample = frame.iloc[positions if reason in RAW_REASONS else positions[:MAX_EXAMPLES]]
        cells = _objects([row_cells(row, columns, skip=field) for _, row in sample.iterrows()], len(rejected))
        self._parts.append(
            pd.DataFrame(
                {
                    "table": self.table,
                    "file": self.file,
                    "row": rejected.astype("int64"),
                    "reason": reason,
                    "field": field or "",
                    "value": values,
                    "detail": details,
                    "hint": hints,
                    "cells": cells,
                }
            )
        )
        self._rows.update(int(r) for r in rejected)
        return frame.loc[~mask.to_numpy()]

    def reject_rows(
        self, rows: list[tuple[int, str, str]], reason: str, cells: dict[int, list] | None = None
    ) -> None:
        """Quarantine rows that never became part of a frame (e.g. a wrong number of fields); ``cells``:
        each row's canonical values as far as they can be told (by position), see :func:`row_cells`."""
        if not rows:
            return
        cells = cells or {}
        self._parts.append(
            pd.DataFrame(
                {
                    "table": self.table,
                    "file": self.file,
                    "row": [r for r, _, _ in rows],
                    "reason": reason,
                    "field": "",
                    "value": [v for _, v, _ in rows],
                    "detail": [d for _, _, d in rows],
                    "hint": pd.NA,
                    "cells": _objects([cells.get(r) for r, _, _ in rows], len(rows)),
                }
            )
        )
        self._rows.update(r for r, _, _ in rows)

    def exclude(
        self, frame: pd.DataFrame, mask: pd.Series, rule: str, field: str | None = None
    ) -> pd.DataFrame:
        """Remove the rows of ``frame`` where ``mask`` holds under a cleaning rule; count rows and money.

        Excluded rows are valid data that a configured rule leaves out (cancellations, postage, lines
        without a customer); they are not written to the quarantine. The money is the sum of their
        ``amount``; a few examples (row number and the cell of ``field``) are kept.
        """
        mask = mask.reindex(frame.index, fill_value=False).astype(bool)
        if not mask.any():
            return frame
        removed = frame.loc[mask.to_numpy()]
        entry = self.excluded.setdefault(rule, {"rows": 0, "amount": 0.0})
        entry["rows"] += len(removed)
        entry["amount"] += float(removed["amount"].sum()) if "amount" in removed else 0.0
        self.excluded_rows += len(removed)
        kept = self.examples.setdefault(rule, [])
        summary = {c: c for c in SUMMARY_FIELDS if c in removed.columns}
        for row, cells in removed.head(MAX_EXAMPLES - len(kept)).iterrows():
            value = _cell(cells[field]) if field and pd.notna(cells[field]) else row_summary(cells)
            example = {"row": int(row), "value": _text(value, CELL_CHARS), "hint": None}
            kept.append({**example, "cells": row_cells(cells, summary)})
        return frame.loc[~mask.to_numpy()]

    def warn(self, code: str, count: int, examples: list[Any] | None = None) -> None:
        """Record a caveat about rows that are used anyway (e.g. a won deal without an amount).

        An example is a value (a deal id, a name) or a dict with ``value`` and optionally ``row``, ``hint``
        and ``variants`` (spellings of one name with their row counts).
        """
        if count <= 0:
            return
        self.warnings[code] = self.warnings.get(code, 0) + int(count)
        if examples:
            kept = self.examples.setdefault(code, [])
            for example in examples:
                if len(kept) >= MAX_EXAMPLES:
                    break
                given = example if isinstance(example, dict) else {"value": example}
                item = {
                    "row": given.get("row"),
                    "value": _text(str(given.get("value") or ""), 120),
                    "hint": _text(str(given.get("hint") or ""), 80),
                    **({"variants": given["variants"]} if "variants" in given else {}),
                }
                if item not in kept:  # three examples of one value say less than one
                    kept.append(item)

    def reason_count(self, reason: str) -> int:
        """Rows quarantined for ``reason``."""
        return sum(int((part["reason"] == reason).sum()) for part in self._parts)

    @property
    def count(self) -> int:
        return len(self._rows)

    def frame(self) -> pd.DataFrame:
        """All quarantined rows, ordered by row number."""
        if not self._parts:
            return empty_quarantine()
        out = pd.concat(self._parts, ignore_index=True)
        return out.sort_values("row", kind="stable").reset_index(drop=True)

    def reasons(self) -> dict[str, int]:
        """Counts per reason (each row counted once)."""
        frame = self.frame()
        return {str(k): int(v) for k, v in frame["reason"].value_counts(sort=True).items()}

    def reason_examples(self) -> dict[str, list[dict[str, object]]]:
        """A few examples per reason: row number, the cell's value and a suggested correction."""
        frame = self.frame()
        out: dict[str, list[dict[str, object]]] = {}
        for reason, group in frame.groupby("reason", sort=False):
            out[str(reason)] = [_example(r) for r in group.head(MAX_EXAMPLES).itertuples()]
        return out


def _objects(values: list[object], length: int) -> np.ndarray:
    """A 1-D object array of ``length`` holding ``values`` (lists kept whole) and None after them."""
    out = np.empty(length, dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def _example(r: Any) -> dict[str, object]:
    """One quarantined row as an example: row number, value, hint, and where known the row's values
    (``cells``) and the specific detail (``expected 6 fields, found 5``)."""
    example: dict[str, object] = {"row": int(r.row), "value": _text(r.value, 80), "hint": _text(r.hint, 80)}
    cells = getattr(r, "cells", None)
    if isinstance(cells, list) and cells:
        example["cells"] = cells
    if isinstance(r.detail, str) and r.detail:
        example["detail"] = r.detail[:CELL_CHARS]
    return example


def row_cells(row: pd.Series, columns: dict[str, str], skip: str | None = None) -> list[list[object]]:
    """A row's non-empty values of canonical columns as ``[column, value]`` pairs (at most
    :data:`EXAMPLE_CELLS`): dates as ISO text, numbers as numbers, the rest as text. ``columns`` maps each
    canonical name to the row's label for it, in the order shown (the table's contract order); free text (a
    deal's title) and ``skip`` are left out."""
    out: list[list[object]] = []
    for canonical, column in columns.items():
        if canonical in FREE_TEXT_FIELDS or canonical == skip or column not in row.index:
            continue
        value = row[column]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        if isinstance(value, pd.Timestamp):
            value = value.isoformat()
        elif isinstance(value, int | float | np.number) and not isinstance(value, bool):
            value = float(value)
        else:
            value = str(value).strip()[:CELL_CHARS]
            if not value:
                continue
        out.append([canonical, value])
        if len(out) == EXAMPLE_CELLS:
            break
    return out


ROW_TEXT_LIMIT = 200


# Columns that may hold a person's or a customer's name: never copied into a row's summary, so that an
# anonymised quarantine carries no real name (see workbench.io.privacy).
NAME_FIELDS = frozenset({"manager", "head", "customer_id", "name", "title"})


def row_text(frame: pd.DataFrame, table: str) -> pd.Series:
    """Each row's non-empty canonical values (names and the file's extra columns left out) joined with
    " | ", at most 200 characters: the quarantine's value of a row whose own cell is empty."""
    columns = [c for c in column_names(table) if c in frame.columns and c not in NAME_FIELDS]
    if frame.empty or not columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    cells = frame[columns].astype("string")
    joined = cells.apply(lambda row: " | ".join(v for v in row if isinstance(v, str) and v.strip()), axis=1)
    return joined.str.slice(0, ROW_TEXT_LIMIT).replace("", pd.NA).astype("string")


SUMMARY_FIELDS = ("document_id", "date", "product", "amount")


def _cell(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d.%m.%Y") if value == value.normalize() else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def row_summary(cells: pd.Series) -> str:
    """The values that identify a row (document, date, product, amount) when no single cell does:
    an example shows the row's contents, not a bare row number."""
    shown = [_cell(cells[name]) for name in SUMMARY_FIELDS if name in cells.index and pd.notna(cells[name])]
    return " · ".join(shown)


def _text(value: object, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def example_text(example: dict[str, object]) -> str:
    """'row 12: 'Переговоры' -> 'Презентация'' for terminals and logs."""
    parts = []
    if example.get("row") is not None:
        parts.append(f"row {example['row']}")
    if example.get("value"):
        parts.append(repr(example["value"]))
    text = ": ".join(parts)
    if example.get("hint"):
        text += f" -> {example['hint']!r}"
    return text


def empty_quarantine() -> pd.DataFrame:
    """An empty quarantine table with the right columns."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "string") for c in QUARANTINE_COLUMNS})
