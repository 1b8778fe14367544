"""When each journey fires: one function per kind, answering "who, for which occurrence, at `now`".

Every trigger looks back LOOKBACK for its event, so a run that was missed (the worker was down) catches up;
the occurrence key (the order, answer, case or tier change that fired it, or the year of a birthday) makes
enrolment idempotent: the unique constraint on (journey, customer, occurrence) refuses a second one.
Expiring points are not a journey here: rewards already sends that notice (`rewards.notify`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.loyalty.models import CustomerValue, LadderStage
from dangol.orders.models import Order
from dangol.rewards.models import TierChange
from dangol.surveys.models import Response as SurveyResponse
from dangol.voc.models import Case

from .models import Journey

LOOKBACK = dt.timedelta(days=7)
RECOVERY_DELAY = dt.timedelta(days=30)
DEFAULT_INTERVAL_DAYS = 45
MIN_INTERVAL_DAYS, MAX_INTERVAL_DAYS = 14, 120
WINBACK_THRESHOLD = 0.5
BOUGHT = ~Q(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
REPEAT_STAGES = [
    LadderStage.REGULAR,
    LadderStage.ADVOCATE,
    LadderStage.PARTNER,
    LadderStage.AT_RISK,
    LadderStage.LAPSED,
]


@dataclass(frozen=True)
class Candidate:
    customer_id: int
    occurrence: str
    variables: dict[str, object] = field(default_factory=dict)


def expected_interval_days(value: CustomerValue | None) -> int:
    """Days between purchases the customer's BG/NBD rhythm expects: 364 / expected purchases in the next 52
    weeks (loyalty's horizon); 45 days without a model value."""
    if value is None or not value.expected_purchases or value.expected_purchases <= 0:
        return DEFAULT_INTERVAL_DAYS
    return round(364 / value.expected_purchases)


def second_purchase_due(first: dt.datetime, value: CustomerValue | None) -> dt.datetime:
    """When a one-time buyer is due back: the value run's expected next purchase (`loyalty.rhythm`: this
    customer's own BG/NBD posterior), from the start of that day in Seoul; without one, the first purchase + the
    expected interval. Kept within 14–120 days of the first purchase."""
    if value is not None and value.expected_next_purchase is not None:
        due = timezone.make_aware(dt.datetime.combine(value.expected_next_purchase, dt.time()))
    else:
        due = first + dt.timedelta(days=expected_interval_days(value))
    earliest = first + dt.timedelta(days=MIN_INTERVAL_DAYS)
    return min(first + dt.timedelta(days=MAX_INTERVAL_DAYS), max(earliest, due))


def _first_purchase(journey: Journey, now: dt.datetime) -> list[Candidate]:
    firsts = (
        Order.objects.filter(BOUGHT, ordered_at__lte=now)
        .values("customer_id")
        .annotate(first=Min("ordered_at"))
        .filter(first__gt=now - LOOKBACK)
    )
    return [Candidate(row["customer_id"], "first") for row in firsts]


def _second_purchase(journey: Journey, now: dt.datetime) -> list[Candidate]:
    """Bought exactly once, and the day that customer was expected back has come (within the lookback of 30
    days, so long-gone one-time buyers are the win-back's or nobody's)."""
    once = (
        Order.objects.filter(BOUGHT, ordered_at__lte=now)
        .values("customer_id")
        .annotate(n=Count("id"), first=Min("ordered_at"))
        .filter(n=1, first__gt=now - dt.timedelta(days=MAX_INTERVAL_DAYS + 30))
    )
    rows = {row["customer_id"]: row["first"] for row in once}
    values = {v.customer_id: v for v in CustomerValue.objects.filter(customer_id__in=list(rows))}
    out = []
    for customer_id, first in rows.items():
        due = second_purchase_due(first, values.get(customer_id))
        if now - dt.timedelta(days=30) < due <= now:
            out.append(Candidate(customer_id, "second"))
    return out


def _winback(journey: Journey, now: dt.datetime) -> list[Candidate]:
    """A repeat buyer whose P(alive) is below the threshold; the occurrence is their last purchase day, so a
    customer who comes back and fades again is enrolled again."""
    threshold = journey.threshold if journey.threshold is not None else WINBACK_THRESHOLD
    fading = CustomerValue.objects.filter(
        stage__in=REPEAT_STAGES, frequency__gte=1, probability_alive__lt=threshold
    ).values_list("customer_id", flat=True)
    last = (
        Order.objects.filter(BOUGHT, customer_id__in=list(fading), ordered_at__lte=now)
        .values("customer_id")
        .annotate(last=Max("ordered_at"))
    )
    return [
        Candidate(row["customer_id"], f"last:{timezone.localdate(row['last']).isoformat()}") for row in last
    ]


def _referral(journey: Journey, now: dt.datetime) -> list[Candidate]:
    answers = SurveyResponse.objects.filter(
        customer__isnull=False, nps__gte=9, answered_at__gt=now - LOOKBACK, answered_at__lte=now
    ).values_list("customer_id", "pk")
    return [Candidate(customer_id, f"nps:{pk}") for customer_id, pk in answers]


def _recovery(journey: Journey, now: dt.datetime) -> list[Candidate]:
    """A complaint resolved 30 days ago (within the lookback) whose customer was not left dissatisfied."""
    due = now - RECOVERY_DELAY
    cases = (
        Case.objects.filter(
            kind=Case.Kind.COMPLAINT,
            customer__isnull=False,
            resolved_at__gt=due - LOOKBACK,
            resolved_at__lte=due,
        )
        .exclude(customer_reaction=Case.Reaction.DISSATISFIED)
        .values_list("customer_id", "pk")
    )
    return [Candidate(customer_id, f"case:{pk}") for customer_id, pk in cases]


def _birthday(journey: Journey, now: dt.datetime) -> list[Candidate]:
    today = timezone.localdate(now)
    born = Customer.objects.filter(
        status=Customer.Status.ACTIVE, birth_date__month=today.month, birth_date__day=today.day
    ).values_list("pk", flat=True)
    return [Candidate(pk, f"birthday:{today.year}") for pk in born]


def _tier_change(kind: str) -> Callable[[Journey, dt.datetime], list[Candidate]]:
    def trigger(journey: Journey, now: dt.datetime) -> list[Candidate]:
        changes = TierChange.objects.filter(kind=kind, at__gt=now - LOOKBACK, at__lte=now).select_related(
            "to_tier"
        )
        return [Candidate(c.customer_id, f"tier:{c.pk}", {"등급": c.to_tier.name}) for c in changes]

    return trigger


TRIGGERS: dict[str, Callable[[Journey, dt.datetime], list[Candidate]]] = {
    Journey.Kind.FIRST_PURCHASE: _first_purchase,
    Journey.Kind.SECOND_PURCHASE: _second_purchase,
    Journey.Kind.WINBACK: _winback,
    Journey.Kind.REFERRAL: _referral,
    Journey.Kind.RECOVERY: _recovery,
    Journey.Kind.BIRTHDAY: _birthday,
    Journey.Kind.TIER_UPGRADE: _tier_change(TierChange.Kind.UPGRADE),
    Journey.Kind.TIER_WARNING: _tier_change(TierChange.Kind.GRACE),
}
