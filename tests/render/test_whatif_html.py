"""The delivered report.html as one safe file: its only scripts are allowed by hash in its own policy,
nothing refers to a remote address, and the demo's whole file stays under 1.5 MB."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from exported_report import export_html

from workbench.render.page_scripts import finish_page, policy

SIZE_BUDGET = 1_500_000  # bytes: the demo's report.html with the live what-if


@pytest.fixture(scope="module")
def demo_html(demo_audit, tmp_path_factory) -> str:
    path = export_html(demo_audit, "ru", tmp_path_factory.mktemp("html") / "report.html")
    return path.read_text(encoding="utf-8")


def _csp(html: str) -> str:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert found, "the page carries its policy"
    return found.group(1)


def test_every_inline_script_is_allowed_by_its_hash_and_nothing_else_is(demo_html):
    scripts = re.findall(r"<script>(.*?)</script>", demo_html, flags=re.DOTALL)
    assert len(scripts) == 3  # Vega, its expression interpreter, the page script
    csp = _csp(demo_html)
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-eval" not in csp and "http" not in csp
    assert demo_html.index("Content-Security-Policy") < demo_html.index("<style")


def test_nothing_in_the_page_points_to_a_remote_address(demo_html):
    markup = re.sub(r"<script>.*?</script>", "", demo_html, flags=re.DOTALL)
    attributes = re.findall(r'\b(?:src|href|action)="([^"]*)"', markup)
    assert attributes, "the page has images and links"
    remote = [a for a in attributes if not a.startswith(("data:", "#"))]
    assert remote == []
    assert "vega.github.io" not in demo_html.split("<script>")[0], "the specification names no schema URL"


def test_the_demo_report_html_stays_under_its_size_budget(demo_html):
    size = len(demo_html.encode("utf-8"))
    assert size <= SIZE_BUDGET, f"report.html is {size:,} bytes, over {SIZE_BUDGET:,}"


def test_a_page_without_the_live_part_gets_no_script_and_a_policy_forbidding_them():
    page = '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>x</p></body></html>'
    finished = finish_page(page, live=True)
    assert "<script" not in finished and "script-src 'none'" in finished
    assert policy(["a"]) != policy(["b"])
    with pytest.raises(ValueError, match="head"):
        finish_page("<p>no head</p>", live=True)


def test_the_page_runs_the_vega_that_draws_the_static_twin():
    import vl_convert

    from workbench.render.page_scripts import VEGA_VERSION, live_scripts

    assert vl_convert.get_vega_version() == VEGA_VERSION
    runtime, interpreter, page = live_scripts()
    assert f'version="{VEGA_VERSION}"' in runtime or f'"{VEGA_VERSION}"' in runtime
    assert "window.vegaInterpreter" in interpreter and "import " not in interpreter.split("\n", 6)[-1][:200]
    assert "vega.View" in page and "eval(" not in page
