"""The report's sections, each declared once: its id, the result it reads, its metrics.json fragment, its
view function and template, and whether the contents list it.

The order of :data:`SECTIONS` is the order of the report. The contents page, the notebook's calls
(``report.section("funnel")`` or ``report.all()``) and the assembly of metrics.json all read this table,
so a new section is: an analysis module, a view function with its template, message texts, and one line
here. View functions are named by their import path and loaded on first use, so that reading this table
(as metrics.json does) loads no charting library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from workbench.present.html import Section, render
from workbench.present.i18n import Messages


@dataclass(frozen=True)
class SectionSpec:
    """One report section."""

    id: str  # the HTML anchor and the key of its title in the messages ("sections.<id>")
    view: str  # "module:function" returning the template's context from (messages, audit)
    template: str
    result: str | None = None  # the audit attribute the section shows
    metrics: str | None = None  # its key in metrics.json
    in_contents: bool = True
    optional: bool = False  # shown (and listed in the contents) only when the audit has its result
    options: tuple[str, ...] = ()  # report options the view takes as keyword arguments

    def shown(self, audit: Any) -> bool:
        """Whether this audit has the section (an optional one needs its result)."""
        return not self.optional or audit is None or getattr(audit, self.result or "", None) is not None

    @property
    def view_function(self) -> Callable[..., dict[str, Any]]:
        return _load(self.view)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("cover", "workbench.present.sections:cover", "cover.html.j2", in_contents=False),
    SectionSpec(
        "contents", "workbench.present.registry:contents_view", "contents.html.j2", in_contents=False
    ),
    SectionSpec("summary", "workbench.present.sections:summary", "summary.html.j2", "summary", "summary"),
    SectionSpec(
        "progress",
        "workbench.present.progress_section:progress_section",
        "progress.html.j2",
        "progress",
        "progress",
        optional=True,
    ),
    SectionSpec("data", "workbench.present.sections:data_overview", "data.html.j2", "data", "data_quality"),
    SectionSpec(
        "funnel", "workbench.present.funnel_section:funnel_section", "funnel.html.j2", "funnel", "funnel"
    ),
    SectionSpec(
        "customers",
        "workbench.present.customer_section:customers_section",
        "customers.html.j2",
        "customers",
        "abc",
    ),
    SectionSpec("plan", "workbench.present.sections:plan_section", "plan.html.j2", "plan", "plan"),
    SectionSpec(
        "motivation",
        "workbench.present.plan_motivation_section:plan_motivation_section",
        "plan_motivation.html.j2",
        "motivation",
        "motivation",
    ),
    SectionSpec(
        "whatif",
        "workbench.present.whatif_section:whatif_section",
        "whatif.html.j2",
        "whatif",
        optional=True,
        options=("interactive",),
    ),
    SectionSpec(
        "activity", "workbench.present.sections:activity_section", "activity.html.j2", "activity", "activity"
    ),
    SectionSpec(
        "intake", "workbench.present.intake_section:intake_section", "intake.html.j2", "intake", "intake"
    ),
    SectionSpec(
        "actions", "workbench.present.sections:actions_section", "actions.html.j2", "findings", "findings"
    ),
    SectionSpec("methodology", "workbench.present.sections:methodology_section", "methodology.html.j2"),
    SectionSpec("appendix_data", "workbench.present.sections:appendix_data_section", "appendix_data.html.j2"),
    SectionSpec(
        "appendix_d_class", "workbench.present.d_class_list:d_class_appendix", "appendix_d_class.html.j2"
    ),
)
BY_ID = {spec.id: spec for spec in SECTIONS}


@cache
def _load(path: str) -> Callable[..., dict[str, Any]]:
    module, name = path.split(":")
    return getattr(import_module(module), name)


def spec(section_id: str) -> SectionSpec:
    """The declaration of one section; a clear error names the known ids."""
    try:
        return BY_ID[section_id]
    except KeyError:
        raise KeyError(f"no report section {section_id!r}; the sections are: {', '.join(BY_ID)}") from None


def contents_view(t: Messages, audit: Any) -> dict[str, Any]:
    """The contents page: every section the contents list, in the report's order."""
    return {"sections": [(s.id, t(f"sections.{s.id}")) for s in SECTIONS if s.in_contents and s.shown(audit)]}


def render_section(
    section_id: str,
    t: Messages,
    audit: Any,
    metadata: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> Section:
    """Render one declared section of ``audit`` in the locale of ``t``; the section's declared
    ``options`` are taken from ``options`` when given there."""
    declared = spec(section_id)
    chosen = {k: v for k, v in (options or {}).items() if k in declared.options}
    section = render(declared.template, t, **declared.view_function(t, audit, **chosen))
    section.metadata = metadata
    return section
