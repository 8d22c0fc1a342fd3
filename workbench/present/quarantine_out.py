"""quarantine.csv / .xlsx for the client, in the report's language: every row with its value, what is
wrong with it and a suggested fix (the loading leaves a fix only where it found a specific one, e.g. the
nearest stage). The ``reason`` column keeps its code for machines; ``field`` is the file's own header."""

from __future__ import annotations

import pandas as pd

from workbench.io.quarantine import QUARANTINE_COLUMNS, TableReport
from workbench.present.data_quality import detail_text, field_name, issue_label
from workbench.present.i18n import Messages


def _detail(t: Messages, reason: str, detail: object, report: TableReport | None) -> str:
    label = issue_label(t, report, reason) if report is not None else reason
    worded = detail_text(t, detail)
    return f"{label}: {worded}" if worded else label


def suggested_fix(t: Messages, reason: str, field: str, hint: object, report: TableReport | None) -> str:
    """The fix of one quarantined row: the specific hint put in words, else the reason's usual fix."""
    name = reason.partition(":")[0]
    column = field_name(t, report, field) if report is not None else field
    if isinstance(hint, str) and hint:
        key = f"appendix_data.fixes.{name}_hint"
        return t(key, hint=hint, field=column) if t.has(key) else hint
    key = f"appendix_data.fixes.{name}"
    return t(key if t.has(key) else "appendix_data.fixes.other", field=column)


def client_quarantine(t: Messages, frame: pd.DataFrame, reports: dict[str, TableReport]) -> pd.DataFrame:
    """The quarantined rows with a suggested fix on every row (one text per reason, field and hint)."""
    out = frame.reindex(columns=QUARANTINE_COLUMNS).copy()
    if out.empty:
        return out
    parts = out[["table", "reason", "field", "hint"]].astype(object)
    keys = parts.where(parts.notna(), None)
    cache: dict[tuple, str] = {}
    fixes = []
    for key in keys.itertuples(index=False, name=None):
        if key not in cache:
            table, reason, field, hint = key
            cache[key] = suggested_fix(t, str(reason), str(field or ""), hint, reports.get(str(table)))
        fixes.append(cache[key])
    out["hint"] = pd.Series(fixes, index=out.index, dtype="string")
    worded: dict[tuple, str] = {}
    details = []
    for key in out[["table", "reason", "detail"]].astype(object).itertuples(index=False, name=None):
        if key not in worded:  # a million events of one kind cost one wording
            table, reason, detail = key
            worded[key] = _detail(t, str(reason), detail, reports.get(str(table)))
        details.append(worded[key])
    out["detail"] = pd.Series(details, index=out.index, dtype="string")
    fields = {
        (table, field): field_name(t, reports[table], field) if table in reports and field else field
        for table, field in set(out[["table", "field"]].fillna("").itertuples(index=False, name=None))
    }
    out["field"] = [
        fields[(table, field)]
        for table, field in out[["table", "field"]].fillna("").itertuples(index=False, name=None)
    ]
    return out
