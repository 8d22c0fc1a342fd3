"""What the audit notebook calls: validate parameters, run the audit, hand out sections, write outputs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from workbench.audit import Audit, build_audit
from workbench.config import CONFIG_FILE, iter_sources
from workbench.errors import ConfigError
from workbench.io.atomic import write_csv, write_text, write_xlsx
from workbench.limits import check_output_folder
from workbench.parameters import parse_as_of, resolve_client_dir
from workbench.present import funnel_section, whatif_section
from workbench.present.d_class_list import d_class_frame
from workbench.present.html import Section, environment
from workbench.present.i18n import LOCALES, Messages
from workbench.present.quarantine_out import client_quarantine
from workbench.present.registry import SECTIONS, render_section
from workbench.render import ahead, preload
from workbench.render.ahead import SectionsAhead
from workbench.render.files import D_CLASS_XLSX, METRICS_FILE, QUARANTINE_FILE, QUARANTINE_XLSX
from workbench.render.metrics import build_metrics, dumps
from workbench.render.paths import relative_to_client


def load_sections() -> None:
    """Import every section's view and compile its template (what the first render of each would do):
    the audit's kernel runs this while it waits for the notebook, see :mod:`workbench.app.kernel`."""
    for declared in SECTIONS:
        _ = declared.view_function  # imports the view's module
        environment().get_template(declared.template)


def sections_ahead() -> list[str]:
    """The sections a forked copy of this process may render: all of them, but the what-if's once this
    process has started vl-convert's runtime, which the copy can start for itself but must not inherit."""
    return [spec.id for spec in SECTIONS if not (spec.id == "whatif" and whatif_section.renderer_started())]


class Report:
    """One client's audit report, section by section."""

    def __init__(
        self, audit: Audit, locale: str, parameters: dict[str, Any] | None = None, interactive: bool = True
    ):
        if locale not in LOCALES:
            raise ConfigError("parameters", [f"locale: expected one of {', '.join(LOCALES)}, got {locale!r}"])
        self.audit = audit
        self.locale = locale
        self.parameters = parameters or {}
        self.interactive = interactive  # the live what-if in the HTML (False: no script in the report)
        self.t = Messages(locale, audit.config.currency)
        self._ahead: SectionsAhead | None = None

    @classmethod
    def from_parameters(
        cls,
        client_dir: str,
        locale: str = "",
        as_of: str = "",
        anonymize: bool = False,
        compare: str = "",
        interactive: bool = True,
        **extra: Any,
    ) -> Report:
        """Build the report from the notebook's parameters (empty locale = the client's own)."""
        if not client_dir:
            raise ConfigError("parameters", ["client_dir: expected the path of a client folder"])
        if locale and locale not in LOCALES:
            raise ConfigError("parameters", [f"locale: expected one of {', '.join(LOCALES)}, got {locale!r}"])
        folder = resolve_client_dir(client_dir)
        if not ahead.wanted():
            # The what-if's renderer starts while the audit is computed (its first drawing takes a second).
            # Not when a forked copy renders sections: vl-convert's runtime, threads of its own, must not be
            # started before the fork, and its start holds this process's GIL for most of that second; the
            # what-if's section is then drawn by whichever process reaches it first, starting it there.
            threading.Thread(target=whatif_section.warm_up, daemon=True).start()
        audit = build_audit(
            folder,
            parse_as_of(as_of),
            anonymize=bool(anonymize),
            locale=locale or None,
            compare=compare or None,
            data=preload.take(folder),  # what workbench audit's data check loaded, if it handed it over
            beside=ahead.beside if ahead.wanted() else None,  # half of the analyses on a second core
        )
        # Recorded in metrics.json: paths relative to the client folder, not this machine's.
        parameters = {
            "client_dir": ".",
            "locale": locale,
            "as_of": as_of,
            "anonymize": bool(anonymize),
            "interactive": bool(interactive),
            **({"compare": compare} if compare else {}),
            **extra,
        }
        if "output_dir" in parameters:
            parameters["output_dir"] = relative_to_client(parameters["output_dir"], folder)
        return cls(audit, locale or audit.config.locale, parameters, bool(interactive))

    @property
    def title(self) -> str:
        """Document title: report name and client."""
        return f"{self.t('report.title')} — {self.audit.config.name}"

    def section(self, section_id: str) -> Section:
        """One section of the report, as declared in :mod:`workbench.present.registry`.

        The cover's output carries the report's title and language for the exporters.
        """
        if self._ahead is None and section_id == SECTIONS[0].id and ahead.wanted():
            # The notebook starts the report: a second core renders the sections from the back.
            self._ahead = SectionsAhead(sections_ahead(), self._render)
        rendered = self._ahead.take(section_id) if self._ahead is not None else None
        return rendered if rendered is not None else self._render(section_id)

    def _render(self, section_id: str) -> Section:
        metadata = (
            {"workbench": {"title": self.title, "lang": self.locale}} if section_id == "cover" else None
        )
        return render_section(section_id, self.t, self.audit, metadata, {"interactive": self.interactive})

    def all(self) -> list[Section]:
        """The whole report in order."""
        return [self.section(spec.id) for spec in SECTIONS]

    def funnel_deep_dive(self) -> Section:
        """Extra funnel views for the analyst (funnel.ipynb)."""
        return funnel_section.deep_dive(self.t, self.audit)

    def funnel_whatif(self):
        """Live what-if sliders over the funnel (ipywidgets)."""
        from workbench.present.funnel_widgets import FunnelWhatIf

        return FunnelWhatIf(self.audit.funnel, self.t, self.audit.summary).widget()

    def metrics(self) -> dict[str, Any]:
        """metrics.json as a dict (the contract is schemas/metrics.schema.json)."""
        return build_metrics(self.audit, self.parameters, self.locale)

    def write_outputs(self, output_dir: str | Path) -> list[Path]:
        """Write metrics.json, the quarantined rows and the full list of class D customers into
        ``output_dir`` (atomically)."""
        if not output_dir:
            return []
        out = Path(output_dir)
        data = self.audit.data
        inputs = [
            data.client_dir / CONFIG_FILE,
            *(data.client_dir / s.file for _, s in iter_sources(data.config)),
        ]
        check_output_folder(out, inputs, data.client_dir)  # the papermill path obeys the same rule
        out.mkdir(parents=True, exist_ok=True)
        metrics_path = write_text(out / METRICS_FILE, dumps(self.metrics()) + "\n")
        quarantine = client_quarantine(self.t, self.audit.data.quarantine, self.audit.data.reports)
        written = [metrics_path, write_csv(out / QUARANTINE_FILE, quarantine)]
        xlsx = write_xlsx(out / QUARANTINE_XLSX, quarantine, "quarantine")
        written += [xlsx] if xlsx else []
        d_class = d_class_frame(self.t, self.audit.customers)
        if d_class is not None:
            sheet = self.t("sections.appendix_d_class")[:31]  # Excel's limit on a sheet name
            path = write_xlsx(out / D_CLASS_XLSX, d_class, sheet)
            written += [path] if path else []
        return written
