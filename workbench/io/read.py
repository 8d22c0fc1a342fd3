"""Read a client's file (CSV or XLSX) into a raw table of cells, without interpreting them.

The raw table's index is the row number the client would see in a spreadsheet (the header is row 1),
so that every quarantined row can be found in the original file. Files are opened read-only.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from workbench.errors import DataError
from workbench.io.compressed import read_compressed
from workbench.io.html_table import SNIFF_BYTES, html_rows, looks_like_html
from workbench.limits import DEFAULT_MAX_FILE_MB, MAX_LINES_IN_FIELD, MAX_NAME_CHARS, env_megabytes

# In a tie the earlier wins: Russian exports that use ";" often hold decimal commas in their values.
DELIMITERS = (";", "\t", ",", "|")
UTF8_BOM = b"\xef\xbb\xbf"
MIXED_MIN_CHARS = 3  # non-ASCII UTF-8 characters before the first bad byte that make a file "UTF-8"
KOI8_MIN_LETTERS = 20
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAMPLE_BYTES = 256 * 1024
XLSX_MAX_ROWS = 1_048_576  # the most rows an XLSX sheet can hold


@dataclass
class RawTable:
    """Cells of one file, columns named by its (de-duplicated) header, index = spreadsheet row number."""

    name: str
    frame: pd.DataFrame
    headers: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    broken_rows: list[tuple[int, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    file_format: str = "csv"  # csv, xlsx or html
    normalized: dict[str, str] | None = field(default=None, repr=False)
    # Rows whose quoted field swallowed the records after it, and how many records it swallowed.
    runaway_rows: list[tuple[int, str, str]] = field(default_factory=list)
    swallowed_records: int = 0
    # Columns that may hold hostile cells (NUL, over-long text); None: not known, screen them all.
    screen: list[str] | None = None
    # XLSX cells holding a formula without a stored result: header -> {row: formula}.
    formulas: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.broken_rows) + len(self.runaway_rows)


def max_file_bytes() -> int:
    """Size limit for one input file (``WORKBENCH_MAX_FILE_MB``, default 1024 MB)."""
    return env_megabytes("WORKBENCH_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)


def _size_text(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


def read_raw(
    path: Path,
    name: str,
    *,
    sheet: str | int | None = None,
    encoding: str = "auto",
    delimiter: str = "auto",
    header_row: int = 1,
) -> RawTable:
    """Read ``path`` (shown to the user as ``name``) into a :class:`RawTable`."""
    if not path.is_file():
        found = path.exists() or path.is_symlink()
        if found:
            raise DataError(name, "not a regular file (a folder, pipe or device)").worded("not_a_file")
        raise DataError(name, "file not found").worded("file_not_found")
    size = path.stat().st_size
    limit = max_file_bytes()
    if size > limit:
        raise DataError(
            name,
            f"file is {_size_text(size)}, above the limit of {_size_text(limit)}; "
            "split it or raise WORKBENCH_MAX_FILE_MB",
        ).worded("file_too_large", size=_size_text(size), limit=_size_text(limit))
    if size == 0:
        raise DataError(name, "file is empty (0 bytes)").worded("file_empty")
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    unpacked = read_compressed(
        path,
        name,
        head,
        limit,
        lambda inner: read_raw(
            inner, name, sheet=sheet, encoding=encoding, delimiter=delimiter, header_row=header_row
        ),
    )
    if unpacked is not None:
        return unpacked
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: an encrypted workbook holds an EncryptionInfo stream (named anywhere in it).
        if "EncryptionInfo".encode("utf-16-le") in path.read_bytes():
            raise DataError(
                name,
                "this is a password-protected (encrypted) workbook; remove the password and save it as "
                ".xlsx or CSV (UTF-8)",
            ).worded("workbook_encrypted")
        named = " named .xlsx" if suffix in {".xlsx", ".xlsm"} else ""
        raise DataError(
            name,
            f"this is an old binary Excel (.xls) workbook or another old Office document{named}, not an "
            "XLSX workbook; open it in Excel and save it as .xlsx or CSV (UTF-8)",
        ).worded("old_excel")
    if head.startswith(b"PK\x03\x04") or suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, name, sheet=sheet, header_row=header_row)
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise DataError(
            name, "this is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"
        ).worded("excel_2003_xml")
    if looks_like_html(head):
        return _read_html(path, name, encoding=encoding, header_row=header_row)
    return _read_csv(path, name, encoding=encoding, delimiter=delimiter, header_row=header_row)


# --- CSV -------------------------------------------------------------------------------------------------


def _cut_utf8(data: bytes) -> int:
    """The number of bytes of a character cut off at the end of otherwise valid UTF-8 (0: none).

    A download or copy that stopped early ends in the middle of a two- to four-byte character. Only
    called on data that failed validation.
    """
    for cut in (1, 2, 3):
        if len(data) <= cut:
            return 0
        lead = data[-cut]
        if lead >= 0xC0:  # the start of the last character
            length = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            return cut if length > cut and _is_utf8(data[:-cut]) else 0
        if not 0x80 <= lead < 0xC0:
            return 0
    return 0


def detect_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the first lines into the most consistent columns."""
    lines = text[:SAMPLE_BYTES].splitlines()[:50]
    sample = "\n".join(lines)
    best, best_score = ",", (-1, 0)
    for candidate in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=candidate))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if r]
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def _decode(data: bytes, name: str, encoding: str, notes: list[str] | None = None) -> tuple[bytes, str]:
    """The file as UTF-8 bytes for the CSV reader, and the encoding it was read in.

    ``auto`` reads UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1251. UTF-8 is validated
    in Arrow and passed on as it is (no copy through Python text); other encodings are decoded and
    re-encoded. A UTF-8 file cut in the middle of its last character loses that character, and
    ``file_truncated`` is added to ``notes``.
    """
    unmarked = _utf16_without_bom(data) if encoding in {"auto", "utf-16"} else None
    if unmarked is None and not data.startswith(UTF16_BOMS) and _looks_binary(data[:SAMPLE_BYTES]):
        raise DataError(
            name, "this is a binary file, not a CSV text file; export the table as CSV or XLSX"
        ).worded("binary_file")
    chosen = encoding
    if unmarked is not None:
        chosen = unmarked
    elif encoding == "auto" and data.startswith(UTF16_BOMS):
        chosen = "utf-16"
    elif encoding in {"auto", "utf-8", "utf-8-sig"}:
        bom = data.startswith(UTF8_BOM)
        body = data[len(UTF8_BOM) :] if bom else data
        found = "utf-8-sig" if bom else "utf-8"
        if _is_utf8(body):
            return body, found
        if cut := _cut_utf8(body):
            if notes is not None:
                notes.append("file_truncated")
            return body[:-cut], found
        if encoding == "auto":
            _refuse_mixed_utf8(body, name)
        chosen = "cp1251" if encoding == "auto" else encoding
    if chosen.startswith("utf-16") and len(data) % 2:
        data = data[:-1]  # a UTF-16 file cut in the middle of its last character
        if notes is not None:
            notes.append("file_truncated")
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(chosen, errors="replace").count("\n") + 1
        raise DataError(
            name,
            f"cannot be read as {chosen} (byte {exc.start}, line {line}); set data.<table>.encoding "
            "in client.yaml to utf-8 or cp1251",
        ).worded("cannot_decode", encoding=chosen, byte=exc.start, line=line) from None
    if encoding == "auto" and chosen == "cp1251" and _looks_like_koi8(text):
        text, chosen = data.decode("koi8_r"), "koi8-r"
    return text.removeprefix("\ufeff").encode("utf-8"), chosen


