"""Cohorts by first-purchase month and the 3R (Retention, Related sales, Referral; 002) as Ibis expressions."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
from ibis import _


def _month_index(day: ir.DateValue) -> ir.IntegerValue:
    return day.year() * 12 + day.month() - 1


def cohorts(tx: ir.Table, *, max_months: int = 12) -> dict[str, Any]:
    """Retention matrix: for each first-purchase month, the share of its customers buying k months later."""
    t = tx.mutate(m=_month_index(tx.day))
    first = t.group_by("customer_id").aggregate(cohort=t.m.min())
    active = t.select("customer_id", "m").distinct().join(first, "customer_id")
    active = active.mutate(k=active.m - active.cohort)
    counts = active.filter(active.k <= max_months).group_by(["cohort", "k"]).aggregate(n=_.count())
    rows = counts.order_by(["cohort", "k"]).to_pyarrow().to_pylist()
    sizes: dict[int, int] = {r["cohort"]: r["n"] for r in rows if r["k"] == 0}
    matrix: dict[int, list[float | None]] = {c: [None] * (max_months + 1) for c in sizes}
    for r in rows:
        if r["cohort"] in sizes:
            matrix[r["cohort"]][r["k"]] = round(r["n"] / sizes[r["cohort"]], 4)
    labels = [f"{c // 12}-{c % 12 + 1:02d}" for c in sorted(matrix)]
    return {"months": labels, "sizes": [sizes[c] for c in sorted(matrix)],
            "retention": [matrix[c] for c in sorted(matrix)]}


def three_r(tx: ir.Table, *, referrals: ir.Table | None = None) -> dict[str, Any]:
    """Retention rate per month (active last month and this month / active last month), related sales
    (revenue from categories other than each customer's first category, cross-category buyer share),
    and referral counts and revenue when referral data exist."""
    t = tx.mutate(m=_month_index(tx.day))
    active = t.select("customer_id", "m").distinct()
    nxt = active.mutate(m_next=active.m - 1, cid_next=active.customer_id).select("cid_next", "m_next")
    joined = active.left_join(nxt, [active.customer_id == nxt.cid_next, active.m == nxt.m_next])
    per_month = joined.group_by("m").aggregate(active=_.count(), retained=_.m_next.count())
    rows = per_month.order_by("m").to_pyarrow().to_pylist()[:-1]  # the last month has no next month yet
    retention = [{"month": f"{r['m'] // 12}-{r['m'] % 12 + 1:02d}", "rate": round(r["retained"] / r["active"], 4)}
                 for r in rows if r["active"]]
    result: dict[str, Any] = {"retention": retention, "related_sales": None, "referral": None}
    if "category" in tx.columns:
        first_day = tx.group_by("customer_id").aggregate(first=tx.day.min())
        firsts = tx.join(first_day, "customer_id")
        firsts = firsts.filter(firsts.day == firsts.first)
        first_cat = firsts.group_by("customer_id").aggregate(first_category=firsts.category.min())
        with_first = tx.join(first_cat, "customer_id")
        stats = with_first.aggregate(
            revenue=with_first.amount.sum(),
            related=with_first.amount.sum(where=with_first.category != with_first.first_category),
        ).to_pyarrow().to_pylist()[0]
        per_customer = tx.group_by("customer_id").aggregate(n_cat=tx.category.nunique())
        cross = per_customer.aggregate(n=per_customer.count(),
                                       cross=(per_customer.n_cat > 1).cast("int64").sum()).to_pyarrow().to_pylist()[0]
        result["related_sales"] = {
            "revenue_share": round((stats["related"] or 0) / stats["revenue"], 4) if stats["revenue"] else None,
            "cross_category_buyer_share": round(cross["cross"] / cross["n"], 4) if cross["n"] else None,
        }
    if referrals is not None:
        ref = referrals.aggregate(n=referrals.count(), revenue=referrals.revenue.sum()).to_pyarrow().to_pylist()[0]
        result["referral"] = {"count": ref["n"], "revenue": ref["revenue"]}
    return result


