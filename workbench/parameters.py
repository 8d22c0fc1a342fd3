"""The notebooks' parameters as papermill passes them: the report date and the client folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbench.errors import ConfigError
from workbench.resources import REPO_ROOT


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    """The report date: a date, an ISO string, or empty for today."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError("parameters", [f"as_of: expected a date like 2026-11-23, got {value!r}"]) from None


def resolve_client_dir(client_dir: str | Path) -> Path:
    """A client folder as given, or relative to the repository (a notebook in notebooks/ runs there)."""
    path = Path(client_dir)
    if path.is_absolute() or path.is_dir():
        return path
    candidate = REPO_ROOT / path
    return candidate if candidate.is_dir() else path
