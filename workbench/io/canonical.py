"""Turn a raw table into a canonical table: map columns, parse values, quarantine unusable rows."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re

import pandas as pd

from workbench.config import TableSource
from workbench.errors import DataError
from workbench.io.cells import screen_cells, strip_invisible
from workbench.io.parse import (
    EXPECTED_DATE,
    EXPECTED_NUMBER,
    clean_text,
    dates_out_of_range,
    parse_dates,
    parse_numbers,
    slash_dates_month_first,
)
from workbench.io.quarantine import Quarantine, row_cells
from workbench.io.read import RawTable
from workbench.limits import EARLIEST_DATE, LATEST_DATE, MAX_AMOUNT
from workbench.tables import TABLES, Column, column_names

_CURRENCY_SUFFIX = re.compile(
    r"[\s,]*[(\[]?\s*(₽|руб\.?|рублей|rub|rur|р\.|\$|€|usd|eur)\s*[)\]]?$", re.IGNORECASE
)
SHOWN_HEADERS = 40
FREE_TEXT = frozenset({"title"})  # canonical columns of free text: only Excel's cell limit applies


def normalize_header(name: str) -> str:
    """Header as compared for matching: case, spaces, 'ё' and a currency suffix do not matter."""
    text = name.replace("\u00a0", " ").replace("ё", "е").replace("Ё", "Е").strip().casefold()
    text = re.sub(r"\s+", " ", text)
    return _CURRENCY_SUFFIX.sub("", text).strip()


def find_column(raw: RawTable, wanted: str) -> str | None:
    """The raw column matching header ``wanted``: exactly, else after normalising (first repeat wins)."""
    if wanted in raw.frame.columns:
        return wanted
    if raw.normalized is None:
        raw.normalized = {}
        for header in raw.headers:
            raw.normalized.setdefault(normalize_header(header), header)
    return raw.normalized.get(normalize_header(wanted))


def shown_headers(raw: RawTable) -> str:
    """The file's headers for an error message (the first 40)."""
    shown = ", ".join(repr(h) for h in raw.headers[:SHOWN_HEADERS])
    return shown + (" ..." if len(raw.headers) > SHOWN_HEADERS else "")


def suggest(value: str, options: list[str]) -> str | None:
    """The closest option to ``value``, if any is reasonably close."""
    by_key = {normalize_header(o): o for o in options}
    match = difflib.get_close_matches(normalize_header(value), list(by_key), n=1, cutoff=0.6)
    return by_key[match[0]] if match else None


def require_column(raw: RawTable, header: str, mapped_to: str) -> str:
    """The raw column for ``header``; a :class:`DataError` naming the file's columns when it is missing."""
    found = find_column(raw, header)
    if found is not None:
        return found
    hint = suggest(header, raw.headers)
    hint_text = f" Did you mean {hint!r}?" if hint else ""
    read_as = (
        f" The file was read as {raw.encoding} (set data.<table>.encoding if the names look garbled)."
        if raw.encoding and raw.encoding not in {"utf-8", "utf-8-sig"}
        else ""
    )
    raise DataError(
        raw.name,
        f"column {header!r} (mapped to {mapped_to} in client.yaml) is not in the file.{hint_text}"
        f"{delimiter_hint(raw)}{read_as} The file's columns are: {shown_headers(raw)}",
        field=header,
    ).worded(
        "missing_column",
        column=header,
        mapped_to=mapped_to,
        suggestion=hint or "",
        columns=raw.headers[:SHOWN_HEADERS],
        more_columns=max(0, len(raw.headers) - SHOWN_HEADERS),
        split_by=header_split_by(raw) or "",
        delimiter=repr(raw.delimiter) if raw.delimiter else "",
        encoding=raw.encoding if read_as else "",
    )


def header_split_by(raw: RawTable) -> str | None:
    """The delimiter the header looks separated by when it was split on another one (one column holding
    ';' or tabs): ``Tab`` or the character in quotes."""
    if raw.delimiter is None or len(raw.headers) > 2:
        return None
    for other in (";", "\t", ",", "|"):
        if other != raw.delimiter and raw.headers[0].count(other) >= 2:
            return "Tab" if other == "\t" else repr(other)
    return None


