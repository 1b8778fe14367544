"""Reads for dangol.campaigns: customers by their latest NPS or CSAT answer."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from dangol.surveys.models import Response

SCORES = ("nps", "csat")


def customer_ids_by_last_score(
    *, score: str, low: int | None = None, high: int | None = None
) -> QuerySet[Any, Any]:
    """`customer_id` of known customers whose latest answer to `score` ("nps" or "csat") is within [low, high]."""
    if score not in SCORES:
        raise ValueError(f"unknown score {score!r}")
    answered = {f"{score}__isnull": False}
    latest = (
        Response.objects.filter(customer_id=OuterRef("customer_id"), **answered)
        .order_by("-answered_at", "-id")
        .values("pk")[:1]
    )
    qs = Response.objects.filter(customer__isnull=False, **answered).filter(pk=Subquery(latest))
    if low is not None:
        qs = qs.filter(**{f"{score}__gte": low})
    if high is not None:
        qs = qs.filter(**{f"{score}__lte": high})
    return qs.values("customer_id")
