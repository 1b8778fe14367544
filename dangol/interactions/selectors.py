"""Reads of interactions for other pages (the customer's 360 timeline)."""

from __future__ import annotations

import datetime as dt

from dangol.customers.history import TimelineEntry, choice_label, presence_sql, staff_label
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction


def interaction_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `interaction_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(Interaction)


def interaction_timeline_entries(
    customer: Customer,
    *,
    before: dt.datetime | None = None,
    limit: int = 50,
    touchpoint_id: int | None = None,
    type: str = "",
) -> list[TimelineEntry]:
    """The customer's interactions at every touchpoint, newest first (one query on interaction_customer_time)."""
    qs = Interaction.objects.filter(customer=customer).select_related("touchpoint", "staff__staff")
    if type:
        qs = qs.filter(type=type)
    if touchpoint_id:
        qs = qs.filter(touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(occurred_at__lt=before)
    return [
        TimelineEntry(
            kind="interaction",
            at=i.occurred_at,
            title=i.summary,
            body=i.body,
            touchpoint=i.touchpoint.name,
            touchpoint_id=i.touchpoint_id,
            type=choice_label(Interaction, "type", i.type),
            staff=staff_label(i.staff),
            ref_id=i.pk,
            analysis=i.text_analysis,
        )
        for i in qs.order_by("-occurred_at", "-id")[:limit]
    ]
