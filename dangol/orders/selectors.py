"""Reads of orders and refunds for other pages (the customer's 360 timeline)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from dangol.customers.history import TimelineEntry, staff_label
from dangol.customers.models import Customer
from dangol.orders.models import Order, Refund


def order_timeline_entries(
    customer: Customer,
    *,
    before: dt.datetime | None = None,
    limit: int = 50,
    touchpoint_id: int | None = None,
) -> list[TimelineEntry]:
    """The customer's orders, newest first, with their net amount (one query on order_customer_time, one for
    the lines)."""
    qs = Order.objects.filter(customer=customer).select_related("touchpoint").prefetch_related("lines")
    if touchpoint_id:
        qs = qs.filter(touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(ordered_at__lt=before)
    entries = []
    for o in qs.order_by("-ordered_at", "-id")[:limit]:
        lines = list(o.lines.all())
        title = lines[0].product_name if lines else o.external_id
        if len(lines) > 1:
            title += f" 외 {len(lines) - 1}건"
        entries.append(
            TimelineEntry(
                kind="order",
                at=o.ordered_at,
                title=title,
                body=o.external_id,
                touchpoint=o.touchpoint.name if o.touchpoint else "",
                touchpoint_id=o.touchpoint_id,
                type=o.get_status_display(),
                amount=o.total_amount - o.refunded_amount,
                status=o.status,
                ref_id=o.pk,
            )
        )
    return entries


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
