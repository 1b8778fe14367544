"""Reads for dangol.campaigns: how many adverts each customer got lately (the frequency cap), and what happened
to the messages queued under a purpose prefix ("campaign:7:")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q

from dangol.messaging.models import Kind, Message

NOT_SENT = [Message.Status.BLOCKED, Message.Status.CANCELLED]


def advertising_counts_since(customer_ids: Sequence[int], *, since: dt.datetime) -> dict[int, int]:
    """customer id → advertising messages queued for them since `since` that were not blocked or cancelled."""
    found: dict[int, int] = {}
    ids = list(customer_ids)
    for at in range(0, len(ids), 900):
        rows = (
            Message.objects.filter(
                customer_id__in=ids[at : at + 900], kind=Kind.ADVERTISING, created_at__gte=since
            )
            .exclude(status__in=NOT_SENT)
            .values("customer_id")
            .annotate(n=Count("pk"))
            .values_list("customer_id", "n")
        )
        found.update(rows)
    return found


def outcomes(*, ref_prefix: str) -> dict[str, object]:
    """Messages queued under `ref_prefix`: counts by status, by blocking rule, and those held for the night."""
    qs = Message.objects.filter(purpose_ref__startswith=ref_prefix)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    by_rule = dict(
        qs.filter(status=Message.Status.BLOCKED)
        .values_list("blocked_rule")
        .annotate(n=Count("pk"))
        .order_by()
    )
    night = qs.filter(~Q(not_before=None)).count()
    return {
        "by_status": by_status,
        "blocked_by_rule": by_rule,
        "held_for_night": night,
        "total": sum(by_status.values()),
    }


def statuses_of(purpose_refs: Sequence[str]) -> dict[str, str]:
    """purpose_ref → the status of the message stored under it (refs with no message are left out)."""
    found: dict[str, str] = {}
    refs = list(purpose_refs)
    for at in range(0, len(refs), 900):
        found.update(
            Message.objects.filter(purpose_ref__in=refs[at : at + 900]).values_list("purpose_ref", "status")
        )
    return found
