"""What the 360 page shows: a summary and one timeline of everything the customer lived through.

It reads several apps' records, so it lives above them all (the apps never import it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer, Note
from dangol.interactions.models import Interaction
from dangol.orders.models import Order
from dangol.promises.models import Promise


@dataclass
class Summary:
    lifetime_spend: int
    order_count: int
    last_contact: dt.datetime | None
    open_promises: list[Any]


def customer_summary(customer: Customer) -> Summary:
    totals = Order.objects.filter(customer=customer).aggregate(
        total=Sum("total_amount"), refunded=Sum("refunded_amount")
    )
    count = Order.objects.filter(customer=customer).count()
    last_interaction = (
        Interaction.objects.filter(customer=customer)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    last_order = (
        Order.objects.filter(customer=customer)
        .order_by("-ordered_at")
        .values_list("ordered_at", flat=True)
        .first()
    )
    last = max([t for t in (last_interaction, last_order) if t is not None], default=None)
    open_promises = list(
        Promise.objects.filter(customer=customer, status=Promise.Status.OPEN)
        .select_related("owner")
        .order_by("due_at")
    )
    return Summary(
        lifetime_spend=(totals["total"] or 0) - (totals["refunded"] or 0),
        order_count=count,
        last_contact=last,
        open_promises=open_promises,
    )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # interaction | order | note | promise
    at: dt.datetime
    title: str
    body: str
    touchpoint: str
    touchpoint_id: int | None
    type: str
    staff: str
    amount: int | None = None
    status: str = ""
    ref_id: int | None = None
    analysis: dict[str, Any] | None = None


TIMELINE_KINDS = ("interaction", "order", "note", "promise")


def customer_timeline(
    customer: Customer,
    *,
    kind: str = "",
    touchpoint_id: int | None = None,
    limit: int = 50,
    before: dt.datetime | None = None,
    interaction_type: str = "",
) -> list[TimelineEntry]:
    """One time-ordered list of interactions, orders, notes and promises (newest first).

    Each source is read with its own index-backed, limited query; the merge is in memory.
    """
    entries: list[TimelineEntry] = []

    def staff_name(user: Any) -> str:
        if user is None:
            return ""
        profile = getattr(user, "staff", None)
        return profile.display_name if profile else user.get_username()

    if interaction_type:
        kind = "interaction"
    if kind in ("", "interaction"):
        qs = Interaction.objects.filter(customer=customer).select_related("touchpoint", "staff__staff")
        if interaction_type:
            qs = qs.filter(type=interaction_type)
        if touchpoint_id:
            qs = qs.filter(touchpoint_id=touchpoint_id)
        if before:
            qs = qs.filter(occurred_at__lt=before)
        for i in qs.order_by("-occurred_at")[:limit]:
            entries.append(
                TimelineEntry(
                    "interaction",
                    i.occurred_at,
                    i.summary,
                    i.body,
                    i.touchpoint.name,
                    i.touchpoint_id,
                    i.get_type_display(),
                    staff_name(i.staff),
                    ref_id=i.pk,
                    analysis=i.text_analysis,
                )
            )
    if kind in ("", "order"):
        oqs = Order.objects.filter(customer=customer).select_related("touchpoint").prefetch_related("lines")
        if touchpoint_id:
            oqs = oqs.filter(touchpoint_id=touchpoint_id)
        if before:
            oqs = oqs.filter(ordered_at__lt=before)
        for o in oqs.order_by("-ordered_at")[:limit]:
            lines = list(o.lines.all())
            title = lines[0].product_name if lines else o.external_id
            if len(lines) > 1:
                title += f" 외 {len(lines) - 1}건"
            entries.append(
                TimelineEntry(
                    "order",
                    o.ordered_at,
                    title,
                    o.external_id,
                    o.touchpoint.name if o.touchpoint else "",
                    o.touchpoint_id,
                    o.get_status_display(),
                    "",
                    amount=o.total_amount - o.refunded_amount,
                    status=o.status,
                )
            )
    if kind in ("", "note") and not touchpoint_id:
        nqs = Note.objects.filter(customer=customer).select_related("author__staff")
        if before:
            nqs = nqs.filter(created_at__lt=before)
        for n in nqs.order_by("-created_at")[:limit]:
            entries.append(
                TimelineEntry("note", n.created_at, "", n.body, "", None, _("메모"), staff_name(n.author))
            )
    if kind in ("", "promise") and not touchpoint_id:
        pqs = Promise.objects.filter(customer=customer).select_related("owner__staff")
        if before:
            pqs = pqs.filter(created_at__lt=before)
        for p in pqs.order_by("-created_at")[:limit]:
            entries.append(
                TimelineEntry(
                    "promise",
                    p.created_at,
                    p.text,
                    f"기한 {timezone.localtime(p.due_at):%Y-%m-%d %H:%M}",
                    "",
                    None,
                    p.get_status_display(),
                    staff_name(p.owner),
                    status=p.status,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
