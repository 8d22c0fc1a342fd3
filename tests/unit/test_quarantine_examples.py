"""Quarantined rows as the client and the consultant find them: a row whose required field is empty shows
its other values and names the empty field (Appendix B), and under ``--anonymize`` a row with a wrong
number of fields or a damaged deal title is shown by its masked values, never by a bare «…» and never with
a name, a phone or an e-mail of the file."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import yaml

from workbench.audit import run_analyses
from workbench.io.load import load_client
from workbench.io.privacy import anonymize_client, looks_like_contact
from workbench.present.i18n import Messages
from workbench.present.quarantine_out import client_quarantine
from workbench.present.registry import render_section

FUNNEL = {"stages": ["Контакт", "Переговоры"], "won_stages": ["Успех"], "lost_stages": ["Отказ"]}
HEADER = "ID,Создана,Этап,Бюджет,Менеджер,Название,Телефон"
COLUMNS = {
    "deal_id": "ID",
    "created_at": "Создана",
    "stage": "Этап",
    "amount": "Бюджет",
    "manager": "Менеджер",
    "title": "Название",
}


def client(tmp_path, rows: list[str], locale: str = "ru"):
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True)
    (root / "data" / "deals.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    config = {
        "name": "ООО «Тест»",
        "locale": locale,
        "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31)},
        "data": {"deals": {"file": "data/deals.csv", "columns": COLUMNS}},
        "funnel": FUNNEL,
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root


GOOD = [
    f"{i},0{1 + i % 9}.02.2026,Контакт,1000,Иван Петров,Окна {i},+7 916 000-00-0{i % 10}" for i in range(1, 9)
]


def appendix(audit, locale: str) -> str:
    html = render_section("appendix_data", Messages(locale), audit).html
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).replace("\u00a0", " ")


def test_a_row_with_an_empty_required_field_shows_its_other_values_and_names_the_field(tmp_path):
    rows = [*GOOD, "901,,,,Анна Смирнова,,", "902,02.02.2026,,2500.5,Анна Смирнова,Двери,"]
    audit = run_analyses(load_client(client(tmp_path, rows)), dt.date(2026, 3, 31))
    ru, en = appendix(audit, "ru"), appendix(audit, "en")
    # Row 10 holds only its id and a manager: before, the example was a bare row number.
    assert "стр. 10: «Этап» — пусто; ID «901», Менеджер «Анна Смирнова»" in ru
    assert (
        "стр. 11: «Этап» — пусто; ID «902», Создана 02.02.2026, Бюджет 2 500,50, Менеджер «Анна Смирнова»"
        in ru
    )
    assert (
        "row 11: “Этап” is empty; ID “902”, Создана 2026-02-02, Бюджет 2,500.50, Менеджер “Анна Смирнова”"
        in en
    )
    # A deal's title is free text: never copied into a row's values.
    assert "Двери" not in ru


def test_under_anonymize_a_broken_row_shows_its_masked_values_not_a_bare_mark(tmp_path):
    rows = [
        *GOOD,
        "903,03.02.2026,Контакт,1000,Иван Петров,Окна,+7 916 123-45-67,лишнее",  # one field too many
        "904,04.02.2026,+7 916 765-43-21,Анна Смирнова",  # shifted: a phone under «Этап», a name lost
    ]
    root = client(tmp_path, rows)
    plain = load_client(root)
    assert set(plain.quarantine["reason"]) == {"bad_field_count"}
    hidden = anonymize_client(plain, "ru")
    quarantine = client_quarantine(Messages("ru"), hidden.quarantine, hidden.reports)
    values = dict(zip(quarantine["row"], quarantine["value"], strict=True))
    assert (
        values[10] == "… (ID: 903; Создана: 03.02.2026; Этап: Контакт; Бюджет: 1000; Менеджер: Менеджер 01)"
    )
    assert values[11] == "… (ID: 904; Создана: 04.02.2026; Этап: …; Бюджет: …)"
    text = quarantine.to_csv() + repr(hidden.reports["deals"].examples)
    for secret in ("Иван", "Анна", "916", "Окна", "лишнее"):
        assert secret not in text, secret
    audit = run_analyses(hidden, dt.date(2026, 3, 31))
    ru = appendix(audit, "ru")
    assert (
        "стр. 10: ID «903», Создана «03.02.2026», Этап «Контакт», Бюджет «1000», Менеджер «Менеджер 01» "
        "(8 полей вместо 7)" in ru
    )
    assert "стр. 11: ID «904», Создана «04.02.2026», Этап «…», Бюджет «…» (4 поля вместо 7)" in ru
    assert "Иван" not in ru and "916" not in ru


def test_under_anonymize_a_damaged_title_is_replaced_by_the_rows_masked_values(tmp_path):
    rows = [*GOOD, "905,05.02.2026,Контакт,1000,Иван Петров,Окна\x00 Иванова,+7 916 000-00-00"]
    hidden = anonymize_client(load_client(client(tmp_path, rows)), "ru")
    row = hidden.quarantine.set_index("row").loc[10]
    assert row["reason"] == "nul_character"
    assert (
        row["value"] == "… (ID: 905; Создана: 05.02.2026; Этап: Контакт; Бюджет: 1000; Менеджер: Менеджер 01)"
    )
    assert "Иванова" not in repr(hidden.reports["deals"].examples)


def test_what_looks_like_a_contact():
    for contact in ("+7 916 123-45-67", "89161234567", "a.b@mail.ru", "+380 67 1234567", "(495) 123-45-67"):
        assert looks_like_contact(contact), contact
    for value in ("536544", "14646", "01.10.2025", "2026-02-05T00:00:00", "Переговоры", "1000.5", "C536379"):
        assert not looks_like_contact(value), value
