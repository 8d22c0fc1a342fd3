"""Locale-aware formatting of money, percentages, numbers and dates (Babel).

ru: ``1 234 568 ₽``, ``12,5 %``, ``23 ноября 2026 г.``; en: ``₽1,234,568``, ``12.5%``, ``November 23, 2026``.
Missing values (None, NaN) print as an em dash. A negative number carries the minus sign U+2212 (``−5 %``),
never a hyphen. Counts agree with their nouns by the locale's CLDR plural rules (:meth:`Formatter.plural`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, get_currency_symbol

if TYPE_CHECKING:
    import pandas as pd

DASH = "—"
NBSP = "\u00a0"
MINUS = "\u2212"
# The order in which a message lists a noun's forms: ``{n:plural(клиент|клиента|клиентов)}``,
# ``{n:plural(customer|customers)}``. A category without its own form takes the last one given.
PLURAL_CATEGORIES = {"ru": ("one", "few", "many", "other"), "en": ("one", "other")}


def _day(value: dt.date | pd.Timestamp) -> dt.date:
    """The calendar day of a date, a datetime or a pandas timestamp (or anything pandas reads as one)."""
    import pandas as pd

    return pd.Timestamp(value).date()


def _minus(text: str) -> str:
    """Babel writes a hyphen-minus for negative numbers; the report prints the minus sign."""
    return text.replace("-", MINUS)


def _missing(value: object) -> bool:
    # pandas' missing time by its type's name: the command's first messages need no pandas (seconds of start)
    if value is None or type(value).__name__ == "NaTType":
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


@dataclass(frozen=True)
class Formatter:
    """Formats values for one report locale and currency."""

    locale: str = "ru"
    currency: str = "RUB"

    @property
    def symbol(self) -> str:
        if self.currency == "RUB":
            return "₽"
        return get_currency_symbol(self.currency, self.locale)

    def _with_symbol(self, number: str) -> str:
        if self.locale == "ru":
            return f"{number}{NBSP}{self.symbol}"
        return f"{self.symbol}{number}"

    def money(self, value: float | None, *, compact: bool = False, signed: bool = False) -> str:
        """Whole currency units (``1 234 568 ₽``); ``compact`` gives ``1,2 млн ₽``."""
        if _missing(value):
            return DASH
        value = float(value)
        # The sign goes before the whole amount: "-5 000 ₽", "-₽5,000" (not "₽-5,000").
        sign = MINUS if round(value) < 0 else "+" if signed and value > 0 else ""
        if compact and abs(value) >= 10_000:
            number = format_compact_decimal(abs(value), locale=self.locale, fraction_digits=1)
        else:
            number = format_decimal(round(abs(value)), format="#,##0", locale=self.locale)
        return sign + self._with_symbol(number)

    def pct(self, value: float | None, digits: int = 1, *, signed: bool = False) -> str:
        """A share as a percentage: ``12,5 %`` (ru) or ``12.5%`` (en)."""
        if _missing(value):
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        number = _minus(format_decimal(float(value) * 100, format=pattern, locale=self.locale))
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{number}{NBSP}%" if self.locale == "ru" else f"{sign}{number}%"

    def pct_pair(self, before: float | None, after: float | None, digits: int = 1) -> tuple[str, str]:
        """Two shares with as many decimals (up to 4) as it takes to tell them apart: ``2,20 %`` and
        ``2,24 %``, not ``2,2 %`` and ``2,2 %`` beside a gain in money."""
        if _missing(before) or _missing(after) or before == after:
            return self.pct(before, digits), self.pct(after, digits)
        while digits < 4 and self.pct(before, digits) == self.pct(after, digits):
            digits += 1
        return self.pct(before, digits), self.pct(after, digits)

    def share(self, value: float | None) -> str:
        """A percentage precise enough to tell small shares apart: ``12,5 %``, ``0,12 %``, ``0,012 %``."""
        if _missing(value) or value == 0 or abs(value) >= 0.01:
            return self.pct(value)
        digits = min(3, 1 - math.floor(math.log10(abs(value) * 100)))
        return self.pct(value, digits)

    def pp(self, value: float | None, digits: int = 1) -> str:
        """A difference of two shares in percentage points."""
        if _missing(value):
            return DASH
        number = format_decimal(abs(float(value)) * 100, format="#,##0." + "0" * digits, locale=self.locale)
        sign = MINUS if value < 0 else "+"
        unit = "п.\u00a0п." if self.locale == "ru" else "pp"
        return f"{sign}{number}{NBSP}{unit}"

    def num(self, value: float | None, digits: int = 0) -> str:
        """A plain number with locale grouping."""
        if _missing(value):
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return _minus(format_decimal(float(value), format=pattern, locale=self.locale))

    def plural_form(self, value: float, forms: tuple[str, ...] | list[str]) -> str:
        """The form of a noun (or phrase) that agrees with ``value`` by the locale's CLDR plural rule.

        ``forms`` follow :data:`PLURAL_CATEGORIES`: ru ``(клиент, клиента, клиентов)``, en
        ``(customer, customers)``; a fraction in Russian (category ``other``) takes the second form.
        """
        categories = PLURAL_CATEGORIES[self.locale]
        if not forms:
            raise ValueError("plural: expected at least one form")
        category = Locale.parse(self.locale).plural_form(abs(value))
        if self.locale == "ru" and category == "other":
            return forms[1] if len(forms) > 1 else forms[0]
        index = categories.index(category) if category in categories else len(categories) - 1
        return forms[min(index, len(forms) - 1)]

    def plural(self, value: float | None, forms: tuple[str, ...] | list[str], digits: int = 0) -> str:
        """A count with its noun in agreement: ``51 клиент``, ``3 клиента``, ``1 customer``.

        The form agrees with the number as printed (``num`` rounds to ``digits``).
        """
        if _missing(value):
            return f"{DASH} {forms[-1]}"
        shown = round(float(value), digits)
        number = self.num(shown, digits)
        return f"{number} {self.plural_form(int(shown) if shown == int(shown) else shown, forms)}"

    def days(self, value: float | None) -> str:
        """A duration in days, one decimal under ten days."""
        if _missing(value):
            return DASH
        digits = 1 if value < 10 else 0
        unit = "дн." if self.locale == "ru" else "days"
        return f"{self.num(value, digits)}{NBSP}{unit}"

    def date(self, value: dt.date | pd.Timestamp | None, style: str = "long") -> str:
        """``23 ноября 2026 г.`` (long) or ``23.11.2026`` (short)."""
        if _missing(value):
            return DASH
        day = _day(value)
        return format_date(
            day,
            format=style if style != "short" else "dd.MM.yyyy" if self.locale == "ru" else "yyyy-MM-dd",
            locale=self.locale,
        )

    def month(self, value: dt.date | pd.Timestamp) -> str:
        """``нояб. 2026`` / ``Nov 2026``."""
        return format_date(_day(value), format="LLL yyyy", locale=self.locale)

    def month_short(self, value: dt.date | pd.Timestamp) -> str:
        """Two lines for chart axes: ``янв.`` over ``2026``."""
        day = _day(value)
        return f"{format_date(day, format='LLL', locale=self.locale)}\n{day.year}"

    def month_long(self, value: dt.date | pd.Timestamp) -> str:
        """``ноябрь 2026`` / ``November 2026``."""
        return format_date(_day(value), format="LLLL yyyy", locale=self.locale)

    def week(self, value: dt.date | pd.Timestamp) -> str:
        """The Monday of a week: ``23 нояб.`` / ``Nov 23``."""
        pattern = "d MMM" if self.locale == "ru" else "MMM d"
        return format_date(_day(value), format=pattern, locale=self.locale)

    def period(self, start: dt.date, end: dt.date) -> str:
        """``1 января – 30 сентября 2026 г.``"""
        return f"{self.date(start)} – {self.date(end)}"
