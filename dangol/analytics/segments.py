"""RFM scores and named segments (Ibis), value tiers and relationship-ladder stages (NumPy).

RFM: each of R (days since the last purchase, recent is better), F (frequency) and M (total spend) is
scored 1–5 from its percent rank (ties share a score on every engine — NTILE would split them
differently on DuckDB and Spark). FM = floor((F + M) / 2). The segment is read from an explicit R × FM
grid (GRID below). The usual 11-segment list is written as overlapping ranges applied "first match
wins", which leaves New, Promising, Can't lose and Lost unreachable; the grid gives every cell exactly
one name and every segment at least one cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Ibis is imported inside the two functions that build expressions (`_score`, `rfm`): the DuckDB path of
# `dangol analyze` uses only the NumPy functions here and runs without importing Ibis.

SEGMENTS = [
    "Champions",
    "Loyal",
    "Potential loyalist",
    "New",
    "Promising",
    "Need attention",
    "About to sleep",
    "At risk",
    "Can't lose",
    "Hibernating",
    "Lost",
]
SEGMENTS_KO = {
    "Champions": "최우수",
    "Loyal": "충성",
    "Potential loyalist": "충성 잠재",
    "New": "신규",
    "Promising": "유망",
    "Need attention": "관심 필요",
    "About to sleep": "이탈 직전",
    "At risk": "이탈 위험",
    "Can't lose": "놓치면 안 될",
    "Hibernating": "휴면",
    "Lost": "이탈",
}
# GRID[r][fm - 1]: rows R = 5 (bought recently) … 1 (long ago), columns FM = 1 … 5.
GRID = {
    5: ["New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"],
    4: ["Promising", "Potential loyalist", "Loyal", "Champions", "Champions"],
    3: ["About to sleep", "Need attention", "Loyal", "Loyal", "Loyal"],
    2: ["Hibernating", "About to sleep", "At risk", "At risk", "Can't lose"],
    1: ["Lost", "Hibernating", "At risk", "Can't lose", "Can't lose"],
}


def _score(value: ir.NumericColumn, *, descending: bool = False) -> ir.IntegerValue:
    import ibis

    order = ibis.desc(value) if descending else value
    rank = ibis.percent_rank().over(order_by=order)
    return ibis.least((rank * 5).floor().cast("int64") + 1, 5)


def rfm(summary: ir.Table) -> ir.Table:
    """The summary with rfm_r, rfm_f, rfm_m and rfm_segment added."""
    scored = summary.mutate(
        rfm_r=_score(summary.days_since_last, descending=True),
        rfm_f=_score(summary.frequency),
        rfm_m=_score(summary.total),
    )
    import ibis

    fm = ((scored.rfm_f + scored.rfm_m) / 2).floor().cast("int64")
    r = scored.rfm_r
    branches = [
        ((r == r_score) & (fm == fm_score), name)
        for r_score, row in GRID.items()
        for fm_score, name in enumerate(row, start=1)
    ]
    segment = ibis.cases(*branches, else_="Lost")
    return scored.mutate(rfm_segment=segment)


def percent_rank_scores(values: np.ndarray, *, descending: bool = False) -> np.ndarray:
    """`_score` in NumPy, the same numbers: percent_rank = (rank − 1) / (n − 1) with tied values sharing the
    lowest rank, score = min(floor(5 · percent_rank) + 1, 5)."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = -v if descending else v
    before = rows_ahead(key)
    rank = before / (n - 1) if n > 1 else np.zeros(n)
    return np.minimum(np.floor(rank * 5).astype(np.int64) + 1, 5)


