"""``workbench check``: validate a client folder and summarise the quality of its data."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from workbench.intake.answers import parse_intake
from workbench.intake.model import questionnaire
from workbench.io.coverage import period_problems
from workbench.io.load import INTAKE_FILE, ClientData, load_client
from workbench.io.quarantine import TableReport
from workbench.present import data_quality as dq
from workbench.present.error_text import check_error_texts
from workbench.present.i18n import Messages

MIN_USABLE_DEALS = 1
WIDTH = 110


@dataclass
class CheckResult:
    """Outcome of a check: the loaded data (if it loaded), blocking errors and notes.

    Errors and notes are message keys of ``check.*`` with their parameters, worded in the check's language.
    """

    client_dir: Path
    data: ClientData | None
    errors: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    notes: list[tuple[str, dict[str, object]]] = field(default_factory=list)


def check_client(client_dir: Path | str) -> CheckResult:
    """Load everything the audit would load. Configuration and file errors propagate as exceptions."""
    client_dir = Path(client_dir)
    data = load_client(client_dir)
    result = CheckResult(client_dir, data)
    deals = data.reports.get("deals")
    if deals is not None and deals.rows_read == 0:
        result.errors.append(("no_deals_in_file", {"file": deals.file}))
    elif deals is not None and deals.rows_used < MIN_USABLE_DEALS:
        result.errors.append(("no_usable_deals", {"file": deals.file, "rows": deals.rows_read}))
    else:
        problems = period_problems(data.config, data.tables, data.reports)
        result.errors.extend(("period_problem", problem) for problem in problems)
    if deals is None:  # sales lines only: a customer-base audit without a funnel
        return result
    stages = data.deals["stage"].value_counts()
    unused = [s for s in data.config.funnel.stages if s not in stages.index]
    if unused:
        result.notes.append(("unused_stages", {"stages": ", ".join(unused)}))
    answers = parse_intake(data.intake, str(client_dir / INTAKE_FILE))  # an invalid file raises here
    total = len(questionnaire().questions())
    key = "intake_answered_migrated" if answers.migrated_from else "intake_answered"
    result.notes.append((key, {"file": INTAKE_FILE, "answered": len(answers.answered()), "total": total}))
    return result


def _table_line(t: Messages, report: TableReport) -> str:
    f = t.fmt
    line = (
        f"{report.table:<13} {report.file:<32} {t('check.read')} {f.num(report.rows_read):>8}  "
        f"{t('check.used')} {f.num(report.rows_used):>8}  "
        f"{t('check.quarantined')} {f.num(report.rows_quarantined):>6}"
    )
    if report.rows_excluded:
        line += f"  {t('check.excluded')} {f.num(report.rows_excluded):>6}"
    return line


def _wrapped(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent)


def _issue_lines(t: Messages, report: TableReport, kind: str) -> list[str]:
    lines = []
    label = t(f"check.{kind}")
    for code, count in (report.reasons if kind == "quarantined" else report.warnings).items():
        lines.append(f"    {label:<12} {t.fmt.num(count):>7}  {dq.issue_label(t, report, code)} [{code}]")
        examples = "; ".join(dq.example_label(t, e, report, code) for e in report.examples.get(code, [])[:2])
        if examples:
            # not wrapped: a value stays whole and findable
            lines.append(" " * 27 + f"{t('check.example')} {examples}")
        effect = dq.issue_effect(t, code)
        if effect:
            lines.extend(_wrapped(f"=> {effect}", 27))
        advice = dq.check_advice(t, code)
        if advice:
            lines.extend(_wrapped(f"=> {advice}", 27))
    return lines


def error_texts(result: CheckResult, t: Messages | None = None) -> list[str]:
    """The blocking errors of a check as sentences (in the client's language unless ``t`` says)."""
    assert result.data is not None
    t = t or Messages(result.data.config.locale, result.data.config.currency)
    return check_error_texts(t, result.errors)


def format_check(result: CheckResult, locale: str | None = None) -> str:
    """A plain-text summary for the terminal, in ``locale`` (default: the client's language)."""
    assert result.data is not None
    t = Messages(locale or result.data.config.locale, result.data.config.currency)
    lines = [t("check.client", name=result.data.config.name, folder=str(result.client_dir)), ""]
    for report in result.data.reports.values():
        lines.append(_table_line(t, report))
        lines.extend(_wrapped(dq.reading_text(t, report), 4))
        how = dq.format_text(t, report)
        lines.extend(_wrapped(how[:1].upper() + how[1:] + ".", 4))  # the encoding chosen, the delimiter
        lines.extend(_issue_lines(t, report, "quarantined"))
        for rule, effect in report.excluded.items():
            lines.append(
                f"    {t('check.excluded_short'):<12} {t.fmt.num(effect['rows']):>7}  "
                f"{t(f'appendix_data.excluded.{rule}')} [{rule}] ({t.fmt.money(effect['amount'])})"
            )
        lines.extend(_issue_lines(t, report, "caveat"))
    if result.notes:
        lines.append("")
        lines.extend(f"{t('check.note')}: {t('check.' + key, **params)}" for key, params in result.notes)
    lines.append("")
    if result.errors:
        lines.extend(f"{t('check.error')}: {text}" for text in error_texts(result, t))
    else:
        lines.append(t("check.ok"))
    return "\n".join(lines)
