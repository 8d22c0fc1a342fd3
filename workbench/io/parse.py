"""Vectorised parsing of cell values as they come in Russian CRM and accounting exports.

Every parser takes a Series of raw cells (strings from CSV, or typed values from XLSX) and returns the
parsed Series plus a boolean mask of cells that were not empty but could not be parsed. Empty cells
(and the null sentinels) become NaN / NaT and are not "bad".

Text columns take a fast path in Arrow for the shapes that fill real exports (``12500``, ``1 234,5``,
``23.11.2026 14:05:07``, ``2026-11-23``); every other cell goes through the general pandas path, so
both paths give the same result and a million-row export is parsed in seconds.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.limits import EARLIEST_DATE, LATEST_DATE

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
            self.text, self.empty = _arrow_cells(values, nulls)
            return
        stripped = text.str.replace("\u00a0", " ", regex=False).str.strip()
        is_null = stripped.isna() | stripped.str.casefold().isin(nulls)
        self.text = stripped[~is_null.astype(bool)]
        filled = self.text.index.union(self.typed.index).union(self.numbers.index)
        self.empty = pd.Series(True, index=self.index)
        self.empty[filled] = False


def _arrow(values: pd.Series) -> pa.Array:
    """The cells of a text Series as one Arrow string array (no copy for Arrow-backed strings)."""
    array = pa.array(values.astype("string").array)
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    return array.cast(pa.string())


def _arrow_cells(values: pd.Series, nulls: frozenset[str]) -> tuple[pd.Series, pd.Series]:
    """(stripped non-empty text, empty mask) of a text column, computed in Arrow."""
    array = pc.utf8_trim_whitespace(pc.replace_substring(_arrow(values), "\u00a0", " "))
    empty = pc.fill_null(
        pc.or_(pc.is_null(array), pc.is_in(pc.utf8_lower(array), value_set=pa.array(sorted(nulls)))), True
    ).to_numpy(zero_copy_only=False)
    kept = pc.filter(array, pa.array(~empty))
    text = pd.Series(pd.arrays.ArrowStringArray(kept), index=values.index[~empty], dtype="string")
    return text, pd.Series(empty, index=values.index)


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
    if values.dtype != object:
        return cells.text.reindex(values.index)
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
        fast, rest = _fast_numbers(cells.text)
        result[fast.index] = fast
        if len(rest):
            result[rest.index] = _numbers_from_text(rest)
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
_GAPS = "[ '\u00a0\u202f\u2009\u2007]"
_FAST_NUMBER = rf"^[-+]?(?:\d+(?:[.,]\d+)?|\d{{1,3}}(?:{_GAPS}\d{{3}})+(?:[.,]\d+)?)$"


def _fast_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers of the plain and space-grouped shapes parsed in Arrow; the other cells for the general path."""
    array = _arrow(text)
    fast = pc.fill_null(pc.match_substring_regex(array, _FAST_NUMBER), False).to_numpy(zero_copy_only=False)
    digits = pc.replace_substring_regex(pc.filter(array, pa.array(fast)), _GAPS, "")
    numbers = pc.cast(pc.replace_substring(digits, ",", "."), pa.float64()).to_numpy(zero_copy_only=False)
    return pd.Series(numbers, index=text.index[fast], dtype="float64"), text[~fast]


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


