"""Micro-measurements behind the hand-written analysis in RESULTS.md: where `dangol analyze` spends its time at
10M rows and what the suggested fixes would save. Read-only use of dangol.analytics (nothing is patched).

Needs a full run first (it reads the cached file and dangol's scorecard under var/bench/analytics/):

    .venv/bin/python bench/analytics/run.py && .venv/bin/python bench/analytics/findings.py
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from scipy import special  # noqa: E402

from dangol.analytics import bgnbd, engine, gammagamma, pipeline, retention, segments  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "analytics_bench_run", Path(__file__).resolve().parent / "run.py"
)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

ROWS: list[tuple[str, float, float, str]] = []


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t0


def row(what: str, now: float, fixed: float, note: str = "") -> None:
    ROWS.append((what, now, fixed, note))
    print(f"  {what}: {now:.2f} s → {fixed:.2f} s {note}", file=sys.stderr, flush=True)


def main() -> int:
    file = bench.data_path(10_000_000, 1_000_000, 2026)
    card = bench.VAR / "runs-full" / "dangol-duckdb" / "customers.parquet"
    if not file.exists() or not card.exists():
        print("run bench/analytics/run.py first", file=sys.stderr)
        return 1
    t = pq.read_table(card, columns=["customer_id", "frequency", "recency", "T", "monetary", "rfm_segment"])
    x = t["frequency"].to_numpy().astype(float)
    t_x = t["recency"].to_numpy()
    T = t["T"].to_numpy()
    m = t["monetary"].to_numpy()

    # 1. BG/NBD: compressing identical (x, t_x, T) rows
    (cx, ctx, cT, w), slow = timed(bgnbd.compress, x, t_x, T)
    key = (x * 4096 + np.round(t_x * 7)) * 4096 + np.round(T * 7)  # recency and T are whole days / 7
    (_u, first, counts), fast = timed(np.unique, key, return_index=True, return_counts=True)
    assert len(first) == len(cx)
    row(
        "BG/NBD compress (np.unique axis=0 → integer key)",
        slow,
        fast,
        f"({len(cx):,} unique rows of {len(x):,})",
    )
    fit_, fit_s = timed(bgnbd.fit, x, t_x, T)
    _, one_eval = timed(
        bgnbd._neg_ll_and_grad, np.log([fit_.r, fit_.alpha / 10, fit_.a, fit_.b]), cx, ctx, cT, w
    )
    ux = len(np.unique(cx))
    print(
        f"  BG/NBD fit {fit_s:.2f} s; one likelihood+gradient on {len(cx):,} rows {one_eval:.2f} s; "
        f"only {ux} distinct x (gammaln/betaln/digamma of x-only terms could be computed {ux} times)",
        file=sys.stderr,
    )

    # 2. Gamma-Gamma: evaluations on all repeat buyers; x-only special functions
    keep = (x > 0) & (m > 0)
    gg, gg_s = timed(gammagamma.fit, x, m)
    _, gg_eval = timed(
        gammagamma._neg_ll_and_grad,
        np.log([gg.p, gg.q, gg.gamma / m[keep].mean()]),
        x[keep],
        m[keep] / m[keep].mean(),
    )
    print(
        f"  Gamma-Gamma fit {gg_s:.2f} s; one evaluation on {int(keep.sum()):,} rows {gg_eval:.2f} s; "
        f"{len(np.unique(x[keep]))} distinct x",
        file=sys.stderr,
    )

    # 3. CLV: expected_purchases' 2F1 depends on (x, T) only; the fallback probability_alive is always computed
    month = 30.4375 / 7
    spend = gammagamma.expected_average_spend(gg, x, m)
    _, clv_s = timed(pipeline.clv, fit_, spend, x, t_x, T, horizon=52, unit_days=7, annual_discount_rate=0.1)
    pair = x * 4096 + np.round(T * 7)
    (_p, idx, inv), uniq_s = timed(np.unique, pair, return_index=True, return_inverse=True)
    r, alpha, a, b = fit_.r, fit_.alpha, fit_.a, fit_.b

    def hyp_all() -> np.ndarray:
        return special.hyp2f1(r + x, b + x, a + b + x - 1, 52 / (alpha + T + 52))

    def hyp_unique() -> np.ndarray:
        xu, Tu = x[idx], T[idx]
        return special.hyp2f1(r + xu, b + xu, a + b + xu - 1, 52 / (alpha + Tu + 52))[inv]

    h1, hyp_s = timed(hyp_all)
    h2, hyp_u = timed(hyp_unique)
    assert np.allclose(h1, h2, equal_nan=True)
    _, palive_s = timed(bgnbd.probability_alive, fit_, x, t_x, T)
    steps = int(np.ceil(52 / month))
    row(
        f"CLV: {steps + 1} × 2F1 over every customer → over distinct (x, T) pairs",
        (steps + 1) * hyp_s,
        uniq_s + (steps + 1) * hyp_u,
        f"({len(idx):,} pairs of {len(x):,}; clv() itself took {clv_s:.2f} s)",
    )
    row(
        f"expected_purchases: probability_alive fallback computed eagerly ({steps + 1} ×)",
        (steps + 1) * palive_s,
        0.0,
        "(only needed where 2F1 overflowed: none here)",
    )

    # 4. report: Python counting loops
    seg = t["rfm_segment"].to_pylist()
    _, counts_s = timed(pipeline._counts, seg, segments.SEGMENTS)
    _, fast_counts = timed(lambda: pc.value_counts(t["rfm_segment"]).to_pylist())
    row(
        "report: _counts Python loop (× 3 per run) → pyarrow.compute.value_counts",
        3 * counts_s,
        3 * fast_counts,
    )

    # 5. SQL: the summary + RFM query as Ibis builds it, against a one-pass formulation
    cols = engine.Columns(customer="customer_id", date="date", amount="amount", category="category")
    con = engine.connect("duckdb")
    tx = engine.load(con, str(file), cols)
    end = bench.END
    summ = engine.summary(tx, end=end, unit_days=7.0)
    expr = summ.join(segments.rfm(summ), "customer_id").order_by("customer_id")
    _, ibis_s = timed(expr.to_pyarrow)
    raw = con.con  # the DuckDB connection under Ibis
    one_pass = f"""
        WITH d AS (SELECT CAST(customer_id AS TEXT) AS customer_id, date AS day, SUM(CAST(amount AS DOUBLE)) AS amt
                   FROM read_parquet('{file}') WHERE date <= DATE '{end}' GROUP BY 1, 2),
        per AS (SELECT customer_id, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS n_days,
                       SUM(amt) AS total, ARG_MIN(amt, day) AS first_amt FROM d GROUP BY 1),
        s AS (SELECT customer_id, n_days - 1 AS frequency, DATE_DIFF('day', first_day, last_day) / 7.0 AS recency,
                     DATE_DIFF('day', first_day, DATE '{end}') / 7.0 AS "T",
                     CASE WHEN n_days > 1 THEN (total - first_amt) / (n_days - 1) ELSE 0 END AS monetary, total,
                     CAST(DATE_DIFF('day', last_day, DATE '{end}') AS DOUBLE) AS days_since_last FROM per)
        SELECT *, LEAST(CAST(FLOOR(PERCENT_RANK() OVER (ORDER BY days_since_last DESC) * 5) AS BIGINT) + 1, 5) AS r,
                  LEAST(CAST(FLOOR(PERCENT_RANK() OVER (ORDER BY frequency) * 5) AS BIGINT) + 1, 5) AS f,
                  LEAST(CAST(FLOOR(PERCENT_RANK() OVER (ORDER BY total) * 5) AS BIGINT) + 1, 5) AS m
        FROM s"""
    fast_table, fast_s = timed(lambda: raw.sql(one_pass).to_arrow_table())
    assert fast_table.num_rows == len(x)
    row("summary + RFM query (Ibis plan → one pass, no self-join, RFM without re-join)", ibis_s, fast_s)

    # 6. cohorts and 3R: on the Parquet-backed expression against a table materialised once
    cal = tx.filter(tx.day <= end)
    _, c_s = timed(retention.cohorts, cal)
    _, r_s = timed(retention.three_r, cal)
    cached, cache_s = timed(cal.cache)
    _, c2_s = timed(retention.cohorts, cached)
    _, r2_s = timed(retention.three_r, cached)
    row(
        "cohorts + 3R (re-read Parquet each query → tx.cache() once: small gain, the joins cost)",
        c_s + r_s,
        cache_s + c2_s + r2_s,
        f"(cache {cache_s:.2f} s, cohorts {c_s:.2f} → {c2_s:.2f}, 3R {r_s:.2f} → {r2_s:.2f})",
    )

    print("\n| what (10M rows, 1M customers) | now s | with the fix s |\n|---|---:|---:|")
    for what, now, fixed, note in ROWS:
        print(f"| {what} {note} | {now:.2f} | {fixed:.2f} |")
    print(f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average {bench.loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
