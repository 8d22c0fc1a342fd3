"""Paths as the outputs record them: relative to the client folder, never the machine's absolute paths,
and never the hidden staging folder a run writes into before it moves the finished files in."""

from __future__ import annotations

import os
import re
from pathlib import Path

_STAGING = re.compile(r"\.(?P<name>.+)\.partial-\d+")


def staging_dir(out_dir: Path) -> Path:
    """The hidden folder next to ``out_dir`` where a run builds its files."""
    return out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"


def final_dir(path: Path) -> Path:
    """The output folder a staging folder stands for (any other folder as it is)."""
    match = _STAGING.fullmatch(path.name)
    return path.parent / match["name"] if match else path


def relative_to_client(path: str | Path, client_dir: Path) -> str:
    """``path`` relative to the client folder (``reports/2026-11-23``); a folder outside it by its name
    alone (``../<name>``); an empty path stays empty."""
    if not str(path):
        return ""
    target = final_dir(Path(path).resolve())
    base = client_dir.resolve()
    try:
        return target.relative_to(base).as_posix() or "."
    except ValueError:
        return f"../{target.name}"
