"""``client.yaml``: typed configuration of one client, validated with pydantic.

Validation errors name the field (as a dotted path) and what was expected, e.g.
``client.yaml: period.end: expected a date like 2026-09-30, got 'сентябрь'``.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench.errors import ConfigError
from workbench.limits import (
    MAX_CONFIG_BYTES,
    MAX_YAML_DEPTH,
    PERIOD_FIRST_YEAR,
    PERIOD_LAST_YEAR,
    risky_pattern,
)
from workbench.resources import preset_names
from workbench.tables import TABLES, required_columns
from workbench.yaml_safe import guarded_load

CONFIG_FILE = "client.yaml"
NOT_FOUND = "not found in the client folder"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Period(_Model):
    """The audited period, both ends inclusive."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"the end date {self.end} is before the start date {self.start}")
        for end in (self.start, self.end):
            if not PERIOD_FIRST_YEAR <= end.year <= PERIOD_LAST_YEAR:
                raise ValueError(
                    f"expected dates between {PERIOD_FIRST_YEAR} and {PERIOD_LAST_YEAR}, got {end}"
                )
        return self

    @property
    def months(self) -> float:
        """Length of the period in months (30.44-day months), at least one day."""
        return ((self.end - self.start).days + 1) / 30.4375


class TableSource(_Model):
    """Where one canonical table comes from and how its columns map onto the canonical names."""

    file: str = Field(description="path of the file inside the client folder")
    sheet: str | int | None = Field(
        None, description="XLSX sheet name or 0-based index; first sheet if empty"
    )
    encoding: str = Field("auto", description="auto, utf-8, utf-8-sig, cp1251 or koi8-r")
    delimiter: Literal["auto", ",", ";", "\t", "|"] = "auto"
    header_row: int = Field(1, ge=1, description="1-based row that holds the column names")
    columns: dict[str, str] = Field(default_factory=dict, description="canonical name: header in the file")
    null_values: list[str] = Field(default_factory=list, description="extra cell values that mean 'empty'")
    defaults: dict[str, str] = Field(
        default_factory=dict, description="canonical name: value used when the file has no such column"
    )
    type_columns: dict[str, str] = Field(
        default_factory=dict,
        description="activities with one count column per action type: action type: header of its column",
    )
    preset: str = Field(
        "auto",
        description="auto (recognise the export by its headers), none (columns only) or a preset name",
    )
    merge_spellings: list[str] = Field(
        default_factory=list,
        description="canonical columns whose spellings that differ only in case, spaces or punctuation "
        "are merged into the most frequent one (otherwise they are only flagged)",
    )

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str) -> str:
        allowed = ["auto", "none", *preset_names()]
        if value.strip().casefold() not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return value.strip().casefold()

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        allowed = {"auto", "utf-8", "utf-8-sig", "cp1251", "windows-1251", "koi8-r", "latin-1", "utf-16"}
        if value.lower() not in allowed:
            raise ValueError(f"expected one of {sorted(allowed)}, got {value!r}")
        return value.lower()


class TransactionRules(_Model):
    """Cleaning rules for sales lines. Lines a rule removes are valid rows, not errors: they are counted
    per rule (rows and money) as "excluded by rule", apart from the quarantine."""

    cancellation_prefixes: list[str] = Field(
        default_factory=list,
        description="document numbers starting with one of these are cancellations (UCI: C)",
    )
    returns: Literal["net", "exclude"] = Field(
        "net",
        description="net: cancellations and returns (negative lines) reduce the customer's revenue; "
        "exclude: they are removed and counted",
    )
    non_product_codes: list[str] = Field(
        default_factory=list,
        description="product values that are not goods sold: postage, fees, adjustments (exact, any case)",
    )
    non_product_patterns: list[str] = Field(
        default_factory=list, description="regular expressions over the product for such lines"
    )
    no_customer: Literal["quarantine", "exclude"] = Field(
        "quarantine",
        description="lines without a customer: quarantine (an error in the export) or exclude (valid "
        "sales without a customer, such as retail, counted apart)",
    )

    @field_validator("non_product_patterns")
    @classmethod
    def _valid_patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
            if risk := risky_pattern(pattern):
                raise ValueError(f"{pattern!r} {risk}")
        return value


