"""Time one audit of the demo client, step by step, and its peak memory.

    .venv/bin/python benchmarks/audit_demo.py [CLIENT_DIR] [--repeat N (default 3)]

Prints the wall time of: kernel start (papermill's total minus the cells), each notebook cell group
(imports + data + analyses, the report sections), HTML rendering, PDF rendering, the whole run, and the
peak resident memory of the kernel and of this process, and the CPU seconds of each (a figure that
other work on a shared machine disturbs less than wall time). Target: the whole demo audit in 10 s or less
on a 2-core machine, after install. Timings on a shared machine are noisy: read the medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workbench.app.run import run_audit  # noqa: E402


def one_run(client: Path) -> dict[str, float]:
    marks: dict[str, float] = {}

    def step(name: str) -> None:
        marks[name] = time.perf_counter()

    with tempfile.TemporaryDirectory() as out:
        cpu_before = os.times()
        started = time.perf_counter()
        result = run_audit(client, out=Path(out) / "report", as_of="2026-11-23", step=step)
        total = time.perf_counter() - started
        cpu_after = os.times()
        nb = nbformat.read(result.files["audit.ipynb"], as_version=4)
    cells = [
        (c.source.strip(), c.metadata.get("papermill", {}).get("duration") or 0.0)
        for c in nb.cells
        if c.cell_type == "code"
    ]
    cell_total = sum(d for _, d in cells)
    figures = {
        "kernel start + notebook i/o": result.timings["execute"] - cell_total,
        "cell: load data + analyses": next(d for s, d in cells if "Report.from_parameters" in s),
        "cells: report sections": sum(
            d for s, d in cells if s.startswith("report.") and "write_outputs" not in s
        ),
        "cell: metrics.json + quarantine": next(d for s, d in cells if "write_outputs" in s),
        "execute (papermill total)": result.timings["execute"],
        "html": result.timings["html"],
        "pdf": result.timings["pdf"],
        "whole run": total,
        # CPU seconds of this process and of the kernel: less sensitive than wall time to other work
        # on a shared machine (on an idle 2-core machine the whole run's wall time is close to it)
        "cpu: this process": (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
        "cpu: kernel": (cpu_after.children_user - cpu_before.children_user)
        + (cpu_after.children_system - cpu_before.children_system),
    }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("client", nargs="?", default=str(REPO / "clients" / "demo"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(Path(args.client)) for _ in range(args.repeat)]
    print(
        f"Audit of {args.client}: the first run (a fresh process), the median and the best of {args.repeat}"
    )
    print(f"  {'step':<34} {'first':>7} {'median':>7} {'best':>7}")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:<34} {values[0]:6.2f}s {statistics.median(values):6.2f}s {min(values):6.2f}s")
    kernel_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak memory, kernel process':<34} {kernel_peak:6.0f} MB")
    print(f"  {'peak memory, this process (render)':<34} {self_peak:6.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
