"""Limits on what the workbench reads and rules for where it writes: the answers to hostile input.

Every limit here is stated in the README's safety section. A value beyond a limit ends in a clear error
(the file, the row or field, what was expected) or a counted quarantine, never in a hang or a crash.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path

from workbench.errors import ConfigError

DEFAULT_MAX_FILE_MB = 1024
MAX_CONFIG_BYTES = 1024 * 1024  # client.yaml
MAX_YAML_DEPTH = 32  # nested lists and mappings in a YAML file
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_NAME_CHARS = 1_000  # a name, stage, source, product or other text the analyses group by
MAX_AMOUNT = 1e12  # one amount (a deal, a sales line, a plan) in the client's currency
MAX_LINES_IN_FIELD = 20  # a quoted field spanning more lines than this is an unbalanced quote
EARLIEST_DATE = dt.date(1900, 1, 1)  # dates outside these are quarantined
LATEST_DATE = dt.date(2100, 12, 31)
FAR_YEARS = 30  # dates this many years before or after the audited period get a caveat
PERIOD_FIRST_YEAR, PERIOD_LAST_YEAR = 1990, 2100  # the audited period must lie within these years

# C0 and C1 control characters except tab, line feed and carriage return; DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that are invisible or reorder text: zero-width, bidirectional marks, overrides, isolates.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def env_megabytes(variable: str = "WORKBENCH_MAX_FILE_MB", default: float = DEFAULT_MAX_FILE_MB) -> int:
    """A size limit in bytes from an environment variable in megabytes; refuses what is not a positive
    finite number, naming the variable."""
    text = os.environ.get(variable)
    if text is None or not text.strip():
        return int(default * 1024 * 1024)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or value > 1024 * 1024:
        raise ConfigError(
            variable,
            [f"expected a number of megabytes above 0 and up to 1048576 (such as 1024), got {text!r}"],
        )
    return int(value * 1024 * 1024)


def escape_controls(text: str) -> str:
    """``text`` with control characters written as ``\\x1b`` and the like: safe for a terminal, a CSV
    and an XLSX cell (where such characters are illegal), and still telling what was there."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters escaped, invisible and bidirectional ones shown
    as ``<U+202E>``, so that a message cannot move the cursor or reorder what follows it."""
    text = escape_controls(text).replace("\r", "\\r")  # a carriage return would overwrite the line
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


# Characters removed from names: controls (other than tab and line ends) and the invisible ones above.
UNSEEN = re.compile(f"{_CONTROL.pattern}|{INVISIBLE.pattern}")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab, line feed and carriage return."""
    return bool(_CONTROL.search(text))


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_output_folder(out_dir: Path, inputs: list[Path], client_dir: Path) -> None:
    """Refuse an output folder that is, contains or lies inside the folder of an input file.

    ``inputs`` are the client's data files and configuration; the client folder itself may hold the
    reports (in ``reports/``), but it is never the output folder, nor is any of its parents.
    """
    out = out_dir.resolve()
    root = client_dir.resolve()
    # The folder a file is named in and the folder it really lies in (a link inside the client folder).
    folders = [
        (p, f) for p in inputs for f in {Path(os.path.abspath(p)).parent.resolve(), p.resolve().parent}
    ]
    for path, folder in folders:
        same = out == folder
        contains = folder.is_relative_to(out)
        # Inside the folder of a data file: only the client folder itself may hold the report folders.
        inside = out.is_relative_to(folder) and folder != root
        if same or contains or inside:
            relation = "is" if same else "contains" if contains else "lies inside"
            raise ConfigError(
                "--out",
                [
                    f"the output folder {out} {relation} the folder of the input file {path}; the client's "
                    "files are only ever read, so write the report elsewhere (the default is "
                    f"{root / 'reports'}/<date>)"
                ],
            )


MAX_PATTERN_CHARS = 300  # a regular expression of client.yaml


def risky_pattern(pattern: str) -> str | None:
    """Why a regular expression could take exponential time (a repetition inside a repetition, such as
    ``(\\w+\\s?)+``, or alternatives of several characters under one, such as ``(a|aa)+``), or None. Such
    patterns are refused: matched against a long product name they can run for minutes."""
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    if len(pattern) > MAX_PATTERN_CHARS:
        return f"is longer than {MAX_PATTERN_CHARS} characters"
    repeats = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}

    atomic = getattr(sre, "ATOMIC_GROUP", None)

    def nested(items: object, inside: bool) -> bool:
        for op, av in items:  # type: ignore[attr-defined]
            if op in repeats:
                _low, high, body = av
                open_ended = high == sre.MAXREPEAT or high > 50
                if (open_ended and inside) or nested(body, inside or open_ended):
                    return True
                continue
            if op is sre.SUBPATTERN:
                children = [av[-1]]
            elif atomic is not None and op is atomic:
                children = [av]
            elif op is sre.BRANCH:
                if inside:  # alternatives under a repetition, like (a|aa)+, may overlap
                    return True
                children = list(av[1])
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                children = [av[1]]
            else:
                children = []
            if any(nested(child, inside) for child in children):
                return True
        return False

    try:
        tree = _parser.parse(pattern)
    except Exception:  # re.compile reports the syntax error itself
        return None
    if nested(tree, False):
        return (
            "repeats a group that itself repeats or holds alternatives (like (\\w+\\s?)+ or (ab|a)+), which "
            "can take exponential time; write it without the outer repetition, e.g. "
            "^[\\w\\s]+ по (сделке|договору)$"
        )
    return None