class TransactionSource(TableSource):
    """The sales lines' file, with its cleaning rules."""

    cleaning: TransactionRules = TransactionRules()


class DataSources(_Model):
    """The client's data files: the deals, or the sales lines alone (an accounting export, no CRM)."""

    deals: TableSource | None = None
    stage_events: TableSource | None = None
    transactions: TransactionSource | None = None
    customers: TableSource | None = None
    activities: TableSource | None = None
    managers: TableSource | None = None
    products: TableSource | None = None
    plans: TableSource | None = None

    @model_validator(mode="after")
    def _known_columns(self) -> DataSources:
        problems = []
        for table in TABLES:
            source: TableSource | None = getattr(self, table)
            if source is None:
                continue
            known = {c.name for c in TABLES[table]}
            for name in list(source.columns) + list(source.defaults) + source.merge_spellings:
                if name not in known:
                    problems.append(
                        f"{table}.columns: unknown canonical column {name!r}; expected one of "
                        + ", ".join(sorted(known))
                    )
            if source.preset != "none":
                continue  # the preset finds the rest in the file's headers; checked when the file is read
            missing = [
                c
                for c in required_columns(table)
                if c not in source.columns
                and c not in source.defaults
                and not _has_fallback(table, c, source)
            ]
            if missing:
                problems.append(
                    f"{table}.columns: required column(s) {', '.join(missing)} not mapped "
                    "(add 'canonical_name: header in the file')"
                )
        deals = self.deals
        if deals is None and self.transactions is None:
            problems.append(
                "deals: expected the deals file (the CRM export), or at least data.transactions "
                "(sales lines) for a customer-base audit without a funnel"
            )
        elif deals is None and self.stage_events is not None:
            problems.append("stage_events: a stage history needs the deals file (data.deals) it belongs to")
        elif deals is None:
            pass
        elif deals.preset == "none" and "stage" not in deals.columns and "status" not in deals.columns:
            problems.append("deals.columns: map 'stage' or 'status' (or both)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _has_fallback(table: str, column: str, source: TableSource) -> bool:
    """Required columns that have a documented default when absent: activities without a type count as
    'total'; a sales line's amount is quantity x unit price when the file has those instead."""
    if (table, column) == ("transactions", "amount"):
        return {"quantity", "unit_price"} <= set(source.columns)
    return (table, column) in {("activities", "type")}


class FunnelConfig(_Model):
    """The client's funnel: working stages in order and the terminal won / lost stages."""

    stages: list[str] = Field(min_length=1, description="working stages in order, first to last")
    won_stages: list[str] = Field(min_length=1, description="stage names that mean the deal was won")
    lost_stages: list[str] = Field(min_length=1, description="stage names that mean the deal was lost")
    stage_aliases: dict[str, str] = Field(
        default_factory=dict, description="renamed or misspelt stage in the export: configured stage"
    )
    counting: Literal["credit_skipped", "strict"] = Field(
        "credit_skipped",
        description="credit_skipped: a deal reached every stage up to its furthest; strict: stages entered",
    )
    status_values: dict[Literal["open", "won", "lost"], list[str]] = Field(
        default_factory=dict, description="when the export has a status column: its values per status"
    )
    min_deals_for_flag: int = Field(
        30, ge=1, description="a manager is compared at a stage only with this many"
    )

    @model_validator(mode="after")
    def _distinct(self) -> FunnelConfig:
        seen: dict[str, str] = {}
        for group in ("stages", "won_stages", "lost_stages"):
            for name in getattr(self, group):
                key = name.strip().casefold()
                if key in seen:
                    raise ValueError(f"stage {name!r} is listed twice (in {seen[key]} and {group})")
                seen[key] = group
        all_stages = set(self.stages) | set(self.won_stages) | set(self.lost_stages)
        for alias, target in self.stage_aliases.items():
            if target not in all_stages:
                raise ValueError(
                    f"stage_aliases: {alias!r} points to {target!r}, which is not a configured stage"
                )
        return self

    @property
    def won_label(self) -> str:
        """Name shown for the won step of the funnel."""
        return self.won_stages[0]


XYZ_PRESETS: dict[str, tuple[float, float]] = {"retail": (0.10, 0.25), "supply_chain": (0.5, 1.0)}
BUILTIN_CRITERIA = ("revenue", "margin", "frequency", "potential")


class XyzConfig(_Model):
    """XYZ: how steady the monthly values are (coefficient of variation)."""

    preset: Literal["retail", "supply_chain"] = Field(
        "retail", description="retail: X up to 10%, Y up to 25%; supply_chain: X up to 0.5, Y up to 1.0"
    )
    thresholds: tuple[float, float] | None = Field(
        None, description="CV limits of X and Y; overrides the preset"
    )
    months_without_sales: Literal["zero", "from_first_purchase"] = Field(
        "zero",
        description="zero: every complete month of the period counts, a month without sales as 0; "
        "from_first_purchase: months before an item's first sale are left out",
    )
    min_months: int = Field(3, ge=2, description="fewer complete months than this: no XYZ")

    @field_validator("thresholds")
    @classmethod
    def _ordered_limits(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not (0 < value[0] < value[1]):
            raise ValueError(f"expected two limits 0 < X < Y such as [0.1, 0.25], got {list(value)}")
        return value

    @property
    def limits(self) -> tuple[float, float]:
        """The CV limits in force: X while CV <= first, Y while CV <= second, else Z."""
        return self.thresholds or XYZ_PRESETS[self.preset]


class DClassConfig(_Model):
    """Rules that put a customer in class D, not worth the managers' time; a rule left empty is off."""

    min_margin: float | None = Field(0.0, description="margin over the period below this amount: D")
    min_margin_rate: float | None = Field(None, description="margin / revenue below this share: D")
    inactive_months: float | None = Field(
        6, gt=0, description="no purchase in the last N months of the period: D"
    )
    no_revenue: bool = Field(True, description="refunds equal to or above purchases over the period: D")
    cost_to_serve: bool = Field(True, description="cost to serve (customers file) above the margin: D")
    hours_per_deal: float = Field(3.0, ge=0, description="a manager's hours per deal (consultant's estimate)")
    hours_per_action: float = Field(0.5, ge=0, description="a manager's hours per call, meeting, ...")
    hour_cost: float | None = Field(
        None, gt=0, description="cost of a manager's hour; empty: motivation.base_salary / 164 hours"
    )


class SegmentsConfig(_Model):
    """Multi-criteria segmentation: a weighted score of criteria, each normalised to shares of its total."""

    weights: dict[str, float] = Field(
        default_factory=lambda: {"revenue": 0.4, "margin": 0.3, "frequency": 0.1, "potential": 0.2},
        description="criterion: weight; revenue, margin, frequency, potential or a numeric column of the "
        "customers file (its header)",
    )

    @field_validator("weights")
    @classmethod
    def _positive_weights(cls, value: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in value.values()):
            raise ValueError(f"expected weights of 0 or more, got {value}")
        if sum(value.values()) <= 0:
            raise ValueError("expected at least one positive weight")
        return value

    @property
    def column_criteria(self) -> list[str]:
        """Criteria taken from columns of the customers file."""
        return [c for c in self.weights if c not in BUILTIN_CRITERIA]


class MigrationConfig(_Model):
    """How class migration and falling customers are measured."""

    previous: Period | None = Field(
        None, description="compare the audited period with this one; empty: the halves of the audited period"
    )
    falling_share: float = Field(
        0.3, gt=0, lt=1, description="an A customer whose typical month fell by this share or more is falling"
    )
    stopped_months: int = Field(
        3,
        ge=1,
        description="a key customer without purchases in this many last complete months has stopped buying",
    )


class ConcentrationConfig(_Model):
    """When dependence on the largest customers becomes a finding."""

    top1: float = Field(
        0.20, gt=0, le=1, description="the largest customer's share of revenue that is a risk"
    )
    top3: float = Field(0.50, gt=0, le=1, description="the three largest customers' share that is a risk")


class AbcConfig(_Model):
    """ABC settings for customers (and products)."""

    mode: Literal["fixed", "computed"] = "fixed"
    thresholds: tuple[float, float] = (0.80, 0.95)
    metric: Literal["revenue", "margin", "quantity"] = "revenue"
    products: bool = Field(True, description="also an ABC of products when sales lines name the product")
    xyz: XyzConfig = XyzConfig()
    d_class: DClassConfig = DClassConfig()
    segments: SegmentsConfig = SegmentsConfig()
    migration: MigrationConfig = MigrationConfig()
    concentration: ConcentrationConfig = ConcentrationConfig()

    @field_validator("thresholds")
    @classmethod
    def _ordered_shares(cls, value: tuple[float, float]) -> tuple[float, float]:
        a, b = value
        if not (0 < a < b < 1):
            raise ValueError(f"expected two shares 0 < A < B < 1 such as [0.8, 0.95], got {list(value)}")
        return value


class PlanTarget(_Model):
    """The monthly revenue target decomposed backwards through the funnel."""

    revenue: float | None = Field(
        None, gt=0, description="monthly revenue target; empty: the department's latest monthly plan"
    )
    month: dt.date | None = Field(None, description="the month planned; empty: the month after the period")
    split: Literal["last_period", "capacity", "manual"] = Field(
        "last_period",
        description="last_period: by each manager's share of revenue; capacity: equally among the managers "
        "who sold; manual: the amounts in ``managers``",
    )
    managers: dict[str, float] = Field(default_factory=dict, description="manager: monthly target (manual)")
    delivery_capacity: float | None = Field(
        None, gt=0, description="orders a month the business can fulfil; the plan's won deals are checked"
    )

    @model_validator(mode="after")
    def _manual_has_amounts(self) -> PlanTarget:
        if self.split == "manual" and not self.managers:
            raise ValueError("managers: split 'manual' needs 'manager: amount' lines")
        return self


class CalendarConfig(_Model):
    """Working days: the Russian production calendar with the client's own changes."""

    country: str = Field("RU", description="country of the public holidays (holidays package code)")
    days_off: list[dt.date] = Field(default_factory=list, description="the client's extra days off")
    working_days: list[dt.date] = Field(default_factory=list, description="weekend days the client works")


class PlanConfig(_Model):
    """How plans are compared with fact."""

    weekly_split: Literal["working_days", "calendar_days"] = "working_days"
    attainment_warning: float = Field(0.9, gt=0, description="below this share of plan a week is marked")
    target: PlanTarget = Field(default_factory=lambda: PlanTarget(), description="the plan to decompose")
    calendar: CalendarConfig = Field(default_factory=lambda: CalendarConfig())


class ActivityConfig(_Model):
    """Thresholds for the regularity of managers' actions."""

    irregular_cv: float = Field(
        0.6, gt=0, description="weekly coefficient of variation above which work is irregular"
    )
    stage_actions: dict[str, str] = Field(
        default_factory=dict,
        description="action type: the funnel stage whose deals it works (calls: the call stage); the plan's "
        "deals at that stage give the actions it needs",
    )
    capacity_tolerance: float = Field(
        0.1, ge=0, lt=1, description="a manager is below what the plan needs when short by more than this"
    )
    feeds: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "action type -> the funnel stage whose step it feeds (calls, meetings, proposals); "
            "empty: matched by their words"
        ),
    )