# Signatures of files that are often renamed to .csv: gzip, PNG, PDF, ZIP-less archives, images, programs.
BINARY_SIGNATURES = (
    b"\x1f\x8b",
    b"\x89PNG",
    b"%PDF",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x7fELF",
)
BINARY_SHARE = 0.1  # NUL and other control bytes above this share of the first bytes: a binary file


def _looks_binary(head: bytes) -> bool:
    """Whether the first bytes are those of a binary file (a known signature, or many NUL and control
    bytes). A NUL here and there is not enough: such rows are quarantined, not the whole file."""
    if head.startswith(BINARY_SIGNATURES):
        return True
    sample = head[:4096]
    if not sample:
        return False
    controls = sum(1 for byte in sample if byte < 9 or (13 < byte < 32 and byte != 26))
    return controls > BINARY_SHARE * len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the first bytes are UTF-16 text written without a BOM: NUL in
    most odd (or even) bytes and almost none in the others, as ASCII and Cyrillic are in UTF-16."""
    if data.startswith(UTF16_BOMS):
        return None
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, others, found in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.3 * len(zeros) and others.count(0) < 0.02 * len(others):
            try:
                sample.decode(found)
            except UnicodeDecodeError:
                return None
            return found
    return None


def _refuse_mixed_utf8(body: bytes, name: str) -> None:
    """A file that is UTF-8 with Cyrillic up to some line and then is not: two exports glued, or damage."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode("utf-8")
        if sum(1 for ch in before if ord(ch) > 127) >= MIXED_MIN_CHARS:
            line = before.count("\n") + 1
            raise DataError(
                name,
                f"is UTF-8 up to line {line}, where bytes of another encoding begin (two exports glued "
                "together, or a damaged file); export the data again as one file in one encoding",
            ).worded("mixed_encoding", line=line) from None


