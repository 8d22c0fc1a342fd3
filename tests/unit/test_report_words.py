"""The report's words and numbers: counts agree with their nouns, one minus sign, losses as amounts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from workbench.present.fmt import MINUS, Formatter
from workbench.present.i18n import LOCALES, Messages, _catalog

# Words that may follow a bare count: prepositions, units and labels that do not agree with the number.
FUNCTION_WORDS = {
    "ru": {"из", "на", "в", "до", "ч", "и"},
    "en": {"of", "a", "in", "to", "for", "won", "closed", "moved", "left", "before", "B", "C", "h"},
}
COUNT_THEN_WORD = re.compile(r"\{(\w+):num\}[\s\u00a0]+([^\W\d_]+)")


def _messages(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for name, child in node.items():
            yield from _messages(child, f"{key}.{name}" if key else str(name))
    elif isinstance(node, str):
        yield key, node


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "0 клиентов"),
        (1, "1 клиент"),
        (3, "3 клиента"),
        (11, "11 клиентов"),
        (21, "21 клиент"),
        (51, "51 клиент"),
        (114, "114 клиентов"),
        (1234, "1 234 клиента"),
    ],
)
def test_russian_counts_follow_cldr_plural_rules(number, expected):
    t = Messages("ru")
    assert t.fmt.plural(number, ("клиент", "клиента", "клиентов")).replace("\u00a0", " ") == expected


def test_english_counts_and_verbs_agree():
    f = Formatter("en")
    assert f.plural(1, ("customer", "customers")) == "1 customer"
    assert f.plural(0, ("customer", "customers")) == "0 customers"
    assert f.plural_form(1, ("has", "have")) == "has"
    assert f.plural_form(2, ("has", "have")) == "have"


def test_plural_placeholder_in_a_message():
    t = Messages("ru")
    text = t("findings.customers_abc.title", a_count=51, a_share=0.804)
    assert text.replace("\u00a0", " ") == "51 клиент класса A даёт 80,4 % выручки"
    assert t("findings.customers_abc.title", a_count=3, a_share=0.5).startswith("3 клиента класса A дают")
    english = Messages("en")("findings.customers_abc.title", a_count=1, a_share=0.5)
    assert english.startswith("1 class A customer brings")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_count_followed_by_a_noun_names_its_plural_forms(locale):
    """A ``{n:num}`` directly before a noun prints «51 клиентов»; such counts use ``plural(...)``."""
    offenders = [
        f"{key}: {match.group(0)!r}"
        for key, text in _messages(_catalog(locale))
        for match in COUNT_THEN_WORD.finditer(text)
        if match.group(2) not in FUNCTION_WORDS[locale]
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_placeholders_give_every_form_of_the_locale(locale):
    wanted = {"ru": 3, "en": 2}[locale]
    bad = [
        f"{key}: {forms}"
        for key, text in _messages(_catalog(locale))
        for forms in re.findall(r":(?:plural|word)\(([^)]*)\)", text)
        if len(forms.split("|")) != wanted
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("locale", LOCALES)
def test_negative_numbers_carry_the_minus_sign(locale):
    f = Formatter(locale)
    for text in (f.money(-222_670), f.pct(-1.0), f.pct(-0.123), f.num(-5), f.pp(-0.001), f.share(-0.0012)):
        assert "-" not in text, text
        assert MINUS in text, text


def test_a_loss_is_stated_as_a_positive_amount():
    t = Messages("ru")
    evidence = t(
        "findings.customers_unprofitable.evidence",
        count=105,
        customers=399,
        share=0.263,
        revenue=1_794_435,
        margin=-222_670,
    )
    assert "убыток 222\u00a0670\u00a0₽" in evidence
    assert MINUS not in evidence and "-222" not in evidence
