"""Presets of CRM exports, kept as data: one YAML file per system in this folder.

A preset says, for each canonical table it can fill, which headers identify the export (``detect``),
which headers hold each canonical column (``columns``: candidates, the first one found wins), and how
the system names its terminal stages. ``generic.yaml`` maps hand-made tables by the usual names of their
columns. Adding a system means adding a file; ``tests/unit/test_io_presets.py`` checks every file.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from workbench.yaml_safe import load_packaged

GENERIC = "generic"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventFilter(_Model):
    """An event log holds every kind of event: only the rows whose event is a stage change are history."""

    column: list[str] = Field(min_length=1, description="candidate headers of the event-type column")
    keep: list[str] = Field(min_length=1, description="event types that mean 'the deal entered a stage'")


class TablePreset(_Model):
    """How one export of a system maps onto one canonical table."""

    detect: list[str] = Field(default_factory=list, description="headers characteristic of the export")
    min_matches: int = Field(3, ge=1, description="characteristic headers needed to recognise the export")
    columns: dict[str, list[str]] = Field(description="canonical column: candidate headers, first found wins")
    null_values: list[str] = Field(default_factory=list, description="cell values that mean 'empty'")
    won: list[str] = Field(default_factory=list, description="stage names or codes of a won deal")
    lost: list[str] = Field(default_factory=list, description="stage names or codes of a lost deal")
    first: list[str] = Field(default_factory=list, description="system stages read as the first stage")
    stage_codes: dict[str, str] = Field(default_factory=dict, description="stage code: default stage name")
    stage_prefix: str | None = Field(None, description="regular expression removed from stage values")
    events: EventFilter | None = None
    fill_from: dict[str, list[str]] = Field(
        default_factory=dict, description="canonical column: headers whose cells fill its empty cells"
    )


class Preset(_Model):
    """One system's exports."""

    name: str
    title: str
    tables: dict[str, TablePreset]


@cache
def presets() -> dict[str, Preset]:
    """Every shipped preset by name, the generic one last."""
    found = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            preset = Preset.model_validate(load_packaged(entry.read_text(encoding="utf-8")))
            found[preset.name] = preset
    generic = found.pop(GENERIC)
    return {**found, GENERIC: generic}


def preset_names() -> list[str]:
    """Names accepted by ``preset:`` in client.yaml (besides auto and none)."""
    return list(presets())