# Russian letters from the most to the least frequent: a text read in the right one of two 8-bit
# encodings uses the frequent ones, read in the wrong one a scrambled set of them, whatever its case.
RUSSIAN_BY_FREQUENCY = "оеаинтсрвлкмдпуяызьбгчйхжшюцщэфъё"
_RANK = {letter: len(RUSSIAN_BY_FREQUENCY) - i for i, letter in enumerate(RUSSIAN_BY_FREQUENCY)}


def _looks_like_koi8(text: str) -> bool:
    """Whether bytes decoded as Windows-1251 read better as KOI8-R.

    Both decodings of the sample (header and data together) are scored by how common their letters are
    in Russian, ignoring case: exports in capitals (as 1C writes them) are not mistaken for KOI8-R, whose
    lower case reads as Windows-1251 capitals.
    """
    sample = text[:SAMPLE_BYTES]
    letters = [ch for ch in sample if "А" <= ch <= "я" or ch in "Ёё"]
    if len(letters) < KOI8_MIN_LETTERS:
        return False
    as_koi8 = sample.encode("cp1251", errors="replace").decode("koi8_r", errors="replace")
    return _russian_score(as_koi8) > _russian_score(sample)


def _russian_score(text: str) -> float:
    """Mean frequency rank of the Cyrillic letters of ``text`` (case ignored)."""
    ranks = [_RANK.get(ch, 0) for ch in text.casefold() if "а" <= ch <= "я" or ch == "ё"]
    return sum(ranks) / len(ranks) if ranks else 0.0


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked in Arrow (fast, without building a Python string)."""
    try:
        pa.array([data], pa.binary()).cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


def _split_header(text: str, delimiter: str, header_row: int, name: str) -> tuple[list[str], int]:
    """Header cells and the number of physical lines up to and including the header."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    try:
        for _ in range(header_row):
            header = next(reader)
    except StopIteration:
        raise DataError(name, f"has fewer than {header_row} row(s); expected a header row").worded(
            "no_header_row", row=header_row
        ) from None
    except csv.Error as exc:
        raise DataError(name, f"the header row cannot be read: {exc}") from None
    if not header or all(not h.strip() for h in header):
        raise DataError(name, f"row {header_row} is empty; expected the column names there").worded(
            "empty_header_row", row=header_row
        )
    return header, reader.line_num


