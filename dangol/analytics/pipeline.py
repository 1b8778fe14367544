"""The whole analysis: transactions in, per-customer scorecard and a report out."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from dangol.analytics import bgnbd, engine, gammagamma, retention, segments

UNIT_DAYS = {"day": 1.0, "week": 7.0}


@dataclass
class Options:
    end: dt.date
    holdout_end: dt.date | None = None
    time_unit: str = "week"
    horizon: float = 52.0  # in time units
    annual_discount_rate: float = 0.10
    engine: str = "duckdb"
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
) -> np.ndarray:
    """Discounted expected revenue over the horizon, month by month:
    CLV = Σ_i (E[X(t_i)] − E[X(t_{i−1})]) · E[M] / (1 + d)^i with d the monthly rate."""
    month = 30.4375 / unit_days
    steps = max(int(math.ceil(horizon / month)), 1)
    monthly_rate = (1 + annual_discount_rate) ** (1 / 12) - 1
    total = np.zeros(len(x))
    previous = np.zeros(len(x))
    groups = bgnbd.x_t_groups(x, T)
    for i in range(1, steps + 1):
        current = bgnbd.expected_purchases(fit_, min(i * month, horizon), x, t_x, T, groups=groups)
        total += (current - previous) * spend / (1 + monthly_rate) ** i
        previous = current
    return total


def analyze(
    source: str | Path | Any,
    cols: engine.Columns,
    options: Options,
    progress: Callable[[str], None] | None = None,
) -> tuple[pa.Table, dict[str, Any]]:
    """Load, summarise (Ibis), fit BG/NBD and Gamma-Gamma (NumPy), score, segment. Returns (scorecard, report)."""
    say = progress or (lambda _step: None)
    if options.time_unit not in UNIT_DAYS:
        raise engine.InputError(f"time-unit은 day 또는 week여야 합니다: {options.time_unit}")
    if options.holdout_end and options.holdout_end <= options.end:
        raise engine.InputError("--holdout-end는 --end보다 뒤여야 합니다")
    unit = UNIT_DAYS[options.time_unit]
    con = engine.connect(options.engine)
    say("load")
    tx, n_tx = engine.load_counted(con, source, cols)
    say("summary")
    days = engine.customer_days(tx).cache()  # one pass over the transactions; every later step reads this
    table = (
        segments.rfm(engine.summary(days, end=options.end, unit_days=unit))
        .order_by("customer_id")
        .to_pyarrow()
    )
    if table.num_rows == 0:
        raise engine.InputError(f"{options.end} 이전의 거래가 없습니다 (no transactions up to --end)")
    ids = np.asarray(table["customer_id"].to_pylist(), dtype=object)
    x = table["frequency"].to_numpy().astype(float)
    t_x = table["recency"].to_numpy().astype(float)
    T = table["T"].to_numpy().astype(float)
    m = table["monetary"].to_numpy().astype(float)
    say("bgnbd")
    ux, ut, uT, counts_u, inverse = bgnbd.compress_index(x, t_x, T)  # customers alike in (x, t_x, T): one row
    fit_ = bgnbd.fit(ux, ut, uT, weights=counts_u)
    say("gamma_gamma")
    gg = gammagamma.fit(x, m)
    say("score")
    # predictions depend on (x, t_x, T) only: compute them once per distinct row and spread them back
    p_alive = bgnbd.probability_alive(fit_, ux, ut, uT)[inverse]
    expected = bgnbd.expected_purchases(fit_, options.horizon, ux, ut, uT)[inverse]
    spend = gammagamma.expected_average_spend(gg, x, m) if gg.converged else np.where(x > 0, m, np.nan)
    spend = np.where(
        np.isfinite(spend), spend, np.nanmean(np.where(x > 0, m, np.nan)) if (x > 0).any() else 0.0
    )
    values = (
        clv(
            fit_,
            np.ones(len(ux)),
            ux,
            ut,
            uT,
            horizon=options.horizon,
            unit_days=unit,
            annual_discount_rate=options.annual_discount_rate,
        )[inverse]
        * spend
    )
    tiers = segments.value_tiers(values, options.cutoffs)
    rules = options.ladder
    stages = segments.ladder_stages(
        {
            "purchases": x + 1,  # x counts repeat purchase days; the first day makes it a customer
            "days_since_last": table["days_since_last"].to_numpy().astype(float),
            "p_alive": p_alive,
            "promoter": np.isin(ids, list(rules.advocates)),
            "partner_flag": np.isin(ids, list(rules.partners)),
            "tier": tiers,
        },
        rules,
    )
    scorecard = pa.table(
        {
            "customer_id": pa.array(ids.tolist(), pa.string()),
            "frequency": pa.array(x.astype(np.int64)),
            "recency": pa.array(t_x),
            "T": pa.array(T),
            "monetary": pa.array(m),
            "rfm_r": table["rfm_r"],
            "rfm_f": table["rfm_f"],
            "rfm_m": table["rfm_m"],
            "rfm_segment": table["rfm_segment"],
            "probability_alive": pa.array(p_alive),
            "expected_purchases": pa.array(expected),
            "clv": pa.array(np.round(values, 0)),
            "value_tier": pa.array(tiers.tolist(), pa.string()),
            "stage": pa.array(stages.tolist(), pa.string()),
        }
    )
    say("report")
    totals = table["total"].to_numpy().astype(float)
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
        "segments": _counts(table["rfm_segment"].to_pylist(), segments.SEGMENTS),
        "rfm_grid": _rfm_grid(
            table["rfm_r"].to_numpy(), table["rfm_f"].to_numpy(), table["rfm_m"].to_numpy()
        ),
        "segments_ko": segments.SEGMENTS_KO,
        "stages": _counts(stages, segments.STAGES),
        "ladder": segments.ladder_definitions(rules),
        "tiers": _counts(tiers, segments.TIERS),
        "clv": {
            "total": round(float(values.sum()), 0),
            "mean": round(float(values.mean()), 2),
            "histogram": _histogram(values),
        },
    }
    # Monthly figures stop at the last complete month: a month still running would look like customers
    # leaving (its few days against a whole month before it).
    complete_through = retention.last_complete_day(options.end)
    months = retention.customer_months(days.filter(days.day <= complete_through)).cache()
    calibration = tx.filter(tx.day <= options.end)
    categories = retention.customer_categories(calibration) if cols.category else None
    report["cohorts"] = retention.cohorts(months, through=complete_through)
    report["cohorts"]["complete_through"] = complete_through.isoformat()
    report["three_r"] = retention.three_r(months, categories=categories)
    if options.holdout_end:
        say("holdout")
        report["holdout"] = _holdout(tx, options, fit_, ids, x, t_x, T, unit)
    return scorecard, report


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _counts(values: Any, order: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(order, 0)
    for label, k in Counter(values.tolist() if hasattr(values, "tolist") else values).items():
        counts[str(label)] = counts.get(str(label), 0) + k
    return counts


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
    ids: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    unit: float,
) -> dict[str, Any]:
    """Predicted vs actual purchases in the holdout period, by calibration frequency (the paper's Figure 4)."""
    assert options.holdout_end is not None
    length = (options.holdout_end - options.end).days / unit
    actual_table = engine.holdout_counts(tx, end=options.end, holdout_end=options.holdout_end).to_pyarrow()
    actual_map = dict(
        zip(
            actual_table["customer_id"].to_pylist(),
            actual_table["holdout_purchases"].to_pylist(),
            strict=True,
        )
    )
    actual = np.array([actual_map.get(c, 0) for c in ids], dtype=float)
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
