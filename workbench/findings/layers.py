"""The state of each of the 11 layers: problems found, nothing found in what was analysed, or not assessed.

A layer is "ok" only when an analysis of this audit actually looked at it; a layer nothing analysed
(for example motivation while the pay scheme is not modelled) says "not assessed", never a green all-clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.analysis.result import AuditResult
from workbench.findings.model import Finding, Layer, Severity


@dataclass(frozen=True)
class LayerStatus:
    """One layer of the sales system in this audit."""

    number: int
    status: str  # "problems", "ok" or "not_assessed"
    findings: int
    severity: str | None  # the worst finding's


def assessed_layers(result: AuditResult) -> set[int]:
    """Layers whose state the data of this audit let an analysis judge."""
    layers = {Layer.PLANNING}
    if result.data.has_deals:  # the funnel shows the management cycle and the quality of actions
        layers |= {Layer.MANAGEMENT_CYCLE, Layer.QUALITY_OF_ACTIONS}
    if result.activity.available:
        layers.add(Layer.REGULAR_ACTIONS)
    if result.abc is not None:
        layers.add(Layer.SEGMENTATION)
    if result.motivation is not None and result.motivation.available:
        layers.add(Layer.MOTIVATION)
    if result.decomposition is not None and result.decomposition.over_capacity is not None:
        layers.add(Layer.RESOURCES)
    return {int(layer) for layer in layers}


def layer_statuses(result: AuditResult, findings: list[Finding]) -> list[LayerStatus]:
    """The 11 layers in order, each with its status and its worst finding's severity."""
    assessed = assessed_layers(result)
    out = []
    for layer in Layer:
        found = [f for f in findings if f.layer == layer]
        worst = min((Severity(f.severity) for f in found), key=lambda s: s.rank, default=None)
        status = "problems" if found else "ok" if layer in assessed else "not_assessed"
        out.append(LayerStatus(int(layer), status, len(found), str(worst) if worst else None))
    return out
