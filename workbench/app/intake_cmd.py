"""``workbench intake export`` and ``import``: the questionnaire as an Excel workbook for the client and
its answers back into ``intake.yaml``, never overwriting an answer silently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.config import CONFIG_FILE, ClientConfig, load_yaml, parse_config
from workbench.errors import ConfigError
from workbench.intake.merge import Change, MergePlan, plan_merge
from workbench.intake.model import questionnaire
from workbench.intake.store import intake_path, load_answers, save_answers
from workbench.intake.xlsx import export_xlsx, read_xlsx
from workbench.present.finding_text import answer_label
from workbench.present.i18n import Messages

EXPORT_FILE = "intake.xlsx"


def _config(client_dir: Path) -> ClientConfig:
    path = client_dir / CONFIG_FILE
    return parse_config(load_yaml(path), str(path))


def export_intake(
    client_dir: Path, out: Path | None = None, locale: str | None = None, force: bool = False
) -> Path:
    """Write the client's questionnaire (with the answers so far) as an XLSX workbook."""
    config = _config(client_dir)
    out = out or client_dir / EXPORT_FILE
    if out.exists() and not force:
        raise ConfigError(
            str(out), ["the file exists (it may hold the client's answers); pass --force or --out"]
        )
    return export_xlsx(out, load_answers(client_dir), locale or config.locale, config.name)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the plan, whether the changed answers were applied, the file written."""

    plan: MergePlan
    applied_changes: bool
    written: Path | None


def import_intake(client_dir: Path, workbook: Path, confirmed: bool = False) -> ImportResult:
    """Read a filled workbook into ``intake.yaml``: new answers always, changed ones only when confirmed."""
    config = _config(client_dir)
    current = load_answers(client_dir)
    plan = plan_merge(current, read_xlsx(workbook))
    if not plan.new and not (plan.changed and confirmed):
        return ImportResult(plan, False, None)
    written = save_answers(client_dir, plan.apply(current, confirmed), config.locale)
    return ImportResult(plan, confirmed and bool(plan.changed), written)


def describe(result: ImportResult, client_dir: Path, locale: str = "en") -> str:
    """The import's report for the terminal: what was added and what changes (old → new)."""
    t, q = Messages(locale), questionnaire()

    def line(change: Change) -> str:
        question = q.question(change.key)
        assert question is not None
        old = answer_label(t, question, change.old.value if change.old else None)
        new = answer_label(t, question, change.new.value)
        comment = f" (comment: {change.new.comment})" if change.new.comment else ""
        return f"  layer {question.layer}, {change.key}: {old} → {new}{comment}"

    plan = result.plan
    lines = [f"{len(plan.new)} new answer(s), {len(plan.changed)} changed, {plan.unchanged} unchanged."]
    if plan.new:
        lines += ["New:", *map(line, plan.new)]
    if plan.changed:
        lines += ["Changed:", *map(line, plan.changed)]
        if not result.applied_changes:
            lines.append(
                "The changed answers were NOT applied; run again with --yes to apply them"
                + (" (the new answers are saved)." if plan.new else ".")
            )
    lines.append(
        f"Written: {result.written}" if result.written else f"{intake_path(client_dir)} is unchanged."
    )
    return "\n".join(lines)
