"""Cell parsers of ``workbench.io.parse``: numbers, dates and text as they come in Russian exports."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from workbench.io.parse import clean_text, parse_dates, parse_numbers


def cells(*values):
    """An object Series, as a CSV reader or an XLSX sheet hands it over."""
    return pd.Series(list(values), dtype=object)


def one_number(value):
    parsed, bad = parse_numbers(cells(value))
    return parsed.iloc[0], bool(bad.iloc[0])


def one_date(value):
    parsed, bad = parse_dates(cells(value))
    return parsed.iloc[0], bool(bad.iloc[0])


# --- numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42.0),
        ("0,5", 0.5),
        ("1234,56", 1234.56),
        ("1 234,5", 1234.5),
        ("1\u00a0234\u00a0567,89", 1234567.89),
        ("1\u202f234\u202f567,89", 1234567.89),
        ("1\u2009234", 1234.0),
        ("1.234.567,89", 1234567.89),
        ("1,234.56", 1234.56),
        ("1,234,567", 1234567.0),
        ("1 234.56", 1234.56),
        ("12 500 ₽", 12500.0),
        ("₽ 100", 100.0),
        ("300 руб.", 300.0),
        ("300 руб", 300.0),
        ("5 рублей", 5.0),
        ("12 500,00 р.", 12500.0),
        ("1 000 RUB", 1000.0),
        ("RUB 1000", 1000.0),
        ("1 234,5 rub", 1234.5),
        ("(300)", -300.0),
        ("(1 234,50 ₽)", -1234.5),
        ("\u2212150", -150.0),
        ("-150", -150.0),
        ("- 150", -150.0),
        ("+7", 7.0),
        (".5", 0.5),
        ("1.5e3", 1500.0),
        ("  77  ", 77.0),
        ("\u00a0\u00a077\u00a0", 77.0),
    ],
)
def test_parse_numbers_formats(text, expected):
    value, bad = one_number(text)
    assert value == pytest.approx(expected)
    assert bad is False


@pytest.mark.parametrize(
    "text", ["", "   ", "\u00a0", "nan", "NaN", "null", "NULL", "None", "n/a", "N/A", "#N/A", "-", "—", "–"]
)
def test_parse_numbers_null_sentinels_are_empty_not_bad(text):
    value, bad = one_number(text)
    assert math.isnan(value)
    assert bad is False


@pytest.mark.parametrize("text", ["abc", "12 штук", "--5", "(300", "1.2.3,4,5", "₽", "руб."])
def test_parse_numbers_garbage_is_bad(text):
    value, bad = one_number(text)
    assert math.isnan(value)
    assert bad is True


@pytest.mark.parametrize("text", ["1,5 2,5", "12,3,4", "1.2.3"])
def test_parse_numbers_thousands_groups_must_have_three_digits(text):
    """Two numbers in one cell, or a list of ids, must not silently become one large amount."""
    value, bad = one_number(text)
    assert math.isnan(value)
    assert bad is True


def test_parse_numbers_keeps_the_index_and_flags_only_bad_cells():
    """The index is the spreadsheet row number: the result and the mask must keep it."""
    values = pd.Series(["1 000", "", "мусор", None, "2,5"], index=[2, 3, 5, 8, 9], dtype=object)
    parsed, bad = parse_numbers(values)
    assert list(parsed.index) == [2, 3, 5, 8, 9]
    assert list(bad.index) == [2, 3, 5, 8, 9]
    assert parsed.dtype == np.float64
    assert parsed[2] == 1000.0
    assert parsed[9] == 2.5
    assert parsed[[3, 5, 8]].isna().all()
    assert bad.tolist() == [False, False, True, False, False]


def test_parse_numbers_string_dtype_input():
    values = pd.Series(["1\u00a0234,5", pd.NA, "x"], dtype="string")
    parsed, bad = parse_numbers(values)
    assert parsed[0] == 1234.5
    assert math.isnan(parsed[1])
    assert math.isnan(parsed[2])
    assert bad.tolist() == [False, False, True]


def test_parse_numbers_typed_xlsx_cells():
    """XLSX cells arrive as int / float objects; a date or a boolean in a number column is bad."""
    values = cells(7, 2.5, np.int64(3), np.nan, None, "4,5", dt.datetime(2026, 1, 2), True)
    parsed, bad = parse_numbers(values)
    assert parsed[:3].tolist() == [7.0, 2.5, 3.0]
    assert parsed[5] == 4.5
    assert parsed[[3, 4, 6, 7]].isna().all()
    assert bad.tolist() == [False, False, False, False, False, False, True, True]


def test_parse_numbers_float_series_passes_through():
    parsed, bad = parse_numbers(pd.Series([1.0, 2.5, np.nan]))
    assert parsed[:2].tolist() == [1.0, 2.5]
    assert math.isnan(parsed[2])
    assert not bad.any()


def test_parse_numbers_infinity_is_bad_not_a_value():
    parsed, bad = parse_numbers(cells(float("inf"), "1"))
    assert math.isnan(parsed[0])
    assert bad.tolist() == [True, False]


def test_parse_numbers_extra_nulls():
    parsed, bad = parse_numbers(cells("не указано", "Не указано", "другое"), frozenset({"не указано"}))
    assert parsed.isna().all()
    assert bad.tolist() == [False, False, True]


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.11.2026", dt.datetime(2026, 11, 23)),
        ("5.1.2026", dt.datetime(2026, 1, 5)),
        ("23.11.2026 14:05", dt.datetime(2026, 11, 23, 14, 5)),
        ("23.11.2026 14:05:07", dt.datetime(2026, 11, 23, 14, 5, 7)),
        ("05.01.2026  10:00", dt.datetime(2026, 1, 5, 10, 0)),
        ("23.11.26", dt.datetime(2026, 11, 23)),
        ("23/11/2026", dt.datetime(2026, 11, 23)),
        ("23-11-2026 08:30", dt.datetime(2026, 11, 23, 8, 30)),
        ("2026-11-23", dt.datetime(2026, 11, 23)),
        ("2026-11-23 14:05:07", dt.datetime(2026, 11, 23, 14, 5, 7)),
        ("2026-11-23T14:05:07Z", dt.datetime(2026, 11, 23, 14, 5, 7)),
        ("\u00a023.11.2026\u00a0", dt.datetime(2026, 11, 23)),
        # Excel serial numbers kept as text: 46349 days after 1899-12-30 is 23.11.2026.
        ("46349", dt.datetime(2026, 11, 23)),
        ("46349.5", dt.datetime(2026, 11, 23, 12, 0)),
    ],
)
def test_parse_dates_formats(text, expected):
    value, bad = one_date(text)
    assert value == pd.Timestamp(expected)
    assert bad is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "null",
        "-",
        "—",
        "n/a",
        "не закрыта",
        "Не закрыта",
        "НЕ ЗАКРЫТА",
        "не закрыт",
        "открыта",
        "not closed",
    ],
)
def test_parse_dates_empty_and_not_closed_are_nat_not_bad(text):
    value, bad = one_date(text)
    assert value is pd.NaT
    assert bad is False


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2026",
        "30.02.2026 10:00",
        "2026-02-31",
        "2026-13-01",
        "32.01.2026",
        "23.11.2026 25:00",
        "23.11.2026г.",
        "вчера",
        "12345",  # a serial number outside 1954-2119
        "99999",
    ],
)
def test_parse_dates_impossible_or_garbage_is_bad(text):
    value, bad = one_date(text)
    assert value is pd.NaT
    assert bad is True


def test_parse_dates_mixed_formats_in_one_column():
    values = pd.Series(
        ["01.02.2026", "2026-02-03", "04.02.2026 09:15", "46057", "", "не закрыта", "31.02.2026"],
        index=[2, 3, 4, 5, 6, 7, 8],
        dtype=object,
    )
    parsed, bad = parse_dates(values)
    assert parsed.dtype == "datetime64[ns]"
    assert parsed[2] == pd.Timestamp(2026, 2, 1)
    assert parsed[3] == pd.Timestamp(2026, 2, 3)
    assert parsed[4] == pd.Timestamp(2026, 2, 4, 9, 15)
    # 2026-01-01 is serial 46023; 46057 is 34 days later.
    assert parsed[5] == pd.Timestamp(2026, 2, 4)
    assert parsed[[6, 7, 8]].isna().all()
    assert bad[bad].index.tolist() == [8]


def test_parse_dates_typed_xlsx_cells():
    """An object column from openpyxl: datetime, date, numbers (Excel serials), text and empties."""
    values = cells(
        dt.datetime(2026, 1, 2, 3, 4, 5),
        dt.date(2026, 1, 3),
        pd.Timestamp("2026-01-04"),
        np.datetime64("2026-01-05"),
        46349.0,
        46349,
        46349.25,
        "23.11.2026",
        None,
        np.nan,
        pd.NaT,
        12.0,
        "x",
        True,
    )
    parsed, bad = parse_dates(values)
    assert parsed.dtype == "datetime64[ns]"
    assert parsed[:8].tolist() == [
        pd.Timestamp(2026, 1, 2, 3, 4, 5),
        pd.Timestamp(2026, 1, 3),
        pd.Timestamp(2026, 1, 4),
        pd.Timestamp(2026, 1, 5),
        pd.Timestamp(2026, 11, 23),
        pd.Timestamp(2026, 11, 23),
        pd.Timestamp(2026, 11, 23, 6, 0),
        pd.Timestamp(2026, 11, 23),
    ]
    assert parsed[8:].isna().all()
    assert bad.tolist() == [False] * 11 + [True, True, True]


def test_parse_dates_numeric_series_of_excel_serials():
    parsed, bad = parse_dates(pd.Series([46349, 46350]))
    assert parsed.tolist() == [pd.Timestamp(2026, 11, 23), pd.Timestamp(2026, 11, 24)]
    assert not bad.any()


def test_parse_dates_extra_nulls():
    parsed, bad = parse_dates(cells("в работе", "завтра"), frozenset({"в работе"}))
    assert parsed.isna().all()
    assert bad.tolist() == [False, True]


def test_parse_dates_iso_with_offset_keeps_local_wall_time():
    """amoCRM / Bitrix24 API exports write '2026-01-01T01:00:00+03:00': that is 1 January, 01:00 in Moscow.

    The same column may hold '01.01.2026 01:00' (local time, no zone); both cells must mean the same moment
    on the same calendar day, or deals near midnight move to the previous day (and the previous period).
    """
    parsed, bad = parse_dates(cells("2026-01-01T01:00:00+03:00", "01.01.2026 01:00"))
    assert not bad.any()
    assert parsed[0] == pd.Timestamp(2026, 1, 1, 1, 0)
    assert parsed[0] == parsed[1]


# --- text ------------------------------------------------------------------------------------------------


def test_clean_text_strips_spaces_and_nulls():
    values = cells(
        "  Иван\u00a0",
        "Петров\u202f",
        "\tx\n",
        "a  b",
        "\u00a0",
        "",
        "null",
        "NULL",
        "—",
        "#N/A",
        None,
        np.nan,
    )
    result = clean_text(values)
    assert str(result.dtype) == "string"
    assert result[:4].tolist() == ["Иван", "Петров", "x", "a  b"]
    assert result[4:].isna().all()


def test_clean_text_typed_cells_become_text():
    """XLSX ids arrive as floats (1.0): they must match the '1' of a CSV file."""
    values = cells(1.0, 2.5, 3, np.int64(7), dt.datetime(2026, 1, 2, 3, 4, 5), dt.date(2026, 1, 3), "x")
    assert clean_text(values).tolist() == [
        "1",
        "2.5",
        "3",
        "7",
        "2026-01-02 03:04:05",
        "2026-01-03 00:00:00",
        "x",
    ]


def test_clean_text_extra_nulls_case_insensitive():
    result = clean_text(cells("a", "Не указан", "c"), frozenset({"не указан"}))
    assert result[0] == "a"
    assert result[1] is pd.NA
    assert result[2] == "c"


def test_clean_text_keeps_the_index():
    result = clean_text(pd.Series([" a ", None], index=[7, 9], dtype=object))
    assert result.index.tolist() == [7, 9]
    assert result[7] == "a"
    assert result[9] is pd.NA


def test_american_slash_dates_are_recognised_by_evidence():
    from workbench.io.parse import slash_dates_month_first

    american = cells("03/25/2026", "04/01/2026", "2026-04-02")
    assert slash_dates_month_first(american)
    parsed, bad = parse_dates(american, month_first=True)
    assert parsed.tolist() == [pd.Timestamp(2026, 3, 25), pd.Timestamp(2026, 4, 1), pd.Timestamp(2026, 4, 2)]
    assert not bad.any()
    assert not slash_dates_month_first(cells("25/03/2026", "04/01/2026"))  # day-first evidence
    assert not slash_dates_month_first(cells("04/01/2026"))  # no evidence: day-first, as in Russia
    assert not slash_dates_month_first(cells("13/25/2026", "01/02/2026"))  # contradictory: day-first


def test_a_malformed_zone_suffix_is_a_bad_date_not_a_crash():
    """Found by the property tests: '+03:0' made pandas read a zoned date it could not make naive."""
    values = pd.Series(
        ["2026-02-03T10:00:00+03:0", "2026-02-03T10:00:00+03:00", "2026-02-03-05"], dtype="string"
    )
    parsed, bad = parse_dates(values)
    assert bad.tolist() == [True, False, True]
    assert parsed.iloc[1] == pd.Timestamp("2026-02-03 10:00:00")