def delimiter_hint(raw: RawTable) -> str:
    """A sentence when the header looks split on the wrong delimiter (one column holding ';' or tabs)."""
    name = header_split_by(raw)
    if name is None:
        return ""
    return (
        f" The header looks separated by {name}, not {raw.delimiter!r}: "
        f"set data.<table>.delimiter to {name} (or auto)."
    )


def map_columns(raw: RawTable, source: TableSource, table: str) -> dict[str, str]:
    """Canonical name -> raw column, for every mapped column; a missing header is a :class:`DataError`."""
    return {
        canonical: require_column(raw, header, f"{table}.{canonical}")
        for canonical, header in source.columns.items()
    }


def broken_cells(raw: RawTable, mapping: dict[str, str]) -> dict[int, list]:
    """The canonical values of rows with a wrong number of fields, read by position under the header
    (the row is broken, so a value may sit under the wrong column): row -> ``[column, value]`` pairs."""
    if not raw.broken_rows:
        return {}
    position = {c: raw.headers.index(h) for c, h in mapping.items() if h in raw.headers}
    out = {}
    for row, text, _ in raw.broken_rows:
        # A CSV line, or an HTML table's row joined with " | ".
        cells = next(csv.reader([text], delimiter=raw.delimiter), []) if raw.delimiter else text.split(" | ")
        values = pd.Series({c: cells[i] for c, i in position.items() if i < len(cells)}, dtype="object")
        out[row] = row_cells(values, {c: c for c in position})
    return out


