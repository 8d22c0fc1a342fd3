"""The demo client: a deterministic generator of a realistic B2B sales department with planted problems.

``python -m workbench.demo.generate clients/demo`` (or ``workbench demo``) rewrites ``clients/demo`` byte for byte
the same way for the same seed. The planted problems are listed in :data:`PLANTED` and in the demo's
README; tests check that the audit finds each of them.

Files it writes, in the formats real exports come in:

- ``data/deals.csv``: an amoCRM-style deals export (UTF-8 without BOM, ',' delimiter, ``dd.mm.yyyy hh:mm:ss``
  dates, ``не закрыта`` for open deals, a trailing space in ``Бюджет ``), with a handful of broken rows,
  then the deals created after the period that bring the current month (:data:`CURRENT_MONTH`) its
  results so far;
- ``data/stage_history.csv``: stage changes (Windows-1251, ';' delimiter);
- ``data/sales.xlsx``: the accounting system's sales lines with margin (typed XLSX cells), with returns,
  settlement adjustments and retail lines without a customer for the cleaning rules;
- ``data/customers.csv``: the CRM's companies with the consultant's estimate of their potential;
- ``data/activities.csv``: weekly calls, meetings and proposals per manager (wide form, ';');
- ``data/plans.xlsx``: monthly revenue and deal plans per manager (monthly only), up to the current month;
- ``client.yaml``, ``intake.yaml`` (the questionnaire's answers), ``scenarios.yaml`` (two saved what-if
  scenarios, full size only) and ``README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np

from workbench.io.spelling import spelling_key

SEED = 20261123
PERIOD_START = dt.date(2026, 1, 1)
PERIOD_END = dt.date(2026, 9, 30)
CARRY_OVER_START = dt.date(2025, 11, 1)  # deals created before the period still close inside it
EXPORT_AT = dt.datetime(2026, 9, 30, 23, 59, 59)
# The demo's as-of date is 23 November 2026: its month is in progress. Deals created after the period run
# up to an export taken the evening before, and the plans run to that month, so that the report forecasts
# the month. The period's own deals keep their state at its end (EXPORT_AT) and the after-period deals draw
# from their own stream: no figure of the audited period depends on the current month.
CURRENT_MONTH = dt.date(2026, 11, 1)
AFTER_PERIOD_START = PERIOD_END + dt.timedelta(days=1)
CURRENT_EXPORT_AT = dt.datetime(2026, 11, 22, 23, 59, 59)
# A deal takes five weeks or so to win, so about 40 % of a month's wins come from deals created two months
# before. The period's deals created in September stay open as at the period's end; the deals created
# after it come 1.6 times as often, so that the current month wins at a typical month's pace.
AFTER_PERIOD_PACE = 1.6

STAGES = [
    "Найден клиент",
    "Холодный звонок",
    "Коммерческое предложение",
    "Встреча",
    "Выявление потребностей",
    "Развитие потребностей",
    "Презентация",
]
WON_STAGE = "Продажа"
LOST_STAGE = "Отказ"
AMO_WON = "Успешно реализовано"
AMO_LOST = "Закрыто и не реализовано"

# Step conversions of an ordinary manager: the conveyor of the seed book, with one planted hole.
BASE_CONVERSION = [0.80, 0.55, 0.22, 0.85, 0.75, 0.70, 0.55]
WEAKEST_STEP = 2  # "Коммерческое предложение" -> "Встреча"
# Median days spent at each stage before moving on or being lost.
STAGE_DAYS = [1.0, 3.0, 7.0, 2.0, 5.0, 6.0, 8.0]

MANAGERS = [
    "Анна Соколова",
    "Игорь Петров",
    "Мария Кузнецова",
    "Дмитрий Волков",
    "Елена Морозова",
    "Сергей Новиков",
]
WEAK_MANAGER = "Игорь Петров"
WEAK_MANAGER_STEP = 1  # "Холодный звонок" -> "Коммерческое предложение"
WEAK_MANAGER_RATE = 0.33
IRREGULAR_MANAGER = "Сергей Новиков"

SOURCES = {  # share of leads, multiplier on the first two steps
    "Холодная база": (0.40, 1.00),
    "Сайт": (0.22, 1.10),
    "Рекомендация": (0.12, 1.20),
    "Выставка": (0.08, 1.05),
    "Агрегатор заявок": (0.18, 0.45),  # brings volume, hardly any sales
}
LOSS_REASONS = [
    "Дорого",
    "Нет бюджета",
    "Выбрали конкурента",
    "Не выходит на связь",
    "Неактуально",
    "Долгие сроки поставки",
]

_ROOTS = [
    "Альфа",
    "Вектор",
    "Гранит",
    "Дельта",
    "Енисей",
    "Зенит",
    "Импульс",
    "Кристалл",
    "Лидер",
    "Магистраль",
    "Меридиан",
    "Нева",
    "Олимп",
    "Прогресс",
    "Ресурс",
    "Сибирь",
    "Стандарт",
    "Техно",
    "Урал",
    "Феникс",
    "Форвард",
    "Химпром",
    "Центр",
    "Эталон",
    "Ютекс",
    "Ямал",
    "Волга",
    "Кубань",
    "Балтика",
    "Каскад",
    "Орион",
    "Пульсар",
    "Радуга",
    "Север",
    "Тайга",
    "Арктика",
    "Восток",
    "Горизонт",
    "Днепр",
    "Заря",
]
_SUFFIXES = [
    "Строй",
    "Маш",
    "Снаб",
    "Торг",
    "Пром",
    "Сервис",
    "Логистик",
    "Энерго",
    "Монтаж",
    "Проект",
    "Комплект",
]
_FORMS = ["ООО", "ООО", "ООО", "АО", "ИП"]
_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузьмин",
    "Попов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Павлов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Тарасов",
    "Белов",
]
_INITIALS = "АБВГДЕИКЛМНОПРСТ"

# Customer base: regular monthly contracts of the customers ranked 4-15 (0-based indexes 3..14), one of
# which shrinks from June and one of which ends in April; a small customer with a large potential.
CONTRACT_CUSTOMERS = range(3, 15)
FALLING_CUSTOMER = 3
FALLING_FROM_MONTH, FALLING_FACTOR = 6, 0.15
STOPPED_CUSTOMER = 6
STOPPED_AFTER_MONTH = 4
POTENTIAL_CUSTOMER_SHARE = 0.5  # the customer halfway down the ranking by weight
ADJUSTMENT = "Корректировка взаиморасчётов"
RETAIL = "Розничная продажа"

PLANTED = {
    "weakest_step": f"{STAGES[WEAKEST_STEP]} → {STAGES[WEAKEST_STEP + 1]}",
    "weak_manager": WEAK_MANAGER,
    "weak_manager_step": f"{STAGES[WEAK_MANAGER_STEP]} → {STAGES[WEAK_MANAGER_STEP + 1]}",
    "irregular_manager": IRREGULAR_MANAGER,
    "top_customer_share": "over 20% of revenue; the top three about 35%",
    "unprofitable_tail": "about a quarter of customers with negative margin",
    "plans": "monthly only, per manager",
    "falling_customer": "the 4th customer by weight: its monthly contract shrinks to 15% from June",
    "stopped_customer": "the 7th customer by weight: its monthly contract ends in April",
    "potential_customer": "a small customer with a large potential: class A by the weighted score",
    "current_month": "November 2026, the month of the as-of date, in progress: its plans and the deals won "
    "up to the export on 22 November give a run-rate forecast",
}


@dataclass(frozen=True)
class DemoSize:
    """How big a demo client to generate."""

    deals: int
    customers: int
    broken_rows: bool = True


FULL = DemoSize(deals=5000, customers=420)
SMALL = DemoSize(deals=700, customers=80)


# --- helpers ----------------------------------------------------------------------------------------------


def _fmt_dt(value: dt.datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M:%S")


def _random_time(rng: np.random.Generator, day: dt.date) -> dt.datetime:
    seconds = int(rng.integers(9 * 3600, 19 * 3600))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)


def _business_day(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    while True:
        day = start + dt.timedelta(days=int(rng.integers(0, span + 1)))
        if day.weekday() < 5 or rng.random() < 0.08:
            return day


def customer_names(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct Russian company names such as «ООО «Гранит-Снаб»»."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        root = _ROOTS[int(rng.integers(len(_ROOTS)))]
        suffix = _SUFFIXES[int(rng.integers(len(_SUFFIXES)))]
        form = _FORMS[int(rng.integers(len(_FORMS)))]
        core = f"{root}{suffix.lower()}" if rng.random() < 0.5 else f"{root}-{suffix}"
        if form == "ИП":
            surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
            first, middle = (_INITIALS[int(rng.integers(len(_INITIALS)))] for _ in range(2))
            name = f"ИП {surname} {first}. {middle}."
        else:
            name = f"{form} «{core}»"
        # Distinct even to the data-quality check of spellings: «Альфа-Строй» and «Альфастрой» would be one.
        key = spelling_key(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


# --- deals and stage history -------------------------------------------------------------------------------


@dataclass
class _Deal:
    deal_id: int
    manager: str
    source: str
    customer: str
    created: dt.datetime
    amount: int
    status: str
    stage: str
    closed: dt.datetime | None
    loss_reason: str
    history: list[tuple[str, dt.datetime]]


def _step_rate(manager: str, source: str, step: int) -> float:
    rate = BASE_CONVERSION[step]
    if manager == WEAK_MANAGER and step == WEAK_MANAGER_STEP:
        rate = WEAK_MANAGER_RATE
    if step < 2:
        rate *= SOURCES[source][1]
    return min(rate, 0.97)


def _simulate_deal(
    rng: np.random.Generator,
    deal_id: int,
    created: dt.datetime,
    customers: list[str],
    weights: np.ndarray,
    export_at: dt.datetime = EXPORT_AT,
) -> _Deal:
    manager = MANAGERS[int(rng.integers(len(MANAGERS)))]
    source = rng.choice(list(SOURCES), p=[v[0] for v in SOURCES.values()])
    customer = customers[int(rng.choice(len(customers), p=weights))]
    amount = int(round(float(rng.lognormal(np.log(115_000), 0.55)), -3))
    history = [(STAGES[0], created)]
    at = created
    stage = 0
    while True:
        wait = float(rng.lognormal(np.log(STAGE_DAYS[stage]), 0.6))
        at = at + dt.timedelta(days=wait, minutes=int(rng.integers(0, 600)))
        if at > export_at:
            return _Deal(
                deal_id, manager, source, customer, created, amount, "open", STAGES[stage], None, "", history
            )
        if rng.random() >= _step_rate(manager, source, stage):
            reason = LOSS_REASONS[int(rng.integers(len(LOSS_REASONS)))]
            history.append((AMO_LOST, at))
            return _Deal(
                deal_id, manager, source, customer, created, amount, "lost", AMO_LOST, at, reason, history
            )
        stage += 1
        if stage == len(STAGES):
            history.append((AMO_WON, at))
            return _Deal(deal_id, manager, source, customer, created, amount, "won", AMO_WON, at, "", history)
        # Now and then a deal skips a stage in the CRM, or steps back once.
        if 0 < stage < len(STAGES) - 1 and rng.random() < 0.04:
            history.append((STAGES[stage], at))
            stage += 1
            at = at + dt.timedelta(hours=2)
        if stage >= 2 and rng.random() < 0.02:
            history.append((STAGES[stage], at))
            at = at + dt.timedelta(hours=3)
            history.append((STAGES[stage - 1], at))
            at = at + dt.timedelta(days=1)
        history.append((STAGES[stage], at))


def simulate_deals(
    rng: np.random.Generator, size: DemoSize, customers: list[str], weights: np.ndarray
) -> list[_Deal]:
    """Deals created in the period (``size.deals``) plus two months of carry-over before it."""
    period_days = (PERIOD_END - PERIOD_START).days + 1
    carry_days = (PERIOD_START - CARRY_OVER_START).days
    carry = int(size.deals * carry_days / period_days)
    deals = []
    deal_id = 24_100_000
    plan = [
        (CARRY_OVER_START, PERIOD_START - dt.timedelta(days=1), carry),
        (PERIOD_START, PERIOD_END, size.deals),
    ]
    for start, end, count in plan:
        days = sorted(_business_day(rng, start, end) for _ in range(count))
        for day in days:
            deal_id += int(rng.integers(1, 40))
            deals.append(_simulate_deal(rng, deal_id, _random_time(rng, day), customers, weights))
    return deals


def after_period_deals(
    rng: np.random.Generator, size: DemoSize, customers: list[str], weights: np.ndarray, last_id: int
) -> list[_Deal]:
    """Deals created after the period up to :data:`CURRENT_EXPORT_AT` (at :data:`AFTER_PERIOD_PACE` times the
    period's pace), with ids after ``last_id``: the current month's results so far come from them."""
    period_days = (PERIOD_END - PERIOD_START).days + 1
    last = CURRENT_EXPORT_AT.date()
    count = int(AFTER_PERIOD_PACE * size.deals * ((last - AFTER_PERIOD_START).days + 1) / period_days)
    deals = []
    deal_id = last_id
    for day in sorted(_business_day(rng, AFTER_PERIOD_START, last) for _ in range(count)):
        deal_id += int(rng.integers(1, 40))
        created = _random_time(rng, day)
        deals.append(_simulate_deal(rng, deal_id, created, customers, weights, CURRENT_EXPORT_AT))
    return deals


def _deal_row(d: _Deal, note: str) -> list[object]:
    """One deal as a row of the amoCRM-style export."""
    return [
        d.deal_id,
        f"Поставка оборудования №{d.deal_id % 100000}",
        d.amount,
        d.manager,
        _fmt_dt(d.created),
        d.manager,
        _fmt_dt(d.closed) if d.closed else "не закрыта",
        "",
        d.stage,
        "Продажи B2B",
        d.customer,
        d.source,
        d.loss_reason,
        note,
    ]


def _deals_csv(
    deals: list[_Deal],
    rng: np.random.Generator,
    broken: bool,
    later: Sequence[_Deal] = (),
    later_rng: np.random.Generator | None = None,
) -> str:
    """The export: the period's deals, the broken rows, then ``later`` (deals created after the period, their
    notes drawn from ``later_rng``), so that the rows before them keep their numbers."""
    header = [
        "ID",
        "Название сделки",
        "Бюджет ",
        "Ответственный",
        "Дата создания сделки",
        "Кем создана сделка",
        "Дата закрытия",
        "Теги",
        "Этап сделки",
        "Воронка",
        "Компания",
        "Источник",
        "Причина отказа",
        "Примечание",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for d in deals:
        note = ""
        if rng.random() < 0.03:
            note = "Клиент просил перезвонить\nпосле согласования бюджета"
        writer.writerow(_deal_row(d, note))
    if broken:
        first = deals[10]
        # A mistyped date, a stage that is not in the pipeline, a repeated row, a row cut short.
        writer.writerow(
            [
                first.deal_id + 1,
                "Поставка (ошибка даты)",
                90000,
                MANAGERS[0],
                "31.02.2026 10:00:00",
                MANAGERS[0],
                "не закрыта",
                "",
                STAGES[1],
                "Продажи B2B",
                "ООО «Тест»",
                "Сайт",
                "",
                "",
            ]
        )
        writer.writerow(
            [
                first.deal_id + 2,
                "Поставка (старый этап)",
                120000,
                MANAGERS[2],
                "15.03.2026 11:00:00",
                MANAGERS[2],
                "не закрыта",
                "",
                "Переговоры",
                "Продажи B2B",
                "ООО «Тест»",
                "Сайт",
                "",
                "",
            ]
        )
        writer.writerow(
            [
                first.deal_id + 3,
                "Поставка (опечатка этапа)",
                75000,
                MANAGERS[3],
                "16.03.2026 12:00:00",
                MANAGERS[3],
                "не закрыта",
                "",
                "Коммерческое предложенние",
                "Продажи B2B",
                "ООО «Тест»",
                "Сайт",
                "",
                "",
            ]
        )
        writer.writerow(_deal_row(deals[20], ""))  # the same deal exported twice
        out.write(f"{first.deal_id + 4},Обрезанная строка,50000\n")
    for d in later:
        note = ""
        if later_rng is not None and later_rng.random() < 0.03:
            note = "Клиент просил перезвонить\nпосле согласования бюджета"
        writer.writerow(_deal_row(d, note))
    return out.getvalue()


def _history_csv(deals: list[_Deal]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["ID сделки", "Этап", "Дата перехода", "Ответственный"])
    for d in deals:
        for stage, at in d.history:
            writer.writerow([d.deal_id, stage, _fmt_dt(at), d.manager])
    return out.getvalue()


# --- customers and sales ------------------------------------------------------------------------------------


def customer_profile(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Yearly revenue weight and margin rate per customer: a dominant customer and an unprofitable tail."""
    weights = rng.lognormal(0.0, 1.1, size=count)
    weights = np.sort(weights)[::-1]
    weights[0] = weights[1:].sum() * 0.42  # one customer brings about a quarter of revenue
    weights[1] = weights[0] * 0.45
    weights[2] = weights[0] * 0.38
    margin = rng.uniform(0.14, 0.30, size=count)
    tail = np.arange(count) >= int(count * 0.70)
    unprofitable = tail & (rng.random(count) < 0.85)
    margin[unprofitable] = rng.uniform(-0.22, -0.04, size=int(unprofitable.sum()))
    return weights / weights.sum(), margin


