"""The section registry drives the contents, the notebook and the metrics keys."""

from __future__ import annotations

import json

import pytest

from workbench.present import registry
from workbench.present.html import environment
from workbench.present.i18n import Messages


def test_every_section_resolves_its_view_and_template():
    for spec in registry.SECTIONS:
        assert callable(spec.view_function), spec.id
        environment().get_template(spec.template)  # raises when missing
    ids = [spec.id for spec in registry.SECTIONS]
    assert len(ids) == len(set(ids))
    keys = [spec.metrics for spec in registry.SECTIONS if spec.metrics]
    assert len(keys) == len(set(keys))


def test_contents_lists_the_declared_sections_in_order():
    t = Messages("ru")
    listed = [anchor for anchor, _ in registry.contents_view(t, None)["sections"]]
    assert listed == [s.id for s in registry.SECTIONS if s.in_contents]
    assert "cover" not in listed and listed[0] == "summary"


def test_an_unknown_section_names_the_known_ones():
    with pytest.raises(KeyError, match="funnel"):
        registry.spec("funnnel")


def test_the_notebook_calls_every_declared_section_in_order(repo):
    notebook = json.loads((repo / "notebooks" / "audit.ipynb").read_text(encoding="utf-8"))
    calls = [
        "".join(cell["source"]).strip()
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "".join(cell["source"]).strip().startswith("report.section(")
    ]
    assert calls == [f'report.section("{spec.id}")' for spec in registry.SECTIONS]


def test_reading_the_registry_loads_no_charting_library():
    import subprocess
    import sys

    code = (
        "import sys; import workbench.present.registry as r; r.SECTIONS; "
        "print(any(m.startswith(('matplotlib', 'seaborn')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
