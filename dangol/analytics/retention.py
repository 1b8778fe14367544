"""Cohorts by first-purchase month and the 3R (Retention, Related sales, Referral; 002) as Ibis expressions."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Ibis is imported inside the functions that build expressions: the DuckDB path of `dangol analyze` needs only
# the NumPy functions of this module (`monthly_from_masks`, …) and runs without importing Ibis (≈ 1 s of start-up).


def related_sales(categories: ir.Table) -> dict[str, Any]:
    """Revenue from categories other than each customer's first one, and the share of customers buying in more
    than one category. `categories` is `customer_categories(...)` (calibration period).

    The first category: bought on the customer's first day (alphabetically first when several). One group-by,
    no joins: the (customer, category) rows are unique, so the row with the smallest (first day, category) key
    is the first category, and its revenue is the arg-min of the revenue. The key is a struct (compared field
    by field on DuckDB and Spark), not a string built per row."""
    import ibis
    from ibis import _

    c = categories
    key = ibis.struct({"first_day": c.first_day, "category": c.category})
    per_customer = c.group_by("customer_id").aggregate(
        revenue=c.revenue.sum(), first_revenue=c.revenue.argmin(key), n_cat=c.count()
    )
    stats = (
        per_customer.aggregate(
            revenue=_.revenue.sum(),
            related=(_.revenue - _.first_revenue).sum(),
            n=_.count(),
            cross=(_.n_cat > 1).cast("int64").sum(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    return {
        "revenue_share": round((stats["related"] or 0) / stats["revenue"], 4) if stats["revenue"] else None,
        "cross_category_buyer_share": round(stats["cross"] / stats["n"], 4) if stats["n"] else None,
    }


def _month_index(day: ir.DateValue) -> ir.IntegerValue:
    return day.year() * 12 + day.month() - 1


def last_complete_day(end: dt.date) -> dt.date:
    """The last day of the last calendar month that has ended by `end` (inclusive): `end` itself when it is
    a month's last day, else the last day of the month before. Monthly cohorts and retention stop there."""
    if (end + dt.timedelta(days=1)).month != end.month:
        return end
    return end.replace(day=1) - dt.timedelta(days=1)


def customer_months(days: ir.Table) -> ir.Table:
    """(customer_id, m): the months each customer bought in, from `engine.customer_days`."""
    t = days.mutate(m=_month_index(days.day))
    return t.group_by(["customer_id", "m"]).aggregate()


def customer_categories(tx: ir.Table) -> ir.Table:
    """(customer_id, category, revenue, first_day): one pass over the transactions for the related-sales figures."""
    return tx.group_by(["customer_id", "category"]).aggregate(revenue=tx.amount.sum(), first_day=tx.day.min())


def cohorts(months: ir.Table, *, max_months: int = 12, through: dt.date | None = None) -> dict[str, Any]:
    """Retention matrix: for each first-purchase month, the share of its customers buying k months later.
    `months` is `customer_months(...)` (or transactions with a `day`), already cut at the last complete month
    (`last_complete_day`); `through` is that day, so observed months with no buyer show 0 (later ones blank)."""
    from ibis import _

    if "m" not in months.columns:
        months = customer_months(months)
    first = months.group_by("customer_id").aggregate(cohort=months.m.min())
    active = months.join(first, "customer_id")
    active = active.mutate(k=active.m - active.cohort)
    counts = active.filter(active.k <= max_months).group_by(["cohort", "k"]).aggregate(n=_.count())
    rows = counts.order_by(["cohort", "k"]).to_pyarrow().to_pylist()
    sizes: dict[int, int] = {r["cohort"]: r["n"] for r in rows if r["k"] == 0}
    last = (
        through.year * 12 + through.month - 1
        if through
        else max((r["cohort"] + r["k"] for r in rows), default=0)
    )
    # a month that has been observed and in which nobody of the cohort bought is 0%, not blank
    matrix: dict[int, list[float | None]] = {
        c: [0.0 if c + k <= last else None for k in range(max_months + 1)] for c in sizes
    }
    for r in rows:
        if r["cohort"] in sizes:
            matrix[r["cohort"]][r["k"]] = round(r["n"] / sizes[r["cohort"]], 4)
    labels = [_label(c) for c in sorted(matrix)]
    return {
        "months": labels,
        "sizes": [sizes[c] for c in sorted(matrix)],
        "retention": [matrix[c] for c in sorted(matrix)],
    }


