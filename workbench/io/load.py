"""Load every configured file of a client into canonical tables, with the data-quality accounting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.config import ClientConfig, TableSource, iter_sources, load_config, resolve_data_path
from workbench.io import rules
from workbench.io.canonical import build_canonical, require_column
from workbench.io.parse import parse_numbers
from workbench.io.quarantine import Quarantine, TableReport, empty_quarantine
from workbench.io.read import RawTable, read_raw
from workbench.tables import column_names

Progress = Callable[[str], None]
ALL_ACTIONS = "total"  # action type of activities exported without a type column


@dataclass
class ClientData:
    """A client's configuration, canonical tables, per-file accounting and quarantined rows."""

    config: ClientConfig
    client_dir: Path
    tables: dict[str, pd.DataFrame]
    reports: dict[str, TableReport]
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)

    def get(self, table: str) -> pd.DataFrame | None:
        """The canonical table, or None when the client has no such file."""
        return self.tables.get(table)

    @property
    def deals(self) -> pd.DataFrame:
        return self.tables["deals"]


def load_client(client_dir: Path | str, progress: Progress | None = None) -> ClientData:
    """Read ``client.yaml`` and every data file it names. Input files are only ever opened for reading."""
    client_dir = Path(client_dir)
    config = load_config(client_dir)
    return load_tables(config, client_dir, progress)


def load_tables(config: ClientConfig, client_dir: Path, progress: Progress | None = None) -> ClientData:
    """Load the configured tables of an already validated configuration."""
    tables: dict[str, pd.DataFrame] = {}
    reports: dict[str, TableReport] = {}
    quarantines: list[pd.DataFrame] = []
    # Deals first: stage events are checked against them.
    for table, source in iter_sources(config):
        if progress:
            progress(f"{table}: {source.file}")
        raw = read_raw(
            resolve_data_path(client_dir, source.file),
            source.file,
            sheet=source.sheet,
            encoding=source.encoding,
            delimiter=source.delimiter,
            header_row=source.header_row,
        )
        q = Quarantine(table, source.file)
        frame, mapping = _build(table, raw, source, config, tables, q)
        tables[table] = frame
        reports[table] = _report(table, source, raw, frame, mapping, q)
        quarantines.append(q.frame())
    if "stage_events" in tables:
        tables["deals"] = derive_lost_at_stage(tables["deals"], tables["stage_events"], config)
    quarantine = pd.concat(quarantines, ignore_index=True) if quarantines else empty_quarantine()
    return ClientData(config, client_dir, tables, reports, quarantine)


def _build(
    table: str,
    raw: RawTable,
    source: TableSource,
    config: ClientConfig,
    tables: dict[str, pd.DataFrame],
    q: Quarantine,
) -> tuple[pd.DataFrame, dict[str, str]]:
    if table == "activities" and source.type_columns:
        return _build_wide_activities(raw, source, q)
    if table == "activities" and "type" not in source.columns and "type" not in source.defaults:
        source = source.model_copy(update={"defaults": {**source.defaults, "type": ALL_ACTIONS}})
    later = _checked_later(table, source)
    frame, mapping = build_canonical(raw, source, table, q, later)
    if table == "deals":
        frame = rules.finish_deals(frame, config.funnel, q)
    elif table == "stage_events":
        frame = rules.finish_stage_events(frame, tables["deals"], config.funnel, q)
    elif table == "transactions":
        frame = rules.finish_transactions(frame, q, source.cleaning, "amount" in later)
    elif table == "activities":
        frame = rules.finish_activities(frame, "count" in mapping, q)
    elif table == "plans":
        frame = rules.finish_plans(frame, q)
    elif table == "customers":
        frame = rules.finish_customers(frame, q)
        frame = _criteria_columns(frame, raw, config, source, mapping, q)
    return frame, mapping


