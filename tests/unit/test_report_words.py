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
    "en": {"of", "a", "in", "to", "for", "won", "closed", "moved", "left", "before", "more", "B", "C", "h"},
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


# Plain placeholders that may stand before a word: they insert a text (a name, a sentence, a formatted value),
# not a count. Any other plain ``{name}`` before a word is a count that escapes agreement («3 слоёв»).
TEXT_PLACEHOLDERS = {
    "base",
    "encoding_part",
    "field",
    "file",
    "first",
    "hours_action",
    "hours_deal",
    "level",
    "line",
    "manager",
    "managers",
    "metric",
    "multiplier",
    "overall",
    "per_deal",
    "previous",
    "row",
    "rule_sentence",
    "table",
    "what",
}
PLAIN_THEN_WORD = re.compile(r"\{(\w+)\}[\s\u00a0]+([^\W\d_]+)")


@pytest.mark.parametrize("locale", LOCALES)
def test_no_plain_count_stands_before_a_noun(locale):
    """``{count} слоёв`` prints «3 слоёв»: a count before a noun is ``{count:plural(...)}``."""
    offenders = [
        f"{key}: {match.group(0)!r}"
        for key, text in _messages(_catalog(locale))
        for match in PLAIN_THEN_WORD.finditer(text)
        if match.group(1) not in TEXT_PLACEHOLDERS and match.group(2) not in FUNCTION_WORDS[locale]
    ]
    assert not offenders, "\n".join(offenders)


def test_counts_in_the_maturity_rule_and_a_field_count_agree():
    t = Messages("ru")
    text = t("intake.maturity_rule.too_few_layers", count=3, min=6).replace("\u00a0", " ")
    assert text.startswith("Оценено 3 слоя из 11")
    assert t("intake.maturity_rule.too_few_layers", count=1, min=6).startswith("Оценён 1")
    assert t("appendix_data.details.field_count", found=2, expected=6).replace("\u00a0", " ") == (
        "2 поля вместо 6"
    )
    assert Messages("en")("intake.maturity_rule.too_few_layers", count=1, min=6).startswith(
        "1 of 11 layers is"
    )


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


def test_a_lever_shows_enough_digits_to_see_its_change():
    f = Formatter("ru")
    assert f.pct_pair(0.0220, 0.0224) == ("2,20\u00a0%", "2,24\u00a0%")
    assert f.pct_pair(0.20, 0.30) == ("20,0\u00a0%", "30,0\u00a0%")
    assert f.pct_pair(0.5, 0.5) == ("50,0\u00a0%", "50,0\u00a0%")


def test_returns_are_counted_once(tmp_path):
    """Lines of return documents are one caveat; negative lines outside them are another, not the same."""
    import pandas as pd

    from workbench.config import TransactionRules
    from workbench.io.quarantine import Quarantine
    from workbench.io.table_rules import finish_transactions

    lines = pd.DataFrame(
        {
            "document_id": ["ВЗ-1", "ВЗ-1", "Р-2", "Р-3"],
            "amount": [-100.0, -50.0, 300.0, -20.0],
            "customer_id": ["a", "a", "b", "b"],
            "product": ["x", "y", "x", "x"],
        }
    )
    q = Quarantine("transactions", "sales.csv")
    finish_transactions(lines, q, TransactionRules(cancellation_prefixes=["ВЗ-"]))
    warnings = q.warnings
    assert warnings["cancellation_lines"] == 2
    assert warnings["refund_lines"] == 1


def test_an_excluded_row_is_shown_by_its_values_not_a_bare_number():
    import pandas as pd

    from workbench.io.quarantine import Quarantine
    from workbench.present.data_quality import example_label

    frame = pd.DataFrame(
        {
            "document_id": ["Р-55"],
            "date": [pd.Timestamp("2026-03-12")],
            "product": ["Насос центробежный"],
            "amount": [1200.0],
            "customer_id": [None],
        },
        index=[55],
    )
    q = Quarantine("transactions", "sales.csv")
    q.exclude(frame, frame["customer_id"].isna(), "no_customer")
    label = example_label(Messages("ru"), q.examples["no_customer"][0], code="no_customer")
    # Each value under its column's name, dates and numbers as the report writes them.
    assert label.replace("\u00a0", " ") == (
        "стр. 55: документ «Р-55», дата 12.03.2026, товар «Насос центробежный», сумма 1 200"
    )
    # A rule that names a number cell (a return by its negative amount) shows the row, not a bare number.
    refund = frame.assign(amount=[-2.51], date=[pd.Timestamp("2026-03-12 14:32")])
    q.exclude(refund, refund["amount"] < 0, "return", "amount")
    label = example_label(Messages("en"), q.examples["return"][0], code="return")
    assert (
        label == "row 55: document “Р-55”, date 2026-03-12 14:32, product “Насос центробежный”, amount −2.51"
    )


@pytest.mark.parametrize(("locale", "foreign"), [("ru", '"“”„'), ("en", '"«»')])
def test_one_style_of_quotes_per_language(locale, foreign):
    """«ёлочки» in Russian, “curly quotes” in English."""
    mixed = [
        f"{key}: {text[:80]!r}"
        for key, text in _messages(_catalog(locale))
        if any(mark in text for mark in foreign)
    ]
    assert not mixed, "\n".join(mixed)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_report_text_names_a_currency(locale, repo):
    """The client's currency comes from client.yaml: «в рублях», «до копейки» are false for R$ or £."""
    text = (repo / "workbench" / "present" / "messages" / f"{locale}.yaml").read_text(encoding="utf-8")
    found = re.findall(r"\S*(?:рубл|копе|rouble|ruble|kopeck)\S*", text, flags=re.IGNORECASE)
    assert not found, found


@pytest.mark.parametrize("locale", LOCALES)
def test_a_catalogue_holds_each_key_once(locale, repo):
    """YAML keeps the last of two equal keys silently: a message written twice is one too many."""
    import yaml

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        keys = [loader.construct_object(k) for k, _ in node.value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        assert not twice, f"{locale}: keys written twice at line {node.start_mark.line + 1}: {twice}"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    path = repo / "workbench" / "present" / "messages" / f"{locale}.yaml"
    yaml.load(path.read_text(encoding="utf-8"), Loader=Strict)


def test_product_code_patterns_are_said_in_words():
    from workbench.present.customer_section import pattern_words

    t = Messages("ru")
    assert pattern_words(t, "^gift_") == "коды, начинающиеся с «gift_»"
    assert pattern_words(t, "^AMAZON$") == "код «AMAZON»"
    assert pattern_words(t, "fee$") == "коды, оканчивающиеся на «fee»"
    assert pattern_words(t, r"^C\.") == "коды, начинающиеся с «C.»"
    assert pattern_words(t, r"^gift_\d+") == r"коды по шаблону «^gift_\d+»"  # beyond words: quoted as is
    assert pattern_words(Messages("en"), "post") == "codes containing “post”"