class CommissionTier(_Model):
    """Commission rate that applies from a plan-attainment share upwards."""

    from_attainment: float = Field(ge=0)
    rate: float = Field(ge=0, le=1)


class Penalty(_Model):
    """A deduction (штраф) applied when attainment is below a share of plan."""

    below_attainment: float = Field(gt=0)
    amount: float = Field(ge=0)


class Accelerator(_Model):
    """Above ``from_attainment`` of plan, the commission earned on that part of the base is multiplied."""

    from_attainment: float = Field(ge=1, description="1.0 = from 100 % of plan")
    multiplier: float = Field(
        ge=1, description="1.5 = the commission on that part is paid one and a half times"
    )


class Spif(_Model):
    """A contest or short-term incentive (SPIF) paid on top of the scheme and outside its cap."""

    name: str = Field(min_length=1)
    amount: float = Field(gt=0, description="paid to each manager who qualifies in a month")
    kind: Literal["above_attainment", "best_manager"] = Field(
        "above_attainment",
        description="above_attainment: every manager at or above ``threshold`` of plan; best_manager: the "
        "month's manager with the highest revenue",
    )
    threshold: float | None = Field(None, gt=0, description="attainment share for above_attainment")

    @model_validator(mode="after")
    def _threshold_when_needed(self) -> Spif:
        if self.kind == "above_attainment" and self.threshold is None:
            raise ValueError(f"spif {self.name!r}: above_attainment needs a threshold such as 1.2")
        return self


