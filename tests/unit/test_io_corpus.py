"""The bad-input corpus: every odd file a client can send gets a clear answer.

For each file of tests/corpus/files, expected.yaml says what must happen: a DataError or ConfigError naming
the file and the problem, or a load whose rows read = rows used + rows quarantined with the expected counts
per reason. The client's file is never modified. Files too big to commit are made here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench.errors import ConfigError, DataError, WorkbenchError
from workbench.io.load import load_client

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = CORPUS / "files"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
FUNNEL = {"stages": ["Контакт", "Переговоры", "Договор"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]}
HEADER = "deal_id,created_at,closed_at,stage,amount,manager,customer_id"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def client_with(tmp_path: Path, source: Path, options: dict | None = None) -> Path:
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True)
    shutil.copy(source, root / "data" / source.name)
    config = {
        "name": "ООО «Корпус»",
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)},
        "data": {"deals": {"file": f"data/{source.name}", **(options or {})}},
        "funnel": FUNNEL,
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


def test_the_corpus_is_complete():
    files = sorted(p.name for p in FILES.iterdir())
    assert len(files) >= 40
    assert files == sorted(EXPECTED), "every corpus file needs an entry in expected.yaml, and back"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, tmp_path):
    expected = EXPECTED[name]
    root = client_with(tmp_path, FILES / name, expected.get("source"))
    copy = root / "data" / name
    before = digest(copy)
    try:
        if "error" in expected:
            with pytest.raises(WorkbenchError) as caught:
                load_client(root)
            error = caught.value
            assert isinstance(error, DataError | ConfigError)
            message = str(error)
            assert message.startswith(f"data/{name}"), message  # the error names the file first
            assert expected["error"] in message, message
            assert "\n" not in message and "Traceback" not in message
            return
        data = load_client(root)
    finally:
        assert digest(copy) == before == digest(FILES / name), f"{name} was modified"
    report = data.reports["deals"]
    assert [report.rows_read, report.rows_used, report.rows_quarantined] == expected["rows"]
    assert report.balanced and len(data.deals) == report.rows_used
    assert report.reasons == expected.get("reasons", {})
    assert report.warnings == expected.get("warnings", {})
    quarantine = data.quarantine
    assert quarantine["row"].nunique() == len(quarantine) == report.rows_quarantined
    assert set(quarantine["file"]) <= {f"data/{name}"}
    for key in ("encoding", "delimiter"):
        if key in expected:
            assert getattr(report, key) == expected[key]
    if "hint" in expected:
        assert expected["hint"] in set(quarantine["hint"].dropna())


# --- files made here: too big, too wide --------------------------------------------------------------


def test_a_1_gb_file_is_refused_without_reading_it(tmp_path):
    """A sparse 1 GB file (no disk used) just above the default limit: refused at once, memory intact.

    The load runs in a child process so that its peak memory is its own.
    """
    seed = tmp_path / "huge.csv"
    seed.write_text(HEADER + "\n", encoding="utf-8")
    root = client_with(tmp_path, seed)
    with (root / "data" / "huge.csv").open("r+b") as fh:
        fh.truncate(1024**3 + 1)  # sparse: the disk holds only the header
    script = (
        "import json, resource, sys\n"
        "from workbench.errors import DataError\n"
        "from workbench.io.load import load_client\n"
        "def peak():\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "before = peak()\n"
        "try:\n"
        "    load_client(sys.argv[1])\n"
        "    message = None\n"
        "except DataError as error:\n"
        "    message = str(error)\n"
        "print(json.dumps({'message': message, 'growth_mb': peak() - before}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_MAX_FILE_MB"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["message"] == (
        "data/huge.csv: file is 1 GB, above the limit of 1 GB; split it or raise WORKBENCH_MAX_FILE_MB"
    )
    assert result["growth_mb"] < 50, "the file must be refused before it is read"


def test_the_size_limit_is_configurable(tmp_path, monkeypatch):
    modest = tmp_path / "deals.csv"
    rows = "\n".join(f"{i},01.02.2026,,Контакт,1000,Иван Петров,ООО Альфа" for i in range(40_000))
    modest.write_text(HEADER + "\n" + rows + "\n", encoding="utf-8")
    root = client_with(tmp_path, modest)
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "1")
    with pytest.raises(DataError) as caught:
        load_client(root)
    assert re.fullmatch(
        r"data/deals\.csv: file is [\d.]+ MB, above the limit of 1 MB; "
        r"split it or raise WORKBENCH_MAX_FILE_MB",
        str(caught.value),
    )
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "5")
    assert load_client(root).reports["deals"].rows_used == 40_000


def test_a_row_with_10000_columns(tmp_path):
    wide_row = "5,05.02.2026,,Контакт,1," + ",".join(["x"] * 9_995)
    path = tmp_path / "deals.csv"
    path.write_text(
        "\n".join([HEADER, "1,01.02.2026,,Контакт,1,Иван Петров,ООО Альфа", wide_row, ""]), encoding="utf-8"
    )
    data = load_client(client_with(tmp_path, path))
    report = data.reports["deals"]
    assert [report.rows_read, report.rows_used, report.rows_quarantined] == [2, 1, 1]
    assert report.reasons == {"bad_field_count": 1}
    assert data.quarantine["detail"].tolist() == ["expected 7 fields, found 10000"]
    assert len(data.quarantine["value"].iloc[0]) <= 200  # the row is shown cut, not whole


def test_a_header_with_10000_columns(tmp_path):
    extra = [f"поле {i}" for i in range(9_993)]
    path = tmp_path / "deals.csv"
    cells = ["1", "01.02.2026", "", "Контакт", "1", "Иван Петров", "ООО Альфа"] + [""] * len(extra)
    path.write_text(",".join([HEADER, *extra]) + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    data = load_client(client_with(tmp_path, path))
    assert data.reports["deals"].rows_used == 1
    assert data.deals.shape[1] > 10_000  # the client's extra columns are kept


def test_a_nul_byte_after_the_first_256_kb_is_quarantined_like_one_before(tmp_path):
    """Not "binary" before 256 KB and written raw after it: anywhere, a NUL quarantines its row, named."""
    rows = [f"{i},01.02.2026,,Контакт,1000,Иван Петров,ООО Альфа" for i in range(1, 6_001)]
    rows[5_000] = rows[5_000].replace("Иван", "Ив\x00ан")
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.read_bytes().index(b"\x00") > 256 * 1024
    data = load_client(client_with(tmp_path, path))
    report = data.reports["deals"]
    assert [report.rows_read, report.rows_used, report.rows_quarantined] == [6_000, 5_999, 1]
    assert data.quarantine[["row", "reason", "field", "value"]].to_dict("records") == [
        {"row": 5_002, "reason": "nul_character", "field": "manager", "value": "Ив\\x00ан Петров"}
    ]
    assert not data.deals["manager"].str.contains("\x00").any()


def _xlsx_with_padded_sheet(path: Path, padding: int) -> None:
    """A good workbook whose sheet XML holds ``padding`` spaces: a small file that inflates."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    for row in [HEADER.split(","), ["1", "01.02.2026", "", "Контакт", "1", "Иван Петров", "ООО Альфа"]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * padding + b"</sheetData>")
            target.writestr(item.filename, data)


