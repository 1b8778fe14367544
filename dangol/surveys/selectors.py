"""Reads for the survey pages and for other apps (VOC's silent dissatisfied)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from dangol.surveys.models import Response

LOW_SCORE = Q(nps__lte=6) | Q(csat__lte=2)


def _low_score_customers(*, since: dt.datetime) -> Iterable[tuple[int, dt.datetime]]:
    """(customer id, answered at) of known customers who gave a detractor NPS or a CSAT of 2 or less."""
    return (Response.objects.filter(LOW_SCORE, answered_at__gte=since, customer__isnull=False)
            .values_list("customer_id", "answered_at"))


# VOC imports this optionally and falls back to None when surveys are absent; typed loosely so that
# fallback assignment there type-checks.
low_score_customers: Any = _low_score_customers
