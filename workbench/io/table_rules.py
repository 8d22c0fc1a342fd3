"""Table-specific rules applied after parsing: stages and statuses, duplicates, plausibility checks.

Rows that cannot be used are quarantined with a reason; rows that are used with a caveat are counted as
warnings, so the data-quality section can say what each issue does to the conclusions.
"""

from __future__ import annotations

import pandas as pd

from workbench.config import FunnelConfig, TransactionRules
from workbench.frames import manager_only_on_won
from workbench.io import sales_cleaning as cleaning
from workbench.io.canonical import normalize_header, suggest
from workbench.io.history import warn_reversed_order
from workbench.io.plausibility import closed_before_created, warn_amount_outliers
from workbench.io.quarantine import Quarantine, row_summary

DEFAULT_STATUS_VALUES = {
    "won": {
        "won",
        "выиграна",
        "выиграно",
        "успешно",
        "успешно реализовано",
        "успех",
        "closed won",
        "closedwon",
    },
    "lost": {
        "lost",
        "проиграна",
        "проиграно",
        "закрыто и не реализовано",
        "отказ",
        "closed lost",
        "closedlost",
    },
    "open": {"open", "в работе", "открыта", "открыто", "active", "активна"},
}
DELETED_VALUES = {"deleted", "удалена", "удалено", "удалённая", "удаленная"}
# How exports write the rouble (and the ISO codes of other currencies are compared as they are).
CURRENCY_ALIASES = {
    "RUB": {"rub", "rur", "руб", "руб.", "рубль", "рублей", "российский рубль", "₽", "р.", "р"},
    "USD": {"usd", "$", "доллар", "доллар сша", "us dollar"},
    "EUR": {"eur", "€", "евро", "euro"},
}
PERIOD_VALUES = {
    "month": {"month", "месяц", "мес", "мес.", "m", "м"},
    "week": {"week", "неделя", "нед", "нед.", "w", "н"},
    "day": {"day", "день", "дн", "d", "д"},
}
NO_MANAGER = "—"


def stage_lookup(funnel: FunnelConfig) -> dict[str, str]:
    """Normalised stage text -> configured stage name (aliases included)."""
    lookup = {normalize_header(s): s for s in [*funnel.stages, *funnel.won_stages, *funnel.lost_stages]}
    for alias, target in funnel.stage_aliases.items():
        lookup[normalize_header(alias)] = target
    return lookup


def normalise_stages(values: pd.Series, funnel: FunnelConfig) -> tuple[pd.Series, pd.Series]:
    """Map exported stage names onto configured ones. Returns (stages, unknown mask)."""
    lookup = stage_lookup(funnel)
    uniques = values.dropna().unique()
    mapping = {v: lookup.get(normalize_header(str(v))) for v in uniques}
    mapped = values.map(mapping).astype("string")
    unknown = values.notna() & mapped.isna()
    return mapped, unknown


def nearest_stage(values: pd.Series, funnel: FunnelConfig) -> pd.Series:
    """The configured stage closest in spelling to each unknown stage (NA when nothing is close)."""
    options = [*funnel.stages, *funnel.won_stages, *funnel.lost_stages]
    mapping = {v: suggest(str(v), options) for v in values.dropna().unique()}
    return values.map(mapping).astype("string")


def stages_or_quarantine(frame: pd.DataFrame, funnel: FunnelConfig, q: Quarantine) -> pd.DataFrame:
    """The frame with its ``stage`` mapped onto configured stages; unknown stages quarantined with a hint."""
    raw_stage = frame["stage"]
    stage, unknown = normalise_stages(raw_stage, funnel)
    frame["stage"] = stage
    return q.reject(
        frame,
        unknown,
        "unknown_stage",
        "stage",
        UNKNOWN_STAGE_DETAIL,
        raw_values=raw_stage,
        hint=nearest_stage(raw_stage[unknown], funnel),
    )


UNKNOWN_STAGE_DETAIL = (
    "not a configured stage (add it to funnel.stages, or to funnel.stage_aliases if renamed)"
)


