"""Atomic file writes: a reader sees either the old file or the complete new one, never half a file."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from workbench.limits import escape_controls

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """UTF-8 text, atomically."""
    return write_bytes(path, text.encode("utf-8"))


def guard_formula(value: object) -> object:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe; control characters
    (ESC, VT, NUL, ...) are written as ``\\x1b`` and the like, never raw."""
    if not isinstance(value, str):
        return value
    value = escape_controls(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """A CSV that opens safely in Excel: UTF-8 with BOM, ';' separated, formula-like cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(guard_formula)
    text = safe.to_csv(index=False, sep=";", lineterminator="\r\n")
    return write_bytes(path, ("\ufeff" + text).encode("utf-8"))


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def write_xlsx(path: Path, frame: pd.DataFrame, sheet: str = "Sheet1") -> Path | None:
    """An XLSX file whose text cells are stored as text: a cell like ``=HYPERLINK(...)`` shows as written
    and is never run as a formula. Nothing is written above Excel's row limit (None is returned)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    if len(frame) > XLSX_MAX_ROWS:
        return None
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([escape_controls(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            if isinstance(value, str):
                value = escape_controls(value)  # illegal in XLSX: the whole workbook would fail
            cell = WriteOnlyCell(ws, value=None if value is None or pd.isna(value) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl marks a text starting with '=' as a formula
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_bytes(path, buffer.getvalue())