class PayScheme(_Model):
    """A monthly pay scheme for a sales manager: base, commission, bonus, accelerators, cap, penalties."""

    base_salary: float = Field(0, ge=0, description="fixed monthly salary")
    commission_base: Literal["revenue", "margin"] = "revenue"
    tiers: list[CommissionTier] = Field(
        default_factory=list, description="commission rates by attainment; below the first tier none"
    )
    tier_mode: Literal["whole", "marginal"] = Field(
        "whole",
        description="whole: the rate of the tier reached applies to the whole base; marginal: each tier's "
        "rate applies only to the part of the base inside that tier",
    )
    plan_bonus: float = Field(0, ge=0, description="bonus for reaching bonus_threshold of the monthly plan")
    bonus_threshold: float = Field(1.0, gt=0, description="attainment share from which plan_bonus is paid")
    accelerators: list[Accelerator] = Field(default_factory=list)
    penalties: list[Penalty] = Field(default_factory=list)
    cap: float | None = Field(None, gt=0, description="maximum monthly variable pay (commission and bonus)")
    spif: list[Spif] = Field(default_factory=list, description="contests paid on top, outside the cap")

    @field_validator("tiers")
    @classmethod
    def _ordered_tiers(cls, value: list[CommissionTier]) -> list[CommissionTier]:
        starts = [t.from_attainment for t in value]
        if starts != sorted(set(starts)):
            raise ValueError(f"expected tiers in rising order of from_attainment, got {starts}")
        return value

    @field_validator("accelerators")
    @classmethod
    def _ordered_accelerators(cls, value: list[Accelerator]) -> list[Accelerator]:
        starts = [a.from_attainment for a in value]
        if starts != sorted(set(starts)):
            raise ValueError(f"expected accelerators in rising order of from_attainment, got {starts}")
        return value


