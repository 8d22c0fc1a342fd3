"""The errors of ``workbench check`` and ``workbench audit`` speak the client's language, with the file, row
and field named as in the English text; an error without a worded message keeps its English text."""

from __future__ import annotations

import re

import pytest
import yaml

from workbench.errors import DataError, WorkbenchError
from workbench.io.load import load_client
from workbench.present.error_text import error_text
from workbench.present.i18n import LOCALES, Messages


def client(tmp_path, deals: bytes | str, columns: dict[str, str] | None = None, **config):
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True)
    (root / "client.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "ООО «Тест»",
                "period": {"start": "2025-10-01", "end": "2025-12-31"},
                "data": {
                    "deals": {
                        "file": "data/deals.csv",
                        "columns": columns or {"deal_id": "ID", "created_at": "Создана", "stage": "Этап"},
                    }
                },
                "funnel": {"stages": ["Контакт", "КП"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]},
                **config,
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    path = root / "data" / "deals.csv"
    path.write_bytes(deals if isinstance(deals, bytes) else deals.encode("utf-8"))
    return root


def caught(root) -> WorkbenchError:
    with pytest.raises(WorkbenchError) as error:
        load_client(root)
    return error.value


def test_a_missing_column_in_both_languages(tmp_path):
    root = client(tmp_path, "ID,Дата создания,Этап\n1,01.10.2025,Контакт\n")
    error = caught(root)
    assert isinstance(error, DataError) and error.key == "missing_column"
    ru = error_text(Messages("ru"), error)
    en = error_text(Messages("en"), error)
    assert ru.startswith("data/deals.csv, поле «Создана»: столбца «Создана»")
    assert (
        "Возможно, имелся в виду «Дата создания»?" in ru
        and "Столбцы файла: «ID», «Дата создания», «Этап»" in ru
    )
    assert en.startswith("data/deals.csv, field “Создана”: column “Создана”")
    assert "Did you mean “Дата создания”?" in en
    # str() stays the English text of logs and FAILED.txt.
    assert str(error).startswith("data/deals.csv, field 'Создана': column 'Создана'")


def set_source(root, **options):
    source = yaml.safe_load((root / "client.yaml").read_text(encoding="utf-8"))
    source["data"]["deals"].update(options)
    (root / "client.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")


def test_a_header_split_on_another_delimiter_is_said_in_the_clients_language(tmp_path):
    root = client(tmp_path, "ID;Создана;Этап\n1;01.10.2025;Контакт\n")
    set_source(root, delimiter=",")
    ru = error_text(Messages("ru"), caught(root))
    assert "Заголовок, похоже, разделён знаком ';', а не ','" in ru


@pytest.mark.parametrize(
    ("content", "key", "ru", "en"),
    [
        (b"\x00\x01\x02\x03binary\x00\x00" * 50, "binary_file", "это двоичный файл", "this is a binary file"),
        (b"", "file_empty", "файл пустой (0 байт)", "file is empty (0 bytes)"),
        (b"   \n\n  ", "no_text", "в файле нет текста", "file holds no text"),
        (
            b"\xd0\xcf\x11\xe0" + b"\x00" * 600,
            "old_excel",
            "старая книга Excel (.xls)",
            "an old binary Excel",
        ),
    ],
)
def test_an_unreadable_file_in_both_languages(tmp_path, content, key, ru, en):
    error = caught(client(tmp_path, content))
    assert error.key == key
    assert error_text(Messages("ru"), error) == f"data/deals.csv: {Messages('ru')(f'errors.{key}')}"
    assert ru in error_text(Messages("ru"), error) and en in error_text(Messages("en"), error)


def test_a_file_that_is_not_there_and_a_wrong_encoding(tmp_path):
    root = client(tmp_path, "ID,Создана,Этап\n1,01.10.2025,Контакт\n")
    (root / "data" / "deals.csv").unlink()
    assert error_text(Messages("ru"), caught(root)) == (
        f"{root / 'client.yaml'}: data.deals.file: файла «data/deals.csv» в папке клиента нет"
    )
    root = client(tmp_path / "b", "ID,Создана,Этап\n1,01.10.2025,Контакт\n")
    set_source(root, encoding="utf-8")
    (root / "data" / "deals.csv").write_bytes("ID,Создана,Этап\n1,01.10.2025,Контакт\n".encode("cp1251"))
    ru = error_text(Messages("ru"), caught(root))
    assert re.fullmatch(r"data/deals\.csv: файл не читается в кодировке utf-8 \(байт \d+, строка 1\); .*", ru)


def test_a_date_that_is_no_date_in_client_yaml(tmp_path):
    root = client(tmp_path, "ID,Создана,Этап\n1,01.10.2025,Контакт\n")
    text = (root / "client.yaml").read_text(encoding="utf-8").replace("2025-10-01", "01.10.2025")
    (root / "client.yaml").write_text(text, encoding="utf-8")
    error = caught(root)
    assert error_text(Messages("ru"), error) == (
        f"{root / 'client.yaml'}: period.start: ожидается дата вида 2026-09-30, указано '01.10.2025'"
    )
    assert error_text(Messages("en"), error).endswith(
        "period.start: expected a date like 2026-09-30, got '01.10.2025'"
    )
    (root / "client.yaml").write_text(text.replace("01.10.2025", "2025-13-01"), encoding="utf-8")
    assert "period.start: ожидается дата вида 2026-09-30, указано '2025-13-01'" in error_text(
        Messages("ru"), caught(root)
    )


def test_an_error_without_a_worded_message_keeps_its_english_text():
    error = DataError("data/deals.csv", "something rare happened", row=12, field="Этап")
    assert (
        error_text(Messages("ru"), error)
        == str(error)
        == "data/deals.csv, row 12, field 'Этап': something rare happened"
    )
    worded = DataError("data/deals.csv", "file not found", row=12, field="Этап").worded("file_not_found")
    assert error_text(Messages("ru"), worded) == "data/deals.csv, строка 12, поле «Этап»: файл не найден"


def test_every_worded_error_has_its_message_in_both_languages(repo):
    """Each ``.worded("key", ...)`` of the package names a message of the catalogues in both languages."""
    keys = set()
    for path in (repo / "workbench").rglob("*.py"):
        keys |= set(re.findall(r'\.worded\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert len(keys) >= 20
    for locale in LOCALES:
        missing = sorted(k for k in keys if not Messages(locale).has(f"errors.{k}"))
        assert not missing, (locale, missing)
