"""Soft hyphens in the headings of wide tables (every PDF engine and browser can break there)."""

from __future__ import annotations

from markupsafe import Markup

from workbench.present.html import environment
from workbench.present.hyphens import SOFT_HYPHEN, soft_hyphens
from workbench.present.i18n import Messages


def test_long_words_get_soft_hyphens_at_the_languages_points_and_short_ones_none():
    assert soft_hyphens("Сглаженная конверсия в продажу", "ru") == (
        "Сгла\u00adжен\u00adная кон\u00adвер\u00adсия в продажу"
    )
    assert soft_hyphens("Smoothed deviation", "en") == "Smoothed de\u00advi\u00ada\u00adtion"
    assert soft_hyphens("Шаг, %", "ru") == "Шаг, %"
    assert soft_hyphens("Отклонение", "xx") == "Отклонение"  # no dictionary: unchanged
    assert soft_hyphens("Отклонение", "ru").replace(SOFT_HYPHEN, "") == "Отклонение"


def test_the_template_filter_uses_the_messages_language_and_leaves_tags_alone():
    template = environment().from_string("<th>{{ text|soft_hyphens }}</th><th>{{ markup|soft_hyphens }}</th>")
    html = template.render(
        t=Messages("ru"), text="Отклонение <b>", markup=Markup('<span class="wb-muted">Отклонение</span>')
    )
    assert html == (
        "<th>От\u00adкло\u00adне\u00adние &lt;b&gt;</th>"
        '<th><span class="wb-muted">От\u00adкло\u00adне\u00adние</span></th>'
    )
