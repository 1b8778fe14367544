"""The expected next purchase of a customer, from the value run's BG/NBD fit (issue 16: "expected next purchase,
from the BG/NBD rhythm of that customer").

BG/NBD: while a customer is active, purchases come at rate λ, and λ ~ Gamma(r, α) across customers. Given x
repeat purchases over the T time units since the first one, the posterior of λ is Gamma(r + x, α + T), so

    E[λ | x, t_x, T] = (r + x) / (α + T)     expected interval = (α + T) / (r + x)   (in the run's time unit)

and the expected next purchase is the last purchase day (the run's end date − (T − t_x)) + that interval,
rounded to whole days. A customer with one purchase day (x = 0, t_x = 0) gets a date too: r / (α + T) is the
posterior with no repeat, so the interval is the shop's prior rhythm stretched by the time already waited. A
customer who never bought has none.

Not weighted by P(alive): the date answers "when would this customer be due, if still with us" (the dropout
process of BG/NBD says whether, not when; mixing the two would push the date of a customer who has probably
left towards infinity). "Due soon, and probably still active" is the builder's two conditions together:
this date and P(alive).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

UNIT_DAYS = {"day": 1.0, "week": 7.0}  # the engine's --time-unit values (dangol.analytics.pipeline.UNIT_DAYS)
MAX_INTERVAL_DAYS = 36_500  # beyond a hundred years there is no expected next purchase to speak of


def fitted_rhythm(report: dict[str, Any] | None) -> tuple[float, float, float] | None:
    """(r, α, days per time unit) from a value run's report, or None when the fit gave no usable parameters."""
    bgnbd = (report or {}).get("bgnbd") or {}
    try:
        r, alpha = float(bgnbd["r"]), float(bgnbd["alpha"])
    except (KeyError, TypeError, ValueError):
        return None
    unit = UNIT_DAYS.get(str((report or {}).get("time_unit") or "week"))
    if unit is None or not (math.isfinite(r) and math.isfinite(alpha)) or r <= 0 or alpha <= 0:
        return None
    return r, alpha, unit


def expected_interval(*, frequency: float, age: float, r: float, alpha: float) -> float:
    """1 / E[λ | x, t_x, T] = (α + T) / (r + x), in the fit's time unit."""
    return (alpha + age) / (r + frequency)


def expected_next_purchase(
    *,
    frequency: float,
    recency: float,
    age: float,
    end_date: dt.date,
    r: float,
    alpha: float,
    unit_days: float,
) -> dt.date | None:
    """The last purchase day (end_date − (T − t_x)) + the expected interval, both in whole days."""
    if not all(math.isfinite(v) for v in (frequency, recency, age)) or frequency < 0 or age < recency:
        return None
    days = unit_days * expected_interval(frequency=frequency, age=age, r=r, alpha=alpha)
    if not math.isfinite(days) or days > MAX_INTERVAL_DAYS:
        return None
    last = end_date - dt.timedelta(days=round((age - recency) * unit_days))
    return last + dt.timedelta(days=round(days))
