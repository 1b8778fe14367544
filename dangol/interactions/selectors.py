"""Reads of interactions for other pages (the customer's 360 timeline)."""

from __future__ import annotations

import datetime as dt

from dangol.customers.history import TimelineEntry, choice_label, presence_sql, staff_name
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
    """The customer's interactions at every touchpoint, newest first (one query on interaction_customer_time).
    The rows are read as values, not models: four model instances a row (the interaction, its touchpoint, the
    staff user and profile) cost more CPU than the query itself."""
    qs = Interaction.objects.filter(customer=customer)
    if type:
        qs = qs.filter(type=type)
    if touchpoint_id:
        qs = qs.filter(touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(occurred_at__lt=before)
    rows = qs.order_by("-occurred_at", "-id").values_list(
        "pk",
        "occurred_at",
        "summary",
        "body",
        "touchpoint__name",
        "touchpoint_id",
        "type",
        "staff__username",
        "staff__staff__display_name",
        "text_analysis",
    )[:limit]
    return [
        TimelineEntry(
            kind="interaction",
            at=occurred_at,
            title=summary,
            body=body,
            touchpoint=touchpoint_name,
            touchpoint_id=row_touchpoint_id,
            type=choice_label(Interaction, "type", row_type),
            staff=staff_name(username, display_name),
            ref_id=pk,
            analysis=analysis,
        )
        for (
            pk,
            occurred_at,
            summary,
            body,
            touchpoint_name,
            row_touchpoint_id,
            row_type,
            username,
            display_name,
            analysis,
        ) in rows
    ]
