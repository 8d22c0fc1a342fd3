"""Action volume against conversion at the step the actions feed (layer 6): much activity with poor
conversion and good conversion with little activity are named; equal managers give no verdict."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from analyses_stub import analyses
from funnel_frames import closed_deal, deals_frame

from workbench.analysis.activity import analyze_activity
from workbench.analysis.activity_quality import analyze_activity_quality, match_feeds
from workbench.analysis.funnel.conversion import analyze_funnel
from workbench.config import ActivityConfig, FunnelConfig, Period
from workbench.findings import detect

PERIOD = Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
FUNNEL = FunnelConfig(stages=["Lead", "Deal"], won_stages=["Won"], lost_stages=["Lost"])


def deals(advanced: dict[str, int]) -> pd.DataFrame:
    """100 closed deals per manager: ``advanced[m]`` go on from Lead and are won, the rest are lost there."""
    rows = []
    for manager, moved in advanced.items():
        rows += [closed_deal(f"{manager}-w{i}", "won", amount=1000, manager=manager) for i in range(moved)]
        rows += [
            closed_deal(f"{manager}-l{i}", "lost", lost_at="Lead", manager=manager)
            for i in range(100 - moved)
        ]
    return deals_frame(rows)


def calls(volume: dict[str, float]) -> pd.DataFrame:
    out = pd.DataFrame(
        [(m, "2026-02-02", "Звонки", v) for m, v in volume.items()],
        columns=["manager", "date", "type", "count"],
    )
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.astype({"manager": "string", "type": "string", "count": "float64"})


def quality(advanced: dict[str, int], volume: dict[str, float]):
    funnel = analyze_funnel(deals(advanced), None, FUNNEL, PERIOD)
    activity = analyze_activity(calls(volume), ActivityConfig(), PERIOD)
    return funnel, analyze_activity_quality(activity, funnel)


def test_much_activity_poor_conversion_and_good_conversion_little_activity():
    # Lead -> Deal: Anna, Boris, Vera 60 of 100; Gleb 20 of 100 (low against the others' 180 / 300 = 0.6);
    # Dina 90 of 100 (high against the others less Gleb, 180 / 300 = 0.6).
    # Calls: Gleb 250 = 2.5 x the others' median (100); Dina 50 = 0.5 x the others' median (100).
    funnel, result = quality(
        {"Anna": 60, "Boris": 60, "Vera": 60, "Gleb": 20, "Dina": 90},
        {"Anna": 100, "Boris": 100, "Vera": 100, "Gleb": 250, "Dina": 50},
    )
    assert result.feeds == {"Звонки": "Lead"}
    verdicts = {(r.manager, r.verdict) for r in result.verdicts}
    assert verdicts == {("Gleb", "busy_poor"), ("Dina", "good_idle")}
    gleb = next(r for r in result.rows if r.manager == "Gleb")
    assert gleb.volume_ratio == 2.5 and gleb.conversion == 0.2 and gleb.flag == "low"
    hits = detect("activity_busy_poor", analyses(funnel, activity_quality=result))
    assert [(f.id, f.layer, f.params["stage"], f.params["next_stage"]) for f in hits] == [
        ("activity-busy-poor-gleb-звонки", 6, "Lead", "Deal")
    ]
    assert [f.id for f in detect("activity_good_idle", analyses(funnel, activity_quality=result))] == [
        "activity-good-idle-dina-звонки"
    ]


def test_busy_managers_who_convert_like_the_others_give_no_verdict():
    funnel, result = quality(
        {"Anna": 60, "Boris": 60, "Vera": 60, "Gleb": 58, "Dina": 62},
        {"Anna": 100, "Boris": 100, "Vera": 100, "Gleb": 250, "Dina": 50},
    )
    assert result.verdicts == []
    assert detect("activity_busy_poor", analyses(funnel, activity_quality=result)) == []


def test_action_types_are_tied_to_stages_by_words_or_by_the_settings():
    stages = ["Найден клиент", "Холодный звонок", "Коммерческое предложение", "Встреча", "Презентация"]
    assert match_feeds(["звонки", "встречи", "КП", "письма"], stages, {}) == {
        "звонки": "Найден клиент",
        "встречи": "Встреча",
        "КП": "Коммерческое предложение",
    }
    assert match_feeds(["demos"], ["Lead", "Demo", "Proposal"], {}) == {"demos": "Demo"}
    assert match_feeds(["письма"], stages, {"письма": "Презентация"}) == {"письма": "Презентация"}
    assert match_feeds(["письма"], stages, {"письма": "Нет такого"}) == {}
