"""Working days on a production calendar: public holidays of the client's country (the ``holidays``
package; for Russia its days off include the transferred ones) with the client's own extra days off and
worked weekend days from ``client.yaml``.

Weeks are keyed by their Monday; a week that straddles two months is split, each month keeping its own
days, so that the working days of a month's weeks add up to the month's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays

from workbench.config import CalendarConfig


@cache
def _public(country: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, years=year))


def month_days(month: dt.date) -> list[dt.date]:
    """Every calendar day of the month of ``month``."""
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]


def is_working_day(day: dt.date, calendar: CalendarConfig) -> bool:
    """A weekday that is not a public holiday nor a client's day off, or a weekend day the client works."""
    if day in calendar.working_days:
        return True
    if day in calendar.days_off or day in _public(calendar.country, day.year):
        return False
    return day.weekday() < 5


def working_days(month: dt.date, calendar: CalendarConfig) -> list[dt.date]:
    """The working days of the month of ``month``."""
    return [d for d in month_days(month) if is_working_day(d, calendar)]


@dataclass(frozen=True)
class WeekDays:
    """The part of one week (keyed by its Monday) inside a month, and its working days."""

    monday: dt.date
    first: dt.date
    last: dt.date
    working_days: int


def month_weeks(month: dt.date, calendar: CalendarConfig) -> list[WeekDays]:
    """The weeks of a month, each cut to the month, with their working days."""
    weeks: dict[dt.date, list[dt.date]] = {}
    for day in month_days(month):
        weeks.setdefault(day - dt.timedelta(days=day.weekday()), []).append(day)
    return [
        WeekDays(monday, days[0], days[-1], sum(1 for d in days if is_working_day(d, calendar)))
        for monday, days in weeks.items()
    ]
