"""`workbench batch` against the same audits one after another, on this machine in one run.

    .venv/bin/python benchmarks/batch.py [--copies 20] [--jobs N] [--serial N] [--scheduler local]

Makes COPIES copies of the demo client, audits SERIAL of them one after another, each as its own
`workbench audit` process (today's way; half of them before the batch and half after, so that a drift of a
shared machine's speed weighs on both sides), and all COPIES with `workbench batch` (one job per core by
default). Prints the serial time (measured, or extrapolated from SERIAL runs when SERIAL < COPIES), the
batch wall time, their ratio (target on 2 cores: batch <= 0.6 x serial), the peak memory of each worker
process and of the largest kernel it ran, and a reference loop before and after (about 1 s on this
machine at full speed). The machine may be shared: run it on an idle one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.audit_demo import machine_speed  # noqa: E402
from workbench.app.batch import default_jobs, plan_jobs, run_batch  # noqa: E402

AS_OF = "2026-11-23"


def make_copies(root: Path, copies: int) -> list[Path]:
    """COPIES copies of clients/demo (without earlier reports) under ``root``."""
    folders = []
    for n in range(copies):
        target = root / f"demo-{n + 1:02d}"
        shutil.copytree(REPO / "clients" / "demo", target, ignore=shutil.ignore_patterns("reports"))
        folders.append(target)
    return folders


def serial_times(clients: list[Path], out: Path) -> list[float]:
    """Wall time of each `workbench audit` process, one after another."""
    times = []
    for client in clients:
        started = time.perf_counter()
        command = [sys.executable, "-m", "workbench.app.cli", "audit", str(client), "--as-of", AS_OF]
        subprocess.run(
            [*command, "--quiet", "--out", str(out / client.name)],
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
        print(f"  serial {client.name}: {times[-1]:.1f} s", flush=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=None, help="default: one per core")
    parser.add_argument("--serial", type=int, default=None, help="serial runs to time (default: COPIES)")
    parser.add_argument("--scheduler", default=None, help="e.g. local: a Dask LocalCluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="workbench-batch-") as tmp:
        root = Path(tmp)
        clients = make_copies(root / "clients", args.copies)
        count = min(args.serial if args.serial is not None else args.copies, args.copies)
        speed_before = machine_speed()
        first = (count + 1) // 2
        print(f"Serial: {count} x `workbench audit` ({first} before the batch) …", flush=True)
        times = serial_times(clients[:first], root / "serial")
        jobs = args.jobs or default_jobs()
        print(
            f"Batch: {args.copies} clients, {jobs} jobs{f' on {args.scheduler}' if args.scheduler else ''} …"
        )
        planned = plan_jobs(clients, dt.date.fromisoformat(AS_OF), out=root / "batch")
        result = run_batch(planned, root / "batch", workers=jobs, scheduler=args.scheduler)
        print(f"Serial: {count - first} more after the batch …", flush=True)
        times += serial_times(clients[first:count], root / "serial")
        serial = sum(times) * args.copies / count if count else float("nan")
        speed_after = machine_speed()
    failed = [o.slug for o in result.outcomes if not o.ok]
    print()
    print(f"  clients                         {args.copies} ({len(failed)} failed)")
    if count:
        print(f"  serial audit, median            {statistics.median(times):6.1f} s (of {count})")
        measured = "measured" if count == args.copies else f"extrapolated from {count}"
        print(f"  serial sum                      {serial:6.1f} s ({measured})")
    print(f"  batch wall time                 {result.seconds:6.1f} s ({jobs} jobs)")
    if count:
        print(f"  batch / serial                  {result.seconds / serial:6.2f} (target <= 0.60)")
    print(f"  reference loop                  {speed_before:6.2f} s before, {speed_after:.2f} s after")
    by_worker: dict[str, list] = {}
    for outcome in result.outcomes:
        by_worker.setdefault(outcome.worker, []).append(outcome)
    for worker, outcomes in sorted(by_worker.items()):
        peak = max(o.worker_peak_mb or 0 for o in outcomes)
        kernel = max(o.kernel_peak_mb or 0 for o in outcomes)
        print(
            f"  worker {worker:<24} {len(outcomes):3d} clients, "
            f"peak {peak:5.0f} MB, largest kernel {kernel:5.0f} MB"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
