"""Reads for dangol.campaigns: customers by what and when they bought, and orders in a campaign's window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max, QuerySet

from dangol.orders.models import Order, ProductCategory
from dangol.orders.selectors import _category_and_below

STANDING = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]  # orders that still stand


def category_choices() -> list[tuple[str, str]]:
    return list(ProductCategory.objects.order_by("name").values_list("code", "name"))


def customer_ids_bought(category_codes: Sequence[str]) -> QuerySet[Any, Any]:
    """`customer_id` of customers with a standing order of a product in these categories (or below them)."""
    categories: set[int] = set()
    for code in category_codes:
        categories |= _category_and_below(code)
    return (
        Order.objects.filter(status__in=STANDING, lines__product__category_id__in=categories)
        .values("customer_id")
        .distinct()
    )


def customer_ids_last_purchase(
    *, before: dt.datetime | None = None, after: dt.datetime | None = None
) -> QuerySet[Any, Any]:
    """`customer_id` of customers whose last standing order was before `before` and/or at or after `after`."""
    qs = Order.objects.filter(status__in=STANDING).values("customer_id").annotate(last=Max("ordered_at"))
    if before is not None:
        qs = qs.filter(last__lt=before)
    if after is not None:
        qs = qs.filter(last__gte=after)
    return qs.values("customer_id")


def orders_in_window(
    customer_ids: Sequence[int], *, start: dt.datetime, end: dt.datetime
) -> list[tuple[int, dt.datetime, int]]:
    """(customer id, ordered at, net amount) of the standing orders of these customers in [start, end)."""
    rows: list[tuple[int, dt.datetime, int]] = []
    ids = list(customer_ids)
    for at in range(0, len(ids), 900):
        for cid, when, total, refunded in Order.objects.filter(
            customer_id__in=ids[at : at + 900], status__in=STANDING, ordered_at__gte=start, ordered_at__lt=end
        ).values_list("customer_id", "ordered_at", "total_amount", "refunded_amount"):
            rows.append((cid, when, total - refunded))
    return rows
