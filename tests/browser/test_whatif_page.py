"""The demo's report.html in a real browser with no network: the live what-if moves with every slider and
gives the numbers of the Python model, saved scenarios and the reset work, nothing is requested, no error
or policy violation is reported, and a report made without the live part has no script at all."""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from pathlib import Path

import pytest
from exported_report import export_html

from workbench.analysis.whatif_model import build_model, presets
from workbench.audit import whatif_model
from workbench.config import ProposedScheme
from workbench.io.scenarios import make_scenario

pytestmark = pytest.mark.browser

OUTPUTS_JS = (
    "Object.fromEntries([...document.querySelectorAll('output[data-output]')]"
    ".map(o => [o.dataset.output, o.textContent]))"
)
READY = "document.documentElement.dataset.wbWhatif === 'ready'"


def number(text: str, locale: str = "ru") -> float:
    """A figure as the page writes it (``1 856 418 ₽``, ``91,0 %``, ``₽1,856,418``) as a number."""
    kept = re.sub(r"[^0-9,.\-−]", "", text).replace("−", "-")
    decimal_comma = locale == "ru"
    kept = kept.replace(".", "").replace(",", ".") if decimal_comma else kept.replace(",", "")
    return float(kept)


def with_saved_scenario(audit):
    """A copy of the demo audit whose what-if offers one saved scenario."""
    audit = copy.copy(audit)
    base = audit.whatif.baseline()
    stages = audit.whatif.stages[:-1]
    values = {
        "lead_flow": round(base["lead_flow"] * 1.2, 1),
        "conversions": {s: round(base[f"conv_{k}"] / 100 + 0.02, 4) for k, s in enumerate(stages)},
        "avg_check": round(base["avg_check"] * 1.1),
        "target": base["target"],
        "base_salary": 40000,
        "tier_rates": [0.03, 0.05, 0.07],
        "plan_bonus": 25000,
    }
    saved = make_scenario("Больше лидов", "Аналитик", values, dt.datetime(2026, 11, 20, 10, 0))
    audit.whatif_presets = presets(audit.whatif, [saved])
    return audit


@pytest.fixture(scope="module")
def report(demo_audit, tmp_path_factory) -> tuple[Path, object]:
    audit = with_saved_scenario(demo_audit)
    path = export_html(audit, "ru", tmp_path_factory.mktemp("whatif") / "report.html")
    return path, audit.whatif


def signals(page, model) -> dict[str, float]:
    names = [i.name for i in model.inputs]
    return page.evaluate(f"Object.fromEntries({names!r}.map(n => [n, wbWhatIf.signal(n)]))")


def assert_agrees(page, model, locale: str = "ru") -> None:
    """Every figure on the page equals the Python model's for the sliders' current values."""
    expected = model.evaluate(signals(page, model))
    shown = page.evaluate(OUTPUTS_JS)
    assert shown, "the page shows no figure of the scenario"
    for key, text in shown.items():
        if key.endswith("_cost") and expected["revenue"] <= 0:
            assert text == "—", (key, text)
            continue
        if key.endswith("_cost"):
            want = float(expected[key]) * 100
            assert abs(number(text, locale) - want) <= 0.051, (key, text, want)
            continue
        raw = page.evaluate(f"wbWhatIf.signal({key!r})")
        want = float(expected[key])
        if key == "attainment":
            assert abs(number(text, locale) - want * 100) <= 0.051, (key, text, want)
            assert abs(raw - want) < 1e-9
        elif key == "won":
            assert abs(number(text, locale) - want) <= 0.051, (key, text, want)
        else:  # money, to the rouble
            assert abs(number(text, locale) - want) <= 1, (key, text, want)
            assert abs(raw - want) <= 1, (key, raw, want)


def test_the_page_runs_offline_with_no_request_error_or_policy_violation(report, open_page):
    path, model = report
    with open_page(path) as page:
        page.wait_for(READY)
        page.settle()
        assert page.external_requests == []
        assert all(u.startswith(("file:", "data:")) for u in page.requests), page.requests
        assert page.problems == []
        assert page.evaluate("document.documentElement.className") == "js"
        assert page.evaluate("getComputedStyle(document.querySelector('.wb-live')).display") == "block"
        assert page.evaluate("getComputedStyle(document.querySelector('.wb-static')).display") == "none"
        sliders = page.evaluate(
            "[...document.querySelectorAll('.wb-live input[type=range]')].map(i => i.name)"
        )
        assert sorted(sliders) == sorted(i.name for i in model.inputs)
        assert_agrees(page, model)


