"""ABC, XYZ and the ABC x XYZ matrix of customers and products on 5,000,000 sales lines: time and memory.

    .venv/bin/python benchmarks/abc_5m.py [--lines N] [--customers N] [--products N] [--seed S] [--all]

The lines are generated deterministically (seed 20261123) in the canonical form the io produces (Arrow
strings for ids, datetime64 dates, float amounts and margins); generating them is not timed. Prints the
seconds of each step and the peak resident memory of the process (which includes the generated table).
``--all`` also times the rest of the customer base (class D, the weighted score, migration).
Targets: ABC + XYZ + matrix under 10 s and under 3 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workbench.analysis.customers.abc import analyze_abc  # noqa: E402
from workbench.analysis.customers.base import analyze_customer_base  # noqa: E402
from workbench.config import AbcConfig, Period  # noqa: E402

SEED = 20261123
PERIOD = Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
TARGET_SECONDS, TARGET_GB = 10.0, 3.0


def arrow_ids(prefix: str, count: int, codes: np.ndarray) -> pd.Series:
    """Ids such as "К-000042" for each code, as an Arrow-backed string column (what the io produces)."""
    ids = pa.array([f"{prefix}-{i:06d}" for i in range(count)], type=pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(ids.take(pa.array(codes))), dtype="string[pyarrow]")


def generate(lines: int, customers: int, products: int, seed: int = SEED) -> pd.DataFrame:
    """Sales lines with a long tail of customers and products, a year of dates, 1% refunds."""
    rng = np.random.default_rng(seed)
    customer_weight = rng.lognormal(0.0, 1.5, customers)
    product_weight = rng.lognormal(0.0, 1.2, products)
    customer = rng.choice(customers, lines, p=customer_weight / customer_weight.sum())
    product = rng.choice(products, lines, p=product_weight / product_weight.sum())
    start = np.datetime64(PERIOD.start, "ns")
    days = rng.integers(0, 365, lines).astype("timedelta64[D]").astype("timedelta64[ns]")
    amount = np.round(rng.lognormal(8.0, 1.0, lines), 2)
    amount[rng.random(lines) < 0.01] *= -1
    return pd.DataFrame(
        {
            "customer_id": arrow_ids("К", customers, customer),
            "date": pd.Series(start + days),
            "amount": amount,
            "margin": np.round(amount * rng.uniform(-0.1, 0.35, lines), 2),
            "product": arrow_ids("Т", products, product),
            "quantity": rng.integers(1, 50, lines).astype("float64"),
            "document_id": pd.Series(pd.NA, index=range(lines), dtype="string[pyarrow]"),
        }
    )


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--all", action="store_true", help="also time class D, the score and migration")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    lines = generate(args.lines, args.customers, args.products, args.seed)
    print(f"generated {len(lines):,} lines in {time.perf_counter() - started:.1f} s (not timed below)")
    print(f"table in memory: {lines.memory_usage(deep=True).sum() / 1024**3:.2f} GB")
    config = AbcConfig()
    timings = {}
    started = time.perf_counter()
    customers = analyze_abc(lines, config, PERIOD, "customer_id")
    timings["customers: ABC + XYZ + matrix"] = time.perf_counter() - started
    started = time.perf_counter()
    products = analyze_abc(lines, config, PERIOD, "product")
    timings["products: ABC + XYZ + matrix"] = time.perf_counter() - started
    computed = AbcConfig(mode="computed")
    started = time.perf_counter()
    analyze_abc(lines, computed, PERIOD, "customer_id")
    timings["customers, computed mode: ABC + XYZ + matrix"] = time.perf_counter() - started
    total = sum(timings.values())
    if args.all:
        started = time.perf_counter()
        analyze_customer_base(lines, config, PERIOD)
        timings["whole customer base (--all, not in the target)"] = time.perf_counter() - started

    for name, seconds in timings.items():
        print(f"{name:<50} {seconds:6.2f} s")
    print(f"{'ABC + XYZ + matrix, all three':<50} {total:6.2f} s   (target < {TARGET_SECONDS:.0f} s)")
    print(f"{'peak resident memory of the process':<50} {peak_gb():6.2f} GB  (target < {TARGET_GB:.0f} GB)")
    print(
        f"customers {len(customers.items):,}: "
        + ", ".join(f"{k} {v.count:,}" for k, v in customers.classes.items())
        + " | XYZ "
        + ", ".join(f"{k} {v:,}" for k, v in customers.xyz.counts.items())
    )
    print(
        f"products {len(products.items):,}: "
        + ", ".join(f"{k} {v.count:,}" for k, v in products.classes.items())
    )
    ok = total < TARGET_SECONDS and peak_gb() < TARGET_GB
    print("OK: within the targets" if ok else "OVER a target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