def finish_deals(
    deals: pd.DataFrame, funnel: FunnelConfig, q: Quarantine, currency: str | None = None
) -> pd.DataFrame:
    """Stages, statuses, duplicates and plausibility of the deals table.

    ``currency`` is the client's currency: amounts of deals in another currency become unknown.
    """
    deals = deals.copy()
    deals = stages_or_quarantine(deals, funnel, q)

    kinds = {s: "open" for s in funnel.stages}
    kinds.update({s: "won" for s in funnel.won_stages})
    kinds.update({s: "lost" for s in funnel.lost_stages})
    from_stage = deals["stage"].map(kinds).astype("string")
    if deals["status"].notna().any():
        status_map = {k: {normalize_header(v) for v in vals} for k, vals in DEFAULT_STATUS_VALUES.items()}
        for key, values in funnel.status_values.items():
            status_map[key] = status_map.get(key, set()) | {normalize_header(v) for v in values}
        lookup = {v: k for k, vals in status_map.items() for v in vals}
        configured = {normalize_header(v) for values in funnel.status_values.values() for v in values}
        deleted_values = DELETED_VALUES - configured  # client.yaml may count deleted deals as lost
        deleted = (
            deals["status"]
            .map(lambda v: isinstance(v, str) and normalize_header(v) in deleted_values)
            .astype(bool)
        )
        deals = q.reject(
            deals,
            deleted,
            "deleted_deal",
            "status",
            "the deal was deleted in the CRM",
            raw_values=deals["status"],
        )
        from_stage = from_stage.reindex(deals.index)
        raw_status = deals["status"]
        status = raw_status.map(lambda v: lookup.get(normalize_header(v)) if isinstance(v, str) else pd.NA)
        status = status.astype("string").fillna(from_stage)
        bad_status = raw_status.notna() & raw_status.map(
            lambda v: isinstance(v, str) and normalize_header(v) not in lookup
        ).astype(bool)
        deals["status"] = status
        deals = q.reject(
            deals,
            bad_status,
            "unknown_status",
            "status",
            "expected won, lost or open (or set funnel.status_values)",
            raw_values=raw_status,
        )
    else:
        deals["status"] = from_stage
    deals = q.reject(deals, deals["status"].isna(), "missing_value:stage", "stage")

    # A lost deal that still sits in a working stage (Pipedrive, HubSpot) was lost at that stage.
    working = set(funnel.stages)
    lost_in_working = (
        (deals["status"] == "lost") & deals["stage"].isin(working) & deals["lost_at_stage"].isna()
    )
    deals.loc[lost_in_working, "lost_at_stage"] = deals.loc[lost_in_working, "stage"]
    if deals["lost_at_stage"].notna().any():
        raw_lost_at = deals["lost_at_stage"]
        lost_at, _ = normalise_stages(raw_lost_at, funnel)
        not_working = raw_lost_at.notna() & ~lost_at.isin(working) & (deals["status"] == "lost")
        q.warn("unknown_lost_at_stage", int(not_working.sum()), raw_lost_at[not_working].head(3).tolist())
        deals["lost_at_stage"] = lost_at.where(lost_at.isin(working))
    deals.loc[deals["status"] != "lost", "lost_at_stage"] = pd.NA

    deals = reject_duplicates(deals, ["deal_id"], q)

    if currency and deals["currency"].notna().any():
        accepted = {currency.casefold(), *CURRENCY_ALIASES.get(currency.upper(), set())}
        foreign = deals["currency"].notna() & ~deals["currency"].str.strip().str.casefold().isin(accepted)
        foreign &= deals["amount"].notna()
        q.warn(
            "other_currency",
            int(foreign.sum()),
            [
                {"value": f"{i}: {c}"}
                for i, c in deals.loc[foreign, ["deal_id", "currency"]].head(3).to_numpy()
            ],
        )
        deals.loc[foreign, "amount"] = float("nan")
    open_dated = (deals["status"] == "open") & deals["closed_at"].notna()
    q.warn(
        "open_close_date_ignored", int(open_dated.sum()), deals.loc[open_dated, "deal_id"].head(3).tolist()
    )
    deals.loc[open_dated, "closed_at"] = pd.NaT

    zero = deals["amount"].eq(0)
    q.warn("zero_amount_as_unknown", int(zero.sum()), deals.loc[zero, "deal_id"].head(3).tolist())
    deals.loc[zero, "amount"] = float("nan")
    negative = deals["amount"] < 0
    q.warn("negative_amount", int(negative.sum()), deals.loc[negative, "deal_id"].head(3).tolist())
    deals.loc[negative, "amount"] = float("nan")
    won_no_amount = (deals["status"] == "won") & deals["amount"].isna()
    q.warn(
        "won_without_amount", int(won_no_amount.sum()), deals.loc[won_no_amount, "deal_id"].head(3).tolist()
    )
    closed = deals["status"].isin(["won", "lost"])
    no_close = closed & deals["closed_at"].isna()
    q.warn("closed_without_date", int(no_close.sum()), deals.loc[no_close, "deal_id"].head(3).tolist())
    warn_amount_outliers(deals, q)
    before, rounding = closed_before_created(deals)
    q.warn("closed_before_created", int(before.sum()), deals.loc[before, "deal_id"].head(3).tolist())
    # A close time seconds before the creation time: one timestamp lacks its seconds. The deal closed
    # when it was created; its cycle is zero, not negative.
    q.warn("closed_at_rounded", int(rounding.sum()), deals.loc[rounding, "deal_id"].head(3).tolist())
    deals.loc[rounding, "closed_at"] = deals.loc[rounding, "created_at"]
    undated = deals["created_at"].isna()
    # Still a deal at its stage: in the snapshot and the open counts, out of every figure over time.
    q.warn("no_created_at", int(undated.sum()), deals.loc[undated, "deal_id"].head(3).tolist())
    no_manager = deals["manager"].isna()
    q.warn("no_manager", int(no_manager.sum()), deals.loc[no_manager, "deal_id"].head(3).tolist())
    won = deals["status"] == "won"
    if manager_only_on_won(~no_manager, won):
        q.warn("manager_only_on_won", int(no_manager[~won].sum()))
    deals["manager"] = deals["manager"].fillna(NO_MANAGER)
    return deals


