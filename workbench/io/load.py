"""Load every configured file of a client into canonical tables, with the data-quality accounting."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.config import (
    ClientConfig,
    FunnelConfig,
    TableSource,
    iter_sources,
    load_config,
    load_yaml,
    resolve_data_path,
)
from workbench.frames import lookup
from workbench.io import table_rules as rules
from workbench.io.canonical import (
    build_canonical,
    empty_column,
    find_column,
    normalize_header,
    parse_column,
    require_column,
)
from workbench.io.cells import warn_far_dates
from workbench.io.consistency import check_consistency
from workbench.io.funnel_fit import check_funnel_fits, history_order, stage_values
from workbench.io.history_close import close_from_history
from workbench.io.mapping import PresetChoice, preset_funnel, resolve_mapping
from workbench.io.parse import clean_text, parse_numbers
from workbench.io.presets import EventFilter, TablePreset
from workbench.io.quarantine import Quarantine, TableReport, empty_quarantine
from workbench.io.read import RawTable, read_raw
from workbench.tables import TABLES, column_names

INTAKE_FILE = "intake.yaml"

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
    anonymized: bool = False
    intake: Any = None  # the contents of intake.yaml as read (validated by workbench.intake), None without it

    def get(self, table: str) -> pd.DataFrame | None:
        """The canonical table, or None when the client has no such file."""
        return self.tables.get(table)

    @property
    def deals(self) -> pd.DataFrame:
        return self.tables["deals"]

    @property
    def has_deals(self) -> bool:
        """False for a client with sales lines only (no deals file: the deals table is empty)."""
        return "deals" in self.reports


def load_client(client_dir: Path | str, progress: Progress | None = None) -> ClientData:
    """Read ``client.yaml`` and every data file it names. Input files are only ever opened for reading."""
    client_dir = Path(client_dir)
    config = load_config(client_dir)
    return load_tables(config, client_dir, progress)


@dataclass
class _Loaded:
    """One file on its way in: its canonical frame and everything its report needs."""

    source: TableSource
    raw: RawTable
    rows_read: int
    frame: pd.DataFrame
    mapping: dict[str, str]
    choice: PresetChoice
    quarantine: Quarantine
    spec: TablePreset | None = None


def load_tables(config: ClientConfig, client_dir: Path, progress: Progress | None = None) -> ClientData:
    """Load the configured tables of an already validated configuration."""
    loaded: dict[str, _Loaded] = {}
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
        rows_read = raw.rows_read
        q = Quarantine(table, source.file)
        for note in raw.notes:
            q.warn(note, 1)
        source, choice, spec = resolve_mapping(raw, source, table)
        funnel, aliases = preset_funnel(config.funnel, spec if table in STAGED else None)
        choice = dataclasses.replace(choice, stage_aliases=_aliases_used(raw, source, spec, aliases))
        if spec is not None and spec.events is not None:
            raw = _keep_stage_changes(raw, spec.events, q)
        tables = {t: item.frame for t, item in loaded.items()}
        frame, mapping = _build(table, raw, source, spec, funnel, config, tables, q)
        loaded[table] = _Loaded(source, raw, rows_read, frame, mapping, choice, q, spec)
    _check_funnel_fits(loaded, config.funnel)
    tables = {t: item.frame for t, item in loaded.items()}
    check_consistency(
        tables,
        {t: item.mapping for t, item in loaded.items()},
        {t: item.source for t, item in loaded.items()},
        {t: item.quarantine for t, item in loaded.items()},
    )
    if "stage_events" in tables:
        tables["deals"] = close_from_history(
            tables["deals"], tables["stage_events"], config.funnel, loaded["deals"].quarantine
        )
        tables["deals"] = derive_lost_at_stage(
            tables["deals"], tables["stage_events"], config.funnel, loaded["deals"].quarantine
        )
    if "deals" not in tables:  # sales lines only: no funnel, an empty deals table for the analyses
        tables["deals"] = empty_table("deals")
    reports = {t: _report(t, item, tables[t]) for t, item in loaded.items()}
    parts = [item.quarantine.frame() for item in loaded.values()]
    quarantine = pd.concat(parts, ignore_index=True) if parts else empty_quarantine()
    return ClientData(config, client_dir, tables, reports, quarantine, intake=read_intake(client_dir))


def read_intake(client_dir: Path) -> Any:
    """The contents of ``intake.yaml`` (questionnaire answers), or None when the client has none."""
    path = client_dir / INTAKE_FILE
    return load_yaml(path) if path.exists() else None


STAGED = ("deals", "stage_events")  # tables whose stages are read through the funnel


def _check_funnel_fits(loaded: dict[str, _Loaded], funnel: FunnelConfig) -> None:
    """Stop when most deals sit at stages the funnel does not list (see :mod:`workbench.io.funnel_fit`)."""
    deals = loaded.get("deals")
    if deals is None:
        return
    events = loaded.get("stage_events")
    order = history_order(events.raw, events.source, events.spec) if events is not None else []
    check_funnel_fits(
        deals.source.file,
        stage_values(deals.raw, deals.source, deals.spec),
        deals.quarantine.reason_count("unknown_stage"),
        preset_funnel(funnel, deals.spec)[0],
        deals.spec,
        order,
        deals.source.columns.get("stage"),
    )


def _aliases_used(
    raw: RawTable, source: TableSource, spec: TablePreset | None, aliases: dict[str, str]
) -> dict[str, str]:
    """The preset's stage names that occur in the file (the others need no mention)."""
    column = find_column(raw, source.columns["stage"]) if aliases and "stage" in source.columns else None
    if column is None:
        return {}
    values = raw.frame[column].dropna().astype(str).unique()
    if spec is not None and spec.stage_prefix:
        values = [re.sub(spec.stage_prefix, "", v.strip()) for v in values]
    present = {normalize_header(v) for v in values}
    return {a: s for a, s in aliases.items() if normalize_header(a) in present}


