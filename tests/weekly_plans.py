"""A generated client whose plans are weekly and personal: each manager's monthly plan of the demo split
evenly over the weeks of its month (a week belongs to the month of its Thursday), with a "Период" column
saying "неделя". The demo's own plans stay monthly; this client is for what only weekly plans show."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from openpyxl import Workbook, load_workbook

HEADER = ["Менеджер", "Неделя", "Период", "План выручки, руб.", "План сделок"]


def mondays_of(month: dt.date) -> list[dt.date]:
    """The Mondays of the weeks whose Thursday falls in ``month``."""
    first = month.replace(day=1)
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while True:
        thursday = monday + dt.timedelta(days=3)
        if thursday.month == first.month and thursday.year == first.year:
            out.append(monday)
        elif thursday > first and out:
            return out
        monday += dt.timedelta(days=7)


def weekly_rows(monthly: list[tuple[str, dt.date, float, float]]) -> list[list[object]]:
    """Each (manager, month, revenue, deals) split evenly over the month's weeks."""
    rows: list[list[object]] = []
    for manager, month, revenue, deals in monthly:
        weeks = mondays_of(month)
        for monday in weeks:
            rows.append(
                [
                    manager,
                    dt.datetime.combine(monday, dt.time()),
                    "неделя",
                    revenue / len(weeks),
                    deals / len(weeks),
                ]
            )
    return rows


def with_weekly_plans(source: Path, dest: Path) -> Path:
    """A copy of the client in ``source`` at ``dest`` whose plans.xlsx holds weekly personal plans."""
    shutil.copytree(source, dest)
    sheet = load_workbook(source / "data" / "plans.xlsx", read_only=True).active
    monthly = [
        (str(manager), month.date(), float(revenue), float(deals))
        for manager, month, revenue, deals in sheet.iter_rows(min_row=2, values_only=True)
    ]
    book = Workbook()
    out = book.active
    out.title = "План продаж"
    out.append(HEADER)
    for row in weekly_rows(monthly):
        out.append(row)
    book.save(dest / "data" / "plans.xlsx")
    config = (dest / "client.yaml").read_text(encoding="utf-8")
    old = (
        "      period_start: Месяц\n      target_revenue: План выручки, руб.\n"
        "      target_deals: План сделок\n    defaults:\n      period: month\n"
    )
    new = (
        "      period_start: Неделя\n      period: Период\n      target_revenue: План выручки, руб.\n"
        "      target_deals: План сделок\n"
    )
    assert old in config, "the demo's plans mapping changed: update tests/weekly_plans.py"
    (dest / "client.yaml").write_text(config.replace(old, new), encoding="utf-8")
    return dest