def test_every_slider_dragged_gives_the_python_models_numbers(report, open_page, tmp_path):
    path, model = report
    rng = random.Random(7)
    with open_page(path, height=1100) as page:
        page.wait_for(READY)
        before = page.evaluate(OUTPUTS_JS)
        page.screenshot(tmp_path / "before.png", ".wb-live")
        for i in model.inputs:
            selector = f'.wb-live input[name="{i.name}"]'
            start = page.evaluate(f"wbWhatIf.signal({i.name!r})")
            here = (start - i.low) / (i.high - i.low)
            page.drag_range(
                selector, next(f for f in iter(lambda: rng.uniform(0.05, 0.95), None) if abs(f - here) > 0.15)
            )
            moved = page.evaluate(f"wbWhatIf.signal({i.name!r})")
            assert moved != start, f"dragging {i.name} moved nothing"
            assert moved == pytest.approx(float(page.evaluate(f"document.querySelector('{selector}').value")))
            readout = page.evaluate(f"document.querySelector('output[data-name=\"{i.name}\"]').textContent")
            assert readout and not re.search(r"\d{5}", readout), (
                f"{i.name}: readout {readout!r} not formatted"
            )
            assert_agrees(page, model)
        after = page.evaluate(OUTPUTS_JS)
        page.screenshot(tmp_path / "after.png", ".wb-live")
        assert after != before
        assert page.problems == []


def test_random_values_typed_into_every_slider_agree_with_the_model(report, open_page):
    path, model = report
    rng = random.Random(11)
    with open_page(path) as page:
        page.wait_for(READY)
        for _ in range(5):
            for i in model.inputs:
                steps = round((i.high - i.low) / i.step)
                value = round(i.low + rng.randint(0, steps) * i.step, 6)
                page.set_input(f'.wb-live input[name="{i.name}"]', value)
            assert_agrees(page, model)
        assert page.problems == []


def test_saved_scenarios_are_presets_and_reset_brings_back_today(report, open_page):
    path, model = report
    with open_page(path) as page:
        page.wait_for(READY)
        today = page.evaluate(OUTPUTS_JS)
        options = page.evaluate("[...document.querySelectorAll('#wb-wi-preset option')].map(o => o.text)")
        assert options == ["Сегодня", "Больше лидов"]
        page.set_input("#wb-wi-preset", "1")
        page.wait_for("wbWhatIf.signal('now_base_salary') === 40000")
        assert page.evaluate("wbWhatIf.signal('lead_flow')") == pytest.approx(
            round(model.baseline()["lead_flow"] * 1.2, 1)
        )
        assert page.evaluate(OUTPUTS_JS) != today
        assert_agrees(page, model)
        page.click("#wb-wi-reset")
        page.wait_for(f"wbWhatIf.signal('now_base_salary') === {model.baseline()['now_base_salary']}")
        assert page.evaluate(OUTPUTS_JS) == today
        assert page.problems == []


def test_a_client_string_cannot_break_out_of_the_page(demo_audit, open_page, tmp_path):
    audit = copy.copy(demo_audit)
    hostile = "</script><script>document.title='x'</script><!--"
    scheme = ProposedScheme.model_validate(
        {"name": hostile, "base_salary": 30000, "tiers": [{"from_attainment": 0, "rate": 0.05}]}
    )
    current = audit.config.motivation
    audit.whatif = build_model(
        audit.funnel, audit.decomposition.target, current, [scheme], 6, audit.motivation.margin_rate, 1.0
    )
    audit.whatif_presets = presets(audit.whatif, [])
    path = export_html(audit, "ru", tmp_path / "report.html")
    assert path.read_text(encoding="utf-8").count("<script") == 5  # two data blocks and three scripts
    with open_page(path) as page:
        page.wait_for(READY)
        legends = page.evaluate("[...document.querySelectorAll('.wb-live legend')].map(l => l.textContent)")
        assert any(hostile in text for text in legends)
        assert page.evaluate("document.title") != "x"
        page.settle()
        assert page.problems == []


def test_english_readouts_and_figures_use_the_english_formats(demo_audit, open_page, tmp_path):
    audit = copy.copy(demo_audit)
    audit.whatif = whatif_model(audit)
    audit.whatif_presets = presets(audit.whatif, [])
    path = export_html(audit, "en", tmp_path / "report.html")
    with open_page(path) as page:
        page.wait_for(READY)
        shown = page.evaluate(OUTPUTS_JS)
        assert shown["revenue"].startswith("₽") and "," in shown["revenue"]
        assert_agrees(page, audit.whatif, "en")


def test_without_the_live_part_the_report_has_no_script_and_shows_the_static_twin(
    demo_audit, open_page, tmp_path
):
    path = export_html(demo_audit, "ru", tmp_path / "report.html", interactive=False)
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "script-src 'none'" in text
    with open_page(path) as page:
        page.settle()
        assert page.problems == []
        assert page.external_requests == []
        assert page.evaluate("document.querySelector('.wb-live')") is None
        shown = "getComputedStyle(document.querySelector('.wb-static svg')).display"
        assert page.evaluate(shown) != "none"
        assert page.evaluate("document.querySelector('.wb-static svg').getBoundingClientRect().width") > 300
