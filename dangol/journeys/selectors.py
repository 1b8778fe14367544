"""Reads for the journeys page and the next-best-action ranking: measured effect per journey."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dangol.analytics.uplift import Lift, lift
from dangol.campaigns.models import Campaign
from dangol.campaigns.selectors import campaign_report
from dangol.orders.models import Order

from .models import ActionDecision, Enrolment, Journey
from .triggers import BOUGHT


@dataclass(frozen=True)
class JourneyEffect:
    journey: Journey
    enrolled: int
    blocked: int
    lift: Lift

    @property
    def treated_rate(self) -> float | None:
        return self.lift.treated_rate

    @property
    def control_rate(self) -> float | None:
        return self.lift.control_rate


def _converted(journey: Journey) -> Exists:
    """An order within the journey's conversion window after the enrolment."""
    return Exists(
        Order.objects.filter(
            BOUGHT,
            customer_id=OuterRef("customer_id"),
            ordered_at__gt=OuterRef("enrolled_at"),
            ordered_at__lte=OuterRef("enrolled_at") + dt.timedelta(days=journey.conversion_days),
        )
    )


def journey_effect(journey: Journey) -> JourneyEffect:
    """Treated vs control conversion (an order within `conversion_days` of enrolment), intention to treat:
    a treated customer whose message a rule blocked still counts as treated."""
    rows = (
        Enrolment.objects.filter(journey=journey)
        .annotate(converted=_converted(journey))
        .values("control")
        .annotate(
            n=Count("id"),
            conv=Count("id", filter=Q(converted=True)),
            blocked=Count("id", filter=Q(status=Enrolment.Status.BLOCKED)),
        )
    )
    arms: dict[bool, dict[str, int]] = {
        row["control"]: {"n": row["n"], "conv": row["conv"], "blocked": row["blocked"]} for row in rows
    }
    treated, control = arms.get(False, {}), arms.get(True, {})
    result = lift(
        treated_n=treated.get("n", 0),
        treated_conv=treated.get("conv", 0),
        control_n=control.get("n", 0),
        control_conv=control.get("conv", 0),
    )
    return JourneyEffect(
        journey=journey,
        enrolled=treated.get("n", 0) + control.get("n", 0),
        blocked=treated.get("blocked", 0),
        lift=result,
    )


def journey_effects() -> list[JourneyEffect]:
    return [journey_effect(j) for j in Journey.objects.order_by("pk")]


def measured_uplift(kind: str) -> float | None:
    """The journey's measured absolute uplift of conversion when its interval excludes 0, else None (the
    caller uses its prior)."""
    journey = Journey.objects.filter(kind=kind).first()
    if journey is None:
        return None
    effect = journey_effect(journey).lift
    return effect.diff if effect.significant and effect.diff is not None else None


def campaign_uplift(goal: str, *, now: dt.datetime | None = None) -> float | None:
    """The measured absolute uplift of conversion of the latest finished campaign with this goal whose
    conversion window has ended, when its 95% interval excludes 0; else None."""
    now = now or timezone.now()
    for campaign in Campaign.objects.filter(goal=goal, sent_at__isnull=False).order_by("-sent_at")[:5]:
        report = campaign_report(campaign, now=now)
        if not report.complete or report.conversion is None:
            continue
        effect = report.conversion
        return effect.diff if effect.significant and effect.diff is not None else None
    return None


def decision_counts(*, since: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    """action → {accepted, dismissed} (the last 90 days by default)."""
    since = since or timezone.now() - dt.timedelta(days=90)
    out: dict[str, dict[str, int]] = {}
    for row in (
        ActionDecision.objects.filter(at__gte=since).values("action", "decision").annotate(n=Count("id"))
    ):
        out.setdefault(row["action"], {"accepted": 0, "dismissed": 0})[row["decision"]] = row["n"]
    return out
