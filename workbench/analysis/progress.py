"""The re-audit comparison: an earlier run's metrics.json against this audit.

Layer scores and key figures then and now, and the findings resolved (in the earlier run, not now), new
(now, not then) and persisting (both), matched by their ids. An earlier document of schema 1.x is read as
far as it goes (a layer score before 1.3.0 is unknown, not zero); another major version is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import ConfigError

READABLE_MAJOR = 1
# Key figures: name -> (path in metrics.json, whether a higher value is better)
FIGURES: dict[str, tuple[tuple[str, ...], bool]] = {
    "revenue_per_month": (("summary", "revenue_won", "per_month"), True),
    "win_rate": (("funnel", "win_rate"), True),
    "avg_check": (("funnel", "avg_check"), True),
    "cycle_days": (("funnel", "cycle_days_median"), False),
    "plan_attainment": (("plan", "attainment"), True),
    "top1_share": (("abc", "concentration", "top1_share"), False),
    "intake_overall": (("intake", "overall"), True),
}


@dataclass(frozen=True)
class Snapshot:
    """What a run showed: its date, key figures, layer scores and findings (id -> title, severity)."""

    as_of: dt.date | None
    figures: dict[str, float | None]
    layers: dict[int, float | None]
    findings: dict[str, tuple[str, str]]  # id -> (title, severity)
    schema_version: str = ""


@dataclass(frozen=True)
class FigureChange:
    """A key figure then and now."""

    key: str
    before: float | None
    now: float | None
    change: float | None
    improved: bool | None  # None when either side is unknown or nothing changed


@dataclass(frozen=True)
class LayerChange:
    """A layer's score then and now (None: not assessed in that run)."""

    layer: int
    before: float | None
    now: float | None
    change: float | None


@dataclass(frozen=True)
class FindingChange:
    """A finding resolved, new or persisting."""

    id: str
    status: str  # "resolved", "new" or "persisting"
    title_before: str | None
    severity_before: str | None
    severity_now: str | None


@dataclass(frozen=True)
class Progress:
    """The comparison of this audit with an earlier run."""

    source: str
    schema_version: str
    as_of_before: dt.date | None
    as_of_now: dt.date
    figures: list[FigureChange]
    layers: list[LayerChange]
    findings: list[FindingChange] = field(default_factory=list)

    def json_derived(self) -> dict[str, object]:
        """metrics.json: how many findings were resolved, are new and persist."""
        return {s: sum(f.status == s for f in self.findings) for s in ("resolved", "new", "persisting")}

    def of(self, status: str) -> list[FindingChange]:
        return [f for f in self.findings if f.status == status]


def _get(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = document
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def snapshot_from_metrics(document: Mapping[str, Any], source: str) -> Snapshot:
    """The snapshot of an earlier run; a document this workbench cannot read is refused clearly."""
    version = document.get("schema_version")
    if not isinstance(version, str) or not version.split(".")[0].isdigit():
        raise ConfigError(source, ["--compare: no schema_version: not a metrics.json written by workbench"])
    if int(version.split(".")[0]) != READABLE_MAJOR:
        raise ConfigError(
            source,
            [f"--compare: schema_version {version} cannot be read (this workbench reads {READABLE_MAJOR}.x)"],
        )
    as_of = _get(document, ("run", "as_of"))
    try:
        when = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else None
    except ValueError:
        when = None
    layers = {
        int(row["layer"]): _number(row.get("score"))
        for row in _get(document, ("intake", "layers")) or []
        if isinstance(row, Mapping) and isinstance(row.get("layer"), int)
    }
    findings = {
        str(f["id"]): (str(f.get("title", f["id"])), str(f.get("severity", "")))
        for f in document.get("findings") or []
        if isinstance(f, Mapping) and "id" in f
    }
    figures = {key: _number(_get(document, path)) for key, (path, _) in FIGURES.items()}
    return Snapshot(when, figures, layers, findings, version)


def compare(before: Snapshot, now: Snapshot, source: str, as_of: dt.date) -> Progress:
    """Figures, layers and findings of an earlier run against this one."""
    figures = []
    for key, (_, higher_better) in FIGURES.items():
        a, b = before.figures.get(key), now.figures.get(key)
        change = b - a if a is not None and b is not None else None
        improved = None if not change else (change > 0) == higher_better
        figures.append(FigureChange(key, a, b, change, improved))
    layers = []
    for number in range(1, 12):
        a, b = before.layers.get(number), now.layers.get(number)
        layers.append(LayerChange(number, a, b, b - a if a is not None and b is not None else None))
    findings = [
        FindingChange(fid, "resolved", title, severity, None)
        for fid, (title, severity) in before.findings.items()
        if fid not in now.findings
    ]
    findings += [
        FindingChange(
            fid,
            "persisting" if fid in before.findings else "new",
            before.findings[fid][0] if fid in before.findings else None,
            before.findings[fid][1] if fid in before.findings else None,
            severity,
        )
        for fid, (_, severity) in now.findings.items()
    ]
    return Progress(source, before.schema_version, before.as_of, as_of, figures, layers, findings)
