"""Time one audit of the demo client, step by step, and its peak memory.

    .venv/bin/python benchmarks/audit_demo.py [CLIENT_DIR] [--repeat N (default 3)] [--pdf-engine E]

Prints the wall time of: the checks before the notebook (client.yaml, the data check; the kernel starts
and imports meanwhile), the kernel's start and imports beyond them with papermill's own work (papermill's
total minus the cells), each notebook cell group (data + analyses, the report sections), HTML rendering,
PDF rendering, the whole run, and the peak resident memory of the kernel and of this process, and the CPU
seconds of each (a figure that other work on a shared machine disturbs less than wall time). Then the
whole command, ``workbench audit`` in a new process (its interpreter's start and imports included), as a
consultant waits for it. Target: the whole demo audit in 10 s or less on a 2-core machine, after install.
Timings on a shared machine are noisy: read the medians, and the load average printed with them. The PDF
engine is the audit's own choice (Chromium where one is installed, else WeasyPrint) unless ``--pdf-engine``
names one; run it once with each to compare them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workbench.app.run import run_audit  # noqa: E402
from workbench.render.pdf import pdf_engine  # noqa: E402


def one_run(client: Path, engine: str | None) -> dict[str, float]:
    marks: dict[str, float] = {}

    def step(name: str) -> None:
        marks[name] = time.perf_counter()

    with tempfile.TemporaryDirectory() as out:
        cpu_before = os.times()
        started = time.perf_counter()
        result = run_audit(client, out=Path(out) / "report", as_of="2026-11-23", step=step, pdf_engine=engine)
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
        "checks before the notebook": marks["execute"] - marks["config"],
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


def one_command(client: Path, engine: str | None) -> dict[str, float]:
    """``workbench audit`` in a new process: wall time and CPU seconds of it and its kernel."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "workbench.app.cli", "audit", str(client), "--as-of", "2026-11-23"]
        command += ["--pdf-engine", engine] if engine else []
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [*command, "--out", str(Path(out) / "report"), "--quiet"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"workbench audit (whole command)": wall, "cpu: command and its kernel": cpu}


def machine_speed() -> float:
    """Seconds of a fixed pure-Python loop: the same machine runs it in about 1 s when nothing else takes
    its cores, and a shared machine's slower spells show in it (read the audit's figures beside it)."""
    started = time.perf_counter()
    total = 0
    for i in range(30_000_000):
        total += i
    return time.perf_counter() - started


def _print(title: str, runs: list[dict[str, float]]) -> None:
    print(title)
    print(f"  {'step':<36} {'first':>7} {'median':>7} {'best':>7}")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:<36} {values[0]:6.2f}s {statistics.median(values):6.2f}s {min(values):6.2f}s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("client", nargs="?", default=str(REPO / "clients" / "demo"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf-engine", choices=["auto", "chromium", "weasyprint"])
    args = parser.parse_args()
    load = os.getloadavg()[0]
    speed = machine_speed()
    print(f"PDF engine: {pdf_engine(args.pdf_engine)}")
    runs = [one_run(Path(args.client), args.pdf_engine) for _ in range(args.repeat)]
    kernel_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    commands = [one_command(Path(args.client), args.pdf_engine) for _ in range(args.repeat)]
    _print(
        f"Audit of {args.client}: the first run (a fresh process), the median and the best of {args.repeat}",
        runs,
    )
    print(f"  {'peak memory, kernel process':<36} {kernel_peak:6.0f} MB")
    print(f"  {'peak memory, this process (render)':<36} {self_peak:6.0f} MB")
    _print("The whole command, as a consultant runs it", commands)
    print(f"Load average of the machine (1 min): {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"Reference loop (see machine_speed): {speed:.2f} s before, {machine_speed():.2f} s after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
