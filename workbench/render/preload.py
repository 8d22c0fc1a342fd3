"""The client's data handed from ``workbench audit`` to its kernel: read once, by the data check.

The command loads the client's data to check it before the notebook runs, and the kernel would load it
again in the notebook's first cell (a second or more of the run). Instead the command saves what it
loaded, with a fingerprint of the files the load read taken before it, into the kernel's private folder,
and the kernel reads it while it waits for the notebook (:func:`prime`). The notebook's load takes it
(:func:`take`) only for the same client folder and only while every file still has the size, time and
inode of the fingerprint; otherwise, and whenever the notebook runs any other way, it loads the files.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path
from typing import Any

from workbench.config import CONFIG_FILE, iter_sources, resolve_data_path
from workbench.io.load import INTAKE_FILE, ClientData

Fingerprint = tuple[tuple[str, tuple[int, ...] | None], ...]

_primed: tuple[str, Fingerprint, ClientData] | None = None


def fingerprint(client_dir: Path, config: Any) -> Fingerprint:
    """Path, size, modification time and inode of client.yaml, intake.yaml and every data file of
    ``config`` (``None`` for a missing file): what a load of ``client_dir`` reads."""
    paths = [client_dir / CONFIG_FILE, client_dir / INTAKE_FILE]
    paths += [resolve_data_path(client_dir, source.file) for _, source in iter_sources(config)]
    return tuple((str(path), _stat(path)) for path in paths)


def save(path: Path, client_dir: Path, before: Fingerprint, data: ClientData) -> None:
    """Write ``data``, loaded from ``client_dir`` after ``before`` was taken, for :func:`prime`."""
    with path.open("wb") as fh:
        pickle.dump((str(client_dir.resolve()), before, data), fh, protocol=pickle.HIGHEST_PROTOCOL)


def prime(path: str) -> None:
    """In the kernel: keep what :func:`save` wrote and remove the file (nothing when it is unreadable)."""
    global _primed
    with contextlib.suppress(Exception):
        with open(path, "rb") as fh:
            _primed = pickle.load(fh)  # written by this user's command, into a folder only it can read
        os.unlink(path)


def take(client_dir: Path) -> ClientData | None:
    """The primed data of ``client_dir`` if its files are unchanged since (once), else None."""
    global _primed
    primed, _primed = _primed, None
    if primed is None:
        return None
    where, before, data = primed
    if where != str(client_dir.resolve()) or _current(before) != before:
        return None
    data.client_dir = client_dir
    return data


def _current(before: Fingerprint) -> Fingerprint:
    return tuple((path, _stat(Path(path))) for path, _ in before)


def _stat(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
