"""Tables saved as HTML: Bitrix24's "Excel" export is an HTML page with one ``<table>`` in a .xls file.

Parsed with the standard library's ``html.parser``: every ``<tr>`` is a row, ``<th>`` and ``<td>`` its
cells, ``<br>`` a line break inside a cell, entities decoded. Rows are numbered as a spreadsheet would
show them (the first row of the table is row 1).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SNIFF_BYTES = 64 * 1024


def looks_like_html(head: bytes) -> bool:
    """Whether a file's first bytes are an HTML page holding a table (whatever the file is called)."""
    text = head[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and b"<table" in text


class _TableParser(HTMLParser):
    """Collects the rows of the first table that has any (nested tables are read as text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.depth = 0
        self.done = False
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self._end_row()
            self.row = []
        elif self.depth == 1 and tag in {"td", "th"} and self.row is not None:
            self._end_cell()
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self._end_row()
                self.done = bool(self.rows)
        elif self.depth == 1 and tag == "tr":
            self._end_row()
        elif self.depth == 1 and tag in {"td", "th"}:
            self._end_cell()

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.done:
            self.cell.append(re.sub(r"\s+", " ", data))  # line breaks in the page are layout, not text

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            lines = "".join(self.cell).split("\n")
            self.row.append("\n".join(line.strip() for line in lines).strip())
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None


def html_rows(text: str) -> list[list[str]]:
    """The rows of the first table in ``text`` (an unclosed table at the end of the text is kept)."""
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    parser._end_row()
    return parser.rows
