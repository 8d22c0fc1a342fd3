"""The state of each of the 11 layers: problems found, nothing found in what was assessed, or not assessed.

A layer is "ok" only when this audit actually assessed it: an analysis of the data looked at it, or the
questionnaire's answers score it, and its score is not weak. A layer without a finding whose score is below
half ("weak", e.g. the management cycle scoring 0 without weekly plans or an activity log) never reads
"no problems found" beside its zero. A layer neither looked at (for example motivation without answers while
the pay scheme is not modelled) says "not assessed", never a green all-clear. Each layer carries its
scorecard score (0-100, None when not assessed) and the score's basis.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.analysis.result import AuditResult
from workbench.findings.model import Finding, Layer, Severity
from workbench.intake.model import WEAK_BELOW


@dataclass(frozen=True)
class LayerStatus:
    """One layer of the sales system in this audit."""

    number: int
    status: str  # "problems", "weak", "ok" or "not_assessed"
    findings: int
    severity: str | None  # the worst finding's
    score: float | None = None  # the scorecard's 0-100
    basis: str | None = None  # "answers", "data" or "both"


def assessed_layers(result: AuditResult) -> set[int]:
    """Layers whose state the data of this audit let an analysis judge."""
    layers = {Layer.PLANNING}
    data = getattr(result, "data", None)
    if data is None or data.has_deals:  # the funnel shows the management cycle and the quality of actions
        layers |= {Layer.MANAGEMENT_CYCLE, Layer.QUALITY_OF_ACTIONS}
    if result.activity.available:
        layers.add(Layer.REGULAR_ACTIONS)
    if result.abc is not None:
        layers.add(Layer.SEGMENTATION)
    if result.motivation is not None and result.motivation.available:
        layers.add(Layer.MOTIVATION)
    if result.decomposition is not None and result.decomposition.over_capacity is not None:
        layers.add(Layer.RESOURCES)
    assessed = {int(layer) for layer in layers}
    intake = getattr(result, "intake", None)
    if intake is not None:
        assessed |= {x.layer for x in intake.layers if x.score is not None}
    return assessed


def layer_statuses(result: AuditResult, findings: list[Finding]) -> list[LayerStatus]:
    """The 11 layers in order, each with its status, its worst finding's severity and its score."""
    assessed = assessed_layers(result)
    intake = getattr(result, "intake", None)
    out = []
    for layer in Layer:
        found = [f for f in findings if f.layer == layer]
        worst = min((Severity(f.severity) for f in found), key=lambda s: s.rank, default=None)
        card = intake.layer(int(layer)) if intake is not None else None
        score = card.score if card else None
        weak = score is not None and score < 100 * WEAK_BELOW
        status = (
            "problems" if found else "not_assessed" if layer not in assessed else "weak" if weak else "ok"
        )
        out.append(
            LayerStatus(
                int(layer),
                status,
                len(found),
                str(worst) if worst else None,
                score,
                card.basis if card else None,
            )
        )
    return out