def dedupe_headers(headers: list[str]) -> list[str]:
    """Strip names and make repeats unique the way pandas does: name, name.1, name.2."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(headers):
        name = (raw or "").replace("\u00a0", " ").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
            while name in seen:
                seen[name] = 0
                name = f"{name}_"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _read_csv(path: Path, name: str, *, encoding: str, delimiter: str, header_row: int) -> RawTable:
    notes: list[str] = []
    data, chosen_encoding = _decode(path.read_bytes(), name, encoding, notes)
    if not re.search(rb"\S", data):
        raise DataError(name, "file holds no text").worded("no_text")
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")  # old Mac line ends: a lone CR ends every line
    # The header whole, however long (the file is within the size limit), and a sample of the data.
    head_end = max(SAMPLE_BYTES * 4, _offset_after_lines(data, header_row) + SAMPLE_BYTES)
    head = data[:head_end].decode("utf-8", errors="ignore")
    sep = detect_delimiter(head) if delimiter == "auto" else delimiter
    raw_headers, header_lines = _split_header(head, sep, header_row, name)
    headers = dedupe_headers(raw_headers)
    ncols = len(headers)
    broken: list[tuple[int, str, str]] = []
    skipped: set[int] = set()

    # Arrow numbers physical lines while skipping the header, records afterwards; a header that spans
    # several lines (a quoted line break) shifts its numbers against the spreadsheet's row numbers.
    shift = header_lines - header_row

    def on_invalid(row: pa_csv.InvalidRow) -> str:
        number = int(row.number) - shift
        skipped.add(number)
        if row.text.strip():
            detail = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            broken.append((number, row.text[:200], detail))
        return "skip"

    names = [f"c{i}" for i in range(ncols)]
    if not re.compile(rb"\S").search(data, _offset_after_lines(data, header_lines)):
        frame = pd.DataFrame({h: pd.Series(dtype="string") for h in headers})
        frame.index = pd.Index(np.empty(0, dtype=np.int64), name="row")
        return RawTable(name, frame, headers, chosen_encoding, sep, None, [], notes)
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(
                use_threads=False, column_names=names, skip_rows=header_lines, block_size=1 << 24
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DataError(name, f"cannot be parsed as CSV with delimiter {sep!r}: {exc}").worded(
            "csv_unparseable", delimiter=sep, problem=str(exc)
        ) from None
    del data
    numbers = _row_numbers(header_row + 1, table.num_rows, skipped)
    # Arrow keeps blank lines as rows of empty cells; a blank line is not a row of data.
    blank = _blank_rows(table)
    if blank is not None:
        table = table.filter(pa.array(~blank))
        numbers = numbers[~blank]
    screen, multiline = _suspect_columns(table, headers)
    frame = table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get, self_destruct=True)
    del table
    frame.columns = headers
    frame.index = pd.Index(numbers, name="row")
    runaway = _runaway_quotes(frame, sep, ncols, multiline)
    if runaway:
        frame = frame.drop(index=[row for row, _, _, _ in runaway])
    table = RawTable(name, frame, headers, chosen_encoding, sep, None, broken, notes)
    table.screen = screen
    table.runaway_rows = [(row, text, detail) for row, text, detail, _ in runaway]
    table.swallowed_records = sum(records for _, _, _, records in runaway)
    return table


def _suspect_columns(table: pa.Table, headers: list[str]) -> tuple[list[str], list[str]]:
    """Columns that may hold a NUL character or a text longer than a name may be, and columns with
    cells of several lines: found in Arrow, so that a file of 100 000 columns is screened in a second."""
    screen, multiline = [], []
    for header, column in zip(headers, table.columns, strict=True):
        longest = pc.max(pc.utf8_length(column)).as_py() or 0
        if longest > MAX_NAME_CHARS or pc.any(pc.match_substring(column, "\x00")).as_py():
            screen.append(header)
        if longest > 2 and (pc.max(pc.count_substring(column, "\n")).as_py() or 0) >= 2:
            multiline.append(header)
    return screen, multiline


def _runaway_quotes(
    frame: pd.DataFrame, sep: str, ncols: int, columns: list[str]
) -> list[tuple[int, str, str, int]]:
    """Rows whose quoted field runs across the records after it: a quote opened and never closed where
    it should be. A cell is a runaway when it spans more than :data:`MAX_LINES_IN_FIELD` lines, or when
    two or more of its lines look like records of the file (as many delimiters as a record has).

    Returns (row, start of the cell, detail, number of records swallowed) per such row.
    """
    found: dict[int, tuple[int, str, str, int]] = {}
    for header in columns:
        array = pa.array(frame[header].array)
        lines = pc.fill_null(pc.count_substring(array, "\n"), 0).to_numpy(zero_copy_only=False)
        separators = pc.fill_null(pc.count_substring(array, sep), 0).to_numpy(zero_copy_only=False)
        # Two swallowed records hold at least twice a record's delimiters: notes with line breaks do not.
        candidates = (lines > MAX_LINES_IN_FIELD) | (
            (lines >= 2) & (separators >= 2 * (ncols - 2)) & (ncols >= 4)
        )
        for position in np.flatnonzero(candidates):
            row = int(frame.index[position])
            if row in found:
                continue
            text = str(frame[header].iloc[position])
            parts = text.split("\n")
            like = sum(1 for line in parts[1:] if ncols >= 4 and line.count(sep) >= ncols - 2)
            if len(parts) > MAX_LINES_IN_FIELD or like >= 2:
                records = max(like, 1)
                detail = (
                    f"the field '{header}' opens a quote that runs over {len(parts)} lines and swallows "
                    f"{records} record(s) after this row (an unbalanced quote); close the quote in the "
                    "file and read it again"
                )
                found[row] = (row, text[:200], detail, records)
    return [found[row] for row in sorted(found)]


def _blank_rows(table: pa.Table) -> np.ndarray | None:
    """Rows whose every cell is empty or blank (None when there are none: the usual case, found fast)."""
    blank: pa.Array | None = None
    for column in table.columns:
        empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return None
    return None if blank is None else np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


def _offset_after_lines(data: bytes, lines: int) -> int:
    """Byte offset just after the first ``lines`` physical lines of ``data``."""
    offset = 0
    for _ in range(lines):
        newline = data.find(b"\n", offset)
        if newline < 0:
            return len(data)
        offset = newline + 1
    return offset


def _row_numbers(first: int, n_good: int, skipped: set[int]) -> np.ndarray:
    """Row numbers of the rows Arrow kept, given the numbers of the rows it skipped."""
    candidates = np.arange(first, first + n_good + len(skipped), dtype=np.int64)
    if skipped:
        candidates = candidates[~np.isin(candidates, np.fromiter(skipped, dtype=np.int64))]
    return candidates[:n_good]


# --- XLSX ------------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, name: str, *, sheet: str | int | None, header_row: int) -> RawTable:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    content = path.read_bytes()
    _refuse_xlsx_bomb(content, name)
    try:
        # A file object, not the path: openpyxl refuses a workbook whose name does not end in .xlsx.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataError(name, _not_a_workbook(path, exc)).worded("not_a_workbook") from None
    try:
        sheets = workbook.sheetnames
        if sheet is None:
            sheet_name = sheets[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(sheets):
                raise DataError(
                    name, f"has no sheet number {sheet}; its sheets are: {', '.join(sheets)}"
                ).worded("no_sheet", sheet=sheet, sheets=", ".join(sheets))
            sheet_name = sheets[sheet]
        elif sheet in sheets:
            sheet_name = sheet
        else:
            raise DataError(name, f"has no sheet {sheet!r}; its sheets are: {', '.join(sheets)}").worded(
                "no_sheet", sheet=sheet, sheets=", ".join(sheets)
            )
        rows = []
        for row in workbook[sheet_name].iter_rows(values_only=True):
            if len(rows) >= XLSX_MAX_ROWS:
                raise DataError(
                    name,
                    f"sheet {sheet_name!r} has more than {XLSX_MAX_ROWS:,} rows, the most an XLSX sheet can "
                    "hold; the workbook is damaged or crafted: export the data as CSV",
                )
            rows.append(row)
    finally:
        workbook.close()
    if not rows:
        raise DataError(name, f"sheet {sheet_name!r} is empty; expected a table with a header row").worded(
            "empty_sheet", sheet=sheet_name
        )
    if len(rows) < header_row:
        raise DataError(
            name, f"sheet {sheet_name!r} has fewer than {header_row} row(s); expected a header row"
        )
    raw_headers = ["" if v is None else str(v) for v in rows[header_row - 1]]
    while raw_headers and not raw_headers[-1].strip():
        raw_headers.pop()
    if not raw_headers:
        raise DataError(
            name, f"sheet {sheet_name!r}, row {header_row} is empty; expected the column names there"
        )
    headers = dedupe_headers(raw_headers)
    ncols = len(headers)
    body = rows[header_row:]
    numbers, cells = [], []
    for offset, row in enumerate(body):
        values = list(row[:ncols]) + [None] * (ncols - len(row))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        numbers.append(header_row + 1 + offset)
        cells.append(values)
    frame = pd.DataFrame(cells, columns=headers, dtype=object)
    frame.index = pd.Index(np.asarray(numbers, dtype=np.int64), name="row")
    table = RawTable(name, frame, headers, None, None, sheet_name, [], file_format="xlsx")
    if frame.isna().to_numpy().any() and _has_formulas(content):
        table.formulas = _formulas_without_values(content, sheet_name, header_row, headers, frame)
    return table


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet of the workbook holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as part:
                    while chunk := part.read(1 << 20):
                        if b"<f>" in chunk or b"<f " in chunk:
                            return True
    return False


def _formulas_without_values(
    content: bytes, sheet_name: str, header_row: int, headers: list[str], frame: pd.DataFrame
) -> dict[str, dict[int, str]]:
    """Cells that hold a formula but no stored result (a workbook saved by a program that does not
    calculate): header -> {row: formula}. They read as empty, and are reported as formulas."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    found: dict[str, dict[int, str]] = {}
    try:
        rows = workbook[sheet_name].iter_rows(min_row=header_row + 1, values_only=True)
        for number, row in enumerate(rows, start=header_row + 1):
            if number not in frame.index:
                continue
            for header, value in zip(headers, row, strict=False):
                if isinstance(value, str) and value.startswith("=") and frame.at[number, header] is None:
                    found.setdefault(header, {})[number] = value
    finally:
        workbook.close()
    return found