def _keep_stage_changes(raw: RawTable, events: EventFilter, q: Quarantine) -> RawTable:
    """Quarantine the events of other kinds of an event log (they are not part of the stage history)."""
    column = next((c for h in events.column if (c := find_column(raw, h)) is not None), None)
    if column is None:
        return raw
    keep = {normalize_header(v) for v in events.keep}
    kinds = clean_text(raw.frame[column])
    other = ~kinds.map(lambda v: isinstance(v, str) and normalize_header(v) in keep).astype(bool)
    frame = q.reject(
        raw.frame,
        other,
        "not_stage_change",
        column,
        "an event of another kind; only stage changes form the history",
    )
    return dataclasses.replace(raw, frame=frame)


def _build(
    table: str,
    raw: RawTable,
    source: TableSource,
    spec: TablePreset | None,
    funnel: FunnelConfig,
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
    warn_far_dates(frame, table, config.period.start, config.period.end, q)
    if spec is not None:
        frame = _apply_preset(frame, raw, source, spec, table, mapping)
    if table == "deals":
        frame = rules.finish_deals(frame, funnel, q, config.currency)
    elif table == "stage_events":
        frame = rules.finish_stage_events(frame, tables["deals"], funnel, q)
    elif table == "transactions":
        frame = rules.finish_transactions(frame, q, source.cleaning, "amount" in later)
    elif table == "activities":
        frame = rules.finish_activities(frame, "count" in mapping, q)
    elif table == "plans":
        frame = rules.finish_plans(frame, q)
    elif table == "customers":
        frame = rules.finish_customers(frame, q)
        frame = _criteria_columns(frame, raw, config, source, mapping, q)
    elif table in {"managers", "products"}:
        frame = rules.reject_duplicates(frame, [TABLES[table][0].name], q)
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
    if table == "deals":
        return frozenset({"created_at"})  # a deal without a creation date is still a deal at its stage
    if table != "transactions":
        return frozenset()
    later = set()
    if "amount" not in source.columns:
        later.add("amount")  # quantity x unit price
    if source.cleaning.no_customer == "exclude":
        later.add("customer_id")
    return frozenset(later)


def _apply_preset(
    frame: pd.DataFrame,
    raw: RawTable,
    source: TableSource,
    spec: TablePreset,
    table: str,
    mapping: dict[str, str],
) -> pd.DataFrame:
    """The preset's value rules: stage-code prefixes dropped, empty cells filled from other columns."""
    if spec.stage_prefix and "stage" in frame:
        frame["stage"] = frame["stage"].str.replace(spec.stage_prefix, "", regex=True)
    nulls = frozenset(v.strip().casefold() for v in source.null_values)
    for name, headers in spec.fill_from.items():
        column = next(c for c in TABLES[table] if c.name == name)
        for header in headers:
            found = find_column(raw, header)
            if found is None or not frame[name].isna().any():
                continue
            values, _ = parse_column(raw.frame[found].reindex(frame.index), column, nulls)
            frame[name] = frame[name].fillna(values)
            mapping.setdefault(f"{name} (fill)", found)
    return frame


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
    columns = column_names("activities")
    parts = []
    for action, values in counts.items():
        part = base[columns].copy()
        part["type"] = pd.Series(action, index=part.index, dtype="string")
        part["count"] = values.reindex(part.index)
        parts.append(part)
    long = pd.concat(parts) if parts else base[columns]
    q.warn("empty_count_as_zero", int(long["count"].isna().sum()))
    long["count"] = long["count"].fillna(0.0)
    return long, mapping


def _report(table: str, item: _Loaded, frame: pd.DataFrame) -> TableReport:
    q, raw = item.quarantine, item.raw
    report = TableReport(
        table=table,
        file=item.source.file,
        rows_read=item.rows_read,
        rows_quarantined=q.count,
        rows_used=item.rows_read - q.count - q.excluded_rows,
        rows_excluded=q.excluded_rows,
        excluded=q.excluded,
        reasons=q.reasons(),
        warnings=dict(q.warnings),
        examples={**q.reason_examples(), **q.examples},
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        file_format=raw.file_format,
        columns=item.mapping,
        preset=item.choice,
    )
    used_rows = frame.index.nunique()
    if used_rows != report.rows_used:
        raise AssertionError(
            f"{item.source.file}: rows used {used_rows} != read {item.rows_read} - quarantined {q.count} "
            f"- excluded {q.excluded_rows}"
        )
    return report


def derive_lost_at_stage(
    deals: pd.DataFrame, events: pd.DataFrame, funnel: FunnelConfig, q: Quarantine | None = None
) -> pd.DataFrame:
    """Fill ``lost_at_stage`` of lost deals from the history: the last working stage entered before the
    deal entered a lost stage (or the last one at all when the history does not show the loss)."""
    need = (deals["status"] == "lost") & deals["lost_at_stage"].isna()
    if not need.any():
        return deals
    history = events[events["deal_id"].isin(set(deals.loc[need, "deal_id"]))]
    history = history.sort_values(["entered_at"], kind="stable")
    lost_at = history[history["stage"].isin(funnel.lost_stages)].groupby("deal_id")["entered_at"].min()
    history = history[history["stage"].isin(funnel.stages)]
    cutoff = lookup(history["deal_id"], lost_at)
    history = history[cutoff.isna() | (history["entered_at"] <= cutoff)]
    last = history.groupby("deal_id", sort=False)["stage"].last()
    deals = deals.copy()
    derived = lookup(deals.loc[need, "deal_id"], last).astype("string")
    deals.loc[need, "lost_at_stage"] = derived
    if q is not None:
        ids = deals.loc[derived.dropna().index, "deal_id"]
        q.warn("lost_at_stage_from_history", len(ids), ids.head(3).tolist())
    return deals


def empty_table(table: str) -> pd.DataFrame:
    """A canonical table without rows, its columns typed as the contract says."""
    index = pd.Index([], dtype="int64", name="row")
    return pd.DataFrame({c.name: empty_column(c, index) for c in TABLES[table]}, index=index)


def canonical_only(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The contract columns of a canonical table, without the extra columns of the client's file."""
    return frame[column_names(table)]
