"""Cells no export should hold: NUL characters, texts beyond any plausible length, invisible characters.

A row with such a cell is quarantined (and counted) before its values are parsed, so that no later step
has to cope with it; invisible and bidirectional characters in names are removed with a caveat, so that a
name with a hidden mark does not become a second person that looks identical to the first.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io.quarantine import Quarantine
from workbench.limits import FAR_YEARS, MAX_CELL_CHARS, MAX_NAME_CHARS, UNSEEN, printable
from workbench.tables import TABLES

_UNSEEN_PATTERN = UNSEEN.pattern


def _strings(values: pd.Series) -> pa.Array:
    """The cells of a column as Arrow strings (typed XLSX cells as their text; empty cells null)."""
    if isinstance(values.dtype, pd.ArrowDtype) and pa.types.is_string(values.dtype.pyarrow_dtype):
        array = pa.array(values.array)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if values.dtype == object:
        values = values.map(lambda v: v if v is None or isinstance(v, str) else str(v))
    array = pa.array(values.astype("string").array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _mask(values: pd.Series, test: pa.Array) -> pd.Series:
    return pd.Series(pc.fill_null(test, False).to_numpy(zero_copy_only=False), index=values.index)


def screen_cells(
    frame: pd.DataFrame, names: dict[str, str], q: Quarantine, only: list[str] | None = None
) -> pd.DataFrame:
    """Quarantine rows holding a NUL character in any cell, a cell longer than Excel's 32 767
    characters, or a text of a canonical column (``names``: canonical name -> header) longer than
    :data:`MAX_NAME_CHARS`. ``only``: the columns that may hold such cells, when the reader knows them.
    Returns the remaining rows."""
    by_header = {header: canonical for canonical, header in names.items()}
    for header in frame.columns if only is None else only:
        values = frame[header]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        array = _strings(values)
        if not pc.any(pc.fill_null(pc.greater(pc.utf8_length(array), 0), False)).as_py():
            continue
        field = by_header.get(header, header)
        nul = _mask(values, pc.match_substring(array, "\x00"))
        if nul.any():
            frame = q.reject(
                frame,
                nul,
                "nul_character",
                field,
                "a NUL character (\\x00) inside the cell, a sign of a damaged export; export the file again",
                raw_values=values.astype("string").str.replace("\x00", "\\x00", regex=False),
                columns=names,
            )
        limit = MAX_NAME_CHARS if header in by_header else MAX_CELL_CHARS
        length = pd.Series(pc.utf8_length(array).to_numpy(zero_copy_only=False), index=values.index)
        long = (length > limit).fillna(False).astype(bool)
        if long.any():
            found = length[long].map(lambda n: f"{int(n):,}".replace(",", " "))
            frame = q.reject(
                frame,
                long,
                "text_too_long",
                field,
                f"expected at most {limit:,} characters; found ".replace(",", " ") + found,
                raw_values=values.astype("string").str.slice(0, 100) + "…",
                columns=names,
            )
    return frame


def strip_invisible(text: pd.Series, field: str, q: Quarantine) -> pd.Series:
    """Canonical text without control, zero-width, bidirectional and soft-hyphen characters; the cells
    changed are counted as the caveat ``invisible_characters:<field>`` with examples."""
    if not pd.api.types.is_string_dtype(text) or text.empty:
        return text
    array = _strings(text)
    found = _mask(text, pc.match_substring_regex(array, _UNSEEN_PATTERN))
    if not found.any():
        return text
    shown = text[found].head(3).map(printable)
    q.warn(f"invisible_characters:{field}", int(found.sum()), shown.tolist())
    cleaned = text.copy()
    cleaned[found] = text[found].str.replace(_UNSEEN_PATTERN, "", regex=True).str.strip()
    return cleaned.mask(cleaned == "", pd.NA)


def warn_far_dates(frame: pd.DataFrame, table: str, start: dt.date, end: dt.date, q: Quarantine) -> None:
    """A caveat for dates more than :data:`FAR_YEARS` years before or after the audited period (such as
    1900 or 2100 in a 2026 audit): they are plausible enough to be used, but rarely right."""
    low = pd.Timestamp(start.replace(year=max(start.year - FAR_YEARS, 1)))
    high = pd.Timestamp(end.replace(year=end.year + FAR_YEARS, day=min(end.day, 28)))
    for column in TABLES[table]:
        if column.kind != "datetime" or column.name not in frame:
            continue
        values = frame[column.name]
        far = ((values < low) | (values > high)).fillna(False).astype(bool)
        if far.any():
            examples = [
                {"row": int(row), "value": f"{value:%d.%m.%Y}"} for row, value in values[far].head(3).items()
            ]
            q.warn(f"dates_far_from_period:{column.name}", int(far.sum()), examples)
