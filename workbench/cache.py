"""What every audit would otherwise compute again as it starts, kept between audits: the section templates
compiled to Python (:mod:`workbench.present.html`), the packaged YAML (message catalogues, the
questionnaire, presets) parsed (:func:`parsed`).

Kept in a folder of this user's own in the temporary directory (created with mode 700 and checked to be
theirs, as Jinja does for its cache), keyed by a hash of the source text: an edited template or catalogue
is simply compiled or parsed again. Anything wrong with the folder or a file in it (missing, unwritable,
corrupt, another user's) means the work is done as if there were no cache; a cache never changes a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

FOLDER_PREFIX = "sales-audit-workbench-cache-"


@cache
def folder() -> Path | None:
    """This user's private cache folder, created if needed; None when it cannot be made safely."""
    if not hasattr(os, "getuid"):
        return None
    path = Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{os.getuid()}"
    try:
        path.mkdir(mode=stat.S_IRWXU)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        found = path.lstat()
    except OSError:
        return None
    mine = found.st_uid == os.getuid() and stat.S_ISDIR(found.st_mode)
    return path if mine and stat.S_IMODE(found.st_mode) == stat.S_IRWXU else None


def parsed(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, kept as JSON beside earlier results (when the result survives JSON unchanged)."""
    where = folder()
    if where is None:
        return parse(text)
    path = where / f"parsed-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(path.read_text("utf-8"))
    result = parse(text)
    with contextlib.suppress(OSError, TypeError, ValueError):
        encoded = json.dumps(result, ensure_ascii=False)
        if json.loads(encoded) == result:  # dates, tuples or non-string keys would not come back the same
            partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            try:
                partial.write_text(encoded, "utf-8")
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
    return result