def reject_duplicates(frame: pd.DataFrame, keys: list[str], q: Quarantine) -> pd.DataFrame:
    """Quarantine repeats of ``keys`` after the first; identical repeated rows get their own reason."""
    # Only rows whose key repeats can repeat a whole row: compare every cell of those alone (fast).
    repeats = frame.duplicated(subset=keys, keep=False)
    candidates = frame.loc[repeats.to_numpy()]
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    identical = candidates.duplicated(subset=columns, keep="first").reindex(frame.index, fill_value=False)
    frame = q.reject(frame, identical, "duplicate_row", keys[0], "the same row appears earlier in the file")
    repeated = frame.duplicated(subset=keys, keep="first")
    first_row = frame.reset_index().groupby(keys, sort=False, dropna=False)["row"].transform("first")
    first_row.index = frame.index
    detail = "first seen in row " + first_row.astype("string")
    return q.reject(frame, repeated, f"duplicate_id:{keys[0]}", keys[0], detail)


def finish_stage_events(
    events: pd.DataFrame, deals: pd.DataFrame, funnel: FunnelConfig, q: Quarantine
) -> pd.DataFrame:
    """Normalise stages of the history and drop events of deals that are not in the deals table."""
    events = events.copy()
    events = stages_or_quarantine(events, funnel, q)
    orphan = ~events["deal_id"].isin(set(deals["deal_id"].dropna()))
    events = q.reject(
        events,
        orphan,
        "unknown_deal",
        "deal_id",
        "no usable deal with this id (missing from the deals file, or quarantined there)",
    )
    identical = events.duplicated(subset=["deal_id", "stage", "entered_at"], keep="first")
    events = q.reject(
        events, identical, "duplicate_row", "deal_id", "the same event appears earlier in the file"
    )
    warn_reversed_order(events, funnel, q)
    return events


def finish_transactions(
    lines: pd.DataFrame, q: Quarantine, rules: TransactionRules | None = None, derive: bool = False
) -> pd.DataFrame:
    """Amounts, the configured cleaning rules, plausibility: zero lines and refunds are kept and counted."""
    if derive:
        lines = cleaning.derive_amount(lines, q)
    rules = rules or TransactionRules()
    lines = cleaning.apply_rules(lines, rules, q)
    q.warn("zero_amount", int(lines["amount"].eq(0).sum()))
    # Lines of return documents are counted once, as "cancellation_lines"; these are the other refunds.
    in_returns = cleaning.is_cancellation(lines["document_id"], rules.cancellation_prefixes)
    refunds = (lines["amount"] < 0) & ~in_returns
    examples = [
        {"row": int(r), "value": row_summary(cells)} for r, cells in lines.loc[refunds].head(3).iterrows()
    ]
    q.warn("refund_lines", int(refunds.sum()), examples)
    return lines


def finish_activities(activities: pd.DataFrame, counted: bool, q: Quarantine) -> pd.DataFrame:
    """Counts: 1 per row when the file lists single actions, empty cells are 0, negatives are errors."""
    activities = activities.copy()
    if not counted:
        activities["count"] = 1.0
    empty = activities["count"].isna()
    q.warn("empty_count_as_zero", int(empty.sum()))
    activities["count"] = activities["count"].fillna(0.0)
    return q.reject(
        activities, activities["count"] < 0, "negative_count", "count", "expected 0 or more actions"
    )


def finish_plans(plans: pd.DataFrame, q: Quarantine) -> pd.DataFrame:
    """Normalise the plan period and align the period start to it."""
    plans = plans.copy()
    lookup = {v: k for k, vals in PERIOD_VALUES.items() for v in vals}
    raw_period = plans["period"]
    period = raw_period.fillna("month").map(lambda v: lookup.get(str(v).strip().casefold()))
    plans["period"] = period.astype("string")
    plans = q.reject(
        plans, period.isna(), "invalid_period", "period", "expected month, week or day", raw_values=raw_period
    )
    no_target = plans["target_revenue"].isna() & plans["target_deals"].isna()
    plans = q.reject(
        plans,
        no_target,
        "missing_value:target",
        "target_revenue",
        "neither target_revenue nor target_deals is given",
    )
    start = plans["period_start"].dt.normalize()
    aligned = start.copy()
    month = plans["period"] == "month"
    week = plans["period"] == "week"
    aligned[month] = start[month].dt.to_period("M").dt.start_time
    aligned[week] = start[week] - pd.to_timedelta(start[week].dt.day_of_week, unit="D")
    q.warn("period_start_aligned", int((aligned != start).sum()))
    plans["period_start"] = aligned.astype("datetime64[ns]")
    plans["manager"] = plans["manager"].astype("string")
    return reject_duplicates(plans, ["manager", "period_start", "period"], q) if len(plans) else plans


def finish_customers(customers: pd.DataFrame, q: Quarantine) -> pd.DataFrame:
    """One row per customer id."""
    return reject_duplicates(customers, ["customer_id"], q)
