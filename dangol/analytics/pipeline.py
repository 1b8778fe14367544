"""The whole analysis: transactions in, per-customer scorecard and a report out."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from threadpoolctl import threadpool_limits

from dangol.analytics import arrays, bgnbd, duckpath, engine, gammagamma, retention, segments

UNIT_DAYS = {"day": 1.0, "week": 7.0}


@dataclass
class Options:
    end: dt.date
    holdout_end: dt.date | None = None
    time_unit: str = "week"
    horizon: float = 52.0  # in time units
    annual_discount_rate: float = 0.10
    engine: str = "duckdb"
    spark_remote: str | None = None  # Spark Connect URL (sc://host:15002) for engine="pyspark"
    spark_master: str | None = (
        None  # classic master URL (spark://…, yarn, k8s://…, local[n]); default local[2]
    )
    cutoffs: segments.TierCutoffs = field(default_factory=segments.TierCutoffs)
    ladder: segments.LadderRules = field(default_factory=segments.LadderRules)


def clv(
    fit_: bgnbd.BgNbdFit,
    spend: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    *,
    horizon: float,
    unit_days: float,
    annual_discount_rate: float,
    groups: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Discounted expected revenue over the horizon, month by month:
    CLV = Σ_i (E[X(t_i)] − E[X(t_{i−1})]) · E[M] / (1 + d)^i with d the monthly rate.

    E[X(t)] = N(t; x, T) · P(alive) (see `bgnbd.expected_purchases`): the sum over months runs on N, once per
    distinct (x, T), and is multiplied by P(alive) once per row. `groups`: `bgnbd.x_t_groups(x, T)` when the
    caller has it already."""
    month = 30.4375 / unit_days
    steps = max(int(math.ceil(horizon / month)), 1)
    monthly_rate = (1 + annual_discount_rate) ** (1 / 12) - 1
    first, inverse = groups if groups is not None else bgnbd.x_t_groups(x, T)
    gx, gT = np.asarray(x, dtype=float)[first], np.asarray(T, dtype=float)[first]
    total = np.zeros(len(first))
    previous = np.zeros(len(first))
    for i in range(1, steps + 1):
        current = bgnbd.expected_numerator(fit_, min(i * month, horizon), gx, gT)
        total += (current - previous) / (1 + monthly_rate) ** i
        previous = current
    return total[inverse] * bgnbd.alive_factor(fit_, x, t_x, T) * spend


def warm_imports() -> threading.Thread:
    """Import SciPy's optimiser and special functions in a background thread: the model fits need it only after the engine has loaded
    and summarised the data, and the engine's queries run without the GIL, so the import overlaps with them
    instead of adding to the wall time."""

    def work() -> None:
        import scipy.optimize
        import scipy.special  # noqa: F401

    thread = threading.Thread(target=work, name="dangol-imports", daemon=True)
    thread.start()
    return thread


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """BLAS on one thread while the models are fitted. The optimiser (L-BFGS-B) calls BLAS/LAPACK on vectors
    of 4 numbers and 10 × 10 matrices, hundreds of times; OpenBLAS wakes its thread pool for each call, which on
    a loaded 2-core machine took 0.9 s (cProfile, wall) of a 1M-line run in SciPy's `setulb`; with one thread
    `setulb` left the profile's top entries. The numbers are the same (outputs compared byte for byte):
    OpenBLAS runs such small problems on one thread anyway. The limit is process-wide while it holds."""
    return threadpool_limits(limits=1, user_api="blas")


