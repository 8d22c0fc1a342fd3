"""What the audit notebook calls: validate parameters, run the audit, hand out sections, write outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.audit import AuditResult, build_audit
from workbench.errors import ConfigError
from workbench.present import funnel_section, sections
from workbench.present.html import Section
from workbench.present.i18n import LOCALES, Messages
from workbench.present.quarantine_out import client_quarantine
from workbench.render.atomic import write_csv, write_text, write_xlsx
from workbench.render.metrics import build_metrics, dumps
from workbench.render.paths import relative_to_client
from workbench.resources import REPO_ROOT

METRICS_FILE = "metrics.json"
QUARANTINE_FILE = "quarantine.csv"
QUARANTINE_XLSX = "quarantine.xlsx"


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """The report date: a date, an ISO string, or empty for today."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError("parameters", [f"as_of: expected a date like 2026-11-23, got {value!r}"]) from None


def resolve_client_dir(client_dir: str | Path) -> Path:
    """A client folder as given, or relative to the repository (a notebook in notebooks/ runs there)."""
    path = Path(client_dir)
    if path.is_absolute() or path.is_dir():
        return path
    candidate = REPO_ROOT / path
    return candidate if candidate.is_dir() else path


class Report:
    """One client's audit report, section by section."""

    def __init__(self, audit: AuditResult, locale: str, parameters: dict[str, Any] | None = None):
        if locale not in LOCALES:
            raise ConfigError("parameters", [f"locale: expected one of {', '.join(LOCALES)}, got {locale!r}"])
        self.audit = audit
        self.locale = locale
        self.parameters = parameters or {}
        self.t = Messages(locale, audit.config.currency)
        self.run = sections.RunInfo(generated_at=self.t.fmt.date(audit.as_of), version=__version__)

    @classmethod
    def from_parameters(
        cls, client_dir: str, locale: str = "", as_of: str = "", anonymize: bool = False, **extra: Any
    ) -> Report:
        """Build the report from the notebook's parameters (empty locale = the client's own)."""
        if not client_dir:
            raise ConfigError("parameters", ["client_dir: expected the path of a client folder"])
        if locale and locale not in LOCALES:
            raise ConfigError("parameters", [f"locale: expected one of {', '.join(LOCALES)}, got {locale!r}"])
        folder = resolve_client_dir(client_dir)
        audit = build_audit(
            folder,
            parse_as_of(as_of),
            anonymize=bool(anonymize),
            locale=locale or None,
        )
        # Recorded in metrics.json: paths relative to the client folder, not this machine's.
        parameters = {
            "client_dir": ".",
            "locale": locale,
            "as_of": as_of,
            "anonymize": bool(anonymize),
            **extra,
        }
        if "output_dir" in parameters:
            parameters["output_dir"] = relative_to_client(parameters["output_dir"], folder)
        return cls(audit, locale or audit.config.locale, parameters)

    @property
    def title(self) -> str:
        """Document title: report name and client."""
        return f"{self.t('report.title')} — {self.audit.config.name}"

    def cover(self) -> Section:
        return sections.cover(self.t, self.audit, self.run)

    def contents(self) -> Section:
        return sections.contents(self.t, self.audit)

    def summary(self) -> Section:
        return sections.summary(self.t, self.audit)

    def data(self) -> Section:
        return sections.data_overview(self.t, self.audit)

    def funnel(self) -> Section:
        return sections.funnel_section(self.t, self.audit)

    def funnel_deep_dive(self) -> Section:
        """Extra funnel views for the analyst (funnel.ipynb)."""
        return funnel_section.deep_dive(self.t, self.audit)

    def funnel_whatif(self):
        """Live what-if sliders over the funnel (ipywidgets)."""
        from workbench.present.funnel_widgets import FunnelWhatIf

        return FunnelWhatIf(self.audit.funnel, self.t).widget()

    def customers(self) -> Section:
        return sections.customers_section(self.t, self.audit)

    def plan(self) -> Section:
        return sections.plan_section(self.t, self.audit)

    def activity(self) -> Section:
        return sections.activity_section(self.t, self.audit)

    def actions(self) -> Section:
        return sections.actions_section(self.t, self.audit)

    def methodology(self) -> Section:
        return sections.methodology_section(self.t, self.audit)

    def appendix_data(self) -> Section:
        return sections.appendix_data_section(self.t, self.audit)

    def metrics(self) -> dict[str, Any]:
        """metrics.json as a dict (the contract is schemas/metrics.schema.json)."""
        return build_metrics(self.audit, self.parameters, self.locale)

    def write_outputs(self, output_dir: str | Path) -> list[Path]:
        """Write metrics.json and the quarantined rows into ``output_dir`` (atomically)."""
        if not output_dir:
            return []
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        metrics_path = write_text(out / METRICS_FILE, dumps(self.metrics()) + "\n")
        quarantine = client_quarantine(self.t, self.audit.data.quarantine, self.audit.data.reports)
        written = [metrics_path, write_csv(out / QUARANTINE_FILE, quarantine)]
        xlsx = write_xlsx(out / QUARANTINE_XLSX, quarantine, "quarantine")
        return written + ([xlsx] if xlsx else [])
