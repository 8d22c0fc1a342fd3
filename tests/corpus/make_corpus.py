"""Write the bad-input corpus of tests/corpus/files (run once; the files are committed).

    .venv/bin/python tests/corpus/make_corpus.py

One small file per problem a client's export can have. What the workbench must do with each file (a
clear error naming the file and the problem, or a quarantine with counts) is in expected.yaml; the
test is tests/unit/test_io_corpus.py. Files too big to commit (1 GB, 10,000 columns) are made by the
test itself.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

import openpyxl

FILES = Path(__file__).resolve().parent / "files"
HEADER = "deal_id,created_at,closed_at,stage,amount,manager,customer_id"
GOOD = [
    "1,01.02.2026,,Контакт,1000,Иван Петров,ООО Альфа",
    "2,02.02.2026,10.02.2026,Успех,25 000,Анна Смирнова,ООО Бета",
    "3,03.02.2026,12.02.2026,Отказ,5000,Иван Петров,ООО Гамма",
    "4,04.02.2026,,Переговоры,,Анна Смирнова,ООО Альфа",
]


def text(*rows: str, header: str = HEADER, end: str = "\n") -> str:
    return end.join([header, *rows]) + end


def write(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
    (FILES / name).write_bytes(data.encode(encoding) if isinstance(data, str) else data)


def xlsx(rows: list[list[object]], title: str = "Лист1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows() -> list[list[object]]:
    return [HEADER.split(","), *[line.split(",") for line in GOOD]]


def hostile() -> None:
    """Files of the hostile-input review: each a good export with one hostile change."""
    write("utf16_without_bom.csv", text(*GOOD), "utf-16-le")
    write(
        "control_characters.csv",
        text(
            GOOD[0],
            "2,02.02.2026,,Пере\x1bговоры\x0b,1,Анна Смирнова,ООО Бета",
            "3,03.02\x1b[2J.2026,12.02.2026,Отказ,5000,Иван Петров,ООО Гамма",
            GOOD[3],
        ),
    )
    write(
        "invisible_characters.csv",
        text(
            *GOOD,
            "5,05.02.2026,,Контакт,1,\u202eИван Петров,ООО Альфа",
            "6,06.02.2026,,Контакт,1,Анна\u200b Смирнова,ООО Бета",
        ),
    )
    write(
        "long_manager_name.csv",
        text(*GOOD[:3], "4,04.02.2026,,Переговоры,,Анна" + "а" * 5_000 + ",ООО Альфа"),
    )
    write(
        "huge_amounts.csv",
        text(
            "1,01.02.2026,,Контакт,1e30,Иван Петров,ООО Альфа",
            "2,02.02.2026,10.02.2026,Успех,1e300,Анна Смирнова,ООО Бета",
            *GOOD[2:],
        ),
    )
    # A quote opened in row 3 closes only at the end of row 42: records 4 to 42 are swallowed into one field
    # while every record still has seven fields.
    later = [f"{i},0{i % 9 + 1}.02.2026,,Контакт,{i}000,Иван Петров,ООО Альфа" for i in range(5, 45)]
    later[35] += '"'
    write(
        "unbalanced_quote_mid_file.csv",
        text(GOOD[0], '2,02.02.2026,10.02.2026,Успех,1,Анна Смирнова,"ООО Бета', *GOOD[2:], *later),
    )
    write("ole_named_xlsx.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2040))  # an old .xls renamed
    dated = good_rows()
    dated[2][4] = dt.datetime(1968, 6, 10)  # 25 000 formatted as a date: Excel serial 25000 = 10.06.1968
    write("amounts_formatted_as_dates.xlsx", xlsx(dated, "Сделки"))
    write("cp1251_capitals.csv", text(*GOOD).upper(), "cp1251")  # 1C writes capitals
    write(
        "dates_out_of_range.csv",
        text(
            "1,25.10.1441,,Контакт,1,Иван Петров,ООО Альфа",
            "2,02.02.2026,09.01.2611,Успех,1,Анна Смирнова,ООО Бета",
            "3,1441-10-25,,Контакт,1,Иван Петров,ООО Гамма",
            "4,01.01.1900,,Переговоры,1,Анна Смирнова,ООО Альфа",
            "5,03.02.2026,31.12.2100,Отказ,1,Иван Петров,ООО Гамма",
        ),
    )


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    # Empty and nearly empty files.
    write("empty.csv", b"")
    write("whitespace_only.csv", "  \n\t\n\n")
    write("bom_only.csv", b"\xef\xbb\xbf")
    write("header_only.csv", HEADER + "\n")
    write("header_only_no_newline.csv", HEADER)
    # Encodings, delimiters, line ends.
    write("good_utf8.csv", text(*GOOD))
    write("good_utf8_bom.csv", text(*GOOD), "utf-8-sig")
    write(
        "cp1251_semicolon.csv",
        text(*[r.replace(",", ";") for r in GOOD], header=HEADER.replace(",", ";")),
        "cp1251",
    )
    write(
        "utf16_tab.csv",
        text(*[r.replace(",", "\t") for r in GOOD], header=HEADER.replace(",", "\t")),
        "utf-16",
    )
    write("crlf_line_ends.csv", text(*GOOD, end="\r\n"))
    write("old_mac_cr_line_ends.csv", text(*GOOD, end="\r"))
    write("tab_delimited.tsv", text(*[r.replace(",", "\t") for r in GOOD], header=HEADER.replace(",", "\t")))
    write(
        "semicolon_forced_comma.csv",
        text(*[r.replace(",", ";") for r in GOOD], header=HEADER.replace(",", ";")),
    )
    write("cp1251_forced_utf8.csv", text(*GOOD), "cp1251")
    write("koi8r_encoded.csv", text(*GOOD), "koi8_r")
    write("mixed_encodings.csv", text(*GOOD[:2]).encode("utf-8") + (GOOD[2] + "\n").encode("cp1251"))
    # Not CSV at all.
    write("binary_png_named.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    write("gzip_named.csv", gzip.compress(text(*GOOD).encode(), mtime=0))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("deals.csv", text(*GOOD))
    write("zip_archive_named.csv", archive.getvalue())
    write("json_named.csv", '[{"deal_id": 1, "stage": "Контакт"}]\n')
    write("null_byte_inside.csv", text(*GOOD).replace("Анна", "Ан\x00на", 1))
    write("html_without_table.xls", "<html><body><p>Нет данных для выгрузки</p></body></html>\n")
    # Excel files that cannot be read.
    good_xlsx = xlsx(good_rows(), "Сделки")
    write("good.xlsx", good_xlsx)
    write("truncated.xlsx", good_xlsx[: len(good_xlsx) // 2])
    write("corrupt.xlsx", b"PK\x03\x04" + bytes(range(200)) * 5)
    write("not_excel_named.xlsx", text(*GOOD))
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(1000)
    )
    write("password_protected.xlsx", ole)
    write("old_binary.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2040))
    write(
        "excel_2003_xml.xls",
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">\n'
        "<Worksheet><Table><Row><Cell><Data>ID</Data></Cell></Row></Table></Worksheet></Workbook>\n",
    )
    write("sheet_missing.xlsx", xlsx(good_rows(), "Лист1"))
    write("sheet_empty.xlsx", xlsx([], "Сделки"))
    formulas = good_rows()
    formulas[1][1] = "=DATE(2026,2,1)"  # a formula without a stored result (saved by a script, not by Excel)
    formulas[2][4] = "=20000+5000"
    write("formulas_without_values.xlsx", xlsx(formulas, "Сделки"))
    titled = [["Выгрузка сделок за февраль 2026"], [], *good_rows()]
    write("header_on_row_3.xlsx", xlsx(titled, "Сделки"))
    # Structure: missing columns, header rows, broken rows.
    write(
        "required_column_missing.csv",
        text(
            *[",".join(r.split(",")[i] for i in (0, 2, 3, 4)) for r in GOOD],
            header="deal_id,closed_at,stage,amount",
        ),
    )
    write("mapped_header_misspelt.csv", text(*GOOD, header=HEADER.replace("created_at", "Дата создани")))
    write("title_row_above_header.csv", "Отчёт по сделкам\n" + text(*GOOD))
    write("title_row_above_header_unset.csv", "Отчёт по сделкам\n" + text(*GOOD))
    write("repeated_header_names.csv", text(*[r + ",Другой" for r in GOOD], header=HEADER + ",manager"))
    write(
        "shifted_columns.csv",
        text(GOOD[0], "2,02.02.2026,10.02.2026,Успех,25,000,Анна Смирнова,ООО Бета", *GOOD[2:]),
    )
    write("too_few_fields.csv", text(GOOD[0], "2,02.02.2026", *GOOD[2:]))
    whole = text(*GOOD).encode("utf-8")
    write("truncated_mid_row.csv", whole[: whole.rfind("Переговоры".encode()) + 7])  # cut inside «г»
    write("unterminated_quote.csv", text(*GOOD[:3], '4,04.02.2026,,Переговоры,,"Анна Смирнова,ООО Альфа'))
    write("blank_lines.csv", "\n".join([HEADER, GOOD[0], "", GOOD[1], ",,,,,,", "   ", *GOOD[2:], "", ""]))
    write("very_long_cell.csv", text(*GOOD[:3], "4,04.02.2026,,Переговоры,,Анна Смирнова," + "Я" * 200_000))
    write(
        "html_table_export.xls",
        "<meta charset='utf-8'>\n<table>\n<tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER.split(","))
        + "</tr>\n"
        + "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in r.split(",")) + "</tr>" for r in GOOD)
        + "\n</table>\n",
    )
    write(
        "html_table_unclosed.xls",
        "<table><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADER.split(","))
        + "</tr>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r.split(",")) for r in GOOD),
    )
    # Values.
    write(
        "invalid_dates.csv",
        text(
            GOOD[0],
            "2,31.02.2026,,Контакт,1,Анна Смирнова,ООО Бета",
            "3,вчера,,Контакт,1,Иван Петров,ООО Гамма",
            "4,04.02.2026,32.13.2026,Успех,1,Иван Петров,ООО Альфа",
        ),
    )
    write(
        "mixed_date_formats.csv",
        text(
            "1,2026-02-01,,Контакт,1,Иван Петров,ООО Альфа",
            "2,02.02.2026 14:05,10.02.2026,Успех,1,Анна Смирнова,ООО Бета",
            "3,46056,46065,Отказ,1,Иван Петров,ООО Гамма",
            "4,04/02/2026,,Переговоры,1,Анна Смирнова,ООО Альфа",
            "5,2026-02-05T09:30:00+03:00,,Контакт,1,Анна Смирнова,ООО Альфа",
        ),
    )
    write(
        "american_dates.csv",
        text(
            "1,02/14/2026,,Контакт,1,Иван Петров,ООО Альфа",
            "2,02/03/2026,02/25/2026,Успех,1,Анна Смирнова,ООО Бета",
        ),
    )
    write(
        "amounts_with_currency.csv",
        text(
            '1,01.02.2026,,Контакт,"12 500 ₽",Иван Петров,ООО Альфа',
            '2,02.02.2026,10.02.2026,Успех,"1 234,50 руб.",Анна Смирнова,ООО Бета',
            '3,03.02.2026,12.02.2026,Отказ,"1.234.567,89",Иван Петров,ООО Гамма',
            '4,04.02.2026,,Переговоры,"(300)",Анна Смирнова,ООО Альфа',
        ),
    )
    write(
        "zero_and_empty_amounts.csv",
        text(
            "1,01.02.2026,,Контакт,0,Иван Петров,ООО Альфа",
            "2,02.02.2026,10.02.2026,Успех,,Анна Смирнова,ООО Бета",
            "3,03.02.2026,12.02.2026,Успех,0,00,Иван Петров,ООО Гамма".replace("0,00", "0"),
            GOOD[3],
        ),
    )
    write("negative_amounts.csv", text("1,01.02.2026,,Контакт,-1000,Иван Петров,ООО Альфа", *GOOD[1:]))
    write(
        "garbage_amounts.csv",
        text(
            "1,01.02.2026,,Контакт,много,Иван Петров,ООО Альфа",
            "2,02.02.2026,10.02.2026,Успех,12 штук,Анна Смирнова,ООО Бета",
            *GOOD[2:],
        ),
    )
    write("unknown_stage.csv", text(GOOD[0], "2,02.02.2026,,Переговры,1,Анна Смирнова,ООО Бета", *GOOD[2:]))
    write("duplicates.csv", text(*GOOD, GOOD[1], "3,05.02.2026,12.02.2026,Отказ,7000,Иван Петров,ООО Гамма"))
    write(
        "closed_before_created.csv",
        text(GOOD[0], "2,20.02.2026,10.02.2026,Успех,1,Анна Смирнова,ООО Бета", *GOOD[2:]),
    )
    write(
        "no_manager.csv",
        text(GOOD[0], "2,02.02.2026,10.02.2026,Успех,1,,ООО Бета", "3,03.02.2026,,Контакт,1,-,ООО Гамма"),
    )
    write(
        "manager_spelt_two_ways.csv",
        text(
            *GOOD,
            "5,05.02.2026,,Контакт,1,иван  петров,ООО Альфа",
            "6,06.02.2026,,Контакт,1,Петров Иван,ООО Бета",
        ),
    )
    write(
        "product_spelt_two_ways.csv",
        text(
            "1,01.02.2026,,Контакт,1,Иван Петров,ООО Альфа,GTX Pro",
            "2,02.02.2026,10.02.2026,Успех,1,Анна Смирнова,ООО Бета,GTXPro",
            "3,03.02.2026,,Контакт,1,Иван Петров,ООО Гамма,gtx-pro",
            header=HEADER + ",product",
        ),
    )
    write(
        "required_value_missing.csv",
        text(
            GOOD[0],
            "2,,10.02.2026,Успех,1,Анна Смирнова,ООО Бета",
            ",03.02.2026,,Контакт,1,Иван Петров,ООО Гамма",
            GOOD[3],
        ),
    )
    write(
        "formula_like_cells.csv",
        text(
            '1,01.02.2026,,Контакт,1,"=HYPERLINK(""http://x"")",ООО Альфа',
            "2,02.02.2026,,Контакт,1,+7 916 000,@SUM(A1)",
            *GOOD[2:],
        ),
    )
    write(
        "script_in_names.csv", text("1,01.02.2026,,Контакт,1,<script>alert(1)</script>,<b>ООО</b>", *GOOD[1:])
    )
    write(
        "deleted_status.csv",
        text(
            "1,01.02.2026,,Контакт,1,Иван Петров,ООО Альфа,deleted",
            "2,02.02.2026,10.02.2026,Успех,1,Анна Смирнова,ООО Бета,won",
            header=HEADER + ",status",
        ),
    )
    write(
        "other_currency.csv",
        text(
            "1,01.02.2026,,Контакт,100,Иван Петров,ООО Альфа,USD",
            "2,02.02.2026,10.02.2026,Успех,1000,Анна Смирнова,ООО Бета,руб.",
            header=HEADER + ",currency",
        ),
    )
    hostile()
    real_exports()
    print(len(list(FILES.iterdir())), "files")


def zipped(members: dict[str, bytes]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for member, data in members.items():
            zf.writestr(zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return archive.getvalue()


def real_exports() -> None:
    """Shapes of real exports (issue "Real exports as they come"); also written alone by
    ``python tests/corpus/make_corpus.py real`` so that the older files stay byte for byte."""
    semicolon = text(*[line.replace(",", ";") for line in GOOD], header=HEADER.replace(",", ";"))
    write("deals.csv.gz", gzip.compress(semicolon.encode("cp1251"), mtime=0))
    write("deals_xlsx_in.zip", zipped({"Сделки.xlsx": xlsx(good_rows(), "Сделки")}))
    write("zip_of_two_files.zip", zipped({"deals.csv": text(*GOOD).encode(), "events.csv": b"a,b\n"}))
    write("damaged.csv.gz", gzip.compress(text(*GOOD).encode(), mtime=0)[:40])
    typical = [
        f"{i},01.02.2026,,Контакт,{1_300_000 + 10_000 * (i % 9)},Иван Петров,ООО Альфа" for i in range(1, 25)
    ]
    write(
        "amount_outlier.csv",
        text(*typical, "25,01.02.2026,10.02.2026,Успех,50 000 000,Анна Смирнова,ООО Бета"),
    )
    write(
        "closed_seconds_before_created.csv",
        text(
            "1,01.02.2026 10:15:42,01.02.2026 10:15,Успех,1000,Иван Петров,ООО Альфа",
            "2,03.02.2026 10:00,01.02.2026 10:00,Успех,1000,Анна Смирнова,ООО Бета",
            "3,01.02.2026 10:15,01.02.2026 10:15:30,Отказ,1000,Иван Петров,ООО Альфа",
        ),
    )
    write(
        "float_ids.csv",
        text(
            "14646.0,01.02.2026,,Контакт,1000,Иван Петров,301.0",
            "14647.0,02.02.2026,10.02.2026,Успех,25 000,Анна Смирнова,302.0",
            "14648,03.02.2026,12.02.2026,Отказ,5000,Иван Петров,ООО Гамма",
        ),
    )
    write("gzip_inside_zip.zip", zipped({"deals.csv.gz": gzip.compress(text(*GOOD).encode(), mtime=0)}))
    write(
        "funnel_matches_nothing.csv",
        text(
            "1,01.02.2026,,Prospecting,1000,Иван Петров,ООО Альфа",
            "2,02.02.2026,10.02.2026,Won,25 000,Анна Смирнова,ООО Бета",
            "3,03.02.2026,12.02.2026,Lost,5000,Иван Петров,ООО Гамма",
            "4,04.02.2026,,Engaging,,Анна Смирнова,ООО Альфа",
            "5,04.02.2026,,Engaging,,Анна Смирнова,ООО Альфа",
            "6,04.02.2026,,Контакт,,Анна Смирнова,ООО Альфа",
        ),
    )


if __name__ == "__main__":
    import sys

    real_exports() if sys.argv[1:] == ["real"] else main()
