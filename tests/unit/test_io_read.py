"""``read_raw``: CSV and XLSX files as clients send them, read into cells with spreadsheet row numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import openpyxl
import pytest

from workbench.errors import DataError
from workbench.io.read import dedupe_headers, read_raw


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path, **options):
    """``read_raw`` that also checks the file is left byte for byte as it was."""
    before = digest(path)
    try:
        return read_raw(path, path.name, **options)
    finally:
        assert digest(path) == before, f"{path.name} was modified by read_raw"


def read_error(path, **options):
    before = digest(path)
    with pytest.raises(DataError) as info:
        read_raw(path, path.name, **options)
    assert digest(path) == before
    return info.value


def rows(table):
    """{row number: {header: cell}} of a raw table."""
    return table.frame.to_dict("index")


# --- encodings and delimiters ----------------------------------------------------------------------------


def test_utf8_without_bom(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id,name\n1,Иван\n2,Пётр\n".encode()))
    assert table.encoding == "utf-8"
    assert table.delimiter == ","
    assert table.headers == ["id", "name"]
    assert rows(table) == {2: {"id": "1", "name": "Иван"}, 3: {"id": "2", "name": "Пётр"}}
    assert table.rows_read == 2
    assert table.broken_rows == []


def test_utf8_with_bom(tmp_path):
    """The BOM must not end up in the first header (a mapping to 'id' would not find '\\ufeffid')."""
    table = read(write(tmp_path, "deals.csv", "id;name\n1;Иван\n".encode("utf-8-sig")))
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ";"
    assert table.headers == ["id", "name"]
    assert rows(table) == {2: {"id": "1", "name": "Иван"}}


def test_cp1251(tmp_path):
    data = "ID;Менеджер;Сумма\n1;Иван Пётрович;1 000,5\n2;Ёлкина;3\n".encode("cp1251")
    table = read(write(tmp_path, "deals.csv", data))
    assert table.encoding == "cp1251"
    assert table.delimiter == ";"
    assert table.headers == ["ID", "Менеджер", "Сумма"]
    assert rows(table) == {
        2: {"ID": "1", "Менеджер": "Иван Пётрович", "Сумма": "1 000,5"},
        3: {"ID": "2", "Менеджер": "Ёлкина", "Сумма": "3"},
    }


def test_utf16_with_bom(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id\tname\n1\tИван\n".encode("utf-16")))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert rows(table) == {2: {"id": "1", "name": "Иван"}}


def test_explicit_encoding_that_does_not_fit_is_a_data_error(tmp_path):
    path = write(tmp_path, "deals.csv", "id;name\n1;Иван\n".encode("cp1251"))
    error = read_error(path, encoding="utf-8")
    assert error.path == "deals.csv"
    assert "cannot be read as utf-8" in str(error)
    assert "cp1251" in str(error)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_detected(tmp_path, sep):
    text = sep.join(["id", "name", "sum"]) + "\n" + sep.join(["1", "Иван", "10"]) + "\n"
    table = read(write(tmp_path, "deals.csv", text))
    assert table.delimiter == sep
    assert table.headers == ["id", "name", "sum"]
    assert rows(table) == {2: {"id": "1", "name": "Иван", "sum": "10"}}


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas(tmp_path):
    text = "Дата;Клиент;Сумма\n01.01.2026;ООО Ромашка;1 000,50\n02.01.2026;ИП Иванов;20,00\n"
    table = read(write(tmp_path, "sales.csv", text))
    assert table.delimiter == ";"
    assert table.frame.loc[2, "Сумма"] == "1 000,50"


def test_two_column_semicolon_file_with_decimal_commas(tmp_path):
    """'Дата;Сумма, руб.' + '01.01.2026;1000,50': both ',' and ';' give two fields per line.

    In a Russian export the comma is the decimal separator; ';' is the delimiter.
    """
    text = "Дата;Сумма, руб.\n01.01.2026;1000,50\n02.01.2026;20,00\n"
    table = read(write(tmp_path, "sales.csv", text))
    assert table.delimiter == ";"
    assert table.headers == ["Дата", "Сумма, руб."]


def test_explicit_delimiter_is_used(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id,name\n1,a\n"), delimiter=";")
    assert table.delimiter == ";"
    assert table.headers == ["id,name"]
    assert rows(table) == {2: {"id,name": "1,a"}}


def test_crlf_line_ends_and_no_final_newline(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id,name\r\n1,a\r\n2,b"))
    assert rows(table) == {2: {"id": "1", "name": "a"}, 3: {"id": "2", "name": "b"}}


# --- rows and row numbers --------------------------------------------------------------------------------


def test_quoted_newline_is_one_row(tmp_path):
    """A record spanning two lines is one spreadsheet row; later rows keep spreadsheet numbers."""
    text = 'id,comment,x\n1,"line1\nline2",a\n2,ok,b\n3,"q""uote, comma",c\n'
    table = read(write(tmp_path, "deals.csv", text))
    assert table.rows_read == 3
    assert rows(table) == {
        2: {"id": "1", "comment": "line1\nline2", "x": "a"},
        3: {"id": "2", "comment": "ok", "x": "b"},
        4: {"id": "3", "comment": 'q"uote, comma', "x": "c"},
    }


def test_broken_row_after_a_quoted_newline_has_its_spreadsheet_number(tmp_path):
    text = 'id,comment,x\n1,"l1\nl2\nl3",a\n2,ok,b\n3,too,many,f\n4,e,e\n'
    table = read(write(tmp_path, "deals.csv", text))
    assert list(table.frame.index) == [2, 3, 5]
    assert table.broken_rows == [(4, "3,too,many,f", "expected 3 fields, found 4")]
    assert table.rows_read == 4


def test_blank_lines_are_skipped_and_not_counted(tmp_path):
    """Blank lines are rows of the spreadsheet (they keep the numbering) but not rows of data."""
    text = "id,name\n1,a\n\n2,b\n\n\n3,c\n,\n  ,  \n\n"
    table = read(write(tmp_path, "deals.csv", text))
    assert table.rows_read == 3
    assert rows(table) == {
        2: {"id": "1", "name": "a"},
        4: {"id": "2", "name": "b"},
        7: {"id": "3", "name": "c"},
    }
    assert table.broken_rows == []


def test_blank_lines_in_a_one_column_file(tmp_path):
    table = read(write(tmp_path, "managers.csv", "name\nИван\n\nПётр\n"))
    assert rows(table) == {2: {"name": "Иван"}, 4: {"name": "Пётр"}}
    assert table.rows_read == 2


def test_rows_with_too_few_or_too_many_fields(tmp_path):
    text = "id,name,x\n1,a,b\n2,c\n3,d,e,f\n4,g,h\n"
    table = read(write(tmp_path, "deals.csv", text))
    assert rows(table) == {2: {"id": "1", "name": "a", "x": "b"}, 5: {"id": "4", "name": "g", "x": "h"}}
    assert table.broken_rows == [
        (3, "2,c", "expected 3 fields, found 2"),
        (4, "3,d,e,f", "expected 3 fields, found 4"),
    ]
    assert table.rows_read == 4


def test_broken_row_after_blank_line(tmp_path):
    text = "id,name,x\n1,a,b\n\n2,bad\n\n3,c,d\n"
    table = read(write(tmp_path, "deals.csv", text))
    assert list(table.frame.index) == [2, 6]
    assert table.broken_rows == [(4, "2,bad", "expected 3 fields, found 2")]
    assert table.rows_read == 3


def test_header_row_below_a_title(tmp_path):
    table = read(write(tmp_path, "plans.csv", "Отчёт за январь\nid,name\n1,a\n2,b\n"), header_row=2)
    assert table.headers == ["id", "name"]
    assert rows(table) == {3: {"id": "1", "name": "a"}, 4: {"id": "2", "name": "b"}}


def test_header_row_below_a_title_with_a_quoted_newline(tmp_path):
    table = read(write(tmp_path, "plans.csv", '"Отчёт\nза январь"\nid,name\n1,a\n2,b,c\n'), header_row=2)
    assert rows(table) == {3: {"id": "1", "name": "a"}}
    assert table.broken_rows == [(4, "2,b,c", "expected 2 fields, found 3")]


def test_header_with_a_quoted_newline(tmp_path):
    table = read(write(tmp_path, "deals.csv", '"id\nсделки",name\n1,a\n2,b\n3\n'))
    assert table.headers == ["id\nсделки", "name"]
    assert list(table.frame.index) == [2, 3]
    assert table.broken_rows == [(4, "3", "expected 2 fields, found 1")]


# --- headers ---------------------------------------------------------------------------------------------


def test_repeated_headers_are_deduplicated(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id,name,name,id,name\n1,a,b,2,c\n"))
    assert table.headers == ["id", "name", "name.1", "id.1", "name.2"]
    assert rows(table) == {2: {"id": "1", "name": "a", "name.1": "b", "id.1": "2", "name.2": "c"}}


def test_header_with_trailing_space_and_no_break_space(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id ,name\u00a0, Бюджет \n1,a,5\n"))
    assert table.headers == ["id", "name", "Бюджет"]
    assert rows(table) == {2: {"id": "1", "name": "a", "Бюджет": "5"}}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["a", "a", "a"], ["a", "a.1", "a.2"]),
        (["a", "a", "a.1"], ["a", "a.1", "a.1.1"]),
        (["a", "", " "], ["a", "column_2", "column_3"]),
        (["column_2", ""], ["column_2", "column_2.1"]),
        ([" x ", "x"], ["x", "x.1"]),
    ],
)
def test_dedupe_headers(headers, expected):
    result = dedupe_headers(headers)
    assert result == expected
    assert len(set(result)) == len(result)


# --- empty and unreadable files --------------------------------------------------------------------------


def test_empty_file_is_a_data_error(tmp_path):
    error = read_error(write(tmp_path, "deals.csv", b""))
    assert str(error) == "deals.csv: file is empty (0 bytes)"


def test_whitespace_only_file_is_a_data_error(tmp_path):
    error = read_error(write(tmp_path, "deals.csv", "  \n\n"))
    assert "holds no text" in str(error)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_raw(tmp_path / "nope.csv", "nope.csv")


def test_header_only_file(tmp_path):
    table = read(write(tmp_path, "deals.csv", "id;name\n"))
    assert table.headers == ["id", "name"]
    assert list(table.frame.columns) == ["id", "name"]
    assert len(table.frame) == 0
    assert table.rows_read == 0


@pytest.mark.parametrize("data", ["id;name", "\ufeffid;name"])
def test_header_only_file_without_final_newline(tmp_path, data):
    """Excel and many CRMs write the last line without a newline: an empty export is just the header."""
    table = read(write(tmp_path, "deals.csv", data))
    assert table.headers == ["id", "name"]
    assert table.rows_read == 0


def test_binary_file_named_csv_is_a_data_error(tmp_path):
    error = read_error(write(tmp_path, "deals.csv", bytes(range(256)) * 4))
    assert error.path == "deals.csv"
    assert "binary file" in str(error)


def test_old_xls_is_a_data_error(tmp_path):
    error = read_error(write(tmp_path, "deals.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)))
    assert ".xls" in str(error)
    assert "save it as .xlsx or CSV" in str(error)


def test_file_above_size_limit(tmp_path, monkeypatch):
    """WORKBENCH_MAX_FILE_MB=1/1024 is a limit of exactly 1024 bytes; 1024 bytes pass, 1025 do not."""
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", str(1 / 1024))
    body = "id\n" + "1\n" * 510  # 3 + 1020 = 1023 bytes
    at_limit = write(tmp_path, "ok.csv", body + "2")
    assert at_limit.stat().st_size == 1024
    assert read(at_limit).rows_read == 511
    above = write(tmp_path, "big.csv", body + "22")
    error = read_error(above)
    assert error.path == "big.csv"
    assert "above the limit" in str(error)
    assert "WORKBENCH_MAX_FILE_MB" in str(error)


# --- XLSX ------------------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path):
    """Two sheets: 'Сделки' with typed cells and a blank row, 'План' with a title above the header."""
    book = openpyxl.Workbook()
    deals = book.active
    deals.title = "Сделки"
    deals.append(["ID", "Дата", "Сумма", "Менеджер", None])
    deals.append([1, dt.datetime(2026, 1, 5, 10, 30), 1500.5, "Иван"])
    deals.append([None, None, None, None])
    deals.append(["2", "05.01.2026", "1 000", None])
    plans = book.create_sheet("План")
    plans.append(["План продаж на 2026 год"])
    plans.append([])
    plans.append(["Менеджер", "Месяц", "План", "План"])
    plans.append(["Иван", dt.date(2026, 1, 1), 100, 200])
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def test_xlsx_first_sheet_typed_cells(workbook):
    table = read(workbook)
    assert table.sheet == "Сделки"
    assert table.encoding is None
    assert table.delimiter is None
    assert table.headers == ["ID", "Дата", "Сумма", "Менеджер"]
    assert table.rows_read == 2
    assert rows(table) == {
        2: {"ID": 1, "Дата": dt.datetime(2026, 1, 5, 10, 30), "Сумма": 1500.5, "Менеджер": "Иван"},
        4: {"ID": "2", "Дата": "05.01.2026", "Сумма": "1 000", "Менеджер": None},
    }
    assert type(table.frame.loc[2, "ID"]) is int
    assert type(table.frame.loc[2, "Сумма"]) is float


@pytest.mark.parametrize("sheet", ["План", 1])
def test_xlsx_sheet_by_name_or_index_with_header_row(workbook, sheet):
    table = read(workbook, sheet=sheet, header_row=3)
    assert table.sheet == "План"
    assert table.headers == ["Менеджер", "Месяц", "План", "План.1"]
    assert rows(table) == {
        4: {"Менеджер": "Иван", "Месяц": dt.datetime(2026, 1, 1), "План": 100, "План.1": 200}
    }


def test_xlsx_sheet_index_zero_is_the_first_sheet(workbook):
    assert read(workbook, sheet=0).sheet == "Сделки"


def test_xlsx_missing_sheet_lists_the_sheets(workbook):
    error = read_error(workbook, sheet="Лист1")
    assert str(error) == "book.xlsx: has no sheet 'Лист1'; its sheets are: Сделки, План"


def test_xlsx_sheet_index_out_of_range(workbook):
    error = read_error(workbook, sheet=2)
    assert "has no sheet number 2" in str(error)
    assert "Сделки, План" in str(error)


def test_xlsx_header_row_beyond_the_sheet(workbook):
    error = read_error(workbook, sheet="План", header_row=10)
    assert "fewer than 10 row(s)" in str(error)


def test_xlsx_empty_header_row(workbook):
    error = read_error(workbook, sheet="План", header_row=2)
    assert "row 2 is empty" in str(error)


def test_xlsx_rows_missing_from_the_sheet_keep_their_numbers(tmp_path):
    """Cells written only from B3: leading empty column named, gaps keep the spreadsheet's numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"] = "id", "name"
    sheet["B4"], sheet["C4"] = 1, "a"
    sheet["B7"], sheet["C7"] = 2, "b"
    path = tmp_path / "gaps.xlsx"
    book.save(path)
    table = read(path, header_row=3)
    assert table.headers == ["column_1", "id", "name"]
    assert rows(table) == {
        4: {"column_1": None, "id": 1, "name": "a"},
        7: {"column_1": None, "id": 2, "name": "b"},
    }


def test_corrupt_xlsx_is_a_data_error(tmp_path):
    data = b"PK\x03\x04" + bytes((i * 37 + 11) % 256 for i in range(400))
    error = read_error(write(tmp_path, "deals.xlsx", data))
    assert error.path == "deals.xlsx"
    assert "not a readable XLSX workbook" in str(error)


def test_xlsx_with_upper_case_suffix(tmp_path, workbook):
    path = tmp_path / "DEALS.XLSX"
    shutil.copy(workbook, path)
    assert read(path).headers == ["ID", "Дата", "Сумма", "Менеджер"]


@pytest.mark.parametrize("name", ["deals.csv", "deals"])
def test_xlsx_saved_under_another_name_is_read(tmp_path, workbook, name):
    """A client renames 'deals.xlsx' to 'deals.csv' (or the download loses its suffix): read the content."""
    path = tmp_path / name
    shutil.copy(workbook, path)
    table = read(path)
    assert table.sheet == "Сделки"
    assert table.rows_read == 2
