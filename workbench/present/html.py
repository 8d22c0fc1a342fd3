"""The Jinja environment of the report's sections (autoescaped: client text always shows as text)."""

from __future__ import annotations

import contextlib
from functools import cache

import jinja2
from markupsafe import Markup

from workbench.cache import folder as cache_folder
from workbench.present.hyphens import soft_hyphens_filter
from workbench.present.i18n import Messages


@cache
def environment() -> jinja2.Environment:
    """One environment for all section templates."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("workbench.present", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_template_cache(),  # compiled once per template version, not once per audit
    )
    env.filters["soft_hyphens"] = soft_hyphens_filter  # the headings of wide tables: see present/hyphens.py
    return env


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, except that a file that cannot be written (a full disk) is simply not kept."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache() -> jinja2.BytecodeCache | None:
    """The sections' compiled templates in the cache folder of :mod:`workbench.cache`, if there is one."""
    where = cache_folder()
    return _TemplateCache(str(where), pattern="templates-sections-%s.cache") if where else None


class Section:
    """A rendered piece of the report; notebooks display it as HTML.

    ``metadata`` travels with the output in the executed notebook (the cover's carries the report's title
    and language for the exporters, so nothing is read back out of the HTML).
    """

    def __init__(self, html: str, metadata: dict[str, object] | None = None):
        self.html = html
        self.metadata = metadata

    def _repr_html_(self) -> str | tuple[str, dict[str, object]]:
        return (self.html, self.metadata) if self.metadata else self.html

    def __str__(self) -> str:
        return self.html


def render(template: str, messages: Messages, **context: object) -> Section:
    """Render ``template`` with the locale's messages (``t``) and formatter (``f``) in scope."""
    html = environment().get_template(template).render(t=messages, f=messages.fmt, Markup=Markup, **context)
    return Section(html)
