"""Property tests: whatever bytes a client sends, reading and loading either work with the row accounting
intact, or stop with the workbench's own error (never another exception), and never change the file."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.io.load import load_client
from workbench.io.read import read_raw

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_counter = itertools.count()

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "0",
            "-5",
            "1 000,50",
            "12 500 ₽",
            "(300)",
            "01.02.2026",
            "31.02.2026",
            "2026-02-03T10:00:00+03:00",
            "46057",
            "не закрыта",
            "Контакт",
            "Переговоры",
            "Успех",
            "Отказ",
            "Иван Петров",
            "иван  петров",
            "GTX Pro",
            "GTXPro",
            '"',
            '""',
            '"a,b"',
            '"a\nb"',
            ";",
            ",",
            "\t",
            "=1+1",
            "<script>",
            "\u00a0",
        ]
    ),
    st.text(max_size=12),
)
PLAUSIBLE = {
    "deal_id": st.integers(1, 9).map(str),
    "created_at": st.sampled_from(["01.02.2026", "2026-02-03 10:00", "46057", "5.2.2026 9:05:00"]),
    "closed_at": st.sampled_from(["", "не закрыта", "10.02.2026", "2026-01-01"]),
    "stage": st.sampled_from(["Контакт", "Переговоры", "Успех", "Отказ", "Успешно реализовано"]),
    "amount": st.sampled_from(["", "0", "1 000", "-5", "12 500 ₽", "2,5"]),
    "status": st.sampled_from(["", "won", "lost", "open", "deleted"]),
}


def _cell(column: str) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE.get(column)
    return st.one_of(plausible, plausible, plausible, CELLS) if plausible is not None else CELLS


HEADERS = st.lists(
    st.sampled_from(
        [
            "deal_id",
            "created_at",
            "closed_at",
            "stage",
            "amount",
            "manager",
            "customer_id",
            "product",
            "ID",
            "",
        ]
    ),
    min_size=1,
    max_size=9,
)


DEALS_HEADER = st.lists(
    st.sampled_from(["closed_at", "amount", "manager", "customer_id", "product", "status", "Примечание"]),
    unique=True,
    max_size=5,
).flatmap(lambda extra: st.permutations(["deal_id", "created_at", "stage", *extra]))


@st.composite
def csv_files(draw, headers=HEADERS) -> bytes:
    """CSV-like files: a header of likely names, rows of awkward cells, any delimiter, line end, encoding."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(headers)
    width = draw(st.sampled_from([len(header), len(header), len(header), len(header) + 1, len(header) - 1]))
    rows = [
        [draw(_cell(header[i] if i < len(header) else "")) for i in range(max(width, 0))]
        for _ in range(draw(st.integers(0, 12)))
    ]
    text = newline.join(delimiter.join(cells) for cells in [header, *rows])
    text += draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    cut = draw(st.integers(min_value=0, max_value=3))  # a file cut short, in the middle of a character
    return data[: len(data) - cut] if cut < len(data) else data


def _path(folder: Path, data: bytes, suffix: str = ".csv") -> Path:
    path = folder / f"f{next(_counter)}{suffix}"
    path.write_bytes(data)
    return path


def _read_checked(path: Path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        table = read_raw(path, path.name)
    except WorkbenchError as error:
        event(f"refused: {str(error).split(': ', 1)[1][:30]}")
        return None
    finally:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    event(f"read {'no rows' if table.rows_read == 0 else 'rows'}")
    assert list(table.frame.columns) == table.headers
    assert len(set(table.headers)) == len(table.headers)
    assert table.rows_read == len(table.frame) + len(table.broken_rows)
    numbers = list(table.frame.index) + [r for r, _, _ in table.broken_rows]
    assert len(set(numbers)) == len(numbers), "every row has its own spreadsheet row number"
    return table


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


@SETTINGS
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_random_bytes_never_crash_read_raw(folder, data, suffix):
    _read_checked(_path(folder, data, suffix))


@SETTINGS
@given(data=csv_files())
def test_random_csv_files_never_crash_read_raw(folder, data):
    _read_checked(_path(folder, data))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(csv_files(DEALS_HEADER), csv_files(), st.binary(max_size=1024)),
    preset=st.sampled_from(["auto", "generic", "amocrm"]),
)
def test_random_files_never_crash_load_and_rows_balance(folder, data, preset):
    root = folder / f"client{next(_counter)}"
    (root / "data").mkdir(parents=True)
    (root / "data" / "deals.csv").write_bytes(data)
    config = {
        "name": "Свойства",
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)},
        "data": {"deals": {"file": "data/deals.csv", "preset": preset}},
        "funnel": {"stages": ["Контакт", "Переговоры"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]},
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    try:
        client = load_client(root)
    except WorkbenchError as error:
        event(f"refused: {type(error).__name__}")
        return
    finally:
        assert (root / "data" / "deals.csv").read_bytes() == data
    event("loaded, some rows used" if client.reports["deals"].rows_used else "loaded, no row used")
    for report in client.reports.values():
        assert report.rows_read == report.rows_used + report.rows_quarantined
        assert len(client.tables[report.table]) == report.rows_used
    assert client.quarantine["row"].is_unique
