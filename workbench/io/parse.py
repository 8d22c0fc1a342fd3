"""Vectorised parsing of cell values as they come in Russian CRM and accounting exports.

Every parser takes a Series of raw cells (strings from CSV, or typed values from XLSX) and returns the
parsed Series plus a boolean mask of cells that were not empty but could not be parsed. Empty cells
(and the null sentinels) become NaN / NaT and are not "bad".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

NULL_SENTINELS = frozenset({"", "nan", "null", "none", "n/a", "#n/a", "-", "—", "–"})
DATE_NULL_SENTINELS = frozenset({"не закрыта", "не закрыт", "не закрыто", "not closed", "открыта"})

# Day-first formats, most specific first. ISO dates are handled separately.
DAY_FIRST_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
EXPECTED_DATE = "a date like 23.11.2026, 23.11.2026 14:05 or 2026-11-23"
EXPECTED_NUMBER = "a number like 1 234 567,89"

# Excel serial day numbers between 1954 and 2119: a bare number in a date column is read as one.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_EXCEL_MIN, _EXCEL_MAX = 20_000, 80_000

_CURRENCY = r"(?i)(руб(лей|ля|ль)?\.?|р\.?|₽|rub|rur|usd|eur|\$|€|£)"


class _Cells:
    """A column split into text cells, typed cells and empty cells."""

    def __init__(self, values: pd.Series, nulls: frozenset[str]):
        self.index = values.index
        if values.dtype == object:
            kinds = values.map(_kind)
            self.typed = values[kinds == "date"]
            self.numbers = values[kinds == "number"]
            text = values[kinds == "text"].astype("string")
        else:
            self.typed = values.iloc[0:0]
            self.numbers = values.iloc[0:0]
            text = values.astype("string")
        stripped = text.str.replace("\u00a0", " ", regex=False).str.strip()
        is_null = stripped.isna() | stripped.str.casefold().isin(nulls)
        self.text = stripped[~is_null.astype(bool)]
        filled = self.text.index.union(self.typed.index).union(self.numbers.index)
        self.empty = pd.Series(True, index=self.index)
        self.empty[filled] = False


def _kind(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return "empty"
    if isinstance(value, dt.date | np.datetime64):
        return "date"
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return "number"
    return "text"


def clean_text(values: pd.Series, extra_nulls: frozenset[str] = frozenset()) -> pd.Series:
    """Strip whitespace (including no-break spaces); empty cells and null sentinels become NA."""
    cells = _Cells(values, NULL_SENTINELS | extra_nulls)
    result = pd.Series(pd.NA, index=values.index, dtype="string")
    result[cells.text.index] = cells.text
    if len(cells.numbers):
        result[cells.numbers.index] = cells.numbers.map(_number_to_text).astype("string")
    if len(cells.typed):
        result[cells.typed.index] = cells.typed.map(lambda v: pd.Timestamp(v).isoformat(sep=" ")).astype(
            "string"
        )
    return result


def _number_to_text(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def parse_numbers(
    values: pd.Series, extra_nulls: frozenset[str] = frozenset()
) -> tuple[pd.Series, pd.Series]:
    """Parse money and quantities: '1 234 567,89', '1.234.567,89', '1,234.56', '12 500 ₽', '(300)'.

    Returns (float Series, bad mask).
    """
    cells = _Cells(values, NULL_SENTINELS | extra_nulls)
    result = pd.Series(np.nan, index=values.index, dtype="float64")
    if len(cells.numbers):
        result[cells.numbers.index] = pd.to_numeric(cells.numbers, errors="coerce").astype("float64")
    if len(cells.text):
        result[cells.text.index] = _numbers_from_text(cells.text)
    bad = ~cells.empty & ~np.isfinite(result)
    result[~np.isfinite(result)] = np.nan
    return result, bad


# Accepted shapes of a number once currency and signs are handled; anything else is a bad cell.
_PLAIN = r"\d+(?:[.,]\d+)?|[.,]\d+"  # 1234, 1234,5 (a single comma is a decimal comma), 1234.5, .5
_SPACED = r"\d{1,3}(?:[ ']\d{3})+(?:[.,]\d+)?"  # 1 234 567,89 (spaces of any kind, apostrophes)
_COMMA_GROUPS = r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3},\d{3}\.\d+"  # 1,234,567 or 1,234.56
_DOT_GROUPS = r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d{1,3}\.\d{3},\d+"  # 1.234.567 or 1.234,56
_SCIENTIFIC = r"\d+(?:\.\d+)?[eE][-+]?\d+"
_SHAPES = {"plain": _PLAIN, "spaced": _SPACED, "comma": _COMMA_GROUPS, "dot": _DOT_GROUPS, "sci": _SCIENTIFIC}


def _numbers_from_text(text: pd.Series) -> pd.Series:
    text = text.str.replace(r"[\s\u00a0\u202f\u2009\u2007]+", " ", regex=True)
    text = text.str.replace(_CURRENCY, "", regex=True).str.strip().str.rstrip(".").str.strip()
    text = text.str.replace("\u2212", "-", regex=False)
    negative = text.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    text = text.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.strip()
    sign = text.str.extract(r"^([-+]?)", expand=False).fillna("")
    body = text.str.replace(r"^[-+]\s*", "", regex=True)
    result = pd.Series(np.nan, index=text.index, dtype="float64")
    for shape, pattern in _SHAPES.items():
        hit = body.str.fullmatch(pattern).fillna(False).astype(bool) & result.isna()
        if not hit.any():
            continue
        part = body[hit]
        if shape in {"plain", "spaced"}:
            part = part.str.replace(r"[ ']", "", regex=True).str.replace(",", ".", regex=False)
        elif shape == "comma":
            part = part.str.replace(",", "", regex=False)
        elif shape == "dot":
            part = part.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        result[hit] = pd.to_numeric(sign[hit] + part, errors="coerce").astype("float64")
    return result.where(~negative, -result)


def parse_dates(values: pd.Series, extra_nulls: frozenset[str] = frozenset()) -> tuple[pd.Series, pd.Series]:
    """Parse day-first dates with optional time, ISO dates, Excel serial numbers and typed XLSX cells.

    Mixed formats in one column are fine: each cell is tried against the formats in turn.
    Returns (datetime64[ns] Series, bad mask).
    """
    cells = _Cells(values, NULL_SENTINELS | DATE_NULL_SENTINELS | extra_nulls)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if len(cells.typed):
        result[cells.typed.index] = pd.to_datetime(cells.typed, errors="coerce").astype("datetime64[ns]")
    text = cells.text.str.replace(r"\s+", " ", regex=True)
    serial_text = text.str.fullmatch(r"\d{5}(\.\d+)?").fillna(False).astype(bool)
    serial = pd.concat([pd.to_numeric(cells.numbers, errors="coerce"), text[serial_text].astype(float)])
    if len(serial):
        ok = serial.between(_EXCEL_MIN, _EXCEL_MAX)
        converted = _EXCEL_EPOCH + pd.to_timedelta(serial[ok].astype(float), unit="D")
        result[converted.index] = converted.dt.round("s").astype("datetime64[ns]")
    remaining = text[~serial_text]
    for fmt in DAY_FIRST_FORMATS:
        if remaining.empty:
            break
        parsed = pd.to_datetime(remaining, format=fmt, errors="coerce")
        hit = parsed.notna()
        if hit.any():
            result[parsed[hit].index] = parsed[hit].astype("datetime64[ns]")
            remaining = remaining[~hit]
    if not remaining.empty:
        iso = remaining[remaining.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)]
        # Keep the wall time written in the file: a time-zone suffix is dropped, not converted to UTC.
        iso = iso.str.replace(r"(?:Z|[+-]\d{2}:?\d{2})$", "", regex=True)
        parsed = pd.to_datetime(iso, format="ISO8601", errors="coerce")
        hit = parsed.notna()
        result[parsed[hit].index] = parsed[hit].astype("datetime64[ns]")
    bad = ~cells.empty & result.isna()
    return result, bad
