"""Membership tiers: qualified on spend and purchase days in a rolling window, evaluated monthly.

An upgrade takes effect at once. A member who no longer qualifies keeps the tier through a grace period
(Program.tier_grace_months) and is moved down at the first evaluation after it ends, to the tier they then
qualify for; qualifying again during the grace keeps the tier. Every change is a TierChange row."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.rewards.coupons import coupon_issue
from dangol.rewards.ledger import add_months
from dangol.rewards.models import Membership, Program, Tier, TierChange

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Standing:
    spend: int
    visits: int


def window_standings(
    *, now: dt.datetime, months: int, customer_ids: list[int] | None = None
) -> dict[int, Standing]:
    """Net spend and purchase days (one per calendar day in Seoul) per customer in the window ending now."""
    orders = Order.objects.filter(ordered_at__gt=add_months(now, -months), ordered_at__lte=now)
    if customer_ids is not None:
        orders = orders.filter(customer_id__in=customer_ids)
    rows = orders.values("customer_id").annotate(
        spend=Sum(F("total_amount") - F("refunded_amount")),
        visits=Count(TruncDate("ordered_at", tzinfo=timezone.get_current_timezone()), distinct=True),
    )
    return {row["customer_id"]: Standing(int(row["spend"] or 0), int(row["visits"] or 0)) for row in rows}


def qualifying_tier(tiers: list[Tier], standing: Standing) -> Tier:
    """The highest tier the standing qualifies for (tiers sorted by rank; the lowest needs nothing)."""
    best = tiers[0]
    for tier in tiers:
        if tier.qualifies(spend=standing.spend, visits=standing.visits):
            best = tier
    return best


def _change(
    customer_id: int,
    kind: str,
    from_tier: Tier | None,
    to_tier: Tier,
    standing: Standing,
    now: dt.datetime,
    *,
    grace_until: dt.date | None = None,
    by: User | None = None,
    reason: str = "",
) -> None:
    TierChange.objects.create(
        customer_id=customer_id,
        kind=kind,
        from_tier=from_tier,
        to_tier=to_tier,
        spend=standing.spend,
        visits=standing.visits,
        grace_until=grace_until,
        reason=reason,
        at=now,
        by=by,
    )


@transaction.atomic
def membership_evaluate(
    *,
    customer_id: int,
    tiers: list[Tier],
    standing: Standing,
    program: Program,
    now: dt.datetime,
    by: User | None = None,
) -> str:
    """Apply one customer's standing; returns what happened ("initial", "upgrade", "grace", "recovered",
    "downgrade" or "" for no change)."""
    target = qualifying_tier(tiers, standing)
    today = timezone.localdate(now)
    member = Membership.objects.filter(customer_id=customer_id).select_related("tier").first()
    fields = {"evaluated_at": now, "spend": standing.spend, "visits": standing.visits}
    if member is None:
        Membership.objects.create(customer_id=customer_id, tier=target, since=now, **fields)
        _change(customer_id, TierChange.Kind.INITIAL, None, target, standing, now, by=by)
        return TierChange.Kind.INITIAL
    current = member.tier
    if target.rank > current.rank:
        Membership.objects.filter(pk=customer_id).update(tier=target, since=now, grace_until=None, **fields)
        _change(customer_id, TierChange.Kind.UPGRADE, current, target, standing, now, by=by)
        if target.upgrade_coupon_id and target.upgrade_coupon and target.upgrade_coupon.active:
            coupon_issue(
                definition=target.upgrade_coupon,
                customer=Customer.objects.get(pk=customer_id),
                by=None,
                source_ref=f"tier-upgrade:{customer_id}:{target.code}:{today:%Y-%m}",
                now=now,
            )
        return TierChange.Kind.UPGRADE
    if target.rank == current.rank:
        Membership.objects.filter(pk=customer_id).update(grace_until=None, **fields)
        if member.grace_until:
            _change(customer_id, TierChange.Kind.RECOVERED, current, current, standing, now, by=by)
            return TierChange.Kind.RECOVERED
        return ""
    if member.grace_until is None and program.tier_grace_months:
        grace_until = add_months(now, program.tier_grace_months).date()
        Membership.objects.filter(pk=customer_id).update(grace_until=grace_until, **fields)
        _change(
            customer_id,
            TierChange.Kind.GRACE,
            current,
            current,
            standing,
            now,
            grace_until=grace_until,
            by=by,
        )
        return TierChange.Kind.GRACE
    if member.grace_until is not None and today < member.grace_until:
        Membership.objects.filter(pk=customer_id).update(**fields)
        return ""
    Membership.objects.filter(pk=customer_id).update(tier=target, since=now, grace_until=None, **fields)
    _change(customer_id, TierChange.Kind.DOWNGRADE, current, target, standing, now, by=by)
    return TierChange.Kind.DOWNGRADE


def membership_upgrade_now(*, customer_id: int, now: dt.datetime) -> str:
    """Between the monthly runs: an order that takes the customer over a higher tier's threshold upgrades them at
    once (with the upgrade coupon); a customer below their tier is left to the monthly run and its grace.
    Returns "upgrade", "initial" or ""."""
    tiers = list(Tier.objects.select_related("upgrade_coupon").order_by("rank"))
    if not tiers:
        return ""
    program = Program.current()
    standing = window_standings(now=now, months=program.tier_window_months, customer_ids=[customer_id]).get(
        customer_id
    )
    if standing is None:
        return ""
    target = qualifying_tier(tiers, standing)
    current = Membership.objects.filter(customer_id=customer_id).select_related("tier").first()
    if target.rank <= (current.tier.rank if current else tiers[0].rank):
        return ""
    return membership_evaluate(
        customer_id=customer_id, tiers=tiers, standing=standing, program=program, now=now
    )


def tiers_evaluate(
    *, now: dt.datetime | None = None, customer_ids: list[int] | None = None, by: User | None = None
) -> dict[str, int]:
    """Evaluate every member and every customer who bought in the window (or only `customer_ids`)."""
    now = now or timezone.now()
    tiers = list(Tier.objects.select_related("upgrade_coupon").order_by("rank"))
    counts: dict[str, int] = {}
    if not tiers:
        return counts
    program = Program.current()
    standings = window_standings(now=now, months=program.tier_window_months, customer_ids=customer_ids)
    members = Membership.objects.all()
    if customer_ids is not None:
        members = members.filter(customer_id__in=customer_ids)
    customers = Customer.objects.filter(status=Customer.Status.ACTIVE)
    if customer_ids is not None:
        customers = customers.filter(pk__in=customer_ids)
    active = set(customers.values_list("pk", flat=True))
    for customer_id in sorted((set(standings) | set(members.values_list("customer_id", flat=True))) & active):
        try:
            outcome = membership_evaluate(
                customer_id=customer_id,
                tiers=tiers,
                standing=standings.get(customer_id, Standing(0, 0)),
                program=program,
                now=now,
                by=by,
            )
        except Exception:  # one customer must not stop the run; the next run retries
            logger.exception("tier evaluation for customer %s failed", customer_id)
            outcome = "failed"
        if outcome:
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def tiers_evaluate_monthly(*, now: dt.datetime | None = None) -> dict[str, int] | None:
    """The daily job's part: evaluate once per calendar month (None when this month is done)."""
    now = now or timezone.now()
    month = f"{timezone.localdate(now):%Y-%m}"
    program = Program.current()
    if program.tiers_evaluated_for == month:
        return None
    counts = tiers_evaluate(now=now)
    Program.objects.filter(pk=program.pk).update(tiers_evaluated_for=month)
    return counts
