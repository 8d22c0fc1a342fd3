"""``workbench check``: validate a client folder and summarise the quality of its data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.io.load import ClientData, load_client
from workbench.io.quarantine import TableReport, example_text

MIN_USABLE_DEALS = 1


@dataclass
class CheckResult:
    """Outcome of a check: the loaded data (if it loaded), blocking errors and notes."""

    client_dir: Path
    data: ClientData | None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_client(client_dir: Path | str) -> CheckResult:
    """Load everything the audit would load. Configuration and file errors propagate as exceptions."""
    client_dir = Path(client_dir)
    data = load_client(client_dir)
    result = CheckResult(client_dir, data)
    deals = data.reports["deals"]
    if deals.rows_used < MIN_USABLE_DEALS:
        result.errors.append(f"{deals.file}: no usable deals (all {deals.rows_read} rows quarantined)")
    stages = data.deals["stage"].value_counts()
    unused = [s for s in data.config.funnel.stages if s not in stages.index]
    if unused:
        result.notes.append("stages with no deal in the export right now: " + ", ".join(unused))
    return result


def _table_line(report: TableReport) -> str:
    line = (
        f"{report.table:<13} {report.file:<32} read {report.rows_read:>8,}  used {report.rows_used:>8,}  "
        f"quarantined {report.rows_quarantined:>6,}"
    )
    if report.rows_excluded:
        line += f"  excluded by rule {report.rows_excluded:>6,}"
    return line.replace(",", " ")


def format_check(result: CheckResult) -> str:
    """A plain-text summary for the terminal."""
    assert result.data is not None
    lines = [f"Client: {result.data.config.name} ({result.client_dir})", ""]
    for report in result.data.reports.values():
        lines.append(_table_line(report))
        for reason, count in report.reasons.items():
            examples = "; ".join(example_text(e) for e in report.examples.get(reason, [])[:2])
            lines.append(
                f"    quarantined  {count:>6}  {reason}" + (f"  e.g. {examples}" if examples else "")
            )
        for rule, effect in report.excluded.items():
            lines.append(
                f"    excluded     {effect['rows']:>6}  {rule} ({effect['amount']:,.2f})".replace(",", " ")
            )
        for warning, count in report.warnings.items():
            lines.append(f"    caveat       {count:>6}  {warning}")
    if result.notes:
        lines.append("")
        lines.extend(f"Note: {n}" for n in result.notes)
    lines.append("")
    if result.errors:
        lines.extend(f"ERROR: {e}" for e in result.errors)
    else:
        lines.append(
            "OK: the data can be audited (rows read = used + quarantined + excluded by rule for every file)."
        )
    return "\n".join(lines)
