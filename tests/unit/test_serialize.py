"""The generic encoder of result dataclasses: default keys, renames, nesting, conversions, omissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from workbench.config import Period
from workbench.serialize import encode, frame_records, frame_rows, json_key, json_omit


@dataclass(frozen=True)
class Row:
    name: str
    rate: float | None


@dataclass(frozen=True)
class Result:
    rows: list[Row] = field(metadata=json_key(item_keys={"name": "manager"}))
    low: float = field(metadata=json_key("limits", "low"))
    high: float = field(metadata=json_key("limits", "high"))
    items: pd.DataFrame = field(metadata=json_key("ranked", via=len))
    cache: pd.DataFrame = field(metadata=json_omit("internal"))
    when: dt.date = dt.date(2026, 1, 2)
    maybe: list[int] | None = field(default=None, metadata=json_key(via=len))

    def json_derived(self) -> dict[str, object]:
        return {"width": self.high - self.low}


def test_fields_are_encoded_by_their_metadata():
    frame = pd.DataFrame({"id": ["a", "b"]})
    result = Result([Row("Anna", np.float64(0.5)), Row("Boris", float("nan"))], 0.1, 0.3, frame, frame)
    assert encode(result) == {
        "rows": [{"manager": "Anna", "rate": 0.5}, {"manager": "Boris", "rate": None}],
        "limits": {"low": 0.1, "high": 0.3},
        "ranked": 2,
        "when": "2026-01-02",
        "maybe": None,
        "width": pytest.approx(0.2),
    }


def test_plain_values_become_json_values():
    value = {
        1: (np.int64(3), np.bool_(True), float("inf")),
        "stamp": pd.Timestamp("2026-01-05"),
        "period": Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)),
    }
    assert encode(value) == {
        "1": [3, True, None],
        "stamp": "2026-01-05T00:00:00",
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
    }
    assert type(encode(np.int64(3))) is int


def test_a_dataframe_without_metadata_names_the_field():
    @dataclass
    class Loose:
        table: pd.DataFrame

    with pytest.raises(TypeError, match=r"Loose\.table: a DataFrame has no JSON form"):
        encode(Loose(pd.DataFrame()))


def test_a_key_given_twice_is_an_error():
    @dataclass
    class Clash:
        a: int = field(metadata=json_key("x"))
        b: int = field(metadata=json_key("x"))

    with pytest.raises(ValueError, match=r"Clash\.b: key 'x' is given twice"):
        encode(Clash(1, 2))


def test_an_omission_needs_a_reason():
    with pytest.raises(ValueError, match="why"):
        json_omit(" ")


def test_frame_helpers():
    frame = pd.DataFrame({"won": [1, 2]}, index=["x", "y"])
    assert frame_rows(frame) == {"x": {"won": 1}, "y": {"won": 2}}
    assert encode(frame_records(frame)) == [{"won": 1}, {"won": 2}]