def rows_ahead(key: np.ndarray) -> np.ndarray:
    """For each value, how many values are strictly smaller (NaN counted as larger than every number, NaNs
    equal): `np.searchsorted(np.sort(key), key, side="left")` without a binary search per row (1M searches
    into 1M sorted values miss the cache at every step). Whole numbers in a short range (purchase counts,
    days) are counted with `bincount`; other values are ranked from one sort (equal values share the first
    position of their run, so the sort need not be stable)."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    finite = bool(np.isfinite(key).all())
    if finite:
        low, high = float(key.min()), float(key.max())
        if high - low <= 4 * n + 1024 and bool((key == np.floor(key)).all()):
            codes = (key - low).astype(np.int64)
            counts = np.bincount(codes)
            return (np.cumsum(counts) - counts)[codes]  # type: ignore[no-any-return]
    order = np.argsort(key)
    ordered = key[order]
    new_run = np.empty(n, dtype=bool)
    new_run[0] = True
    same = ordered[1:] == ordered[:-1]
    if not finite:
        same |= np.isnan(ordered[1:]) & np.isnan(ordered[:-1])
    new_run[1:] = ~same
    start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))  # first position of each value's run
    before = np.empty(n, dtype=np.int64)
    before[order] = start
    return before


SEGMENT_CODES = np.array([[SEGMENTS.index(GRID[r][fm - 1]) for fm in range(1, 6)] for r in range(1, 6)])


def rfm_scores(
    days_since_last: np.ndarray, frequency: np.ndarray, total: np.ndarray
) -> dict[str, np.ndarray]:
    """`rfm` on arrays already in hand (the pipeline's summary): rfm_r, rfm_f, rfm_m and the segment as an
    index into SEGMENTS. Engine-independent, so DuckDB and Spark runs score alike by construction."""
    r = percent_rank_scores(days_since_last, descending=True)
    f = percent_rank_scores(frequency)
    m = percent_rank_scores(total)
    return {"rfm_r": r, "rfm_f": f, "rfm_m": m, "segment": SEGMENT_CODES[r - 1, (f + m) // 2 - 1]}


@dataclass(frozen=True)
class TierCutoffs:
    """Shares of customers by predicted CLV, from the top: 초우량, 우량, 일반; the rest are 관리."""

    super_superior: float = 0.05
    superior: float = 0.15
    regular: float = 0.50


TIERS = ["초우량", "우량", "일반", "관리"]


def value_tiers(clv: np.ndarray, cutoffs: TierCutoffs = TierCutoffs()) -> np.ndarray:
    return np.asarray(TIERS, dtype=object)[value_tier_codes(clv, cutoffs)]


def value_tier_codes(clv: np.ndarray, cutoffs: TierCutoffs = TierCutoffs()) -> np.ndarray:
    """`value_tiers` as indexes into TIERS."""
    n = len(clv)
    key = -np.asarray(clv, dtype=float)
    # In the order of a stable sort of −CLV, the customer at position p has the share (p + 1) / n of customers
    # at or above them and is in the tier whose cumulative bound that share does not exceed. Each tier is then
    # the first c positions of that order: found by a partition (linear) instead of sorting every customer.
    shares = (np.arange(n) + 1) / max(n, 1)
    bounds = np.cumsum([cutoffs.super_superior, cutoffs.superior, cutoffs.regular]) + 1e-12
    tier = np.full(n, 3, dtype=np.int64)
    for code in (2, 1, 0):
        tier[_first_in_order(key, int(np.count_nonzero(shares <= bounds[code])))] = code
    return tier


def _first_in_order(key: np.ndarray, count: int) -> np.ndarray:
    """The rows at the first `count` positions of `np.argsort(key, kind="stable")` (NaN last), as a mask."""
    n = len(key)
    if count >= n:
        return np.ones(n, dtype=bool)
    mask = np.zeros(n, dtype=bool)
    if count <= 0:
        return mask
    kth = np.partition(key, count - 1)[count - 1]
    if np.isnan(kth):
        mask = ~np.isnan(key)
        tied = np.flatnonzero(np.isnan(key))
    else:
        mask = key < kth
        tied = np.flatnonzero(key == kth)
    mask[tied[: count - int(np.count_nonzero(mask))]] = True  # ties go by row order, as in a stable sort
    return mask


@dataclass(frozen=True)
class Condition:
    """One test on a customer's figures: `feature op value`, e.g. Condition("purchases", ">=", 2).

    Features (one array per feature, one entry per customer; see `ladder_stages`):
    purchases (distinct purchase days up to the end date; 0 = never bought), days_since_last (days from the
    last purchase to the end date), p_alive (BG/NBD probability of still being active), promoter (latest
    NPS answer 9–10 or a referrer), partner_flag (named a partner by the business), tier (value tier)."""

    feature: str
    op: str  # one of OPS
    value: float | bool | tuple[str, ...]


OPS: dict[str, Callable[[np.ndarray, Any], Any]] = {
    "==": np.equal,
    ">=": np.greater_equal,
    ">": np.greater,
    "<": np.less,
    "in": lambda column, values: np.isin(column, list(values)),
}


@dataclass(frozen=True)
class StageRule:
    """A stage and when it applies: any one of `any_of`, each a set of conditions that must all hold."""

    stage: str
    any_of: tuple[tuple[Condition, ...], ...]


@dataclass(frozen=True)
class LadderRules:
    """The relationship ladder of 001 (잠재고객 → 첫 거래 → 단골 → 옹호자 → 동반자) with the two states of
    a relationship that is fading (이탈 위험) or over (이탈: "거래를 중단하고 떠나버리게 되면").

    The thresholds live here; `definitions()` turns them into the ordered rule table that `ladder_stages`
    applies (first match wins) and that the pages print, so what is shown is what is computed.

    P(alive) judges only repeat buyers: BG/NBD lets a customer drop out only after a repeat purchase, so
    for a one-time buyer (x = 0) it is 1 whatever the time since; those are judged by days since the
    purchase instead."""

    repeat_purchases: int = 2  # purchases (distinct days) that make a regular (단골)
    at_risk_days: int = 180  # a one-time buyer silent this long is at risk
    lapsed_days: int = 365  # anyone silent this long has lapsed
    at_risk_alive: float = 0.5  # repeat buyers below this P(alive) are at risk
    lapsed_alive: float = 0.2  # … and below this one have lapsed
    partner_tiers: tuple[str, ...] = ("초우량",)
    advocates: frozenset[str] = field(default_factory=frozenset)
    partners: frozenset[str] = field(default_factory=frozenset)

    def definitions(self) -> list[StageRule]:
        """The stages in the order they are tested (first match wins)."""
        repeat = Condition("purchases", ">=", self.repeat_purchases)
        once = Condition(
            "purchases", "<", self.repeat_purchases
        )  # bought, but not again (prospects come first)
        return [
            StageRule("prospect", ((Condition("purchases", "==", 0),),)),
            StageRule(
                "lapsed",
                (
                    (Condition("days_since_last", ">", self.lapsed_days),),
                    (repeat, Condition("p_alive", "<", self.lapsed_alive)),
                ),
            ),
            StageRule(
                "at_risk",
                (
                    (once, Condition("days_since_last", ">", self.at_risk_days)),
                    (repeat, Condition("p_alive", "<", self.at_risk_alive)),
                ),
            ),
            StageRule(
                "partner",
                (
                    (repeat, Condition("partner_flag", "==", True)),
                    (repeat, Condition("promoter", "==", True), Condition("tier", "in", self.partner_tiers)),
                ),
            ),
            StageRule("advocate", ((repeat, Condition("promoter", "==", True)),)),
            StageRule("regular", ((repeat,),)),
            StageRule("first_purchase", ((once,),)),
        ]


# The ladder from the bottom up, then the two fading states (the order of charts and counts).
STAGES = ["prospect", "first_purchase", "regular", "advocate", "partner", "at_risk", "lapsed"]
FEATURE_DEFAULTS: dict[str, Any] = {
    "days_since_last": 0.0,
    "p_alive": np.nan,
    "promoter": False,
    "partner_flag": False,
    "tier": "",
}


def ladder_stages(features: Mapping[str, Any], rules: LadderRules = LadderRules()) -> np.ndarray:
    return np.asarray([*STAGES, ""], dtype=object)[ladder_stage_codes(features, rules)]


def ladder_stage_codes(features: Mapping[str, Any], rules: LadderRules = LadderRules()) -> np.ndarray:
    """The stage of each customer as an index into STAGES: the first rule of `rules.definitions()` whose conditions all hold in
    one of its alternatives. `features` maps each feature name of `Condition` to an array (one entry per
    customer); `purchases` is required, the others default to FEATURE_DEFAULTS (no P(alive), not a
    promoter, not a partner, no tier). Comparisons with a missing P(alive) (NaN) are false."""
    purchases = np.asarray(features["purchases"])
    n = len(purchases)
    columns = {
        name: np.asarray(features[name])
        if name in features
        else np.full(n, default, dtype=object if isinstance(default, str) else None)
        for name, default in FEATURE_DEFAULTS.items()
    }
    columns["purchases"] = purchases
    columns["p_alive"] = columns["p_alive"].astype(float)
    stage = np.full(n, len(STAGES), dtype=np.int64)  # no rule matched: "" (code len(STAGES))
    open_ = np.ones(n, dtype=bool)
    for rule in rules.definitions():
        hit = np.zeros(n, dtype=bool)
        for conditions in rule.any_of:
            both = np.ones(n, dtype=bool)
            for c in conditions:
                both &= np.asarray(OPS[c.op](columns[c.feature], c.value), dtype=np.bool_)
            hit |= both
        stage[open_ & hit] = STAGES.index(rule.stage)
        open_ &= ~hit
    return stage


def ladder_stage(**features: Any) -> str:
    """`ladder_stages` for one customer: ladder_stage(purchases=0) == "prospect"."""
    return str(ladder_stages({k: np.array([v]) for k, v in features.items()})[0])


def ladder_definitions(rules: LadderRules = LadderRules()) -> list[dict[str, Any]]:
    """`rules.definitions()` as plain data for report.json (the pages print the rules from it)."""
    return [
        {
            "stage": r.stage,
            "any_of": [
                [
                    {
                        "feature": c.feature,
                        "op": c.op,
                        "value": list(c.value) if isinstance(c.value, tuple) else c.value,
                    }
                    for c in conditions
                ]
                for conditions in r.any_of
            ],
        }
        for r in rules.definitions()
    ]


def pareto(values: np.ndarray, points: int = 21) -> dict[str, object]:
    """Share of the total held by the top 20% and the concentration curve (customer share → value share)."""
    v = np.sort(np.clip(np.asarray(values, dtype=float), 0, None))[::-1]
    total = v.sum()
    n = len(v)
    if n == 0 or total <= 0:
        return {"top20_share": None, "curve": []}
    cumulative = np.cumsum(v) / total
    shares = np.linspace(0, 1, points)
    curve = [
        [round(float(s), 4), round(float(cumulative[max(int(np.ceil(s * n)) - 1, 0)]) if s > 0 else 0.0, 4)]
        for s in shares
    ]
    top = int(np.ceil(0.2 * n))
    return {"top20_share": round(float(cumulative[top - 1]), 4), "curve": curve}
