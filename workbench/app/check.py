"""``workbench check``: validate a client folder and summarise the quality of its data."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from workbench.intake.answers import parse_intake
from workbench.intake.model import questionnaire
from workbench.io.load import INTAKE_FILE, ClientData, load_client
from workbench.io.quarantine import TableReport, example_text
from workbench.present import data_quality as dq
from workbench.present.i18n import Messages

MIN_USABLE_DEALS = 1
WIDTH = 110


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
    answers = parse_intake(data.intake, str(client_dir / INTAKE_FILE))  # an invalid file raises here
    total = len(questionnaire().questions())
    note = f"{INTAKE_FILE}: {len(answers.answered())} of {total} questions answered"
    if answers.migrated_from:
        note += " (first questionnaire format, read and converted)"
    result.notes.append(note)
    return result


def _table_line(report: TableReport) -> str:
    line = (
        f"{report.table:<13} {report.file:<32} read {report.rows_read:>8,}  used {report.rows_used:>8,}  "
        f"quarantined {report.rows_quarantined:>6,}"
    )
    if report.rows_excluded:
        line += f"  excluded by rule {report.rows_excluded:>6,}"
    return line.replace(",", " ")


def _wrapped(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent)


def _issue_lines(t: Messages, report: TableReport, kind: str) -> list[str]:
    lines = []
    for code, count in (report.reasons if kind == "quarantined" else report.warnings).items():
        lines.append(f"    {kind:<12} {count:>7}  {dq.issue_label(t, report, code)} [{code}]")
        examples = "; ".join(example_text(e) for e in report.examples.get(code, [])[:2])
        if examples:
            lines.append(" " * 27 + f"e.g. {examples}")  # not wrapped: a value stays whole and findable
        effect = dq.issue_effect(t, code)
        if effect:
            lines.extend(_wrapped(f"=> {effect}", 27))
    return lines


def format_check(result: CheckResult, locale: str = "en") -> str:
    """A plain-text summary for the terminal; labels and effects in ``locale``."""
    assert result.data is not None
    t = Messages(locale, result.data.config.currency)
    lines = [f"Client: {result.data.config.name} ({result.client_dir})", ""]
    for report in result.data.reports.values():
        lines.append(_table_line(report))
        lines.extend(_wrapped(dq.reading_text(t, report), 4))
        lines.extend(_issue_lines(t, report, "quarantined"))
        for rule, effect in report.excluded.items():
            lines.append(
                f"    {'excluded':<12} {effect['rows']:>7}  {rule} ({effect['amount']:,.2f})".replace(
                    ",", " "
                )
            )
        lines.extend(_issue_lines(t, report, "caveat"))
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
