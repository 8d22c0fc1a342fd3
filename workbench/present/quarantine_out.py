"""quarantine.csv / .xlsx for the client: every row with its value and a suggested fix in the report's
language (the loading leaves a fix only where it found a specific one, e.g. the nearest stage)."""

from __future__ import annotations

import pandas as pd

from workbench.io.quarantine import QUARANTINE_COLUMNS, TableReport
from workbench.present.data_quality import field_name
from workbench.present.i18n import Messages


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
    return out
