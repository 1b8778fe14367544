"""Reads for the journeys page and the next-best-action ranking: measured effect per journey."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from dangol.analytics.uplift import Lift, RevenueLift, lift, revenue_uplift
from dangol.campaigns.models import Campaign
from dangol.campaigns.selectors import campaign_report
from dangol.orders.models import Order

from .models import ActionDecision, Enrolment, Journey
from .offers import costs, journey_ref_prefix, nba_ref_prefix
from .triggers import BOUGHT


@dataclass(frozen=True)
class JourneyEffect:
    journey: Journey
    enrolled: int
    blocked: int
    lift: Lift
    revenue: RevenueLift | None = None
    offers_issued: int = 0
    costs: dict[str, int] = field(default_factory=dict)

    @property
    def treated_rate(self) -> float | None:
        return self.lift.treated_rate

    @property
    def control_rate(self) -> float | None:
        return self.lift.control_rate

    @property
    def offer_cost(self) -> int:
        return self.costs.get("total_won", 0)

    @property
    def incremental_revenue(self) -> float | None:
        """(treated − control mean revenue per enrolment) × treated enrolments."""
        if self.revenue is None or self.revenue.diff is None:
            return None
        return self.revenue.diff * self.lift.treated_n

    @property
    def roi(self) -> float | None:
        """(incremental revenue − offer cost) ÷ offer cost, as the campaign report; None without a cost."""
        incremental = self.incremental_revenue
        if incremental is None or self.offer_cost <= 0:
            return None
        return (incremental - self.offer_cost) / self.offer_cost


def _window(journey: Journey) -> dict[str, Any]:
    return {
        "customer_id": OuterRef("customer_id"),
        "ordered_at__gt": OuterRef("enrolled_at"),
        "ordered_at__lte": OuterRef("enrolled_at") + dt.timedelta(days=journey.conversion_days),
    }


def _converted(journey: Journey) -> Exists:
    """An order within the journey's conversion window after the enrolment."""
    return Exists(Order.objects.filter(BOUGHT, **_window(journey)))


def _revenue(journey: Journey) -> Subquery:
    """Net revenue (total − refunded) of the standing orders within the conversion window."""
    return Subquery(
        Order.objects.filter(BOUGHT, **_window(journey))
        .values("customer_id")
        .annotate(net=Sum(F("total_amount") - F("refunded_amount")))
        .values("net")[:1],
        output_field=BigIntegerField(),
    )


def journey_effect(journey: Journey, *, with_revenue: bool = False) -> JourneyEffect:
    """Treated vs control conversion (an order within `conversion_days` of enrolment), intention to treat:
    a treated customer whose message a rule blocked still counts as treated. With `with_revenue`, also the
    revenue per enrolment in each arm (Welch interval), the offers' cost and the ROI (the journey's page)."""
    rows = (
        Enrolment.objects.filter(journey=journey)
        .annotate(converted=_converted(journey))
        .values("control")
        .annotate(
            n=Count("id"),
            conv=Count("id", filter=Q(converted=True)),
            blocked=Count("id", filter=Q(status=Enrolment.Status.BLOCKED)),
            offered=Count("id", filter=Q(offer_issued=True)),
        )
    )
    arms: dict[bool, dict[str, int]] = {
        row["control"]: {
            "n": row["n"],
            "conv": row["conv"],
            "blocked": row["blocked"],
            "offered": row["offered"],
        }
        for row in rows
    }
    treated, control = arms.get(False, {}), arms.get(True, {})
    result = lift(
        treated_n=treated.get("n", 0),
        treated_conv=treated.get("conv", 0),
        control_n=control.get("n", 0),
        control_conv=control.get("conv", 0),
    )
    revenue = None
    if with_revenue:
        amounts: dict[bool, list[int]] = {False: [], True: []}
        for is_control, net in (
            Enrolment.objects.filter(journey=journey)
            .annotate(net=_revenue(journey))
            .values_list("control", "net")
        ):
            amounts[is_control].append(int(net or 0))
        revenue = revenue_uplift(amounts[False], amounts[True])
    return JourneyEffect(
        journey=journey,
        enrolled=treated.get("n", 0) + control.get("n", 0),
        blocked=treated.get("blocked", 0),
        lift=result,
        revenue=revenue,
        offers_issued=treated.get("offered", 0),
        costs=costs(journey_ref_prefix(journey)),
    )


def enrolment_statuses(journey: Journey) -> list[tuple[str, int]]:
    """(status label, count) of the journey's enrolments, in the order of the choices."""
    counts = dict(
        Enrolment.objects.filter(journey=journey).values_list("status").annotate(n=Count("id")).order_by()
    )
    return [(str(label), counts[value]) for value, label in Enrolment.Status.choices if value in counts]


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
    """action → {accepted, dismissed, offers, offer_cost} (decisions of the last 90 days by default; the
    offers' cost is every offer ever issued for that action: a coupon is redeemed later)."""
    since = since or timezone.now() - dt.timedelta(days=90)
    out: dict[str, dict[str, int]] = {}
    for row in (
        ActionDecision.objects.filter(at__gte=since).values("action", "decision").annotate(n=Count("id"))
    ):
        out.setdefault(row["action"], {"accepted": 0, "dismissed": 0})[row["decision"]] = row["n"]
    for action, counts in out.items():
        spent = costs(nba_ref_prefix(action))
        counts["offers"] = spent["coupons_issued"] + spent["points_customers"]
        counts["offer_cost"] = spent["total_won"]
    return out
