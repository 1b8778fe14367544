"""Cross-sell benchmark (issue 16): association mining on 10M order lines against a bare DuckDB GROUP BY
floor, and the hit rate@3 of "customers who buy X also buy Y" against a popularity baseline on a time holdout.

Generates (and caches) seeded order lines under var/bench/campaigns/: customers belong to one of a few
tastes (personas), each with its own set of favourite products; a line is one of the persona's favourites
with probability AFFINITY, else a product drawn by global popularity (Zipf). Baskets hold 1 + Poisson(2)
lines, spread over a year; the holdout is the last 60 days.

Times, in-process on DuckDB (median of --repeat runs, each on a fresh connection):
* mining: `dangol.analytics.associations.item_pairs` (distinct basket items, self-join, GROUP BY pair,
  support/confidence/lift), materialised;
* the floor: `SELECT basket_id, item, count(*) … GROUP BY basket_id, item` over the same Parquet file —
  the distinct pass any mining has to make.
Then `evaluate_holdout` (mine on the first 305 days, recommend top-3, score on the last 60).

    .venv/bin/python bench/campaigns/associations.py            # 10,000,000 lines
    .venv/bin/python bench/campaigns/associations.py --small    # 1,000,000 lines
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for dangol.analytics
from _common import loadavg, logger, machine_facts, version

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VAR = ROOT / "var" / "bench" / "campaigns"
RESULTS = HERE / "RESULTS-associations.md"
log = logger("campaigns/associations")

GENERATOR_VERSION = 2
START = dt.date(2025, 1, 1)
DAYS = 365
HOLDOUT_DAYS = 60
PRODUCTS = 200
PERSONAS = 25
FAVOURITES = 15
AFFINITY = 0.5
MIN_SUPPORT = 0.0005
GOAL_RATIO = 10.0  # mining within 10× the bare GROUP BY floor


def data_path(rows: int, seed: int) -> Path:
    return VAR / f"lines-{rows}-s{seed}-v{GENERATOR_VERSION}.parquet"


def generate(path: Path, rows: int, seed: int) -> dict[str, Any]:
    """Exactly `rows` order lines: (basket_id, customer_id, day, item)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    customers = max(rows // 20, 100)
    persona = rng.integers(0, PERSONAS, customers)
    favourites = np.stack([rng.choice(PRODUCTS, FAVOURITES, replace=False) for _ in range(PERSONAS)])
    sizes = 1 + rng.poisson(2.0, rows)  # more baskets than needed; cut at `rows` lines
    ends = np.cumsum(sizes)
    n_baskets = int(np.searchsorted(ends, rows) + 1)
    sizes = sizes[:n_baskets]
    sizes[-1] -= int(ends[n_baskets - 1] - rows)
    basket_customer = rng.integers(0, customers, n_baskets)
    basket_day = rng.integers(0, DAYS, n_baskets)
    basket_of_line = np.repeat(np.arange(n_baskets), sizes)
    line_customer = basket_customer[basket_of_line]
    zipf = 1.0 / np.arange(1, PRODUCTS + 1) ** 0.9
    popular = rng.choice(PRODUCTS, rows, p=zipf / zipf.sum())
    favourite = favourites[persona[line_customer], rng.integers(0, FAVOURITES, rows)]
    item = np.where(rng.random(rows) < AFFINITY, favourite, popular)
    names = np.array([f"P{i:03d}" for i in range(PRODUCTS)])
    days = np.datetime64(START.isoformat()) + basket_day[basket_of_line].astype("timedelta64[D]")
    table = pa.table(
        {
            "basket_id": pa.array(basket_of_line, pa.int64()),
            "customer_id": pa.array(line_customer, pa.int64()),
            "day": pa.array(days.astype("datetime64[D]"), pa.date32()),
            "item": pa.array(names[item]),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=1_000_000)
    return {"rows": rows, "baskets": n_baskets, "customers": customers, "seconds": time.perf_counter() - t0}


def time_mining(path: Path) -> tuple[float, int]:
    import ibis

    from dangol.analytics.associations import item_pairs

    con = ibis.duckdb.connect()
    lines = con.read_parquet(str(path))
    t0 = time.perf_counter()
    rules = item_pairs(lines, min_support=MIN_SUPPORT).to_pyarrow()
    return time.perf_counter() - t0, rules.num_rows


def time_floor(path: Path) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    n = con.execute(
        f"SELECT count(*) FROM (SELECT basket_id, item, count(*) AS n FROM read_parquet('{path}') "
        "GROUP BY basket_id, item)"
    ).fetchone()
    return time.perf_counter() - t0, int(n[0]) if n else 0


def evaluate(path: Path) -> tuple[dict[str, Any], float]:
    import ibis

    from dangol.analytics.associations import evaluate_holdout

    con = ibis.duckdb.connect()
    lines = con.read_parquet(str(path))
    cutoff = START + dt.timedelta(days=DAYS - HOLDOUT_DAYS - 1)
    t0 = time.perf_counter()
    result = evaluate_holdout(lines, cutoff=cutoff, k=3, min_support=MIN_SUPPORT)
    return result.as_dict(), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="1,000,000 lines instead of 10,000,000")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args, _unknown = parser.parse_known_args(argv)  # `make bench` passes BENCH_ARGS to every harness
    rows = args.rows or (1_000_000 if args.small else 10_000_000)
    path = data_path(rows, args.seed)
    if not path.exists():
        log(f"generating {rows:,} lines → {path}")
        facts = generate(path, rows, args.seed)
        log(
            f"generated {facts['baskets']:,} baskets, {facts['customers']:,} customers in {facts['seconds']:.1f} s"
        )
    mining, floor = [], []
    n_rules = n_pairs = 0
    for i in range(args.repeat):
        seconds, n_pairs = time_floor(path)
        floor.append(seconds)
        seconds, n_rules = time_mining(path)
        mining.append(seconds)
        log(f"run {i + 1}: floor {floor[-1]:.2f} s, mining {mining[-1]:.2f} s ({n_rules:,} rules)")
    holdout, eval_seconds = evaluate(path)
    log(f"holdout evaluated in {eval_seconds:.1f} s")
    m, f = statistics.median(mining), statistics.median(floor)
    ratio = m / f if f else float("inf")
    facts_line = " · ".join(f"{k} {v}" for k, v in machine_facts().items())
    table = "\n".join(
        [
            f"Order lines: {rows:,} (seed {args.seed}); {n_pairs:,} distinct basket items; min support {MIN_SUPPORT}",
            "",
            "| step | median wall (s) | ratio to floor | goal |",
            "|---|---:|---:|---|",
            f"| floor: DuckDB GROUP BY basket_id, item | {f:.2f} | 1.0× | |",
            f"| mining: associations.item_pairs ({n_rules:,} rules) | {m:.2f} | {ratio:.1f}× | ≤ {GOAL_RATIO:.0f}× "
            f"{'✓' if ratio <= GOAL_RATIO else '✗'} |",
            "",
            f"Time holdout (last {HOLDOUT_DAYS} days), {holdout['customers']:,} customers who bought something new:",
            "",
            "| recommender | hits | hit rate@3 |",
            "|---|---:|---:|",
            f"| associations (rules, topped up with popular items) | {holdout['hits']:,} | {holdout['hit_rate']:.1%} |",
            f"| popularity baseline | {holdout['popularity_hits']:,} | {holdout['popularity_hit_rate']:.1%} |",
            "",
            f"Holdout evaluation (mining on the calibration period + top-3 for every customer): {eval_seconds:.1f} s. "
            f"Repeats: {args.repeat}; load average at the end {loadavg()}.",
            f"{facts_line} · duckdb {version('duckdb')} · ibis {version('ibis-framework')}",
        ]
    )
    print(table)
    if not args.rows:
        section = f"<!-- generated: {'small' if args.small else 'full'} -->\n{table}\n<!-- end -->"
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Association mining benchmark\n"
        pattern = re.compile(
            rf"<!-- generated: {'small' if args.small else 'full'} -->.*?<!-- end -->", re.DOTALL
        )
        text = (
            pattern.sub(lambda _m: section, text)
            if pattern.search(text)
            else text.rstrip() + "\n\n" + section + "\n"
        )
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
