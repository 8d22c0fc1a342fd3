"""The report of two real-export shapes, as their client reads it (defects seen reading the Olist and UCI
reports page by page): a lead export whose won deals have no amount and whose managers are known only on
won deals, and an invoice list whose paid deals have neither an amount nor a close date, with sales lines
beside it. Unknown is never shown as zero, sentences agree with what they list, sections with nothing to
show say why, and no week after the period is shown as the period's last."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
import yaml

from workbench.audit import run_analyses
from workbench.io.load import load_client
from workbench.present.i18n import Messages
from workbench.render.report import Report

PERIOD = {"start": "2025-01-01", "end": "2025-06-30"}


def write_client(root, config: dict, files: dict[str, str]):
    (root / "data").mkdir(parents=True)
    base = {"name": "ООО «Лиды»", "period": PERIOD}
    (root / "client.yaml").write_text(yaml.safe_dump({**base, **config}, allow_unicode=True), "utf-8")
    for name, text in files.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    return root


def leads_csv() -> str:
    """240 leads over six months from two channels; 30 won (no amount, a rep named only on them), some
    won after the period ended; the channel "social" converts far worse."""
    rows = ["ID,Создан,Выигран,Статус,Канал,Менеджер"]
    n = 0
    for month in range(1, 7):
        for k in range(40):
            n += 1
            channel = "social" if k % 2 else "search"
            won = (channel == "search" and k % 8 == 0) or (channel == "social" and k == 39 and month % 3 == 0)
            closed = f"2025-{min(month + 2, 12):02d}-{1 + k % 27:02d}" if won else ""
            rows.append(
                f"L{n},2025-{month:02d}-{1 + k % 27:02d},{closed},{'won' if won else 'lost'},{channel},"
                f"{'Анна' if won and k % 16 == 0 else ('Борис' if won else '')}"
            )
    return "\n".join(rows) + "\n"


LEADS = {
    "data": {
        "deals": {
            "file": "data/leads.csv",
            "columns": {
                "deal_id": "ID",
                "created_at": "Создан",
                "closed_at": "Выигран",
                "status": "Статус",
                "source": "Канал",
                "manager": "Менеджер",
            },
            "defaults": {"stage": "Заявка"},
        }
    },
    "funnel": {"stages": ["Заявка"], "won_stages": ["Сделка"], "lost_stages": ["Отказ"]},
}


def invoices_and_lines() -> dict[str, str]:
    """A year of invoices (paid or cancelled, no amount, no close date, no manager) and the sales lines
    behind them, without margin; three customers buy only in January (class D: no purchases since)."""
    invoices = ["Invoice,Date,Customer,Status"]
    lines = ["InvoiceNo,InvoiceDate,CustomerID,StockCode,Quantity,UnitPrice"]
    for i in range(1, 121):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=3 * i - 2)
        # Ids through a float column, as the published UCI file has them; consecutive invoices of a customer.
        customer = f"{14700 + (i // 3) % 3}.0" if i < 9 else f"{14640 + (i // 3) % 15}.0"
        invoices.append(f"{i},{day:%Y-%m-%d},{customer},{'Cancelled' if i % 10 == 0 else 'Paid'}")
        lines.append(f"{i},{day:%Y-%m-%d} 10:00:00,{customer},P{i % 7},{1 + i % 3},{2.5 + i % 4}")
    return {"invoices.csv": "\n".join(invoices) + "\n", "lines.csv": "\n".join(lines) + "\n"}


INVOICES = {
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "data": {
        "deals": {
            "file": "data/invoices.csv",
            "columns": {
                "deal_id": "Invoice",
                "created_at": "Date",
                "customer_id": "Customer",
                "stage": "Status",
            },
        },
        "transactions": {
            "file": "data/lines.csv",
            "columns": {
                "document_id": "InvoiceNo",
                "date": "InvoiceDate",
                "customer_id": "CustomerID",
                "product": "StockCode",
                "quantity": "Quantity",
                "unit_price": "UnitPrice",
            },
        },
    },
    "funnel": {"stages": ["Basket", "Checkout"], "won_stages": ["Paid"], "lost_stages": ["Cancelled"]},
}


def phrase(locale: str, key: str, **params) -> str:
    return Messages(locale)(key, **params).replace("\u00a0", " ")


def text_of(audit, locale: str, section: str | None = None) -> str:
    report = Report(audit, locale)
    parts = [report.section(section)] if section else report.all()
    document = "\n".join(part.html for part in parts)
    document = re.sub(r"<style.*?</style>|<img[^>]*>", " ", document, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", document))).replace("\u00a0", " ")


@pytest.fixture(scope="module")
def leads(tmp_path_factory):
    root = write_client(tmp_path_factory.mktemp("leads") / "c", LEADS, {"leads.csv": leads_csv()})
    return run_analyses(load_client(root), dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def invoices(tmp_path_factory):
    root = write_client(tmp_path_factory.mktemp("invoices") / "c", INVOICES, invoices_and_lines())
    return run_analyses(load_client(root), dt.date(2025, 12, 31))


def test_revenue_of_won_deals_without_amounts_is_unknown_not_zero(leads):
    won = leads.summary.revenue_won
    assert won.count > 0 and won.unknown_amount == won.count and not won.known
    ru, en = text_of(leads, "ru", "summary"), text_of(leads, "en", "summary")
    assert f"сумма неизвестна: {phrase('ru', 'amounts.gap_no_amount', count=won.count)}" in ru
    assert "0 ₽" not in ru and "₽0" not in en and "0 ₽" not in text_of(leads, "ru", "funnel")
    # Two figures listed, two ways said; the average deal says why it has none.
    assert "считается двумя способами" in ru and "counted two ways" in en
    assert "тремя" not in ru and "«Выручка сделок периода» (сумма неизвестна" in ru
    assert "у выигранных сделок нет сумм" in ru
    assert "Здесь она неизвестна" in text_of(leads, "ru", "methodology")
    # The channels' table: no columns of dashes for money nobody recorded.
    funnel = text_of(leads, "ru", "funnel")
    channels = funnel[funnel.index("Источники заявок") :]
    assert "Выручка сделок периода" not in channels[:600] and "Средний чек" not in channels[:600]
    assert "Эффект в месяц" not in channels[: channels.index("По месяцам создания")]
    # Every lead is closed: the months' conversions are final, and no column of dashes for the average deal.
    months = funnel[funnel.index("По месяцам создания") : funnel.index("Статистика по неделям")]
    assert "Все сделки периода закрыты" in months and "ещё в работе" not in months
    assert "Средний чек" not in months


def test_a_finding_without_money_has_no_dash_for_its_money(leads):
    source = [f for f in leads.findings if f.code == "funnel_source_no_sales"]
    assert source, "the weak channel is a finding"
    for locale in ("ru", "en"):
        text = text_of(leads, locale)
        assert not re.search(r"(около|about) —", text), re.search(r".{60}(около|about) —.{40}", text)


def test_the_weekly_table_ends_with_the_periods_last_week(leads):
    ru = text_of(leads, "ru", "funnel")
    table = ru[ru.index("последние 8 недель периода") :]
    weeks = re.findall(r"(\d{1,2}) (июн|мая|апр)\.?", table[:600])
    assert weeks and weeks[-1][1] == "июн"  # the weeks of June, not of the wins in July and August
    assert "авг." not in table[:600] and "июл." not in table[:600]


def test_a_layer_scoring_zero_without_findings_does_not_say_no_problems(leads):
    cycle = next(layer for layer in leads.layers if layer.number == 4)
    assert cycle.score == 0 and cycle.findings == 0 and cycle.status == "weak"
    ru = text_of(leads, "ru", "summary")
    assert "Управленческий цикл 0 слабое место" in ru and "проблем не найдено" not in ru
    assert "Оценено 3 слоя из 11 — меньше 6" in text_of(leads, "ru", "intake")  # not «3 слоёв»


def test_paid_invoices_without_dates_or_amounts_and_without_managers(invoices):
    won = invoices.summary.revenue_won
    assert won.count == 0 and won.undated == invoices.funnel.won > 0 and not won.known
    assert invoices.summary.reconciliation is None
    ru = text_of(invoices, "ru")
    en = text_of(invoices, "en")
    assert f"сумма неизвестна: {phrase('ru', 'amounts.gap_undated', count=won.undated)}" in ru
    assert "Сверить выручку CRM с учётом нельзя" in ru and "cannot be reconciled" in en
    assert "«выручка сделок периода» меньше" not in ru
    # No manager in the export: said once, no table of one "without a manager" row, no verdict on managers.
    assert "Ни у одной сделки в выгрузке не указан ответственный менеджер" in ru
    assert "Ни один менеджер не выходит за контрольные границы" not in ru
    managers = ru[ru.index("Менеджеры ") : ru.index("По месяцам создания")]
    assert "Без ответственного" not in managers
    assert "No deal in the export names a responsible manager" in en
    # Time in stage: a sentence, not a bare heading.
    assert "Время на этапах и длительность цикла измерить нельзя" in ru
    # The weekly table: the creation column only. No zeros for the stages a snapshot cannot date, and no
    # column of wins that cannot be placed in weeks.
    funnel = text_of(invoices, "ru", "funnel")
    table = funnel[funnel.index("последние 8 недель периода") : funnel.index("Этапы: 1 — Basket")]
    assert "Этапы: 1 — Basket." in funnel and "2 — Checkout" not in funnel
    assert re.fullmatch(r"последние 8 недель периода\) Неделя 1( \d+ \w+\.? \d+){8} ", table), table[:300]


def test_appendix_b_shows_the_rows_values_under_the_files_columns(invoices):
    """Examples of excluded and caveat rows are the row's labelled values, formatted for the report, and
    not three copies of one value."""
    floats = invoices.data.reports["deals"].examples["id_as_float:customer_id"]
    assert [e["value"] for e in floats] == ["14700.0", "14701.0", "14702.0"]  # not «14700.0» twice
    ru = text_of(invoices, "ru", "appendix_data")
    assert "стр. 2: «14700.0» стр. 4: «14701.0» стр. 7: «14702.0»" in ru


def test_no_column_of_dashes_for_margin_or_cost_nobody_recorded(invoices):
    """Sales lines without margin and no cost of a manager's hour: the class D tables (section and Appendix
    C) have no margin column and the managers' time no cost column; no advice about losses nobody knows."""
    d_class = invoices.customers.d_class
    assert d_class.count >= 3 and d_class.margin is None
    ru = text_of(invoices, "ru")
    section = ru[ru.index("Класс D: клиенты") : ru.index("Многокритериальная")]
    assert "Маржа" not in section and "Стоимость в месяц" not in section
    assert "с убытком" not in section
    appendix = ru[ru.index("Приложение В. Клиенты класса D", ru.index("Приложение Б. Качество")) :]
    assert "Маржа" not in appendix and "14700" in appendix
    for examples in (r.examples for r in invoices.data.reports.values()):
        for items in examples.values():
            plain = [(e.get("row"), e.get("value")) for e in items if "variants" not in e]
            assert len(plain) == len(set(plain)), items


def test_the_method_states_the_rules_of_what_the_report_shows(leads, invoices, demo_audit):
    """No ABC rules in a report without sales lines, no plan or activity rules without a plan or a log."""
    keys = ("funnel", "abc", "plan", "activity", "impact")
    titles = {key: phrase("ru", f"methodology.{key}_title") for key in keys}
    shown = {
        name: {key for key, title in titles.items() if f" {title} " in text_of(audit, "ru", "methodology")}
        for name, audit in (("leads", leads), ("invoices", invoices), ("demo", demo_audit))
    }
    assert shown == {
        "leads": {"funnel", "impact"},
        "invoices": {"funnel", "impact", "abc"},
        "demo": set(titles),
    }