def analyze(
    source: str | Path | Any,
    cols: engine.Columns,
    options: Options,
    progress: Callable[[str], None] | None = None,
    scorecard_ready: Callable[[pa.Table], None] | None = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """Load, summarise (Ibis), fit BG/NBD and Gamma-Gamma (NumPy), score, segment. Returns (scorecard, report).

    `scorecard_ready`, when given, is called with the scorecard as soon as it is complete, before the report
    is assembled (the CLI starts writing the Parquet file there, in a thread, while the report is made)."""
    say = progress or (lambda _step: None)
    if options.time_unit not in UNIT_DAYS:
        raise engine.InputError(f"time-unit은 day 또는 week여야 합니다: {options.time_unit}")
    if options.holdout_end and options.holdout_end <= options.end:
        raise engine.InputError("--holdout-end는 --end보다 뒤여야 합니다")
    unit = UNIT_DAYS[options.time_unit]
    con: Any
    tx: Any
    # on DuckDB with a Spark address, engine.connect refuses with a message
    spark = options.spark_remote or options.spark_master
    if options.engine == "duckdb" and isinstance(source, (str, os.PathLike)) and not spark:
        # a file on DuckDB: read, validated and summarised in DuckDB SQL, without importing Ibis (see duckpath)
        con = duckpath.connect()
        importing = warm_imports()  # after importing DuckDB: both imports hold the GIL
        say("load")
        tx, n_tx = duckpath.load_counted(con, source, cols)
    else:
        con = engine.connect(options.engine, remote=options.spark_remote, master=options.spark_master)
        importing = warm_imports()
        say("load")
        tx, n_tx = engine.load_counted(con, source, cols)
    say("summary")
    fast = duckpath.available(con)
    found: duckpath.FirstCategories | None = None
    # on DuckDB the summary comes unordered: the fits do not depend on the rows' order (both group alike
    # customers first, in the groups' own order), so they start while this thread puts the rows in id order
    if fast and cols.category:  # the same summary as one DuckDB statement, first categories from its pass
        days = None
        table, found = duckpath.summary_with_categories(
            con, tx, end=options.end, unit_days=unit, ordered=False
        )
    elif fast:  # the same summary as one DuckDB statement (see duckpath)
        days = None
        table = duckpath.summary(con, tx, end=options.end, unit_days=unit, ordered=False)
    else:
        days = engine.customer_days(tx).cache()  # one pass over the transactions; later steps read this
        table = engine.summary(days, end=options.end, unit_days=unit).order_by("customer_id").to_pyarrow()
    if table.num_rows == 0:
        raise engine.InputError(f"{options.end} 이전의 거래가 없습니다 (no transactions up to --end)")
    # columns to NumPy through `arrays`: Arrow's own to_numpy() imports pandas (≈ 0.7 CPU s)
    x = arrays.numbers(table["frequency"]).astype(float)
    t_x = arrays.numbers(table["recency"]).astype(float)
    T = arrays.numbers(table["T"]).astype(float)
    m = arrays.numbers(table["monetary"]).astype(float)
    first_days = table["first_day"]
    masks = (
        arrays.numbers(table["month_bits"])
        if retention.masks_fit(_earliest(first_days), options.end)
        else None
    )
    # The fits run on two other threads (NumPy and SciPy, mostly without the GIL) from here: BG/NBD at once,
    # while this thread puts the rows in id order, then Gamma-Gamma while this thread scores RFM. Cohorts and
    # retention from the masks follow, then the remaining engine queries (related sales; cohorts and retention
    # too when the month masks cannot hold every month: the engine's own threads, without the GIL).
    importing.join()  # SciPy (and its OpenBLAS) loaded: the thread limit below must see it
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dangol-report") as pool, _one_blas_thread():
        fitting = pool.submit(_fit_bgnbd, x, t_x, T)
        positions: np.ndarray | None = None  # row i of the id order is row positions[i] of the table
        if fast:
            order, ids = duckpath.id_order(table)
            positions = arrays.numbers(order)
        else:  # the Ibis path's summary is in id order already
            ids = table["customer_id"].combine_chunks()
        if positions is not None:
            x, t_x, T, m = x[positions], t_x[positions], T[positions], m[positions]
        totals = arrays.numbers(table["total"]).astype(float)
        days_since_last = arrays.numbers(table["days_since_last"]).astype(float)
        if positions is not None:
            totals, days_since_last = totals[positions], days_since_last[positions]
        # Gamma-Gamma on the other thread and the RFM scores on this one once the rows are in order (two
        # threads busy at a time, not three), while BG/NBD is still being fitted
        spending = pool.submit(gammagamma.fit, x, m)
        rfm = segments.rfm_scores(days_since_last, x, totals)
        # with the month masks, cohorts and retention are counted in NumPy next, and what is left for the
        # engine is related sales (a scan of the lines on both of DuckDB's threads): started once the scorecard
        # is complete, so that it runs beside the scorecard's Parquet writer (one thread) instead of against
        # the BG/NBD fit and the scores; the engine's cohort queries (no masks) are longer and start at once
        counted = (
            pool.submit(
                retention.monthly_from_masks,
                masks,
                end=options.end,
                through=retention.last_complete_day(options.end),
            )
            if masks is not None
            else None
        )
        monthly_args = (tx, days, cols, options, masks, con if fast else None, found, counted)
        early = pool.submit(_monthly, *monthly_args) if masks is None else None

        def monthly() -> Future[dict[str, Any]]:
            return early if early is not None else pool.submit(_monthly, *monthly_args)

        scorecard, report, fit_ = _models(
            ids,
            x,
            t_x,
            T,
            m,
            totals,
            days_since_last,
            options,
            unit,
            n_tx,
            say,
            fitting,
            positions,
            spending,
            rfm,
            monthly,
            scorecard_ready,
        )
    if options.holdout_end:
        say("holdout")
        report["holdout"] = _holdout(_ibis(tx), options, fit_, ids, x, t_x, T, unit)
    return scorecard, report


_Fitted = tuple[np.ndarray, np.ndarray, np.ndarray, bgnbd.BgNbdFit, np.ndarray]


def _fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> _Fitted:
    """BG/NBD on the distinct (x, t_x, T) rows (customers alike: one row with a count): the distinct rows,
    the fit, and each customer's row. The distinct rows, in their own order, and so the fit do not depend on
    the customers' order."""
    ux, ut, uT, counts_u, inverse = bgnbd.compress_index(x, t_x, T)
    return ux, ut, uT, bgnbd.fit(ux, ut, uT, weights=counts_u), inverse


def _ibis(tx: Any) -> Any:
    """The transactions as an Ibis table, for the steps that have no DuckDB SQL of their own."""
    return tx.table() if isinstance(tx, duckpath.Lines) else tx


def _earliest(first_days: pa.ChunkedArray) -> dt.date | None:
    import pyarrow.compute as pc

    return pc.min(first_days).as_py()  # type: ignore[no-any-return]


def _monthly(
    tx: Any,
    days: Any,
    cols: engine.Columns,
    options: Options,
    masks: np.ndarray | None = None,
    duck: Any = None,
    found: duckpath.FirstCategories | None = None,
    counted: Future[tuple[dict[str, Any], list[dict[str, Any]]]] | None = None,
) -> dict[str, Any]:
    """Cohorts and 3R. Monthly figures stop at the last complete month: a month still running would look like
    customers leaving (its few days against a whole month before it). With the summary's month masks, cohorts
    and retention are counted from them in NumPy; only related sales (categories) go to the engine. `duck`: the
    DuckDB connection when the fast path (`duckpath`) applies; `days` may then be None (computed on need);
    `found`: the first categories the fast path's summary found (related sales then need one join); `counted`:
    the future of `retention.monthly_from_masks` on the masks, when it was started earlier."""
    complete_through = retention.last_complete_day(options.end)
    if masks is not None:
        if counted is not None:
            cohorts, rates = counted.result()
        else:
            cohorts, rates = retention.monthly_from_masks(masks, end=options.end, through=complete_through)
        cohorts["complete_through"] = complete_through.isoformat()
        related = None
        if cols.category and duck is not None and found is not None:
            # one DuckDB thread: this runs beside the scorecard's Parquet writer, which has the other core
            with duckpath.threads(duck, 1):
                related = duckpath.related_from_summary(duck, tx, found, end=options.end)
        elif cols.category and duck is not None:
            related = duckpath.related_sales(duck, tx, end=options.end)
        elif cols.category:
            related = retention.related_sales(retention.customer_categories(tx.filter(tx.day <= options.end)))
        return {
            "cohorts": cohorts,
            "three_r": {"retention": rates, "related_sales": related, "referral": None},
        }
    tx = _ibis(tx)
    if days is None:
        days = engine.customer_days(tx)
    months = retention.customer_months(days.filter(days.day <= complete_through)).cache()
    calibration = tx.filter(tx.day <= options.end)
    categories = retention.customer_categories(calibration) if cols.category else None
    cohorts = retention.cohorts(months, through=complete_through)
    cohorts["complete_through"] = complete_through.isoformat()
    return {"cohorts": cohorts, "three_r": retention.three_r(months, categories=categories)}


def _models(
    ids: pa.Array,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    m: np.ndarray,
    totals: np.ndarray,
    days_since_last: np.ndarray,
    options: Options,
    unit: float,
    n_tx: int,
    say: Callable[[str], None],
    fitting: Future[_Fitted],
    positions: np.ndarray | None,
    spending: Future[gammagamma.GammaGammaFit],
    rfm: dict[str, np.ndarray],
    monthly: Callable[[], Future[dict[str, Any]]],
    scorecard_ready: Callable[[pa.Table], None] | None = None,
) -> tuple[pa.Table, dict[str, Any], bgnbd.BgNbdFit]:
    """Scores, tiers, stages and the report. The BG/NBD fit (`_fit_bgnbd` on the rows before they were put in
    id order by `positions`, None when they were in order already), the Gamma-Gamma fit, cohorts and 3R come
    from the futures `fitting`, `spending` and `monthly()` (computed on other threads meanwhile; `monthly` is
    called once the scorecard is complete and gives the future of cohorts and 3R); `rfm`: the RFM scores."""
    say("bgnbd")
    # what needs neither fit, while the other threads fit the models
    segment_labels = _labels(rfm["segment"], segments.SEGMENTS)
    rules = options.ladder
    promoter, partner = _member(ids, rules.advocates), _member(ids, rules.partners)
    ux, ut, uT, fit_, inverse = fitting.result()
    if positions is not None:
        inverse = inverse[positions]  # each customer's (x, t_x, T) row, in id order
    say("gamma_gamma")
    # what needs BG/NBD alone first, while the other thread may still be fitting Gamma-Gamma: predictions
    # depend on (x, t_x, T) only, computed once per distinct row and spread back
    groups = bgnbd.x_t_groups(ux, uT)
    p_alive = bgnbd.probability_alive(fit_, ux, ut, uT)[inverse]
    expected = bgnbd.expected_purchases(fit_, options.horizon, ux, ut, uT, groups=groups)[inverse]
    per_spend = clv(
        fit_,
        np.ones(len(ux)),
        ux,
        ut,
        uT,
        horizon=options.horizon,
        unit_days=unit,
        annual_discount_rate=options.annual_discount_rate,
        groups=groups,
    )[inverse]
    gg = spending.result()
    say("score")
    spend = gammagamma.expected_average_spend(gg, x, m) if gg.converged else np.where(x > 0, m, np.nan)
    spend = np.where(
        np.isfinite(spend), spend, np.nanmean(np.where(x > 0, m, np.nan)) if (x > 0).any() else 0.0
    )
    values = per_spend * spend
    tier_codes = segments.value_tier_codes(values, options.cutoffs)
    stage_codes = segments.ladder_stage_codes(
        {
            "purchases": x + 1,  # x counts repeat purchase days; the first day makes it a customer
            "days_since_last": days_since_last,
            "p_alive": p_alive,
            "promoter": promoter,
            "partner_flag": partner,
            "tier": np.asarray(segments.TIERS, dtype=object)[tier_codes],
        },
        rules,
    )
    scorecard = pa.table(
        {
            "customer_id": ids.cast(pa.string()),
            "frequency": arrays.column(x.astype(np.int64)),
            "recency": arrays.column(t_x),
            "T": arrays.column(T),
            "monetary": arrays.column(m),
            "rfm_r": arrays.column(rfm["rfm_r"]),
            "rfm_f": arrays.column(rfm["rfm_f"]),
            "rfm_m": arrays.column(rfm["rfm_m"]),
            "rfm_segment": segment_labels,
            "probability_alive": arrays.column(p_alive),
            "expected_purchases": arrays.column(expected),
            "clv": arrays.column(np.round(values, 0)),
            "value_tier": _labels(tier_codes, segments.TIERS),
            "stage": _labels(stage_codes, [*segments.STAGES, ""]),
        }
    )
    if scorecard_ready is not None:
        scorecard_ready(scorecard)
    cohorts_and_3r = monthly()
    say("report")
    report: dict[str, Any] = {
        "n_customers": int(len(ids)),
        "n_transactions": int(n_tx),
        "end": options.end.isoformat(),
        "time_unit": options.time_unit,
        "horizon": options.horizon,
        "engine": options.engine,
        "bgnbd": {
            k: _clean(v)
            for k, v in fit_.as_dict().items()
            if k in ("r", "alpha", "a", "b", "log_likelihood", "converged", "message", "at_boundary")
        },
        "gamma_gamma": {k: _clean(v) for k, v in gg.as_dict().items()},
        "pareto": _pareto(totals, values),
        "segments": _code_counts(rfm["segment"], segments.SEGMENTS),
        "rfm_grid": _rfm_grid(rfm["rfm_r"], rfm["rfm_f"], rfm["rfm_m"]),
        "segments_ko": segments.SEGMENTS_KO,
        "stages": _code_counts(stage_codes, segments.STAGES),
        "ladder": segments.ladder_definitions(rules),
        "tiers": _code_counts(tier_codes, segments.TIERS),
        "clv": {
            "total": round(float(values.sum()), 0),
            "mean": round(float(values.mean()), 2),
            "histogram": _histogram(values),
        },
    }
    report.update(cohorts_and_3r.result())  # waits for the engine's cohort and 3R queries, if still running
    return scorecard, report, fit_


def _member(ids: pa.Array, wanted: frozenset[str]) -> np.ndarray:
    """Which customers are in `wanted` (ids compared as text), without a Python string per customer."""
    if not wanted:
        return np.zeros(len(ids), dtype=bool)
    import pyarrow.compute as pc

    hit = pc.is_in(ids.cast(pa.string()), value_set=arrays.strings(sorted(wanted)))
    return arrays.numbers(hit.fill_null(False))


def _labels(codes: np.ndarray, names: list[str]) -> pa.Array:
    """Codes into `names` as a string column (built by Arrow, not one Python string per row)."""
    return arrays.strings(names).take(arrays.column(np.asarray(codes, dtype=np.int32)))


def _code_counts(codes: np.ndarray, names: list[str]) -> dict[str, int]:
    """Customers per name, every name listed (0 when none); a code past the names (no stage) as ""."""
    counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(names) + 1)
    result = {name: int(k) for name, k in zip(names, counts, strict=False)}
    if counts[len(names) :].any():
        result[""] = int(counts[len(names) :].sum())
    return result


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _rfm_grid(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> dict[str, Any]:
    """Customers per cell of the R × FM grid (rows R 5 → 1, columns FM 1 → 5) with the cell's segment."""
    fm = np.floor((f + m) / 2).astype(int)
    counts = [[int(np.count_nonzero((r == rs) & (fm == fs))) for fs in range(1, 6)] for rs in range(5, 0, -1)]
    return {
        "r": [5, 4, 3, 2, 1],
        "fm": [1, 2, 3, 4, 5],
        "counts": counts,
        "segments": [segments.GRID[rs] for rs in range(5, 0, -1)],
    }


def _pareto(revenue: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    past = segments.pareto(revenue)
    future = segments.pareto(values)
    return {
        "top20_revenue_share": past["top20_share"],
        "top20_clv_share": future["top20_share"],
        "curve_revenue": past["curve"],
        "curve_clv": future["curve"],
    }


def _histogram(values: np.ndarray, bins: int = 20) -> dict[str, list[float]]:
    if len(values) == 0:
        return {"edges": [], "counts": []}
    top = float(np.quantile(values, 0.99)) or 1.0
    counts, edges = np.histogram(np.clip(values, 0, top), bins=bins, range=(0, top))
    return {"edges": [round(float(e), 2) for e in edges], "counts": [int(c) for c in counts]}


def _holdout(
    tx: Any,
    options: Options,
    fit_: bgnbd.BgNbdFit,
    ids: pa.Array,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    unit: float,
) -> dict[str, Any]:
    """Predicted vs actual purchases in the holdout period, by calibration frequency (the paper's Figure 4)."""
    assert options.holdout_end is not None
    length = (options.holdout_end - options.end).days / unit
    actual_table = engine.holdout_counts(tx, end=options.end, holdout_end=options.holdout_end).to_pyarrow()
    import pyarrow.compute as pc

    # each customer's row in the holdout counts (null: no purchase there)
    where = pc.index_in(ids.cast(pa.string()), value_set=actual_table["customer_id"].cast(pa.string()))
    found = arrays.numbers(where.is_valid())
    positions = arrays.numbers(where.fill_null(0))
    purchases = arrays.numbers(actual_table["holdout_purchases"]).astype(float)
    actual = np.where(found, purchases[positions] if len(purchases) else 0.0, 0.0)
    predicted = bgnbd.expected_purchases(fit_, length, x, t_x, T)
    groups: list[dict[str, Any]] = []
    for k in range(8):
        mask = x >= 7 if k == 7 else x == k
        if mask.any():
            groups.append(
                {
                    "frequency": "7+" if k == 7 else str(k),
                    "customers": int(mask.sum()),
                    "actual": round(float(actual[mask].mean()), 4),
                    "predicted": round(float(predicted[mask].mean()), 4),
                }
            )
    mae = float(np.mean([abs(g["actual"] - g["predicted"]) for g in groups])) if groups else None
    return {
        "length": length,
        "groups": groups,
        "mean_abs_error_by_group": round(mae, 4) if mae is not None else None,
        "total_actual": int(actual.sum()),
        "total_predicted": round(float(predicted.sum()), 2),
        "total_error_pct": round(float((predicted.sum() - actual.sum()) / max(actual.sum(), 1) * 100), 2),
    }