def _refuse_xlsx_bomb(content: bytes, name: str) -> None:
    """Apply the size limit to what the workbook unpacks to, not only to the file: a sheet of a few MB
    can inflate to gigabytes. The sizes declared in the archive bound what is read from it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: openpyxl's error says so
    limit = max_file_bytes()
    if unpacked > limit:
        raise DataError(
            name,
            f"the workbook unpacks to {_size_text(unpacked)}, above the limit of {_size_text(limit)} "
            f"(the file itself is {_size_text(len(content))}); split it, export it as CSV or raise "
            "WORKBENCH_MAX_FILE_MB",
        )


def _not_a_workbook(path: Path, exc: Exception) -> str:
    """Why a file is not a readable workbook, in the user's terms."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return f"is not a readable XLSX workbook (corrupt, truncated or another format): {exc}"
    if "[Content_Types].xml" not in members:
        shown = ", ".join(members[:5]) + (" ..." if len(members) > 5 else "")
        return f"is a ZIP archive, not a workbook (it holds: {shown}); unpack it and name the file inside"
    return f"is a damaged XLSX workbook: {exc}"


# --- HTML ("Excel" exports that are HTML tables) -------------------------------------------------------


def _read_html(path: Path, name: str, *, encoding: str, header_row: int) -> RawTable:
    notes: list[str] = []
    data, chosen_encoding = _decode(path.read_bytes(), name, encoding, notes)
    rows = html_rows(data.decode("utf-8"))
    if len(rows) < header_row:
        raise DataError(name, f"the HTML table has fewer than {header_row} row(s); expected a header row")
    raw_headers = rows[header_row - 1]
    while raw_headers and not raw_headers[-1].strip():
        raw_headers.pop()
    if not raw_headers:
        raise DataError(name, f"row {header_row} of the HTML table is empty; expected the column names there")
    headers = dedupe_headers(raw_headers)
    ncols = len(headers)
    numbers, cells, broken = [], [], []
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > ncols and any(cell.strip() for cell in row[ncols:]):
            text = " | ".join(row)[:200]
            broken.append((number, text, f"expected {ncols} fields, found {len(row)}"))
            continue
        numbers.append(number)
        cells.append(row[:ncols] + [""] * (ncols - len(row)))
    frame = pd.DataFrame(cells, columns=headers, dtype="string")
    frame.index = pd.Index(np.asarray(numbers, dtype=np.int64), name="row")
    return RawTable(name, frame, headers, chosen_encoding, None, None, broken, notes, file_format="html")
