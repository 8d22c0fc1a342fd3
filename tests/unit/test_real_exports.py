"""Real exports as they come: shapes of client files that used to crash or mislead the audit."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from workbench.audit import run_analyses
from workbench.frames import lookup
from workbench.io.load import load_client

AMO_FUNNEL = {
    "stages": ["Первичный контакт", "Переговоры"],
    "won_stages": ["Успешно реализовано"],
    "lost_stages": ["Закрыто и не реализовано"],
}


def make_client(tmp_path, data, files, funnel=None, **extra):
    """A client folder with client.yaml and the given files (str written as UTF-8) in data/."""
    root = tmp_path / "client"
    (root / "data").mkdir(parents=True)
    config = {
        "name": "ООО «Тест»",
        "period": {"start": dt.date(2025, 10, 1), "end": dt.date(2025, 12, 31)},
        "data": data,
        "funnel": funnel or AMO_FUNNEL,
        **extra,
    }
    (root / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for name, content in files.items():
        path = root / "data" / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


# --- 1. a lost stage with no loss event in the history ------------------------------------------------

AMO_DEALS = (
    "ID,Дата создания сделки,Дата закрытия,Этап сделки,Бюджет\n"
    "1,01.10.2025 10:00:00,10.10.2025 10:00:00,Закрыто и не реализовано,1000\n"
    "2,02.10.2025 10:00:00,не закрыта,Переговоры,2000\n"
)
HISTORY_WITHOUT_LOSS = (
    "deal_id,stage,entered_at\n"
    "1,Первичный контакт,01.10.2025 10:00:00\n"
    "1,Переговоры,03.10.2025 10:00:00\n"
    "2,Первичный контакт,02.10.2025 10:00:00\n"
    "2,Переговоры,04.10.2025 10:00:00\n"
)


def test_lost_deal_without_a_loss_event_in_the_history_is_placed_at_its_last_stage(tmp_path):
    root = make_client(
        tmp_path,
        {"deals": {"file": "data/deals.csv"}, "stage_events": {"file": "data/history.csv"}},
        {"deals.csv": AMO_DEALS, "history.csv": HISTORY_WITHOUT_LOSS},
    )
    data = load_client(root)
    lost = data.deals.set_index("deal_id").loc["1"]
    assert lost["status"] == "lost" and lost["lost_at_stage"] == "Переговоры"
    assert data.reports["deals"].warnings["lost_at_stage_from_history"] == 1
    audit = run_analyses(data, dt.date(2025, 12, 31))  # the whole audit runs
    assert audit.funnel.lost == 1 and audit.funnel.open == 1


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "timedelta64[ns]", "string", "float64", "object"])
def test_lookup_in_an_empty_table_keeps_its_type(dtype):
    keys = pd.Series(["1", "2"], dtype="string", index=[5, 7])
    found = lookup(keys, pd.Series([], dtype=dtype))
    assert found.dtype == dtype and found.isna().all() and list(found.index) == [5, 7]
    table = pd.Series(pd.to_datetime(["2025-10-01"]), index=pd.Index(["2"], dtype="string"))
    assert lookup(keys, table).tolist() == [pd.NaT, pd.Timestamp("2025-10-01")]
