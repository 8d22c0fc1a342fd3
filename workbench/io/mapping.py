"""Which columns of a client's file hold the canonical columns: a preset, recognised or named, plus
the explicit ``columns`` of client.yaml (which always win). Also the stage names a preset contributes.

The choice is returned with its reasons (:class:`PresetChoice`) so that ``workbench check``, the report's
data section and metrics.json can say which preset was used and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.config import FunnelConfig, TableSource
from workbench.errors import ConfigError, DataError
from workbench.io.canonical import delimiter_hint, find_column, normalize_header, shown_headers
from workbench.io.presets import GENERIC, Preset, TablePreset, presets
from workbench.io.read import RawTable
from workbench.tables import TABLES, required_columns


@dataclass(frozen=True)
class PresetChoice:
    """How a file's columns were mapped, and why.

    ``how`` is ``detected`` (recognised by its headers), ``configured`` (``preset:`` in client.yaml) or
    ``columns`` (client.yaml's ``columns`` alone). ``from_config`` holds the columns of client.yaml that
    change or add to the preset's choice (all of them without a preset); ``stage_aliases`` the preset's
    stage names that occur in the file and were read as the client's stages.
    """

    name: str | None
    title: str | None
    how: str
    matched: tuple[str, ...] = ()
    characteristic: int = 0
    from_preset: dict[str, str] = field(default_factory=dict)
    from_config: dict[str, str] = field(default_factory=dict)
    stage_aliases: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain data for metrics.json."""
        return {
            "name": self.name,
            "title": self.title,
            "how": self.how,
            "matched": list(self.matched),
            "characteristic": self.characteristic,
            "from_preset": dict(self.from_preset),
            "from_config": dict(self.from_config),
            "stage_aliases": dict(self.stage_aliases),
        }


def _matches(raw: RawTable, headers: list[str]) -> list[str]:
    """The headers of ``headers`` present in the file, as the file spells them."""
    return [column for header in headers if (column := find_column(raw, header)) is not None]


def _preset_columns(
    raw: RawTable, spec: TablePreset, mapped: set[str] = frozenset(), used: set[str] = frozenset()
) -> dict[str, str]:
    """Canonical column -> header of the file, the first candidate found, for the canonical columns not
    ``mapped`` already; a header serves one column (``used`` ones serve none)."""
    out: dict[str, str] = {}
    for canonical, candidates in spec.columns.items():
        if canonical in mapped:
            continue
        for candidate in candidates:
            column = find_column(raw, candidate)
            if column is not None and column not in out.values() and column not in used:
                out[canonical] = column
                break
    return out


def _recognise(raw: RawTable, table: str) -> tuple[Preset, list[str]] | None:
    """The CRM preset whose characteristic headers the file has most of (at least its minimum)."""
    best: tuple[int, float, Preset, list[str]] | None = None
    for preset in presets().values():
        spec = preset.tables.get(table)
        if preset.name == GENERIC or spec is None or not spec.detect:
            continue
        matched = _matches(raw, spec.detect)
        if len(matched) < spec.min_matches:
            continue
        score = (len(matched), len(matched) / len(spec.detect))
        if best is None or score > best[:2]:
            best = (*score, preset, matched)
    return (best[2], best[3]) if best else None


def resolve_mapping(
    raw: RawTable, source: TableSource, table: str
) -> tuple[TableSource, PresetChoice, TablePreset | None]:
    """The source with its complete column mapping, the choice made, and the preset's table spec.

    Raises :class:`DataError` when a required column cannot be found, naming the file's columns.
    """
    explicit = dict(source.columns)
    preset: Preset | None = None
    matched: list[str] = []
    how = "columns"
    if source.preset not in {"auto", "none"}:
        preset, how = presets()[source.preset], "configured"
        if table not in preset.tables:
            known = ", ".join(preset.tables)
            raise ConfigError(
                "client.yaml",
                [f"data.{table}.preset: {preset.name} has no mapping for {table} (it has: {known})"],
            )
    elif source.preset == "auto":
        recognised = _recognise(raw, table)
        if recognised is not None:
            (preset, matched), how = recognised, "detected"
        elif table in presets()[GENERIC].tables:
            preset, how = presets()[GENERIC], "detected"
    spec = preset.tables[table] if preset is not None else None
    used = {column for header in explicit.values() if (column := find_column(raw, header))}
    from_preset = _preset_columns(raw, spec, set(explicit), used) if spec is not None else {}
    if preset is not None and preset.name == GENERIC and how == "detected" and not from_preset:
        preset, spec, how = None, None, "columns"
    if spec is not None:
        # Shown as "from client.yaml": only what changes or adds to the preset's own choice.
        own = _preset_columns(raw, spec)
        explicit_shown = {c: h for c, h in explicit.items() if own.get(c) != find_column(raw, h)}
    else:
        explicit_shown = explicit
    choice = PresetChoice(
        name=preset.name if preset else None,
        title=preset.title if preset else None,
        how=how,
        matched=tuple(matched),
        characteristic=len(spec.detect) if spec else 0,
        from_preset=from_preset,
        from_config=explicit_shown,
    )
    columns = {**from_preset, **explicit}
    _check_required(raw, table, {**source.defaults, **columns}, choice)
    nulls = list(source.null_values) + (list(spec.null_values) if spec else [])
    return source.model_copy(update={"columns": columns, "null_values": nulls}), choice, spec


def _check_required(raw: RawTable, table: str, columns: dict[str, str], choice: PresetChoice) -> None:
    missing = [
        c for c in required_columns(table) if c not in columns and (table, c) != ("activities", "type")
    ]
    if table == "deals" and "stage" not in columns and "status" not in columns:
        missing.append("stage")
    if table == "transactions" and "amount" in missing and {"quantity", "unit_price"} <= set(columns):
        missing.remove("amount")  # the line's amount is quantity x unit price
    if not missing:
        return
    described = "; ".join(f"{c} ({_description(table, c)})" for c in missing)
    looks = (
        f"recognised as {choice.title}, whose export has no such column"
        if choice.name and choice.name != GENERIC
        else "not recognised as a known CRM export"
    )
    hint = delimiter_hint(raw)
    if not hint and len(raw.headers) <= 2:
        hint = (
            f" If the column names are on a later row (a title above the table), set data.{table}.header_row."
        )
    raise DataError(
        raw.name,
        f"cannot tell which column holds {described}: the file is {looks}. Name the column in "
        f"client.yaml, e.g. data.{table}.columns.{missing[0]}: <header>.{hint} "
        f"The file's columns are: {shown_headers(raw)}",
        field=missing[0],
    )


def _description(table: str, column: str) -> str:
    return next(c.description for c in TABLES[table] if c.name == column)


def preset_funnel(funnel: FunnelConfig, spec: TablePreset | None) -> tuple[FunnelConfig, dict[str, str]]:
    """The funnel with the preset's system stage names added as aliases, and the aliases added.

    A name the client's funnel already knows (as a stage or an alias) is left alone: client.yaml wins.
    Stage codes are added when the funnel has a stage with the code's default name.
    """
    if spec is None:
        return funnel, {}
    known = {normalize_header(s) for s in [*funnel.stages, *funnel.won_stages, *funnel.lost_stages]}
    known |= {normalize_header(a) for a in funnel.stage_aliases}
    by_name = {normalize_header(s): s for s in [*funnel.stages, *funnel.won_stages, *funnel.lost_stages]}
    by_name |= {normalize_header(a): t for a, t in funnel.stage_aliases.items()}
    targets = [
        (spec.won, funnel.won_stages[0]),
        (spec.lost, funnel.lost_stages[0]),
        (spec.first, funnel.stages[0]),
    ]
    added: dict[str, str] = {}
    for names, target in targets:
        for name in names:
            if normalize_header(name) not in known:
                added[name] = target
                known.add(normalize_header(name))
    for code, name in spec.stage_codes.items():
        target = by_name.get(normalize_header(name))
        if target is not None and normalize_header(code) not in known:
            added[code] = target
            known.add(normalize_header(code))
    if not added:
        return funnel, {}
    return funnel.model_copy(update={"stage_aliases": {**funnel.stage_aliases, **added}}), added
