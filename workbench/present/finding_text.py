"""A finding's title, evidence and recommendation in the report's language (no charts: metrics.json and
the report both use it)."""

from __future__ import annotations

from workbench.findings import Finding
from workbench.present.i18n import Messages

# Optional sentences of the evidence, each added when the finding's parameter says so.
OPTIONAL_EVIDENCE = (
    ("evidence_best", "best_worth_mentioning"),
    ("evidence_no_best", "no_better_manager"),
    ("evidence_step", "has_step"),
    ("evidence_time", "has_time"),
    ("evidence_stopped", "stopped"),
    ("evidence_priced", "priced"),
    ("evidence_recovered", "recovered"),
    ("evidence_ongoing", "ongoing"),
)


def finding_texts(t: Messages, finding: Finding) -> dict[str, str]:
    """Title, evidence and recommendation of a finding in the report's language."""
    key = f"findings.{finding.code}"
    params = {**finding.params, "impact": finding.impact_per_month}
    evidence = t(f"{key}.evidence", **params)
    for extra, flag in OPTIONAL_EVIDENCE:
        if t.has(f"{key}.{extra}") and params.get(flag):
            evidence = f"{evidence.rstrip()} {t(f'{key}.{extra}', **params).lstrip()}"
    return {
        "title": t(f"{key}.title", **params),
        "evidence": evidence,
        "recommendation": t(f"{key}.recommendation", **params),
    }