def test_an_xlsx_that_inflates_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "deals.xlsx"
    _xlsx_with_padded_sheet(path, 3 * 1024 * 1024)
    assert path.stat().st_size < 100_000
    root = client_with(tmp_path, path)
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "2")
    with pytest.raises(DataError) as caught:
        load_client(root)
    assert re.fullmatch(
        r"data/deals\.xlsx: the workbook unpacks to 3 MB, above the limit of 2 MB \(the file itself is "
        r"[\d.]+ KB\); split it, export it as CSV or raise WORKBENCH_MAX_FILE_MB",
        str(caught.value),
    )
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "4")
    assert load_client(root).reports["deals"].rows_used == 1


def test_an_xlsx_sheet_beyond_the_row_cap_is_refused(tmp_path, monkeypatch):
    from workbench.io import read

    path = tmp_path / "deals.xlsx"
    _xlsx_with_padded_sheet(path, 0)
    monkeypatch.setattr(read, "XLSX_MAX_ROWS", 1)
    with pytest.raises(DataError, match=r"has more than 1 rows, the most an XLSX sheet can hold"):
        load_client(client_with(tmp_path, path))


def test_a_header_longer_than_1_mib_is_read_whole(tmp_path):
    """Extra columns make a header of more than 1 MiB: it is read whole, so rows keep all their fields."""
    extra = [f"дополнительное поле выгрузки номер {i:06d}" for i in range(16_000)]
    header = ",".join([HEADER, *extra])
    assert len(header.encode("utf-8")) > 1024 * 1024
    cells = ["1", "01.02.2026", "", "Контакт", "1", "Иван Петров", "ООО Альфа"] + [""] * len(extra)
    path = tmp_path / "deals.csv"
    path.write_text(header + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    data = load_client(client_with(tmp_path, path))
    report = data.reports["deals"]
    assert [report.rows_read, report.rows_used, report.rows_quarantined] == [1, 1, 0]
    assert data.deals["manager"].tolist() == ["Иван Петров"]


def test_an_amount_formatted_as_a_date_says_so(tmp_path):
    root = client_with(tmp_path, FILES / "amounts_formatted_as_dates.xlsx", {"sheet": "Сделки"})
    detail = load_client(root).quarantine["detail"].tolist()
    assert detail == [
        "expected a number, found a cell formatted as a date in the workbook (the number is hidden by the "
        "format); format the column as numbers and save the file again"
    ]


def test_check_says_which_encoding_was_chosen(tmp_path):
    from workbench.app.check import check_client, format_check

    text = format_check(check_client(client_with(tmp_path, FILES / "cp1251_capitals.csv")), "en")
    assert "Encoding Windows-1251, delimiter “,”." in text
