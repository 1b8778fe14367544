"""Reads for dangol.campaigns: customers with an open case, a recently recovered complaint, or a flag."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from dangol.voc.models import Case, CustomerFlag

OPEN = [Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING]
ACTIVE_FLAGS = [
    CustomerFlag.Status.FLAGGED,
    CustomerFlag.Status.EXIT_PROPOSED,
    CustomerFlag.Status.EXIT_APPROVED,
]


def customer_ids_with_open_case() -> QuerySet[Any, Any]:
    return Case.objects.filter(status__in=OPEN, customer__isnull=False).values("customer_id")


def customer_ids_recovered(*, since: dt.datetime) -> QuerySet[Any, Any]:
    """Customers whose case was resolved since `since` and who were not left dissatisfied (a recovery)."""
    return (
        Case.objects.filter(
            customer__isnull=False,
            status__in=[Case.Status.RESOLVED, Case.Status.CLOSED],
            resolved_at__gte=since,
        )
        .exclude(customer_reaction=Case.Reaction.DISSATISFIED)
        .values("customer_id")
    )


def customer_ids_flagged() -> QuerySet[Any, Any]:
    """Customers with a bad-customer flag that stands (flagged, exit proposed or approved)."""
    return CustomerFlag.objects.filter(status__in=ACTIVE_FLAGS).values("customer_id")
