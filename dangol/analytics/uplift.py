"""Control groups and incremental effect: who is held out, and how much the treatment changed.

Pure library (no Django). Used by campaigns and journeys:

    held_out = assign_holdout(ids, tiers, share=0.1, seed=campaign.pk)
    result = lift(treated_n=900, treated_conv=99, control_n=100, control_conv=7)
    money = revenue_uplift(treated_amounts, control_amounts)

Intervals are 95%. `lift` uses Newcombe's hybrid score interval for a difference of two independent
proportions (Newcombe 1998, "Interval estimation for the difference between independent proportions",
method 10): each arm gets a Wilson score interval and the two are combined into the interval for the
difference. Unlike the Wald interval it stays inside [-1, 1] and behaves at rates near 0 or 1 and with
small control groups. `revenue_uplift` uses Welch's t interval (unequal variances, Welch–Satterthwaite df).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

Z95 = 1.959963984540054  # the 0.975 quantile of the standard normal


def assign_holdout(ids: Sequence[int], strata: Sequence[str], *, share: float, seed: int) -> set[int]:
    """The ids held out as the control group: within each stratum, round(share·n) members drawn at random.

    `strata[i]` is the stratum of `ids[i]` (e.g. the value tier). A stratum of n ≥ 2 members holds out at least one
    when share > 0 (rounding half up otherwise). The draw is reproducible: the same ids, strata, share and seed give
    the same set whatever the input order, and each stratum's draw depends only on its own members and the seed.
    """
    if len(ids) != len(strata):
        raise ValueError("ids and strata must have the same length")
    if not 0.0 <= share <= 1.0 or math.isnan(share):
        raise ValueError("share must be between 0 and 1")
    groups: dict[str, list[int]] = defaultdict(list)
    seen: set[int] = set()
    for customer_id, stratum in zip(ids, strata, strict=True):
        if customer_id in seen:
            raise ValueError(f"duplicate id {customer_id}")
        seen.add(customer_id)
        groups[str(stratum)].append(int(customer_id))
    held: set[int] = set()
    for stratum in sorted(groups):
        members = sorted(groups[stratum])
        n = len(members)
        k = holdout_size(n, share)
        if k:
            rng = random.Random(f"{seed}:{stratum}")
            held.update(rng.sample(members, k))
    return held


def holdout_size(n: int, share: float) -> int:
    """How many of a stratum of n are held out: round half up of share·n, at least 1 when n ≥ 2 and share > 0."""
    k = math.floor(share * n + 0.5)
    if share > 0 and n >= 2:
        k = max(k, 1)
    return min(k, n)


@dataclass(frozen=True)
class Lift:
    """Conversion in the treated arm vs the control arm. Rates are None for an empty arm; `diff` is the absolute
    uplift (treated_rate − control_rate) with its 95% Newcombe hybrid score interval; `relative` is diff/control_rate,
    None when the control rate is 0 (or unknown)."""

    treated_n: int
    treated_conv: int
    control_n: int
    control_conv: int
    treated_rate: float | None
    control_rate: float | None
    diff: float | None
    diff_low: float | None
    diff_high: float | None
    relative: float | None

    @property
    def significant(self) -> bool:
        """True when the 95% interval of the difference excludes 0."""
        return (
            self.diff_low is not None
            and self.diff_high is not None
            and (self.diff_low > 0 or self.diff_high < 0)
        )


def wilson(conv: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for conv successes in n trials."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = conv / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _check_counts(n: int, conv: int, arm: str) -> None:
    if n < 0 or conv < 0:
        raise ValueError(f"{arm}: counts must not be negative")
    if conv > n:
        raise ValueError(f"{arm}: more conversions ({conv}) than members ({n})")


def lift(*, treated_n: int, treated_conv: int, control_n: int, control_conv: int) -> Lift:
    """Absolute and relative uplift of the conversion rate with a 95% Newcombe hybrid score interval."""
    _check_counts(treated_n, treated_conv, "treated")
    _check_counts(control_n, control_conv, "control")
    p1 = treated_conv / treated_n if treated_n else None
    p2 = control_conv / control_n if control_n else None
    diff = low = high = relative = None
    if p1 is not None and p2 is not None:
        l1, u1 = wilson(treated_conv, treated_n)
        l2, u2 = wilson(control_conv, control_n)
        diff = p1 - p2
        low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        relative = diff / p2 if p2 > 0 else None
    return Lift(
        treated_n=treated_n,
        treated_conv=treated_conv,
        control_n=control_n,
        control_conv=control_conv,
        treated_rate=p1,
        control_rate=p2,
        diff=diff,
        diff_low=low,
        diff_high=high,
        relative=relative,
    )


@dataclass(frozen=True)
class RevenueLift:
    """Mean revenue per customer in each arm (customers who bought nothing count as 0), the difference
    treated − control and its 95% Welch interval (None when an arm has fewer than 2 customers)."""

    treated_n: int
    control_n: int
    treated_mean: float | None
    control_mean: float | None
    diff: float | None
    diff_low: float | None
    diff_high: float | None


def _mean_var(values: Sequence[float]) -> tuple[float | None, float | None]:
    n = len(values)
    if n == 0:
        return None, None
    mean = math.fsum(values) / n
    if n < 2:
        return mean, None
    return mean, math.fsum((v - mean) ** 2 for v in values) / (n - 1)


def revenue_uplift(treated: Sequence[float], control: Sequence[float]) -> RevenueLift:
    """Difference of the mean revenue per customer, treated − control, with a 95% Welch t interval."""
    t = [float(v) for v in treated]
    c = [float(v) for v in control]
    m1, v1 = _mean_var(t)
    m2, v2 = _mean_var(c)
    diff = low = high = None
    if m1 is not None and m2 is not None:
        diff = m1 - m2
        if v1 is not None and v2 is not None:
            a, b = v1 / len(t), v2 / len(c)
            se = math.sqrt(a + b)
            if se == 0:
                low = high = diff
            else:
                df = (a + b) ** 2 / (a * a / (len(t) - 1) + b * b / (len(c) - 1))
                q = float(stats.t.ppf(0.975, df))
                low, high = diff - q * se, diff + q * se
    return RevenueLift(
        treated_n=len(t),
        control_n=len(c),
        treated_mean=m1,
        control_mean=m2,
        diff=diff,
        diff_low=low,
        diff_high=high,
    )
