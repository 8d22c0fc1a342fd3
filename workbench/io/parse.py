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

_CURRENCY = r"(?i)(руб(лей|ля|ль)?\.?|р\.|₽|rub|rur|usd|eur|\$|€|£)"
_SPACES = r"[\s\u00a0\u202f\u2009\u2007']"


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


def _numbers_from_text(text: pd.Series) -> pd.Series:
    text = text.str.replace(_SPACES, "", regex=True)
    text = text.str.replace(_CURRENCY, "", regex=True)
    text = text.str.replace("\u2212", "-", regex=False)
    negative = text.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    text = text.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.rstrip(".")
    has_comma = text.str.contains(",", regex=False)
    has_dot = text.str.contains(".", regex=False)
    both = has_comma & has_dot
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    # Both separators: the last one is the decimal separator.
    text = text.mask(
        both & comma_last, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    text = text.mask(both & ~comma_last, text.str.replace(",", "", regex=False))
    # Only commas: one comma is a decimal comma; several are thousands separators. Same for dots.
    only_comma = has_comma & ~has_dot
    many_commas = text.str.count(",") > 1
    text = text.mask(only_comma & many_commas, text.str.replace(",", "", regex=False))
    text = text.mask(only_comma & ~many_commas, text.str.replace(",", ".", regex=False))
    many_dots = ~has_comma & (text.str.count(r"\.") > 1)
    text = text.mask(many_dots, text.str.replace(".", "", regex=False))
    ok = text.str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?").fillna(False).astype(bool)
    parsed = pd.to_numeric(text.where(ok), errors="coerce").astype("float64")
    return parsed.where(~negative, -parsed)


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
        parsed = pd.to_datetime(iso, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
        hit = parsed.notna()
        result[parsed[hit].index] = parsed[hit].astype("datetime64[ns]")
    bad = ~cells.empty & result.isna()
    return result, bad
