"""The hostile-input cases against ``workbench check``: seconds, peak memory and the first line of the answer.

    .venv/bin/python benchmarks/hostile_inputs.py [--audit]

Each case is the small demo client with one hostile change (an alias bomb in client.yaml, a workbook that
inflates to gigabytes, a manager name of 100 000 letters, a catastrophic regular expression, ...). Each
runs ``workbench check`` in a child process; the script prints the seconds, the child's peak resident
memory, the exit code and the start of what it printed, and checks that no input file changed.
``--audit`` also runs ``workbench audit --format html`` on each case that check accepts.
Targets: every case under 60 s and 2 GB.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workbench.demo.generate import SMALL, generate_demo  # noqa: E402

TARGET_SECONDS, TARGET_GB = 60.0, 2.0


def _edit(path: Path, change: Callable[[str], str], encoding: str = "utf-8") -> None:
    path.write_text(change(path.read_text(encoding=encoding)), encoding=encoding)


def _deal_field(index: int, value: Callable[[str], str]) -> Callable[[Path], None]:
    """A change of one cell of the sixth deal (the demo's deals file: ID, title, amount, manager,
    created, author, closed, tags, stage, ...)."""

    def change(client: Path) -> None:
        path = client / "data" / "deals.csv"
        raw = path.read_bytes()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        lines = raw.decode(encoding).splitlines(keepends=True)
        cells = lines[5].split(",")
        cells[index] = value(cells[index])
        lines[5] = ",".join(cells)
        path.write_text("".join(lines), encoding=encoding)

    return change


def _bomb(client: Path) -> None:
    lines = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    _edit(client / "client.yaml", lambda t: "\n".join(lines) + "\n" + t.replace("name: ", "name: *a9 #", 1))


def _inflating_xlsx(client: Path) -> None:
    """The sales workbook with 2 GB of spaces inside its sheet (a few MB on disk)."""
    path = client / "data" / "sales.xlsx"
    source = zipfile.ZipFile(path)
    target_path = path.with_suffix(".tmp")
    with zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                head, _, tail = data.partition(b"</sheetData>")
                with target.open(item.filename, "w", force_zip64=True) as part:
                    part.write(head)
                    block = b" " * (64 * 1024 * 1024)
                    for _ in range(32):
                        part.write(block)
                    part.write(b"</sheetData>" + tail)
            else:
                target.writestr(item, data)
    source.close()
    target_path.replace(path)


CASES: dict[str, Callable[[Path], None]] = {
    "alias bomb in client.yaml": _bomb,
    "list nested 50 000 deep": lambda c: _edit(
        c / "client.yaml", lambda t: t + "industry: " + "[" * 50_000 + "]" * 50_000 + "\n"
    ),
    "client.yaml of 65 MB": lambda c: _edit(c / "client.yaml", lambda t: t + "# " + "x" * 65_000_000 + "\n"),
    "duplicate period key": lambda c: _edit(
        c / "client.yaml", lambda t: t + "period:\n  start: 2026-02-01\n  end: 2026-03-01\n"
    ),
    "period 0001-01-01 to 9999-12-31": lambda c: _edit(
        c / "client.yaml", lambda t: t.replace("2026-01-01", "0001-01-01").replace("2026-09-30", "9999-12-31")
    ),
    "period without data (2030)": lambda c: _edit(
        c / "client.yaml", lambda t: t.replace("2026-01-01", "2030-01-01").replace("2026-09-30", "2030-06-30")
    ),
    "catastrophic pattern": lambda c: _edit(
        c / "client.yaml",
        lambda t: t.replace(
            "non_product_codes:",
            r"non_product_patterns: ['^(\w+\s?)+ по (сделке|договору)$']" + "\n      non_product_codes:",
        ),
    ),
    "XLSX inflating to 2 GB": _inflating_xlsx,
    "manager of 100 000 letters": _deal_field(3, lambda _: "Щ" * 100_000),
    "won amount 1e300": _deal_field(2, lambda _: "1e300"),
    "date 25.10.1441": _deal_field(4, lambda _: "25.10.1441 10:00:00"),
    "ESC and VT in a stage": _deal_field(8, lambda stage: stage[:3] + "\x1b\x0b" + stage[3:]),
    "header only": lambda c: _edit(c / "data" / "deals.csv", lambda t: t.splitlines()[0] + "\n", "utf-8-sig"),
}


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "reports" not in p.parts
    }


# Runs the command and prints the peak memory of its own children (the command and its kernel) in KB.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(f'PEAK {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _run(args: list[str]) -> tuple[float, float, int, str]:
    """Seconds, peak memory (GB) of the command, exit code and the first line of its answer."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", _MEASURE, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    seconds = time.perf_counter() - started
    peak_line = [line for line in done.stderr.splitlines() if line.startswith("PEAK ")][-1]
    peak = int(peak_line.split()[1]) / 1024**2
    text = (done.stdout + done.stderr.replace(peak_line, "")).strip()
    lines = text.splitlines()
    answer = next((line for line in lines if "ERROR" in line or "Error:" in line or "error:" in line), None)
    answer = answer or next((" ".join(line.split()) for line in lines if "quarantined" in line), text[:200])
    return seconds, peak, done.returncode, answer[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audit", action="store_true", help="also run the audit where check accepts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="workbench-hostile-") as folder:
        base = generate_demo(Path(folder) / "base", size=SMALL, name="ООО «Малый тест»")
        worst = 0.0
        for name, change in CASES.items():
            client = Path(folder) / "case"
            shutil.rmtree(client, ignore_errors=True)
            shutil.copytree(base, client)
            change(client)
            before = _digests(client)
            command = [sys.executable, "-m", "workbench.app.cli", "check", str(client)]
            seconds, peak, code, answer = _run(command)
            worst = max(worst, seconds)
            print(f"{name:<34} check {seconds:6.1f} s  peak {peak:4.2f} GB  exit {code}  {answer}")
            if args.audit and code == 0:
                out = Path(folder) / "out"
                command = [sys.executable, "-m", "workbench.app.cli", "audit", str(client), "--out", str(out)]
                seconds, peak, code, answer = _run([*command, "--format", "html", "--quiet"])
                worst = max(worst, seconds)
                print(f"{'':<34} audit {seconds:6.1f} s  peak {peak:4.2f} GB  exit {code}")
                shutil.rmtree(out, ignore_errors=True)
            assert _digests(client) == before, f"{name}: an input file changed"
        print(
            f"slowest: {worst:.1f} s (target {TARGET_SECONDS:.0f} s); peak memory is per child (target "
            f"{TARGET_GB:.0f} GB)"
        )


if __name__ == "__main__":
    main()
