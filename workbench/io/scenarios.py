"""Saved what-if scenarios of a client: ``clients/<slug>/scenarios.yaml``, written by the plan-and-pay
notebook, read by the report.

Each scenario is named and records its author, the time it was saved and its values; conversions are kept
by stage name, so that a scenario whose stages no longer match the funnel (a stage renamed or added) is
reported instead of silently applied to other stages. A scenario with the name of an existing one replaces
it. The file is rewritten atomically.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from workbench.errors import ConfigError
from workbench.io.atomic import write_text

SCENARIOS_FILE = "scenarios.yaml"


class ScenarioValues(BaseModel):
    """The values a scenario sets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lead_flow: float = Field(ge=0, description="leads (new deals) a month")
    conversions: dict[str, float] = Field(description="stage: conversion to the next stage, 0 to 1")
    avg_check: float = Field(gt=0)
    target: float = Field(gt=0, description="the department's monthly revenue target")
    base_salary: float = Field(ge=0)
    tier_rates: list[float] = Field(default_factory=list)
    plan_bonus: float = Field(0, ge=0)

    @field_validator("conversions")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not (0 <= v <= 1)}
        if bad:
            raise ValueError(f"expected conversions between 0 and 1, got {bad}")
        return value

    @field_validator("tier_rates")
    @classmethod
    def _rates(cls, value: list[float]) -> list[float]:
        if any(not (0 <= r <= 1) for r in value):
            raise ValueError(f"expected tier rates between 0 and 1, got {value}")
        return value

    @field_validator("lead_flow", "avg_check", "target", "base_salary", "plan_bonus")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return value


class SavedScenario(BaseModel):
    """One named scenario in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    author: str = Field(min_length=1)
    saved_at: dt.datetime
    values: ScenarioValues

    @field_validator("name", "author")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("expected a non-empty text")
        return value.strip()


def scenarios_path(client_dir: Path | str) -> Path:
    return Path(client_dir) / SCENARIOS_FILE


def _errors(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    ]


def read_scenarios(client_dir: Path | str) -> list[SavedScenario]:
    """The saved scenarios (none without the file); a broken entry raises naming the file and entry."""
    path = scenarios_path(client_dir)
    if not path.is_file():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = raw.get("scenarios", []) if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ConfigError(str(path), ["expected 'scenarios:' followed by a list of scenarios"])
    out, problems = [], []
    for i, item in enumerate(items, 1):
        try:
            out.append(SavedScenario.model_validate(item))
        except ValidationError as exc:
            problems += [f"scenario {i}: {p}" for p in _errors(exc)]
    if problems:
        raise ConfigError(str(path), problems)
    return out


def make_scenario(
    name: str, author: str, values: dict[str, Any], now: dt.datetime | None = None
) -> SavedScenario:
    """A scenario to save; invalid values raise :class:`ValueError` naming each field and what was
    expected."""
    try:
        saved_at = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
        return SavedScenario.model_validate(
            {"name": name, "author": author, "saved_at": saved_at, "values": values}
        )
    except ValidationError as exc:
        raise ValueError("; ".join(_errors(exc))) from None


def save_scenario(client_dir: Path | str, scenario: SavedScenario) -> Path:
    """Add ``scenario`` to the file (replacing one of the same name) and return the file's path."""
    kept = [s for s in read_scenarios(client_dir) if s.name != scenario.name]
    document = {"scenarios": [s.model_dump(mode="json") for s in [*kept, scenario]]}
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    return write_text(scenarios_path(client_dir), text)