def _criteria_columns(
    frame: pd.DataFrame,
    raw: RawTable,
    config: ClientConfig,
    source: TableSource,
    mapping: dict[str, str],
    q: Quarantine,
) -> pd.DataFrame:
    """Numeric columns of the customers file named as segmentation criteria, parsed as numbers.

    A cell that is not a number leaves the criterion empty for that customer (a caveat, not an error).
    """
    nulls = frozenset(v.strip().casefold() for v in source.null_values)
    frame = frame.copy()
    for name in config.abc.segments.column_criteria:
        if name in frame.columns and name in mapping:
            continue  # a canonical numeric column such as cost_to_serve
        column = require_column(raw, name, f"abc.segments.weights.{name}")
        mapping[f"criterion[{name}]"] = column
        cells = raw.frame[column].reindex(frame.index)  # the rows kept, not those quarantined
        values, bad = parse_numbers(cells, nulls)
        q.warn(f"criterion_not_a_number:{name}", int(bad.sum()), cells[bad].head(3).tolist())
        frame[name] = values
    return frame


def _checked_later(table: str, source: TableSource) -> frozenset[str]:
    """Required columns whose empty cells the table's own rules handle (see ``build_canonical``)."""
    if table != "transactions":
        return frozenset()
    later = set()
    if "amount" not in source.columns:
        later.add("amount")  # quantity x unit price
    if source.cleaning.no_customer == "exclude":
        later.add("customer_id")
    return frozenset(later)


def _build_wide_activities(
    raw: RawTable, source: TableSource, q: Quarantine
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Activities kept as one count column per action type: one canonical row per (file row, type)."""
    defaults = {**source.defaults, "type": "(by column)"}
    base, mapping = build_canonical(raw, source.model_copy(update={"defaults": defaults}), "activities", q)
    nulls = frozenset(v.strip().casefold() for v in source.null_values)
    counts: dict[str, pd.Series] = {}
    for action, header in source.type_columns.items():
        column = require_column(raw, header, f"activities.type_columns.{action}")
        mapping[f"count[{action}]"] = column
        values, bad = parse_numbers(raw.frame[column].reindex(base.index), nulls)
        base = q.reject(
            base,
            bad | (values < 0),
            f"invalid_number:{action}",
            action,
            "expected a number of actions, 0 or more",
            raw_values=raw.frame[column],
        )
        counts[action] = values
    parts = []
    for action, values in counts.items():
        part = base[["manager", "date"]].copy()
        part["type"] = pd.Series(action, index=part.index, dtype="string")
        part["count"] = values.reindex(part.index)
        parts.append(part)
    long = pd.concat(parts) if parts else base[["manager", "date", "type", "count"]]
    q.warn("empty_count_as_zero", int(long["count"].isna().sum()))
    long["count"] = long["count"].fillna(0.0)
    return long, mapping


def _report(
    table: str,
    source: TableSource,
    raw: RawTable,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    q: Quarantine,
) -> TableReport:
    rows_read = raw.rows_read
    report = TableReport(
        table=table,
        file=source.file,
        rows_read=rows_read,
        rows_quarantined=q.count,
        rows_used=rows_read - q.count - q.excluded_rows,
        rows_excluded=q.excluded_rows,
        excluded=q.excluded,
        reasons=q.reasons(),
        warnings=dict(q.warnings),
        examples={**q.reason_examples(), **q.examples},
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        columns=mapping,
    )
    used_rows = frame.index.nunique()
    if used_rows != report.rows_used:
        raise AssertionError(
            f"{source.file}: rows used {used_rows} != read {rows_read} - quarantined {q.count} "
            f"- excluded {q.excluded_rows}"
        )
    return report


def derive_lost_at_stage(deals: pd.DataFrame, events: pd.DataFrame, config: ClientConfig) -> pd.DataFrame:
    """Fill ``lost_at_stage`` of lost deals from the history: the last working stage entered."""
    working = config.funnel.stages
    need = (deals["status"] == "lost") & deals["lost_at_stage"].isna()
    if not need.any():
        return deals
    history = events[events["stage"].isin(working)].sort_values("entered_at", kind="stable")
    last = history.groupby("deal_id", sort=False)["stage"].last()
    deals = deals.copy()
    deals.loc[need, "lost_at_stage"] = deals.loc[need, "deal_id"].map(last).astype("string")
    return deals


def canonical_only(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The contract columns of a canonical table, without the extra columns of the client's file."""
    return frame[column_names(table)]