def _label(month_index: int) -> str:
    return f"{month_index // 12}-{month_index % 12 + 1:02d}"


def three_r(
    months: ir.Table,
    *,
    categories: ir.Table | None = None,
    referrals: ir.Table | None = None,
) -> dict[str, Any]:
    """Retention rate per month m (customers active in m who buy again in m + 1 / customers active in m),
    related sales (revenue from categories other than each customer's first category, cross-category buyer
    share), and referral counts and revenue when referral data exist.

    `months` is `customer_months(...)` cut at the last complete month (`last_complete_day`): the last month
    in it has no next month yet and gets no rate. `categories` is `customer_categories(...)` (calibration
    period)."""
    from ibis import _

    if "m" not in months.columns:
        months = customer_months(months)
    nxt = months.mutate(m_next=months.m - 1, cid_next=months.customer_id).select("cid_next", "m_next")
    joined = months.left_join(nxt, [months.customer_id == nxt.cid_next, months.m == nxt.m_next])
    per_month = joined.group_by("m").aggregate(active=_.count(), retained=_.m_next.count())
    rows = per_month.order_by("m").to_pyarrow().to_pylist()[:-1]  # the last month has no next month yet
    retention = [
        {
            "month": _label(r["m"]),
            "next_month": _label(r["m"] + 1),
            "rate": round(r["retained"] / r["active"], 4),
        }
        for r in rows
        if r["active"]
    ]
    result: dict[str, Any] = {"retention": retention, "related_sales": None, "referral": None}
    if categories is not None:
        result["related_sales"] = related_sales(categories)
    if referrals is not None:
        ref = (
            referrals.aggregate(n=referrals.count(), revenue=referrals.revenue.sum())
            .to_pyarrow()
            .to_pylist()[0]
        )
        result["referral"] = {"count": ref["n"], "revenue": ref["revenue"]}
    return result


# ------------------------------------------------------------------------------------- from month masks
# The summary carries, per customer, the months they bought in as the bits of one int64 (`month_bit`: bit j is
# the month j months before the end date's month). Cohorts and retention then need no pass of their own over
# the purchase days: they are counted in NumPy from one integer per customer (`monthly_from_masks`). Customers
# who bought more than MASK_MONTHS months before the end date do not fit; the pipeline then falls back to the
# engine queries above (`cohorts`, `three_r`).

MASK_MONTHS = 62  # bits 0 … 62 of a signed int64


def month_bit(day: ir.DateValue, end: dt.date) -> ir.IntegerValue:
    """1 << (months from `day`'s month to `end`'s month), 0 for months further back than MASK_MONTHS (and for
    days after `end`, which the summary filters out anyway)."""
    import ibis

    back = (end.year * 12 + end.month - 1) - _month_index(day)
    # 2 ** back as a double is exact up to 2 ** 62, and casts to BIGINT exactly on both engines (a shift of
    # the literal 1 would be a 32-bit INT shift on Spark)
    return ibis.ifelse(
        (back >= 0) & (back <= MASK_MONTHS),
        (ibis.literal(2.0) ** back.cast("float64")).cast("int64"),
        ibis.literal(0, "int64"),
    )


def bit_or(value: ir.IntegerValue) -> ir.IntegerScalar:
    """BIT_OR: DuckDB and Spark SQL both have it (Ibis's own `bit_or` does not compile for PySpark)."""
    return _bit_or_udf()(value)  # type: ignore[no-any-return]


@cache
def _bit_or_udf() -> Any:
    import ibis
    import ibis.expr.datatypes as dt_

    def bit_or(value):  # type: ignore[no-untyped-def]
        """BIT_OR, compiled as the engine's own function."""

    # the types as objects: this module's string annotations (`from __future__`) cannot see a local import
    bit_or.__annotations__ = {"value": dt_.int64, "return": dt_.int64}
    return ibis.udf.agg.builtin(name="bit_or")(bit_or)


