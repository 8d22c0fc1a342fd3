"""A workbench error in the client's language: the message of ``errors.<key>`` with the file, row and
field named as in the English text. An error without a worded message keeps its English text."""

from __future__ import annotations

from typing import Any

from workbench.errors import ConfigError, DataError, WorkbenchError
from workbench.present.data_quality import quote
from workbench.present.i18n import Messages


def error_text(t: Messages, error: WorkbenchError) -> str:
    """``path, row N, field «X»: what is wrong`` in ``t``'s language (English text when not worded)."""
    if error.key is None or not t.has(f"errors.{error.key}"):
        return str(error)
    body = t(f"errors.{error.key}", **_params(t, error.key, error.params or {}))
    return f"{_where(t, error)}: {body}"


def _where(t: Messages, error: WorkbenchError) -> str:
    if isinstance(error, DataError):
        parts = [error.path]
        if error.row is not None:
            parts.append(t("errors.row", row=error.row))
        if error.field is not None:
            parts.append(t("errors.field", field=error.field))
        return ", ".join(parts)
    if isinstance(error, ConfigError):
        return error.path
    return ""


def _params(t: Messages, key: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a message needs beyond the error's own: its optional parts, worded."""
    if key == "missing_column":
        columns = ", ".join(quote(t, c) for c in params["columns"])
        return {
            **params,
            "columns": columns + (" …" if params.get("more_columns") else ""),
            "suggestion_part": t("errors.missing_column_suggestion", suggestion=params["suggestion"])
            if params.get("suggestion")
            else "",
            "split_part": t("errors.missing_column_split", **params) if params.get("split_by") else "",
            "encoding_part": t("errors.missing_column_encoding", **params) if params.get("encoding") else "",
        }
    if key == "funnel_fit":
        order = "history" if params.get("history_order") else "count"
        more = t("errors.funnel_fit_more", more=params["more"]) if params.get("more") else ""
        return {**params, "order": t(f"errors.funnel_fit_order_{order}"), "more_part": more}
    if key == "cannot_audit":
        return {"problems": "; ".join(check_error_texts(t, params["errors"]))}
    if key == "data_files":
        return {
            "problems": "; ".join(
                t("errors.data_file_missing", loc=p["loc"], file=p["file"])
                if p["missing"]
                else f"{p['loc']}: {p['file']!r} {p['why']}"
                for p in params["problems"]
            )
        }
    if key == "config_invalid":
        return {"problems": "; ".join(_config_problem(t, p) for p in params["problems"])}
    return params


def _config_problem(t: Messages, problem: dict[str, Any]) -> str:
    """One invalid field of client.yaml: the field and what it needs (the English text for the rest)."""
    key = f"errors.expected.{problem['type']}"
    if not t.has(key):
        return str(problem["text"])
    got = t("errors.config_got", got=problem["got"]) if problem.get("got") else ""
    return t("errors.config_problem", loc=problem["loc"], expected=t(key), got_part=got)


def check_error_texts(t: Messages, errors: list[tuple[str, dict[str, object]]]) -> list[str]:
    """Blocking errors of a check (message keys of ``check.*`` with their parameters) as sentences."""
    return [
        t(f"check.{key}", **(period_params(t, params) if key == "period_problem" else params))
        for key, params in errors
    ]


def period_params(t: Messages, problem: dict[str, object]) -> dict[str, object]:
    """The words of a period problem: what the table's rows are, and the dates the file does hold."""
    table = str(problem["table"])

    def day(value: object) -> str:
        return t.fmt.date(value, "short")  # type: ignore[arg-type]

    held = (
        t("check.period_held", first=day(problem["first"]), last=day(problem["last"]))
        if problem.get("first")
        else t("check.period_held_none")
    )
    remove = "" if table == "deals" else t("check.period_remove", table=table)
    words = {"what": t(f"check.period_what.{table}"), "held": held, "remove": remove}
    return {**problem, "start": day(problem["start"]), "end": day(problem["end"]), **words}
