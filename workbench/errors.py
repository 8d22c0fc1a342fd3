"""Named exception types. Each carries the facts a user needs to fix the problem.

The CLI prints the error as one paragraph; nothing else of the traceback reaches the user. ``str(error)``
is English (logs, FAILED.txt, tests); an error that carries a message ``key`` (with its ``params``) is
printed by the commands in the client's language from the message catalogues (``errors.<key>``), with
the same file, row and field named.
"""

from __future__ import annotations

from typing import Any


class WorkbenchError(Exception):
    """Base class of every error the workbench reports to a user."""

    key: str | None = None  # the message of errors.<key> in the catalogues, when there is one
    params: dict[str, Any] | None = None

    def worded(self, key: str, **params: Any) -> WorkbenchError:
        """This error with its message key and parameters, for the client's language."""
        self.key, self.params = key, params
        return self


class ConfigError(WorkbenchError):
    """``client.yaml`` (or another configuration file) is missing, unreadable or invalid."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "; ".join(problems)
        super().__init__(f"{path}: {lines}")


class DataError(WorkbenchError):
    """A client data file cannot be read at all (as opposed to single bad rows, which are quarantined)."""

    def __init__(self, path: str, problem: str, *, field: str | None = None, row: int | None = None):
        self.path = path
        self.problem = problem
        self.field = field
        self.row = row
        where = path
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


class RunError(WorkbenchError):
    """An audit run failed; nothing client-facing was written."""

    def __init__(
        self,
        message: str,
        *,
        notebook_path: str | None = None,
        cell_index: int | None = None,
        cause: str | None = None,
    ):
        self.notebook_path = notebook_path
        self.cell_index = cell_index
        self.cause = cause
        super().__init__(message)