def _sales_rows(
    rng: np.random.Generator,
    customers: list[str],
    weights: np.ndarray,
    margin: np.ndarray,
    deals: list[_Deal],
    yearly_revenue: float,
) -> list[list[object]]:
    products = [
        "Насос центробежный",
        "Задвижка клиновая",
        "Электродвигатель",
        "Частотный преобразователь",
        "Сервисное обслуживание",
        "Доставка",
        "Монтажные работы",
        "Фильтр сетчатый",
    ]
    rows: list[list[object]] = []
    months = [dt.date(2026, m, 1) for m in range(1, 10)]
    monthly = yearly_revenue / 12
    index = {name: i for i, name in enumerate(customers)}
    doc = 1000
    for i, name in enumerate(customers):
        expected = weights[i] * monthly
        seasonal = rng.uniform(0.6, 1.4, size=len(months))
        for m, month in enumerate(months):
            orders = int(rng.poisson(min(6.0, 0.3 + expected / 180_000)))
            if orders == 0:
                continue
            for _ in range(orders):
                day = month + dt.timedelta(days=int(rng.integers(0, 28)))
                amount = round(float(expected * seasonal[m] / max(orders, 1) * rng.uniform(0.7, 1.3)), 2)
                if amount < 500:
                    amount = round(float(rng.uniform(500, 3000)), 2)
                product = products[int(rng.integers(len(products)))]
                qty = int(rng.integers(1, 12))
                doc += 1
                rows.append(
                    [
                        dt.datetime.combine(day, dt.time()),
                        f"РН-{doc:06d}",
                        name,
                        product,
                        qty,
                        amount,
                        round(amount * float(margin[i]), 2),
                    ]
                )
                if rng.random() < 0.015:
                    doc += 1
                    refund = -round(amount * float(rng.uniform(0.2, 1.0)), 2)
                    rows.append(
                        [
                            dt.datetime.combine(day + dt.timedelta(days=5), dt.time()),
                            f"ВЗ-{doc:06d}",
                            name,
                            product,
                            -1,
                            refund,
                            round(refund * float(margin[i]), 2),
                        ]
                    )
    for d in deals:
        if d.status == "won" and d.closed and PERIOD_START <= d.closed.date() <= PERIOD_END:
            doc += 1
            rate = float(margin[index[d.customer]])
            rows.append(
                [
                    dt.datetime.combine(d.closed.date(), dt.time()),
                    f"РН-{doc:06d}",
                    d.customer,
                    "Поставка по сделке",
                    1,
                    float(d.amount),
                    round(d.amount * rate, 2),
                ]
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def _contract_rows(
    rng: np.random.Generator, customers: list[str], margin: np.ndarray, monthly: float
) -> list[list[object]]:
    """Regular monthly deliveries under contracts: steady amounts, with the planted falling and stopped ones."""
    rows: list[list[object]] = []
    doc = 500_000
    plan = [(0, 0.05), *((i, 0.02) for i in CONTRACT_CUSTOMERS)]
    for i, size in plan:
        base = monthly * size * float(rng.uniform(0.8, 1.25))
        for month in range(1, 10):
            factor = max(0.5, 1 + 0.12 * float(rng.normal()))
            day = dt.date(2026, month, int(rng.integers(5, 26)))
            if i == FALLING_CUSTOMER and month >= FALLING_FROM_MONTH:
                factor *= FALLING_FACTOR
            if i == STOPPED_CUSTOMER and month > STOPPED_AFTER_MONTH:
                continue
            amount = round(base * factor, 2)
            doc += 1
            rows.append(
                [
                    dt.datetime.combine(day, dt.time()),
                    f"РН-{doc:06d}",
                    customers[i],
                    "Поставка по договору",
                    int(rng.integers(5, 40)),
                    amount,
                    round(amount * float(margin[i]), 2),
                ]
            )
    return rows


def _other_rows(rng: np.random.Generator, customers: list[str]) -> list[list[object]]:
    """Lines the cleaning rules of client.yaml exclude: settlement adjustments, retail without a customer."""
    rows: list[list[object]] = []
    for k in range(14):
        amount = round(float(rng.uniform(1_000, 25_000)) * (1 if rng.random() < 0.6 else -1), 2)
        day = dt.date(2026, int(rng.integers(1, 10)), int(rng.integers(1, 29)))
        rows.append(
            [
                dt.datetime.combine(day, dt.time()),
                f"КР-{k + 1:04d}",
                customers[int(rng.integers(len(customers)))],
                ADJUSTMENT,
                None,
                amount,
                0.0,
            ]
        )
    for k in range(30):
        amount = round(float(rng.uniform(2_000, 18_000)), 2)
        day = dt.date(2026, int(rng.integers(1, 10)), int(rng.integers(1, 29)))
        rows.append(
            [
                dt.datetime.combine(day, dt.time()),
                f"ЧК-{k + 1:05d}",
                None,
                RETAIL,
                1,
                amount,
                round(amount * 0.2, 2),
            ]
        )
    return rows


def potential_customer(size: DemoSize) -> int:
    """Index of the planted small customer with a large potential."""
    return int(size.customers * POTENTIAL_CUSTOMER_SHARE)


def _customers_csv(
    rng: np.random.Generator, customers: list[str], sales: list[list[object]], size: DemoSize
) -> str:
    """The CRM's companies: industry and the consultant's estimate of the potential a year."""
    revenue: dict[str, float] = {}
    for row in sales:
        if row[2] is not None:
            revenue[row[2]] = revenue.get(row[2], 0.0) + float(row[5])
    total = sum(revenue.values())
    industries = ["Строительство", "Машиностроение", "Энергетика", "ЖКХ", "Нефтегаз", "Пищевое производство"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Компания", "Отрасль", "Потенциал в год, руб."])
    special = potential_customer(size)
    for i, name in enumerate(customers):
        industry = industries[int(rng.integers(len(industries)))]
        yearly = max(revenue.get(name, 0.0), 0.0) * 12 / 9
        potential = round(yearly * float(rng.uniform(1.0, 2.5)), -3)
        estimated = rng.random() < 0.8
        if i == special:
            industry, potential, estimated = "Нефтегаз", round(total * 12 / 9 * 0.25, -5), True
        writer.writerow([name, industry, f"{potential:.0f}" if estimated else ""])
    return out.getvalue()


# --- activities and plans -----------------------------------------------------------------------------------


def _activities_csv(rng: np.random.Generator) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Менеджер", "Неделя", "Звонки", "Встречи", "КП отправлено"])
    monday = PERIOD_START - dt.timedelta(days=PERIOD_START.weekday())
    weeks = []
    while monday <= PERIOD_END:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    for manager in MANAGERS:
        for week in weeks:
            factor = 1.0
            if manager == IRREGULAR_MANAGER:
                roll = rng.random()
                factor = 0.0 if roll < 0.22 else 0.35 if roll < 0.45 else 1.9
            calls = int(rng.poisson(62 * factor))
            meetings = int(rng.poisson(6 * factor))
            proposals = int(rng.poisson(11 * factor))
            writer.writerow([manager, week.strftime("%d.%m.%Y"), calls, meetings, proposals])
    return out.getvalue()


def _plan_rows(
    deals: list[_Deal], rng: np.random.Generator, months: range = range(1, 10)
) -> list[list[object]]:
    """Monthly plans per manager: one plan for everybody, the team's typical month plus a stretch."""
    won = [d for d in deals if d.status == "won" and d.closed and d.closed.year == 2026]
    typical = sum(d.amount for d in won) / 9 / len(MANAGERS)
    rows = []
    for month in months:
        season = float(rng.uniform(0.95, 1.12))
        target = round(typical * 1.05 * season / 10_000) * 10_000
        for manager in MANAGERS:
            rows.append([manager, dt.datetime(2026, month, 1), target, max(1, round(target / 130_000))])
    return rows


# --- writing ------------------------------------------------------------------------------------------------


_FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _write_xlsx(
    path: Path, sheet: str, header: list[str], rows: list[list[object]], formats: dict[int, str]
) -> None:
    """A workbook with typed cells whose bytes depend only on its content."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    for col, number_format in formats.items():
        for cell in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell[0].number_format = number_format
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "workbench demo"
    buffer = io.BytesIO()
    wb.save(buffer)
    _normalise_zip(buffer.getvalue(), path)


def _normalise_zip(data: bytes, path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time into "modified"
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, content)


def generate_demo(
    dest: Path | str, seed: int = SEED, size: DemoSize = FULL, name: str = "ООО «Промтехснаб»"
) -> Path:
    """Write a complete demo client folder into ``dest`` (created if missing). Returns ``dest``."""
    dest = Path(dest)
    data = dest / "data"
    data.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    customers = customer_names(rng, size.customers)
    weights, margin = customer_profile(rng, size.customers)
    # Deals go to customers of every size; big accounts are not the ones a cold call finds.
    deal_weights = np.sqrt(weights)
    deal_weights /= deal_weights.sum()
    deals = simulate_deals(rng, size, customers, deal_weights)
    won_yearly = sum(d.amount for d in deals if d.status == "won") * 12 / 11
    # The current month draws from its own stream, so that the period's files do not change.
    later_rng = np.random.default_rng([seed, 5])
    later = after_period_deals(later_rng, size, customers, deal_weights, deals[-1].deal_id)
    (data / "deals.csv").write_text(
        _deals_csv(deals, rng, size.broken_rows, later, later_rng), encoding="utf-8"
    )
    (data / "stage_history.csv").write_bytes(_history_csv(deals + later).encode("cp1251"))
    sales = _sales_rows(rng, customers, weights, margin, deals, yearly_revenue=won_yearly * 2.2)
    # The customer-base additions draw from their own stream, so that the other files do not change.
    extra = np.random.default_rng([seed, 4])
    sales += _contract_rows(extra, customers, margin, monthly=won_yearly * 2.2 / 12)
    sales += _other_rows(extra, customers)
    sales.sort(key=lambda r: (r[0], r[1]))
    (data / "customers.csv").write_text(_customers_csv(extra, customers, sales, size), encoding="utf-8")
    _write_xlsx(
        data / "sales.xlsx",
        "Продажи",
        ["Дата", "Документ", "Контрагент", "Номенклатура", "Количество", "Сумма, руб.", "Валовая прибыль"],
        sales,
        {1: "DD.MM.YYYY", 6: "#,##0.00", 7: "#,##0.00"},
    )
    (data / "activities.csv").write_text(_activities_csv(rng), encoding="utf-8-sig")
    _write_xlsx(
        data / "plans.xlsx",
        "План продаж",
        ["Менеджер", "Месяц", "План выручки, руб.", "План сделок"],
        _plan_rows(deals, rng) + _plan_rows(deals, later_rng, range(10, CURRENT_MONTH.month + 1)),
        {2: "MM.YYYY", 3: "#,##0"},
    )
    (dest / "client.yaml").write_text(_client_yaml(name), encoding="utf-8")
    (dest / "intake.yaml").write_text(_intake_yaml(), encoding="utf-8")
    if size == FULL:  # the saved scenarios' values are the full demo's; a smaller client starts with none
        scenarios = (Path(__file__).parent / "templates" / "scenarios.yaml").read_text(encoding="utf-8")
        (dest / "scenarios.yaml").write_text(scenarios, encoding="utf-8")
    (dest / "README.md").write_text(_readme(size, customers), encoding="utf-8")
    return dest


def _client_yaml(name: str) -> str:
    return _template("client.yaml.j2").render(
        name=name.replace('"', '\\"'),
        start=PERIOD_START.isoformat(),
        end=PERIOD_END.isoformat(),
        adjustment=ADJUSTMENT,
        stages="\n".join(f"    - {s}" for s in STAGES),
        won=WON_STAGE,
        lost=LOST_STAGE,
        amo_won=AMO_WON,
        amo_lost=AMO_LOST,
    )


# The demo's questionnaire answers. Its weak answers are the planted problems: monthly reviews without
# a weekly meeting or daily targets, no stage targets, irregular activity without daily control, no ABC
# and dependence on big customers. "weekly_plan: yes" is what the head of sales says and what the plans
# contradict (they are monthly only). Reputation (layer 8) is left unanswered: not assessed.
DEMO_ANSWERS: dict[str, tuple[object, str]] = {
    "plan_exists": ("yes", ""),
    "personal_plans": ("yes", ""),
    "stage_plan": ("0", "План ставится только в рублях и сделках"),
    "weekly_plan": ("yes", "Со слов руководителя отдела продаж"),
    "kpis_defined": ("partly", ""),
    "plan_approved": (dt.date(2025, 12, 22), ""),
    "variable_pay": ("yes", ""),
    "penalties": ("partly", ""),
    "variable_share": (30.0, ""),
    "non_money": ("2", ""),
    "scheme_clear": ("yes", ""),
    "managers_count": (6.0, ""),
    "fulfilment": ("yes", ""),
    "automation": ("2", ""),
    "marketing_support": ("partly", ""),
    "channels_known": ("yes", ""),
    "selling_time": (55.0, ""),
    "weekly_meeting": ("monthly", "Итоги подводятся на собрании в начале месяца"),
    "reporting_cycle": ("monthly", ""),
    "daily_kpi": ("no", ""),
    "tote": ("partly", ""),
    "analytics": ("2", ""),
    "activity_norms": ("partly", "Норма есть только на звонки"),
    "activity_control": ("monthly", ""),
    "activity_steady": ("no", ""),
    "training": ("monthly", ""),
    "calls_per_day": (25.0, ""),
    "funnel_defined": ("yes", ""),
    "weakest_stage": ("yes", ""),
    "scripts": ("2", ""),
    "call_review": ("monthly", ""),
    "crm_discipline": ("3", ""),
    "ab_tests": ("partly", ""),
    "competitor_monitoring": ("monthly", ""),
    "value_proposition": ("yes", ""),
    "lost_to_competitors": ("partly", ""),
    "main_competitors": (4.0, ""),
    "customer_records": ("yes", ""),
    "abc": ("1", "Крупных клиентов знают, но классов нет"),
    "target_audience": ("partly", ""),
    "key_accounts": ("partly", ""),
    "no_dependence": ("no", "Два-три клиента дают большую часть выручки"),
    "d_class": ("partly", ""),
    "roles": ("yes", ""),
    "no_conflicts": ("2", ""),
    "staff_feedback": ("partly", ""),
    "turnover": (1.0, ""),
    "call_fear": ("2", ""),
    "price_fear": ("partly", ""),
    "change_acceptance": ("yes", ""),
    "owner_delegation": ("yes", ""),
    "obstacles": ("Много времени уходит на крупных клиентов, новых ищут мало", ""),
}


def _intake_yaml() -> str:
    from workbench.intake.answers import Answer, IntakeAnswers, dump_intake

    answers = {key: Answer(value=value, comment=comment) for key, (value, comment) in DEMO_ANSWERS.items()}
    return dump_intake(IntakeAnswers(answers=answers))


def _readme(size: DemoSize, customers: list[str]) -> str:
    return _template("README.md.j2").render(
        scenarios=size == FULL,
        seed=SEED,
        start=f"{PERIOD_START:%d.%m.%Y}",
        end=f"{PERIOD_END:%d.%m.%Y}",
        deals=size.deals,
        weakest_step=PLANTED["weakest_step"],
        weak_manager=WEAK_MANAGER,
        weak_manager_step=PLANTED["weak_manager_step"],
        irregular_manager=IRREGULAR_MANAGER,
        falling=customers[FALLING_CUSTOMER],
        stopped=customers[STOPPED_CUSTOMER],
        potential=customers[potential_customer(size)],
        as_of="23.11.2026",
        as_of_iso="2026-11-23",
        current_month="ноябрь 2026 г.",
        current_month_accusative="ноябрь",
        after_start=f"{AFTER_PERIOD_START:%d.%m.%Y}",
        export=f"{CURRENT_EXPORT_AT:%d.%m.%Y %H:%M}",
    )


def _template(name: str) -> jinja2.Template:
    """A text template of the demo client's files (``workbench/demo/templates``), rendered verbatim."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("workbench.demo", "templates"),
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template(name)


def main(argv: list[str] | None = None) -> int:
    """``python -m workbench.demo.generate DEST``: regenerate the demo client."""
    args = sys.argv[1:] if argv is None else argv
    dest = Path(args[0] if args else "clients/demo")
    generate_demo(dest)
    print(dest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
