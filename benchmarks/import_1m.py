"""Import a 1,000,000-row amoCRM-style deals export (76 columns) and print its time and peak memory.

    .venv/bin/python benchmarks/import_1m.py [--rows N] [--keep DIR]

The export is synthetic but has the real export's shape (``../shared/datasets/README.md`` §4): the exact
76-column header of amoCRM's "Сделки" CSV with ``Бюджет `` (trailing space) and repeated names, dates
``DD.MM.YYYY HH:MM:SS``, ``не закрыта`` for open deals, quoted line breaks in notes, the system stages
«Успешно реализовано» / «Закрыто и не реализовано». The file is written first (not timed); the import
then runs in a fresh child process — ``load_client`` on a client folder that names only the file (the
preset is detected from the headers) — so that its peak resident memory is the import's alone.
Targets: under 20 s and under 4 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

REPO = Path(__file__).resolve().parents[1]

# The real amoCRM export header (76 columns, repeated names included), as in the preset test fixture.
AMOCRM_FIXTURE = REPO / "tests" / "fixtures" / "presets" / "amocrm_leads.csv"
HEADER_LINE = AMOCRM_FIXTURE.read_text(encoding="utf-8").splitlines()[0]
HEADER = HEADER_LINE.split(",")
STAGES = ["Первичный контакт", "Переговоры", "Принимают решение", "Согласование договора"]
WON, LOST = "Успешно реализовано", "Закрыто и не реализовано"
MANAGERS = [f"Менеджер {name}" for name in ("Иванов", "Петрова", "Сидоров", "Кузнецова", "Смирнов", "Орлова")]
CLIENT_YAML = """name: Бенчмарк
period: {start: 2025-01-01, end: 2025-12-31}
data:
  deals:
    file: data/leads.csv
funnel:
  stages: [Первичный контакт, Переговоры, Принимают решение, Согласование договора]
  won_stages: [Успешно реализовано]
  lost_stages: [Закрыто и не реализовано]
"""


def _dates(seconds: np.ndarray) -> pa.Array:
    stamps = pa.array(np.datetime64("2025-01-01T00:00:00") + seconds.astype("timedelta64[s]"))
    return pc.strftime(stamps, format="%d.%m.%Y %H:%M:%S")


def write_export(path: Path, rows: int, seed: int = 5) -> None:
    """Write an amoCRM-style 76-column deals CSV with ``rows`` data rows (vectorised, a few seconds)."""
    rng = np.random.default_rng(seed)
    created_s = rng.integers(0, 364 * 86400, rows)
    stage_pick = rng.choice(6, rows, p=[0.2, 0.15, 0.1, 0.05, 0.25, 0.25])
    stage_names = np.array([*STAGES, WON, LOST], dtype=object)
    closed = stage_pick >= 4
    closed_at = _dates(created_s + rng.integers(3600, 60 * 86400, rows)).to_numpy(zero_copy_only=False)
    closed_at[~closed] = "не закрыта"
    budget = (rng.integers(0, 400, rows) * 2500).astype(str).astype(object)
    note = np.full(rows, "", dtype=object)
    note[rng.random(rows) < 0.05] = "Перезвонить,\nуточнить «бюджет»"
    empty = pa.array(np.full(rows, "", dtype=object), pa.string())
    columns: dict[int, pa.Array] = {
        0: pa.array(np.arange(1_000_000, 1_000_000 + rows).astype(str)),
        1: pa.array(np.char.add("Сделка #", np.arange(rows).astype(str))),
        2: pa.array(budget, pa.string()),
        3: pa.array(np.array(MANAGERS, dtype=object)[rng.integers(0, len(MANAGERS), rows)], pa.string()),
        4: _dates(created_s),
        8: pa.array(closed_at, pa.string()),
        10: pa.array(note, pa.string()),
        15: pa.array(stage_names[stage_pick], pa.string()),
        16: pa.array(np.full(rows, "Воронка", dtype=object), pa.string()),
        17: pa.array(np.char.add("Fake Name ", rng.integers(0, 200_000, rows).astype(str))),
        20: pa.array(np.char.add("ООО Компания ", rng.integers(0, 50_000, rows).astype(str))),
        23: pa.array(np.char.add("+7916", rng.integers(1_000_000, 9_999_999, rows).astype(str))),
        31: pa.array(np.array(["Сайт", "Звонок", "Реклама", ""], dtype=object)[rng.integers(0, 4, rows)]),
        44: pa.array(np.array(["yandex", "google", ""], dtype=object)[rng.integers(0, 3, rows)]),
    }
    table = pa.table([columns.get(i, empty) for i in range(len(HEADER))], names=HEADER)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write((HEADER_LINE + "\n").encode("utf-8"))
        pa_csv.write_csv(
            table,
            fh,
            write_options=pa_csv.WriteOptions(include_header=False, quoting_style="needed", batch_size=65536),
        )


def _import(client: Path) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    from workbench.io.load import load_client

    started = time.perf_counter()
    data = load_client(client)
    seconds = time.perf_counter() - started
    report = data.reports["deals"]
    assert report.balanced
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rows_read": report.rows_read,
        "rows_used": report.rows_used,
        "rows_quarantined": report.rows_quarantined,
        "preset": report.preset.name if report.preset else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the client folder here and keep it")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_import(args.child)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        client = args.keep or Path(tmp) / "bench"
        (client / "data").mkdir(parents=True, exist_ok=True)
        (client / "client.yaml").write_text(CLIENT_YAML, encoding="utf-8")
        export = client / "data" / "leads.csv"
        started = time.perf_counter()
        write_export(export, args.rows)
        size_mb = export.stat().st_size / 1024 / 1024
        print(
            f"wrote {args.rows:,} rows x {len(HEADER)} columns, {size_mb:.0f} MB in "
            f"{time.perf_counter() - started:.1f} s: {export}"
        )
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(client)], capture_output=True, text=True, check=False
        )
        if child.returncode:
            print(child.stderr, file=sys.stderr)
            return child.returncode
        result = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"import: {result['seconds']:.1f} s, peak memory {result['peak_mb'] / 1024:.2f} GB "
        f"(rows read {result['rows_read']:,} = used {result['rows_used']:,} + quarantined "
        f"{result['rows_quarantined']:,}; preset {result['preset']})"
    )
    ok = result["seconds"] < 20 and result["peak_mb"] < 4096
    print("targets (< 20 s, < 4 GB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
