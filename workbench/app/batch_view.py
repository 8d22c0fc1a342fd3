"""The batch's text on the terminal: a progress line per finished client and the final table."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.app.batch import JobOutcome, Progress


def format_progress(progress: Progress) -> str:
    """``[ 3/20] ok      demo-03   15.2 s · done 3, running 2, failed 0``"""
    last = progress.last
    width = len(str(progress.total))
    status = "ok" if last.ok else "FAILED"
    return (
        f"[{progress.done:>{width}}/{progress.total}] {status:<6} {last.slug}  {last.seconds:.1f} s · "
        f"done {progress.done - progress.failed}, running {progress.running}, failed {progress.failed}"
    )


def _where(outcome: JobOutcome) -> str:
    if outcome.ok:
        return str(outcome.report or outcome.out_dir or "")
    cell = f"cell {outcome.cell_index}: " if outcome.cell_index is not None else ""
    return f"{cell}{outcome.error}"


def format_table(outcomes: Sequence[JobOutcome]) -> str:
    """Client, status, time, and the report's path or the failing cell with its error."""
    header = ("client", "status", "time", "report / failure")
    rows = [(o.slug, "ok" if o.ok else "FAILED", f"{o.seconds:.1f} s", _where(o)) for o in outcomes]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len(header[3]))
    return "\n".join(lines)
