"""Quality of actions (layer 6): does a manager's volume of actions turn into conversion at the step it
feeds?

Each type of action feeds one step of the funnel: calls the first step, meetings the step leaving the
meeting (or demonstration) stage, proposals the step leaving the proposal stage. ``activity.feeds`` in
the client's settings names the stage for a type; without it the type and the stages are matched by their
words (calls, meetings, demonstrations, proposals, in Russian or English).

For every manager and type: the volume against the median of the other managers, and the manager's
conversion at the fed step against the rest of the department (the funnel's flags, 99.8% limits). Two
verdicts: *much activity, poor conversion* (at least :data:`HIGH_VOLUME` times the others' volume and
flagged low at the step) and *good conversion, little activity* (at most 1 / :data:`HIGH_VOLUME` times
and flagged high).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.analysis.activity import ActivityResult
from workbench.analysis.funnel.conversion import FunnelResult

HIGH_VOLUME = 1.5  # "much" activity: half as much again as the other managers' median

# Words that tie an action type to the stage whose step it feeds (stems, case-insensitive).
CALL_WORDS = ("звон", "call")
TYPE_WORDS = {
    "meeting": ("встреч", "meeting", "демонстр", "demo", "презентац", "presentation"),
    "proposal": ("кп", "предлож", "proposal", "offer", "quote"),
}
STAGE_WORDS = TYPE_WORDS


@dataclass(frozen=True)
class ActionStep:
    """One manager's volume of one action type against their conversion at the step it feeds."""

    manager: str
    type: str
    stage: str
    index: int
    actions: float
    others_median: float | None
    volume_ratio: float | None  # actions / the other managers' median
    conversion: float | None
    rest_rate: float | None
    flag: str | None  # the funnel's flag of the manager at the step
    verdict: str | None  # "busy_poor", "good_idle" or None


@dataclass(frozen=True)
class ActivityQuality:
    """Action volume related to conversion, per manager and action type."""

    feeds: dict[str, str]  # action type -> stage whose step it feeds
    rows: list[ActionStep]
    high_volume: float = HIGH_VOLUME
    unmatched: list[str] = field(default_factory=list)  # action types no stage was found for

    @property
    def verdicts(self) -> list[ActionStep]:
        return [r for r in self.rows if r.verdict]


def _words(text: str) -> str:
    return str(text).casefold()


def match_feeds(types: list[str], stages: list[str], configured: dict[str, str]) -> dict[str, str]:
    """The stage each action type feeds: configured first, else matched by words (see the module)."""
    out: dict[str, str] = {}
    for kind in types:
        if kind in configured:
            if configured[kind] in stages:
                out[kind] = configured[kind]
            continue
        word = _words(kind)
        if any(w in word for w in CALL_WORDS) and stages:
            out[kind] = stages[0]
            continue
        for group, words in TYPE_WORDS.items():
            if any(w in word for w in words):
                stage = next((s for s in stages if any(w in _words(s) for w in STAGE_WORDS[group])), None)
                if stage is not None:
                    out[kind] = stage
                break
    return out


def analyze_activity_quality(
    activity: ActivityResult, funnel: FunnelResult, configured: dict[str, str] | None = None
) -> ActivityQuality:
    """Relate each manager's volume of each action type to their conversion at the step it feeds."""
    if not activity.available or activity.by_type.empty:
        return ActivityQuality({}, [])
    working = [s.stage for s in funnel.stages[:-1]]
    types = [str(c) for c in activity.by_type.columns]
    feeds = match_feeds(types, working, configured or {})
    by_stage = {(m.name, m.index): m for m in funnel.manager_stages}
    rows: list[ActionStep] = []
    for kind, stage in feeds.items():
        k = working.index(stage)
        volumes = activity.by_type[kind].astype(float)
        for manager, actions in volumes.items():
            others = volumes.drop(index=manager)
            median = float(np.median(others)) if len(others) else None
            ratio = float(actions / median) if median else None
            step = by_stage.get((str(manager), k))
            flag = step.flag if step else None
            verdict = None
            if ratio is not None and ratio >= HIGH_VOLUME and flag == "low":
                verdict = "busy_poor"
            elif ratio is not None and ratio <= 1 / HIGH_VOLUME and flag == "high":
                verdict = "good_idle"
            rows.append(
                ActionStep(
                    str(manager),
                    kind,
                    stage,
                    k,
                    float(actions),
                    median,
                    ratio,
                    step.conversion if step else None,
                    step.rest_rate if step else None,
                    flag,
                    verdict,
                )
            )
    return ActivityQuality(feeds, rows, unmatched=[t for t in types if t not in feeds])
