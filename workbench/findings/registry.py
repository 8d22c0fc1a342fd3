"""Finding rules, each declared once with its code, layer, section and horizon, and its detector.

A detector reads the audit's analysis results and yields :class:`Hit` objects (severity, money, evidence);
the registry turns them into findings. Adding a finding means one decorated function in the module of its
domain (``findings/funnel.py``, ``customers.py``, ``plan.py``, ``motivation.py``, ``activity.py``,
``data.py``) and its texts in the message files. The questionnaire's rules (``findings/intake.py``) are
declared from its data, one per question, with their texts in ``workbench/intake/questionnaire.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.analysis.result import AuditResult
from workbench.findings.model import Finding, Layer, Section, Severity, rank


@dataclass(frozen=True)
class Hit:
    """One occurrence of a rule: ``key`` tells apart several hits of one rule (a manager, a step)."""

    severity: Severity
    params: dict[str, Any] = field(default_factory=dict)
    impact_per_month: float | None = None
    key: str = ""


Detector = Callable[[AuditResult], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A finding rule: what it is called, where it belongs, and how it is detected."""

    id: str  # the finding id, or its prefix when a rule hits several times
    code: str  # the message key of its texts
    layer: Layer | None
    section: Section
    horizon: int
    detect: Detector

    def findings(self, result: AuditResult) -> list[Finding]:
        return [
            Finding(
                id=f"{self.id}-{hit.key}" if hit.key else self.id,
                code=self.code,
                layer=int(self.layer) if self.layer is not None else None,
                severity=str(hit.severity),
                impact_per_month=hit.impact_per_month,
                section=str(self.section),
                horizon=self.horizon,
                params=hit.params,
            )
            for hit in self.detect(result)
        ]


RULES: dict[str, Rule] = {}


def rule(
    id: str, code: str, layer: Layer | None, section: Section, horizon: int
) -> Callable[[Detector], Detector]:
    """Declare a finding rule; the decorated function is its detector."""

    def register(detect: Detector) -> Detector:
        if code in RULES:
            raise ValueError(f"finding rule {code!r} is declared twice")
        RULES[code] = Rule(id, code, layer, section, horizon, detect)
        return detect

    return register


def detect(code: str, result: AuditResult) -> list[Finding]:
    """The findings of one rule (for tests and for a section that shows one rule)."""
    _load_rules()
    return RULES[code].findings(result)


def derive_findings(result: AuditResult) -> list[Finding]:
    """Every finding the analyses support, ranked."""
    _load_rules()
    return rank([finding for r in RULES.values() for finding in r.findings(result)])


def _load_rules() -> None:
    """Import the rule modules (each registers its rules once, on import)."""
    from workbench.findings import activity, customers, data, funnel, intake, motivation, plan  # noqa: F401
