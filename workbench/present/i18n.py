"""Report text in Russian and English.

Messages live in ``messages/<locale>.yaml`` as nested keys (``funnel.title``). Placeholders take a
format spec naming the formatter: ``{impact:money}``, ``{rate:pct}``, ``{small:share}``, ``{count:num}``,
``{days:days}``, ``{delta:pp}``, ``{when:date}``, ``{ratio:num1}`` (one decimal); a plain ``{name}``
is inserted as text.

A count that a noun follows names the noun's forms, so that they agree by the locale's CLDR plural rule:
``{count:plural(клиент|клиента|клиентов)}`` prints ``1 клиент``, ``3 клиента``, ``51 клиентов`` (en:
``{count:plural(customer|customers)}``); ``{count:word(...)}`` prints only the agreeing form.
``{margin:loss}`` states a loss as a positive amount (``убыток 222 670 ₽``).
"""

from __future__ import annotations

import re
import string
from functools import cache
from importlib import resources
from typing import Any

from workbench.present.fmt import Formatter
from workbench.yaml_safe import load_packaged

LOCALES = ("ru", "en")


@cache
def _catalog(locale: str) -> dict[str, Any]:
    text = resources.files("workbench.present").joinpath("messages", f"{locale}.yaml").read_text("utf-8")
    return load_packaged(text)


_DOUBLE_DOT = re.compile(r"(?<=\w\.)\.(?!\.)")
_FORMS = re.compile(r"^(plural|word)\((.+)\)$", re.DOTALL)


class _SpecFormatter(string.Formatter):
    def __init__(self, fmt: Formatter):
        self.fmt = fmt

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in {"money", "pct", "share", "num", "days", "date", "pp", "month"}:
            return getattr(self.fmt, format_spec)(value)
        if format_spec == "money_compact":
            return self.fmt.money(value, compact=True)
        if format_spec == "pct0":
            return self.fmt.pct(value, 0)
        if format_spec == "loss":
            return self.fmt.money(None if value is None else abs(value))
        forms = _FORMS.match(format_spec)
        if forms:
            words = tuple(forms.group(2).split("|"))
            if forms.group(1) == "plural":
                return self.fmt.plural(value, words)
            return self.fmt.plural_form(round(float(value)), words)
        if format_spec == "num1":
            return self.fmt.num(value, 1)
        return super().format_field(value, format_spec)


class Messages:
    """Looks up and formats the report's text for one locale."""

    def __init__(self, locale: str = "ru", currency: str = "RUB"):
        if locale not in LOCALES:
            raise ValueError(f"locale must be one of {LOCALES}, got {locale!r}")
        self.locale = locale
        self.fmt = Formatter(locale, currency)
        self._formatter = _SpecFormatter(self.fmt)

    def raw(self, key: str) -> Any:
        """The message tree or string under a dotted key."""
        node: Any = _catalog(self.locale)
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"no message {key!r} for locale {self.locale!r}")
            node = node[part]
        return node

    def has(self, key: str) -> bool:
        try:
            self.raw(key)
        except KeyError:
            return False
        return True

    def __call__(self, key: str, **params: Any) -> str:
        """The message under ``key`` with ``params`` formatted into it."""
        text = self.raw(key)
        if not isinstance(text, str):
            raise KeyError(f"message {key!r} is not text")
        if not (params or "{" in text):
            return text
        # A value that ends in an abbreviation ("2026 г.", "14 дн.") also ends the sentence with its dot.
        return _DOUBLE_DOT.sub("", self._formatter.format(text, **params))
