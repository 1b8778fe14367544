"""RFM scores and named segments (Ibis), value tiers and relationship-ladder stages (NumPy).

RFM: each of R (days since the last purchase, recent is better), F (frequency) and M (total spend) is
scored 1–5 from its percent rank (ties share a score on every engine — NTILE would split them
differently on DuckDB and Spark). FM = floor((F + M) / 2). The segment is read from an explicit R × FM
grid (GRID below). The usual 11-segment list is written as overlapping ranges applied "first match
wins", which leaves New, Promising, Can't lose and Lost unreachable; the grid gives every cell exactly
one name and every segment at least one cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np

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
    fm = ((scored.rfm_f + scored.rfm_m) / 2).floor().cast("int64")
    r = scored.rfm_r
    branches = [
        ((r == r_score) & (fm == fm_score), name)
        for r_score, row in GRID.items()
        for fm_score, name in enumerate(row, start=1)
    ]
    segment = ibis.cases(*branches, else_="Lost")
    return scored.mutate(rfm_segment=segment)


@dataclass(frozen=True)
class TierCutoffs:
    """Shares of customers by predicted CLV, from the top: 초우량, 우량, 일반; the rest are 관리."""

    super_superior: float = 0.05
    superior: float = 0.15
    regular: float = 0.50


TIERS = ["초우량", "우량", "일반", "관리"]


def value_tiers(clv: np.ndarray, cutoffs: TierCutoffs = TierCutoffs()) -> np.ndarray:
    n = len(clv)
    order = np.argsort(-clv, kind="stable")
    rank = np.empty(n, dtype=float)
    rank[order] = (np.arange(n) + 1) / max(n, 1)  # the share of customers at or above this one
    bounds = np.cumsum([cutoffs.super_superior, cutoffs.superior, cutoffs.regular]) + 1e-12
    tier = np.full(n, TIERS[3], dtype=object)
    tier[rank <= bounds[2]] = TIERS[2]
    tier[rank <= bounds[1]] = TIERS[1]
    tier[rank <= bounds[0]] = TIERS[0]
    return tier


@dataclass(frozen=True)
class LadderRules:
    """prospect (no purchase) → first_purchase → regular (≥ min_repeat repeat purchases and still active)
    → advocate (regular and a promoter or referrer) → partner (advocate in the top tier, or flagged)."""

    min_repeat: int = 2
    alive_threshold: float = 0.5
    partner_tiers: tuple[str, ...] = ("초우량",)
    advocates: frozenset[str] = field(default_factory=frozenset)
    partners: frozenset[str] = field(default_factory=frozenset)


STAGES = ["prospect", "first_purchase", "regular", "advocate", "partner"]


def ladder_stages(
    customer_ids: np.ndarray,
    frequency: np.ndarray,
    p_alive: np.ndarray,
    tiers: np.ndarray,
    rules: LadderRules = LadderRules(),
) -> np.ndarray:
    regular = (frequency >= rules.min_repeat) & (p_alive >= rules.alive_threshold)
    stage = np.where(regular, "regular", "first_purchase").astype(object)
    if rules.advocates:
        advocate = regular & np.isin(customer_ids, list(rules.advocates))
        stage[advocate] = "advocate"
        partner = advocate & np.isin(tiers, list(rules.partner_tiers))
        stage[partner] = "partner"
    if rules.partners:
        stage[np.isin(customer_ids, list(rules.partners)) & regular] = "partner"
    return stage


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