def masks_fit(first_day: dt.date | None, end: dt.date) -> bool:
    """True when every month from the earliest purchase (`first_day`) to `end` has a bit."""
    if first_day is None:
        return True
    return (end.year * 12 + end.month) - (first_day.year * 12 + first_day.month) <= MASK_MONTHS


def _highest_bit(v: np.ndarray) -> np.ndarray:
    """floor(log2 v) of positive uint64 values, exactly (float rounding may round up to the next power of 2)."""
    e = np.frexp(v.astype(np.float64))[1].astype(np.int64) - 1
    too_high = np.right_shift(v, e.astype(np.uint64)) == 0
    return e - too_high


def _bit_counts(values: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """How many of the uint64 `values` have each bit set: 64 counts, bit 0 first (each value's bytes unpacked
    to bits, a few thousand rows at a time, and summed per bit; one pass instead of one per bit)."""
    total = np.zeros(64, dtype=np.int64)
    little = np.asarray(values, dtype="<u8")
    for start in range(0, len(little), chunk):
        part = little[start : start + chunk].view(np.uint8).reshape(-1, 8)
        total += np.unpackbits(part, axis=1, bitorder="little").sum(axis=0, dtype=np.int64)
    return total


def monthly_from_masks(
    masks: np.ndarray, *, end: dt.date, through: dt.date, max_months: int = 12
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`cohorts(...)` and the retention list of `three_r(...)` from the summary's month masks (see `month_bit`):
    the same numbers, counted in NumPy. `through` is `last_complete_day(end)`: months after it are dropped."""
    last = through.year * 12 + through.month - 1
    shift = (end.year * 12 + end.month - 1) - last  # months of `end` not complete yet (0 or 1)
    v = np.right_shift(np.asarray(masks, dtype=np.int64).view(np.uint64), np.uint64(shift))
    v = v[v != 0]  # customers with no purchase in a complete month
    if len(v) == 0:
        return {"months": [], "sizes": [], "retention": []}, []
    top = _highest_bit(v)  # each customer's first month, as months before `last`
    span = int(top.max()) + 1
    # by_top[e, b]: customers whose first month is `last − e` and who bought in month `last − b` (b ≤ e)
    order = np.argsort(top.astype(np.uint8), kind="stable")  # 0 … 62: a counting sort
    bounds = np.concatenate([[0], np.cumsum(np.bincount(top, minlength=span))])
    ordered = v[order]
    by_top = np.array([_bit_counts(ordered[bounds[e] : bounds[e + 1]]) for e in range(span)])
    counts = np.zeros((max_months + 1, span), dtype=np.int64)  # counts[k, e]: cohort `last − e`, k months on
    for k in range(min(max_months, span - 1) + 1):
        firsts = np.arange(k, span)  # the cohorts at least k months old
        counts[k, k:] = by_top[firsts, firsts - k]
    labels, sizes, matrix = [], [], []
    for e in range(span - 1, -1, -1):  # oldest cohort first
        size = int(counts[0, e])
        if not size:
            continue
        labels.append(_label(last - e))
        sizes.append(size)
        matrix.append(
            [
                (round(int(counts[k, e]) / size, 4) if counts[k, e] else 0.0) if e - k >= 0 else None
                for k in range(max_months + 1)
            ]
        )
    active = by_top[:, :span].sum(axis=0)  # customers buying in month `last − b`
    retained = np.zeros(span, dtype=np.int64)  # … and in the month before it too (bits b and b − 1)
    retained[1:] = _bit_counts(v & np.right_shift(v, np.uint64(1)))[: span - 1]
    present = [b for b in range(span - 1, -1, -1) if active[b]][:-1]  # the last month has no next month yet
    retention = [
        {
            "month": _label(last - b),
            "next_month": _label(last - b + 1),
            "rate": round(int(retained[b]) / int(active[b]), 4),
        }
        for b in present
    ]
    return {"months": labels, "sizes": sizes, "retention": matrix}, retention