class ProposedScheme(PayScheme):
    """A named alternative pay scheme compared with the current one on the same results."""

    name: str = Field(min_length=1)


class MotivationConfig(PayScheme):
    """The client's current pay scheme for sales managers (monthly), proposed alternatives and roles."""

    comfort_income: tuple[float, float] = Field(
        (70000, 100000), description="the monthly income managers are commonly content with: from, to"
    )
    roles: dict[str, PayScheme] = Field(
        default_factory=dict, description="role: its own scheme, for managers whose pay differs"
    )
    manager_roles: dict[str, str] = Field(default_factory=dict, description="manager: role")
    proposed: list[ProposedScheme] = Field(default_factory=list, description="named alternative schemes")
    cost_of_sales_limit: float = Field(
        0.10, gt=0, description="sales payroll above this share of the managers' revenue is out of line"
    )
    cost_of_margin_limit: float = Field(
        0.50, gt=0, description="sales payroll above this share of the margin on their sales is out of line"
    )

    @model_validator(mode="after")
    def _roles_known(self) -> MotivationConfig:
        unknown = sorted({r for r in self.manager_roles.values() if r not in self.roles})
        if unknown:
            raise ValueError(f"manager_roles: role(s) {', '.join(unknown)} not described under roles")
        names = [p.name for p in self.proposed]
        if len(names) != len(set(names)):
            raise ValueError(f"proposed: scheme names must differ, got {names}")
        return self

    @field_validator("comfort_income")
    @classmethod
    def _ordered_comfort(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0 < value[0] <= value[1]:
            raise ValueError(f"expected two amounts 0 < from <= to, got {list(value)}")
        return value


NO_FUNNEL = FunnelConfig(stages=["—"], won_stages=["won"], lost_stages=["lost"])


class ClientConfig(_Model):
    """The whole ``client.yaml``."""

    name: str = Field(min_length=1)
    slug: str | None = None
    locale: Literal["ru", "en"] = "ru"
    currency: str = Field("RUB", pattern=r"^[A-Z]{3}$")
    period: Period
    consultant: str | None = None
    industry: str | None = None
    data: DataSources
    # Required with a deals file; a client with sales lines only has no funnel (a placeholder is kept).
    funnel: FunnelConfig = Field(default_factory=lambda: NO_FUNNEL)
    abc: AbcConfig = AbcConfig()
    plan: PlanConfig = PlanConfig()
    activity: ActivityConfig = ActivityConfig()
    motivation: MotivationConfig | None = None

    @model_validator(mode="after")
    def _funnel_with_deals(self) -> ClientConfig:
        if self.data.deals is not None and "funnel" not in self.model_fields_set:
            raise ValueError("funnel: expected a value (the field is required with data.deals)")
        return self

    @model_validator(mode="after")
    def _criteria_have_a_source(self) -> ClientConfig:
        columns = self.abc.segments.column_criteria
        if columns and self.data.customers is None:
            raise ValueError(
                f"abc.segments.weights: {', '.join(map(repr, columns))} must be column(s) of the customers "
                "file, but data.customers is not configured"
            )
        return self


_EXPECTED = {
    "date_from_datetime_parsing": "a date like 2026-09-30",
    "date_parsing": "a date like 2026-09-30",
    "date_type": "a date like 2026-09-30",
    "missing": "a value (the field is required)",
    "extra_forbidden": "no such field (check the spelling)",
    "literal_error": None,
    "string_type": "text",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number (not .inf or .nan)",
    "int_parsing": "a whole number",
    "list_type": "a list",
    "dict_type": "a mapping of 'key: value' lines",
    "model_type": "a mapping of 'key: value' lines",
}


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "(top level)"
    expected = _EXPECTED.get(error["type"])
    if expected is None:
        msg = error["msg"].removeprefix("Value error, ")
        # Model-level checks name the nested field themselves ("deals.columns: ..."): join the paths.
        if re.match(r"^[a-z_]+\.[a-z_]+", msg):
            return f"{loc}.{msg}" if error["loc"] else msg
        return f"{loc}: {msg}"
    got = error.get("input")
    got_text = "" if error["type"] in {"missing", "extra_forbidden"} else f", got {got!r}"
    return f"{loc}: expected {expected}{got_text}"


def parse_config(raw: dict[str, Any], source: str = CONFIG_FILE) -> ClientConfig:
    """Validate an already-loaded mapping; raise :class:`ConfigError` naming every bad field."""
    if not isinstance(raw, dict):
        raise ConfigError(source, ["expected a mapping of 'key: value' lines at the top level"])
    try:
        return ClientConfig.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [
            {
                "loc": ".".join(str(p) for p in e["loc"]) or "(top level)",
                "type": e["type"],
                "got": None if e["type"] in {"missing", "extra_forbidden"} else repr(e.get("input")),
                "text": _describe(e),
            }
            for e in errors
        ]
        raise ConfigError(source, [_describe(e) for e in errors]).worded(
            "config_invalid", problems=problems
        ) from None


def load_yaml(path: Path, limit: int = MAX_CONFIG_BYTES) -> Any:
    """Read a YAML file safely (no tags, aliases or repeated keys; nesting and size capped at ``limit``
    bytes); errors name the line and column."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ConfigError(str(path), [f"the file is {size:,} bytes, above the limit of {limit:,} bytes"])
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise ConfigError(str(path), [f"the file is above the limit of {limit:,} bytes"])
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]).worded("file_not_found") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["not UTF-8 text; save the file as UTF-8"]).worded(
            "config_not_utf8"
        ) from None
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot be read: {exc.strerror or exc}"]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ConfigError(str(path), [f"a NUL character (\\x00) on line {line}; remove it"])
    try:
        return guarded_load(text)
    except RecursionError:
        raise ConfigError(
            str(path), [f"lists or mappings nested more than {MAX_YAML_DEPTH} levels deep"]
        ) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise ConfigError(
            str(path),
            [f"YAML tag not allowed at {where} (only plain values, lists and mappings): {exc.problem}"],
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        kind = "YAML error" if type(exc) is yaml.MarkedYAMLError else "YAML syntax error"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ConfigError(str(path), [f"{kind} at {where}: {exc.problem}"]).worded(
            "yaml_syntax", line=line, column=column, problem=str(exc.problem)
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), [f"YAML error: {exc}"]) from None
    except ValueError as exc:  # a date-like value that is no date (2026-13-01): YAML's date reader
        raise ConfigError(
            str(path), [f"a date that does not exist ({exc}): expected YYYY-MM-DD, e.g. 2026-01-31"]
        ).worded("config_bad_date", problem=str(exc)) from None


def load_config(client_dir: Path | str) -> ClientConfig:
    """Load and validate ``client_dir/client.yaml``."""
    client_dir = Path(client_dir)
    if not client_dir.is_dir():
        raise ConfigError(str(client_dir), ["client folder not found"]).worded("client_folder_not_found")
    path = client_dir / CONFIG_FILE
    config = parse_config(load_yaml(path), str(path))
    found = [
        {"loc": f"data.{table}.file", "file": source.file, "why": why, "missing": why == NOT_FOUND}
        for table, source in iter_sources(config)
        if (why := _file_problem(client_dir, source.file))
    ]
    if found:
        problems = [f"{p['loc']}: {p['file']!r} {p['why']}" for p in found]
        raise ConfigError(str(path), problems).worded("data_files", problems=found)
    if config.slug is None:
        config = config.model_copy(update={"slug": client_dir.resolve().name})
    return config


def iter_sources(config: ClientConfig) -> list[tuple[str, TableSource]]:
    """The configured data sources as (table name, source) pairs, in contract order."""
    return [(t, s) for t in TABLES if (s := getattr(config.data, t)) is not None]


def resolve_data_path(client_dir: Path, file: str) -> Path:
    """Absolute path of a data file; refuses paths that leave the client folder, cannot be resolved or
    are hard-linked (see :func:`data_path_problem`)."""
    path, problem = _checked_path(client_dir, file)
    if problem or path is None:
        raise ConfigError(str(client_dir / CONFIG_FILE), [f"{file!r} {problem}"])
    return path


def _checked_path(client_dir: Path, file: str) -> tuple[Path | None, str | None]:
    """The resolved path of a data file, or why it cannot be used.

    A path with a NUL character, a link that loops, a path leaving the client folder (symbolic links
    included) and anything but a regular file are refused. So is a regular file with more than one hard
    link: another name of it may lie outside the client folder, which no path check can see.
    """
    if "\x00" in file:
        return None, "contains a NUL character (\\x00); write the path of the file without it"
    root = client_dir.resolve()
    try:
        path = (root / file).resolve()
    except RuntimeError:
        return None, "is a symbolic link that points to itself (a link loop); link to the file itself"
    except (OSError, ValueError) as exc:
        return None, f"cannot be resolved as a path: {exc}"
    if not path.is_relative_to(root):
        return None, (
            "points outside the client folder; keep the client's files inside it (for example in data/)"
        )
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, NOT_FOUND
    except OSError as exc:
        return None, f"cannot be opened: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return None, "is a folder; expected a data file"
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode) or stat.S_ISCHR(info.st_mode):
        return None, "is a pipe, socket or device, not a regular file; copy the data into a file"
    if not stat.S_ISREG(info.st_mode):
        return None, NOT_FOUND
    if info.st_nlink > 1:
        return None, (
            f"has {info.st_nlink} hard links (other names of the same file, which may lie outside the "
            "client folder); copy the file into the client folder instead of linking it"
        )
    return path, None


def _file_problem(client_dir: Path, file: str) -> str | None:
    return _checked_path(client_dir, file)[1]
