"""Does the configured funnel fit the export? A funnel whose stages match few of the deals describes nothing.

When most deals sit at stages that client.yaml's funnel does not list (the scaffold's placeholder stages
with a real export, a funnel copied from another client), the load stops with a :class:`DataError` that
lists the stages found in the file, with their counts, and a ready ``funnel:`` block to paste.
"""

from __future__ import annotations

import re

import pandas as pd

from workbench.config import FunnelConfig, TableSource
from workbench.errors import DataError
from workbench.io.canonical import find_column, normalize_header
from workbench.io.parse import clean_text, parse_dates
from workbench.io.presets import TablePreset
from workbench.io.read import RawTable
from workbench.io.table_rules import DEFAULT_STATUS_VALUES, stage_lookup

MOSTLY_UNKNOWN = 0.5  # more than half of the deals at stages outside the funnel: the funnel does not fit
SHOWN_STAGES = 30


def stage_values(raw: RawTable, source: TableSource, spec: TablePreset | None) -> pd.Series | None:
    """The stage cells of a file as text (a preset's stage-code prefix removed), or None without a column."""
    header = source.columns.get("stage")
    column = find_column(raw, header) if header else None
    if column is None:
        return None
    nulls = frozenset(v.strip().casefold() for v in source.null_values)
    values = clean_text(raw.frame[column], nulls).dropna()
    if spec is not None and spec.stage_prefix:
        values = values.map(lambda v: re.sub(spec.stage_prefix, "", v.strip())).astype("string")
    return values.str.strip()


def history_order(raw: RawTable, source: TableSource, spec: TablePreset | None) -> list[str]:
    """Stages of a stage history in the order deals pass them (by their mean position within a deal)."""
    stages = stage_values(raw, source, spec)
    deal = find_column(raw, source.columns.get("deal_id", ""))
    when = find_column(raw, source.columns.get("entered_at", ""))
    if stages is None or deal is None or when is None or stages.empty:
        return []
    dates, _ = parse_dates(raw.frame[when].reindex(stages.index), frozenset())
    events = pd.DataFrame(
        {"deal": raw.frame[deal].reindex(stages.index).astype("string"), "stage": stages, "at": dates}
    ).dropna()
    if events.empty:
        return []
    events = events.sort_values(["deal", "at"], kind="stable")
    events["position"] = events.groupby("deal").cumcount()
    return list(events.groupby("stage")["position"].mean().sort_values(kind="stable").index)


def _kind(name: str, funnel: FunnelConfig, spec: TablePreset | None) -> str:
    key = normalize_header(name)
    target = stage_lookup(funnel).get(key)
    if target in funnel.won_stages:
        return "won"
    if target in funnel.lost_stages:
        return "lost"
    if target is not None:
        return "stage"
    won = {normalize_header(v) for v in [*DEFAULT_STATUS_VALUES["won"], *(spec.won if spec else [])]}
    lost = {normalize_header(v) for v in [*DEFAULT_STATUS_VALUES["lost"], *(spec.lost if spec else [])]}
    return "won" if key in won else "lost" if key in lost else "stage"


def _n(number: int) -> str:
    return f"{int(number):,}".replace(",", " ")


def _yaml_list(names: list[str]) -> str:
    return "[" + ", ".join(f'"{n}"' if re.search(r"[:,\[\]{}#&*!|>'\"%@`]", n) else n for n in names) + "]"


def check_funnel_fits(
    file: str,
    stages: pd.Series | None,
    unknown: int,
    funnel: FunnelConfig,
    spec: TablePreset | None = None,
    order: list[str] | None = None,
    field: str | None = None,
) -> None:
    """Raise a :class:`DataError` when more than half of the deals with a stage are at unknown stages.

    ``stages`` are the deals file's stage cells, ``unknown`` the deals quarantined for an unknown stage,
    ``order`` the stages in the order of the history (else they are listed by number of deals).
    """
    if stages is None or stages.empty or unknown <= MOSTLY_UNKNOWN * len(stages):
        return
    counts = stages.value_counts(sort=True)
    names = list(counts.index)
    if order:
        position = {normalize_header(s): i for i, s in enumerate(order)}
        names.sort(key=lambda s: position.get(normalize_header(s), len(position)))
    listed = ", ".join(f"{n} ({_n(counts[n])})" for n in names[:SHOWN_STAGES])
    if len(names) > SHOWN_STAGES:
        listed += f" and {len(names) - SHOWN_STAGES} more"
    kinds = {n: _kind(n, funnel, spec) for n in names}
    working = [n for n in names if kinds[n] == "stage"]
    won = [n for n in names if kinds[n] == "won"] or list(funnel.won_stages)
    lost = [n for n in names if kinds[n] == "lost"] or list(funnel.lost_stages)
    by = "in the order of the stage history" if order else "by number of deals"
    share = unknown / len(stages)
    block = (
        f"funnel: {{stages: {_yaml_list(working)}, won_stages: {_yaml_list(won)}, "
        f"lost_stages: {_yaml_list(lost)}}}"
    )
    shown = ", ".join(f"{n} ({_n(counts[n])})" for n in names[:SHOWN_STAGES])
    raise DataError(
        file,
        f"{_n(unknown)} of {_n(len(stages))} deals ({share:.0%}) are at stages that the funnel of "
        f"client.yaml "
        f"(funnel.stages, won_stages, lost_stages, stage_aliases) does not list, so the funnel would "
        f"describe almost none of them. Stages in the file, {by}: {listed}. A funnel that matches the "
        f"file: funnel: {{stages: {_yaml_list(working)}, won_stages: {_yaml_list(won)}, "
        f"lost_stages: {_yaml_list(lost)}}} (put the working stages in the order deals pass them; a stage "
        f"renamed in the CRM goes to funnel.stage_aliases).",
        field=field,
    ).worded(
        "funnel_fit",
        unknown=unknown,
        total=len(stages),
        share=share,
        stages=shown,
        more=max(0, len(names) - SHOWN_STAGES),
        history_order=bool(order),
        block=block,
    )
