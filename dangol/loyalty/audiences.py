"""Customer ids by value (CLV, P(alive), tiers, ladder, RFM, purchase rhythm): the segment conditions of
dangol.campaigns read loyalty through these querysets, never its tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import ExpressionWrapper

from dangol.loyalty.models import P_ALIVE_MIN_PURCHASES, CustomerValue


def customer_ids_by_value(
    *,
    tiers: Sequence[str] | None = None,
    stages: Sequence[str] | None = None,
    rfm_segments: Sequence[str] | None = None,
    clv_min: float | None = None,
    clv_max: float | None = None,
    p_alive_min: float | None = None,
    p_alive_max: float | None = None,
) -> QuerySet[Any, Any]:
    """`customer_id` of the customers whose last computed value matches every given bound (None: any).
    A P(alive) bound only matches customers with enough history for P(alive) to mean something
    (P_ALIVE_MIN_PURCHASES distinct purchase days), as on the value page."""
    qs = CustomerValue.objects.all()
    if tiers is not None:
        qs = qs.filter(value_tier__in=list(tiers))
    if stages is not None:
        qs = qs.filter(stage__in=list(stages))
    if rfm_segments is not None:
        qs = qs.filter(rfm_segment__in=list(rfm_segments))
    if clv_min is not None:
        qs = qs.filter(clv__gte=clv_min)
    if clv_max is not None:
        qs = qs.filter(clv__lte=clv_max)
    if p_alive_min is not None or p_alive_max is not None:
        qs = qs.filter(frequency__gte=P_ALIVE_MIN_PURCHASES - 1, probability_alive__isnull=False)
        if p_alive_min is not None:
            qs = qs.filter(probability_alive__gte=p_alive_min)
        if p_alive_max is not None:
            qs = qs.filter(probability_alive__lte=p_alive_max)
    return qs.values("customer_id")


def customer_ids_overdue(*, factor: float = 1.0) -> QuerySet[Any, Any]:
    """Customers whose next purchase is overdue by their own rhythm: with at least one repeat purchase, the time
    since their last purchase (T − recency) exceeds `factor` × their mean inter-purchase time (recency / frequency),
    all as of the value run's end date (the BG/NBD summary loyalty stores; no per-customer forecast date is kept)."""
    gap = ExpressionWrapper((F("age") - F("recency")) * F("frequency"), output_field=FloatField())
    return (
        CustomerValue.objects.filter(frequency__gte=1, recency__gt=0)
        .alias(gap=gap)
        .filter(gap__gt=F("recency") * factor)
        .values("customer_id")
    )


def value_tiers_of(customer_ids: Sequence[int]) -> dict[int, str]:
    """customer id → value tier ("" when unknown), for stratifying a control group."""
    found: dict[int, str] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 900):
        found.update(
            CustomerValue.objects.filter(customer_id__in=ids[start : start + 900]).values_list(
                "customer_id", "value_tier"
            )
        )
    return found
