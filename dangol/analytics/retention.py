"""Cohorts by first-purchase month and the 3R (Retention, Related sales, Referral; 002) as Ibis expressions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis.expr.types as ir
from ibis import _


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
        c = categories
        # The first category: bought on the customer's first day (alphabetically first when several). One
        # group-by, no joins: the (customer, category) rows are unique, so the row with the smallest
        # "first day, category" key is the first category, and its revenue is the arg-min of the revenue.
        key = c.first_day.cast("string").concat(" ", c.category)
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
        result["related_sales"] = {
            "revenue_share": round((stats["related"] or 0) / stats["revenue"], 4)
            if stats["revenue"]
            else None,
            "cross_category_buyer_share": round(stats["cross"] / stats["n"], 4) if stats["n"] else None,
        }
    if referrals is not None:
        ref = (
            referrals.aggregate(n=referrals.count(), revenue=referrals.revenue.sum())
            .to_pyarrow()
            .to_pylist()[0]
        )
        result["referral"] = {"count": ref["n"], "revenue": ref["revenue"]}
    return result
