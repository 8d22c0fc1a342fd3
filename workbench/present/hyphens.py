"""Soft hyphens in the headings of wide tables: every renderer can break a long word there when it must.

The report's stylesheet asks for ``hyphens: auto`` in these headings, which WeasyPrint does with its own
dictionaries but Chromium only where it has them (not on Linux): without hyphens a table of ten columns is
wider than the A4 text block, and Chromium then prints every page a few per cent smaller. Soft hyphens
(U+00AD) at the language's hyphenation points, from the same dictionaries WeasyPrint uses (pyphen), work
in every browser and PDF engine and are invisible unless a word is broken there.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2
import pyphen
from markupsafe import Markup

SOFT_HYPHEN = "\u00ad"
# Words shorter than this fit any column; hyphenating them would only add break points nobody needs.
MIN_WORD = 8
_WORD = re.compile(rf"\w{{{MIN_WORD},}}")
_DICTIONARIES = {"ru": "ru_RU", "en": "en_US"}
_TAG = re.compile(r"(<[^>]*>)")


@cache
def _dictionary(locale: str) -> pyphen.Pyphen | None:
    language = _DICTIONARIES.get(locale.split("_")[0].lower())
    return pyphen.Pyphen(lang=language) if language else None


def soft_hyphens(text: str, locale: str) -> str:
    """``text`` with soft hyphens at the hyphenation points of its long words in ``locale``'s language
    (unchanged for a language without a dictionary)."""
    dictionary = _dictionary(locale)
    if dictionary is None or not text:
        return text
    return _WORD.sub(lambda word: dictionary.inserted(word.group(0), hyphen=SOFT_HYPHEN), str(text))


@jinja2.pass_context
def soft_hyphens_filter(context: Any, text: str) -> str:
    """Jinja's ``|soft_hyphens``: :func:`soft_hyphens` in the language of the template's messages ``t``;
    in markup, only the text between the tags."""
    locale = context["t"].locale
    if isinstance(text, Markup):
        parts = _TAG.split(str(text))
        return Markup("".join(p if p.startswith("<") else soft_hyphens(p, locale) for p in parts))
    return soft_hyphens(text, locale)