def slash_dates_month_first(values: pd.Series) -> bool:
    """Whether the column's slash dates are American (03/25/2026): some second part above 12 and no
    first part above 12. Dotted dates are always day-first; without such evidence slashes are too."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return False
    text = values[values.map(lambda v: isinstance(v, str))] if values.dtype == object else values
    parts = pc.extract_regex(_arrow(text), r"^\s*(?P<a>\d{1,2})/(?P<b>\d{1,2})/\d{2,4}")
    parts = pc.drop_null(parts)
    if not len(parts):
        return False
    first, second = (pc.cast(parts.field(name), pa.int64()) for name in ("a", "b"))
    return pc.any(pc.greater(second, 12)).as_py() and not pc.any(pc.greater(first, 12)).as_py()


def parse_dates(
    values: pd.Series, extra_nulls: frozenset[str] = frozenset(), month_first: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Parse day-first dates with optional time, ISO dates, Excel serial numbers and typed XLSX cells.

    Mixed formats in one column are fine: each cell is tried against the formats in turn. With
    ``month_first``, dates written with slashes are read as month/day/year (American exports).
    Returns (datetime64[ns] Series, bad mask).
    """
    cells = _Cells(values, NULL_SENTINELS | DATE_NULL_SENTINELS | extra_nulls)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if len(cells.typed):
        typed = cells.typed.map(lambda v: pd.NaT if _outside(v) else v)
        result[cells.typed.index] = _ns(pd.to_datetime(typed, errors="coerce"))
    fast, rest = _fast_dates(cells.text)
    result[fast.index] = fast
    text = rest.str.replace(r"\s+", " ", regex=True)
    serial_text = text.str.fullmatch(r"\d{5}(\.\d+)?").fillna(False).astype(bool)
    serial = pd.concat([pd.to_numeric(cells.numbers, errors="coerce"), text[serial_text].astype(float)])
    if len(serial):
        ok = serial.between(_EXCEL_MIN, _EXCEL_MAX)
        converted = _EXCEL_EPOCH + pd.to_timedelta(serial[ok].astype(float), unit="D")
        result[converted.index] = converted.dt.round("s").astype("datetime64[ns]")
    remaining = text[~serial_text]
    formats = [f.replace("%d/%m", "%m/%d") for f in DAY_FIRST_FORMATS] if month_first else DAY_FIRST_FORMATS
    for fmt in formats:
        if remaining.empty:
            break
        parsed = pd.to_datetime(remaining, format=fmt, errors="coerce")
        hit = parsed.notna()
        if hit.any():
            result[parsed[hit].index] = _ns(parsed[hit])
            remaining = remaining[~hit]
    if not remaining.empty:
        iso = remaining[remaining.str.match(r"^\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)]
        # Keep the wall time written in the file: a time-zone suffix after the time is dropped, not
        # converted to UTC. Only well-formed suffixes go; anything else left makes the cell a bad date.
        iso = iso.str.replace(
            r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:Z|[+-]\d{2}:?\d{2})$", r"\1", regex=True
        )
        iso = iso[~iso.str.contains(r"\d{2}:\d{2}.*[-+Z]", regex=True).fillna(False).astype(bool)]
        parsed = _iso_dates(iso)
        hit = parsed.notna()
        result[parsed[hit].index] = _ns(parsed[hit])
    outside = (result < pd.Timestamp(EARLIEST_DATE)) | (
        result >= pd.Timestamp(LATEST_DATE) + pd.Timedelta(days=1)
    )
    result[outside] = pd.NaT
    bad = ~cells.empty & result.isna()
    return result, bad


def _outside(value: object) -> bool:
    """Whether a typed date cell lies outside the plausible range."""
    try:
        day = value.date() if isinstance(value, dt.datetime) else value
        return isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE
    except (TypeError, ValueError):
        return False


def _ns(parsed: pd.Series) -> pd.Series:
    """Parsed dates as nanosecond timestamps; dates outside the plausible range become NaT (pandas'
    nanosecond range ends in 1677 and 2262: beyond it a date would wrap around or fail)."""
    first = pd.Timestamp(EARLIEST_DATE)
    last = pd.Timestamp(LATEST_DATE) + pd.Timedelta(days=1)
    ok = parsed.notna() & (parsed >= first) & (parsed < last)
    return parsed.where(ok).astype("datetime64[ns]")


_YEAR = r"(?<!\d)(\d{4})(?!\d)"


def dates_out_of_range(values: pd.Series, bad: pd.Series) -> pd.Series:
    """Of the cells ``bad`` says could not be read as dates, those written with a year outside the
    plausible range (:data:`EARLIEST_DATE` to :data:`LATEST_DATE`), such as 25.10.1441 or 09.01.2611."""
    if not bad.any():
        return bad
    text = values[bad].map(lambda v: v if isinstance(v, str) else str(v)).astype("string")
    years = pd.to_numeric(text.str.extract(_YEAR, expand=False), errors="coerce")
    outside = (years < EARLIEST_DATE.year) | (years > LATEST_DATE.year)
    return outside.reindex(values.index, fill_value=False).fillna(False).astype(bool)


def _iso_dates(iso: pd.Series) -> pd.Series:
    """ISO dates without a zone; a cell pandas reads as zoned anyway, or cannot read, is missing."""
    try:
        parsed = pd.to_datetime(iso, format="ISO8601", errors="coerce")
    except (TypeError, ValueError):
        parsed = iso.map(_one_iso)
    if getattr(parsed.dtype, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return pd.to_datetime(parsed, errors="coerce")


def _one_iso(text: object) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(str(text))
    except (TypeError, ValueError):
        return pd.NaT
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


# Day-first dates with an optional time, and ISO dates without a zone: the shapes of real exports.
_FAST_DATES = (
    r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?: (?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$",
    r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[ T](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$",
)


def _fast_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates of the common shapes parsed in Arrow (impossible days are left to the general path)."""
    array = _arrow(text)
    done = np.zeros(len(array), dtype=bool)
    stamps = np.full(len(array), np.datetime64("NaT"), dtype="datetime64[ns]")
    for pattern in _FAST_DATES:
        parts = pc.extract_regex(array, pattern)
        matched = pc.fill_null(pc.is_valid(parts), False)
        if not pc.any(matched).as_py():
            continue
        parts = pc.filter(parts, matched)
        field = {name: parts.field(name) for name in ("d", "m", "y", "H", "M", "S")}
        hms = [pc.if_else(pc.equal(field[k], ""), "0", field[k]) for k in ("H", "M", "S")]
        iso = pc.binary_join_element_wise(field["y"], field["m"], field["d"], *hms, "-")
        parsed = pc.strptime(iso, format="%Y-%m-%d-%H-%M-%S", unit="s", error_is_null=True)
        # strptime rolls 31.02 over into March: keep only the dates whose day and month survive. Years
        # outside the plausible range go to the general path (which refuses them) rather than wrap around
        # the nanosecond range on the way into pandas.
        year = pc.cast(field["y"], pa.int64())
        exact = pc.and_(
            pc.and_(
                pc.equal(pc.day(parsed), pc.cast(field["d"], pa.int64())),
                pc.equal(pc.month(parsed), pc.cast(field["m"], pa.int64())),
            ),
            pc.and_(pc.greater_equal(year, EARLIEST_DATE.year), pc.less_equal(year, LATEST_DATE.year)),
        )
        exact = pc.fill_null(exact, False).to_numpy(zero_copy_only=False)
        where = np.flatnonzero(matched.to_numpy(zero_copy_only=False))[exact]
        stamps[where] = pc.filter(parsed, pa.array(exact)).to_numpy(zero_copy_only=False)
        done[where] = True
        array = pc.if_else(pa.array(done), None, array)
    return pd.Series(stamps[done], index=text.index[done]), text[~done]
