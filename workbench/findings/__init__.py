"""Findings: rules declared once per domain (funnel, customers, plan, activity, data) over the analyses."""

from workbench.findings.model import Finding, Layer, Section, Severity, rank
from workbench.findings.registry import RULES, derive_findings, detect

__all__ = ["RULES", "Finding", "Layer", "Section", "Severity", "derive_findings", "detect", "rank"]