def build_canonical(
    raw: RawTable,
    source: TableSource,
    table: str,
    quarantine: Quarantine,
    checked_later: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Parse the mapped columns of ``raw`` into canonical types; quarantine rows with bad values.

    Empty required cells are quarantined here, except in the ``checked_later`` columns, which the table's
    own rules handle (a sales line's amount derived from quantity x price; lines without a customer
    excluded by a configured rule). Returns the canonical frame (indexed by row number, extra raw columns
    kept after the canonical ones) and the mapping used.
    """
    mapping = map_columns(raw, source, table)
    ordered = {c: mapping[c] for c in column_names(table) if c in mapping}  # contract order
    quarantine.reject_rows(raw.broken_rows, "bad_field_count", broken_cells(raw, ordered))
    quarantine.reject_rows(raw.runaway_rows, "runaway_quote")
    quarantine.warn("records_in_runaway_quote", raw.swallowed_records)
    named = {c: h for c, h in ordered.items() if c not in FREE_TEXT}
    frame = screen_cells(raw.frame, named, quarantine, raw.screen)
    nulls = frozenset(v.strip().casefold() for v in source.null_values)
    out = pd.DataFrame(index=frame.index)
    bad: dict[str, pd.Series] = {}
    for column in TABLES[table]:
        if column.name in mapping:
            values, bad_mask = parse_column(frame[mapping[column.name]], column, nulls, quarantine)
            if column.kind == "str":
                values = strip_invisible(values, column.name, quarantine)
            out[column.name] = values
            bad[column.name] = bad_mask
        elif column.name in source.defaults:
            values, _ = parse_column(
                pd.Series(source.defaults[column.name], index=frame.index), column, nulls
            )
            out[column.name] = values
        else:
            out[column.name] = _empty(column, frame.index)
    used = set(mapping.values())
    extras = [h for h in frame.columns if h not in used]
    if extras:
        kept = frame[extras].rename(columns={h: f"{h}_source" for h in extras if h in out.columns})
        out = pd.concat([out, kept], axis=1)
    for column in TABLES[table]:
        if column.name not in bad:
            continue
        raw_values = frame[mapping[column.name]]
        if column.kind == "datetime":
            outside = dates_out_of_range(raw_values, bad[column.name])
            out = quarantine.reject(
                out,
                outside,
                f"date_out_of_range:{column.name}",
                column.name,
                f"expected a date between {EARLIEST_DATE:%d.%m.%Y} and {LATEST_DATE:%d.%m.%Y}",
                raw_values=raw_values,
            )
        elif column.kind == "float":
            out = quarantine.reject(
                out,
                out[column.name].abs() > MAX_AMOUNT,
                f"number_out_of_range:{column.name}",
                column.name,
                f"expected a number of at most {MAX_AMOUNT:,.0f} in absolute value".replace(",", " "),
                raw_values=raw_values,
            )
        kind = "date" if column.kind == "datetime" else "number"
        expected = EXPECTED_DATE if column.kind == "datetime" else EXPECTED_NUMBER
        detail: str | pd.Series = f"expected {expected}"
        if column.kind == "float" and raw_values.dtype == object:
            detail = _dates_in_number_column(raw_values, bad[column.name], str(detail))
        out = quarantine.reject(
            out,
            bad[column.name],
            f"invalid_{kind}:{column.name}",
            column.name,
            detail,
            raw_values=raw_values,
        )
    for column in TABLES[table]:
        formulas = raw.formulas.get(mapping.get(column.name, ""), {})
        if not formulas:
            continue
        cells = pd.Series(formulas, dtype="string").reindex(out.index)
        if column.required and column.name not in checked_later:
            out = quarantine.reject(
                out,
                cells.notna(),
                f"formula_without_value:{column.name}",
                column.name,
                "the cell holds a formula without a stored result (the workbook was saved by a program "
                "that does not calculate); open it in Excel, let it calculate and save it again",
                raw_values=cells,
            )
        else:
            shown = [{"row": int(r), "value": v} for r, v in cells.dropna().head(3).items()]
            quarantine.warn(f"formula_without_value:{column.name}", int(cells.notna().sum()), shown)
    for column in TABLES[table]:
        if column.required and column.name not in checked_later:
            out = quarantine.reject(out, out[column.name].isna(), f"missing_value:{column.name}", column.name)
    return out, mapping


def _dates_in_number_column(values: pd.Series, bad: pd.Series, detail: str) -> str | pd.Series:
    """The detail of bad cells of a number column; a cell that a workbook formats as a date says so."""
    dated = bad & values.map(lambda v: isinstance(v, dt.date))
    if not dated.any():
        return detail
    details = pd.Series(detail, index=values.index, dtype="string")
    details[dated] = (
        "expected a number, found a cell formatted as a date in the workbook (the number is hidden by the "
        "format); format the column as numbers and save the file again"
    )
    return details


def parse_column(
    values: pd.Series, column: Column, nulls: frozenset[str], quarantine: Quarantine | None = None
) -> tuple[pd.Series, pd.Series]:
    """Cells parsed as the canonical column's kind: (values, mask of non-empty cells that failed).

    A date column whose slash dates can only be month/day/year is read so, with a caveat.
    """
    if column.kind == "datetime":
        month_first = slash_dates_month_first(values)
        if month_first and quarantine is not None:
            quarantine.warn(f"dates_month_first:{column.name}", 1)
        return parse_dates(values, nulls, month_first)
    if column.kind == "float":
        return parse_numbers(values, nulls)
    text = clean_text(values, nulls)
    if column.name.endswith("_id"):
        text = _integer_ids(text, column.name, quarantine)
    return text, pd.Series(False, index=values.index)


_FLOAT_ID = re.compile(r"^(\d+)\.0+$")


def _integer_ids(text: pd.Series, name: str, quarantine: Quarantine | None) -> pd.Series:
    """An id column of whole numbers written as floats (``14646.0``, a table saved through a float column)
    read as the numbers (``14646``), so that it matches the same id in the other files. Only when every
    id of the column is a whole number; a caveat counts the cells."""
    filled = text.dropna()
    floats = filled.str.fullmatch(r"\d+\.0+")
    if filled.empty or not floats.any() or not (floats | filled.str.fullmatch(r"\d+")).all():
        return text
    if quarantine is not None:
        shown = filled[floats].drop_duplicates().head(3)
        quarantine.warn(
            f"id_as_float:{name}",
            int(floats.sum()),
            [{"row": int(row), "value": value} for row, value in shown.items()],
        )
    return text.str.replace(_FLOAT_ID, r"\1", regex=True)


def _empty(column: Column, index: pd.Index) -> pd.Series:
    if column.kind == "datetime":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if column.kind == "float":
        return pd.Series(float("nan"), index=index, dtype="float64")
    return pd.Series(pd.NA, index=index, dtype="string")


def empty_column(column: Column, index: pd.Index) -> pd.Series:
    """Missing values for every row of ``index``, typed as the canonical column."""
    return _empty(column, index)
