"""A client's earlier audits: the metrics.json files under ``<client>/reports/<date>/``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from workbench.errors import DataError

REPORTS_FOLDER = "reports"
METRICS_FILE = "metrics.json"


def read_metrics(path: Path) -> dict[str, Any]:
    """A metrics.json document; DataError names the file when it is not a JSON object."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(
            str(path), f"expected a metrics.json document written by an audit ({error})"
        ) from None
    if not isinstance(document, dict):
        raise DataError(str(path), "expected a JSON object (a metrics.json document)")
    return document


def _as_of(document: dict[str, Any]) -> dt.date | None:
    run = document.get("run")
    value = run.get("as_of") if isinstance(run, dict) else None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def previous_metrics(
    client_dir: Path, before: dt.date, exclude: Path | None = None
) -> tuple[Path, dict[str, Any]] | None:
    """The latest earlier audit of the client: the metrics.json under ``reports/`` with the latest report
    date before ``before``, except the one in ``exclude`` (this run's folder). Files that are not
    readable metrics documents are passed over: an old broken run does not stop the portfolio."""
    folder = Path(client_dir) / REPORTS_FOLDER
    if not folder.is_dir():
        return None
    skip = Path(exclude).resolve() if exclude else None
    best: tuple[dt.date, Path, dict[str, Any]] | None = None
    for path in sorted(folder.glob(f"*/{METRICS_FILE}")):
        if skip is not None and path.parent.resolve() == skip:
            continue
        try:
            document = read_metrics(path)
        except DataError:
            continue
        when = _as_of(document)
        if when is None or when >= before:
            continue
        if best is None or when > best[0]:
            best = (when, path, document)
    return (best[1], best[2]) if best else None
