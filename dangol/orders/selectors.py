"""Reads of orders and refunds for other pages (the customer's 360 timeline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from dangol.customers.history import TimelineEntry, choice_label, presence_sql, staff_label
from dangol.customers.models import Customer
from dangol.orders.models import Order, OrderLine, ProductCategory, Refund


@dataclass(frozen=True)
class OrderTotals:
    """What the 360 page's summary shows of a customer's orders."""

    spend: int  # lifetime spend, net of refunds
    count: int
    last_ordered_at: dt.datetime | None


def customer_order_totals(customer_id: int) -> OrderTotals:
    """Spend net of refunds, number of orders and the last order's time, in one query (order_customer_time)."""
    row = Order.objects.filter(customer_id=customer_id).aggregate(
        total=Sum("total_amount"), refunded=Sum("refunded_amount"), count=Count("id"), last=Max("ordered_at")
    )
    return OrderTotals(
        spend=(row["total"] or 0) - (row["refunded"] or 0), count=row["count"], last_ordered_at=row["last"]
    )


def order_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `order_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(Order)


def order_timeline_entries(
    customer: Customer,
    *,
    before: dt.datetime | None = None,
    limit: int = 50,
    touchpoint_id: int | None = None,
) -> list[TimelineEntry]:
    """The customer's orders, newest first, with their net amount: one query on order_customer_time; the first
    line's product and the number of lines are two subqueries on the (order, line_no) index, not a second
    query for every line. Read as values, not models (an order and its touchpoint a row cost more CPU than
    the query)."""
    lines = OrderLine.objects.filter(order=OuterRef("pk"))
    qs = Order.objects.filter(customer=customer).annotate(
        first_product=Subquery(lines.order_by("line_no").values("product_name")[:1]),
        line_count=Subquery(lines.order_by().values("order").annotate(n=Count("*")).values("n")),
    )
    if touchpoint_id:
        qs = qs.filter(touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(ordered_at__lt=before)
    rows = qs.order_by("-ordered_at", "-id").values_list(
        "pk",
        "ordered_at",
        "external_id",
        "touchpoint__name",
        "touchpoint_id",
        "status",
        "total_amount",
        "refunded_amount",
        "first_product",
        "line_count",
    )[:limit]
    entries = []
    for (
        pk,
        ordered_at,
        external_id,
        touchpoint_name,
        row_touchpoint_id,
        status,
        total_amount,
        refunded_amount,
        first_product,
        line_count,
    ) in rows:
        title = first_product if line_count else external_id
        if line_count and line_count > 1:
            title += f" 외 {line_count - 1}건"
        entries.append(
            TimelineEntry(
                kind="order",
                at=ordered_at,
                title=title,
                body=external_id,
                touchpoint=touchpoint_name or "",
                touchpoint_id=row_touchpoint_id,
                type=choice_label(Order, "status", status),
                amount=total_amount - refunded_amount,
                status=status,
                ref_id=pk,
            )
        )
    return entries


def refund_timeline_presence() -> str:
    """One placeholder (the customer's id): a refund of one of the customer's orders. The 360 page probes it."""
    order_table, refund_table = Order._meta.db_table, Refund._meta.db_table
    return (
        f'SELECT 1 FROM "{refund_table}" INNER JOIN "{order_table}" ON "{order_table}"."id" = '  # noqa: S608
        f'"{refund_table}"."order_id" WHERE "{order_table}"."customer_id" = %s'
    )


def refund_timeline_entries(
    customer: Customer,
    *,
    before: dt.datetime | None = None,
    limit: int = 50,
    touchpoint_id: int | None = None,
) -> list[TimelineEntry]:
    """Each refund of the customer's orders, newest first (one query; the touchpoint is the order's)."""
    qs = Refund.objects.filter(order__customer=customer).select_related("order__touchpoint", "by__staff")
    if touchpoint_id:
        qs = qs.filter(order__touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(refunded_at__lt=before)
    entries = []
    for r in qs.order_by("-refunded_at", "-id")[:limit]:
        order = r.order
        body = _("주문 %(order)s") % {"order": order.external_id}
        if r.reason:
            body += " · " + _("사유: %(reason)s") % {"reason": r.reason}
        entries.append(
            TimelineEntry(
                kind="refund",
                at=r.refunded_at,
                title=_("환불 %(amount)s") % {"amount": f"₩{r.amount:,}"},
                body=body,
                touchpoint=order.touchpoint.name if order.touchpoint else "",
                touchpoint_id=order.touchpoint_id,
                type=_("환불"),
                staff=staff_label(r.by),
                status=order.status,
                status_label=order.get_status_display(),
                tone="warn",
                ref_id=r.pk,
            )
        )
    return entries


# ---------------------------------------------------------------- the 6-month exemption for advertising


def _category_and_below(goods_kind: str) -> set[int]:
    """The product categories a goods kind names (by code or by name) and every category below them."""
    rows = list(ProductCategory.objects.values_list("pk", "parent_id", "code", "name"))
    chosen = {pk for pk, _parent, code, name in rows if goods_kind in (code, name)}
    grew = True
    while grew:
        below = {pk for pk, parent, _code, _name in rows if parent in chosen} - chosen
        chosen |= below
        grew = bool(below)
    return chosen


def category_ids_and_below(codes: Sequence[str]) -> set[int]:
    """The ids of these product categories (by code or name) and of every category below them."""
    found: set[int] = set()
    for code in codes:
        found |= _category_and_below(code)
    return found


def last_purchase_of_kind(customer: Customer, goods_kind: str) -> dt.datetime | None:
    """When the customer last bought goods of this kind — a product category, by code or name, with the
    categories under it — in an order that still stands (not cancelled or wholly refunded). Messaging asks it for
    the exemption of 정보통신망법 제50조 제1항 제1호 (adverts for the same kind of goods within 6 months of a
    transaction); an advert that names no kind gets None, since the exemption is for the same kind only."""
    if not goods_kind:
        return None
    categories = _category_and_below(goods_kind)
    if not categories:
        return None
    return last_purchases_of_kind([customer.pk], goods_kind, categories=categories).get(customer.pk)


def last_purchases_of_kind(
    customer_ids: Sequence[int], goods_kind: str, *, categories: set[int] | None = None
) -> dict[int, dt.datetime]:
    """`last_purchase_of_kind` for many customers at once (a campaign's batch): one grouped query per 900
    customers; customers without such a purchase are left out."""
    if not goods_kind:
        return {}
    categories = _category_and_below(goods_kind) if categories is None else categories
    if not categories:
        return {}
    ids = list(customer_ids)
    found: dict[int, dt.datetime] = {}
    for start in range(0, len(ids), 900):
        rows = (
            Order.objects.filter(
                customer_id__in=ids[start : start + 900], lines__product__category_id__in=categories
            )
            .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
            .values("customer_id")
            .annotate(last=Max("ordered_at"))
            .values_list("customer_id", "last")
        )
        found.update(dict(rows))
    return found


# Reads for dangol.campaigns: customers by what and when they bought, and orders in a campaign's window.


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
