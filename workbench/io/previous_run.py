"""An earlier run's metrics.json, for the re-audit comparison: find it and read it (never modified)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import ConfigError

METRICS_FILE = "metrics.json"


def latest_run(client_dir: Path, exclude: Path | None = None) -> Path:
    """The newest ``reports/<run>/metrics.json`` of the client (by its run time), other than ``exclude``'s."""
    runs = []
    for path in sorted((client_dir / "reports").glob(f"*/{METRICS_FILE}")):
        if exclude is not None and path.parent.resolve() == exclude.resolve():
            continue
        generated = str(read_metrics(path).get("run", {}).get("generated_at", ""))
        runs.append((generated, path.parent.name, path))
    if not runs:
        raise ConfigError(
            str(client_dir / "reports"),
            ["--compare: no earlier run with a metrics.json here; name one with --compare PATH/metrics.json"],
        )
    return max(runs)[2]


def read_metrics(path: Path) -> dict[str, Any]:
    """The JSON document of a metrics.json; a missing or broken file is named."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), ["--compare: file not found"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(str(path), [f"--compare: not a metrics.json (invalid JSON: {exc})"]) from None
    if not isinstance(document, dict):
        raise ConfigError(str(path), ["--compare: not a metrics.json (expected a JSON object)"])
    return document
