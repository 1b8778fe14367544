"""Issuing a journey's or an accepted next-best-action's offer through rewards (coupon or points), keyed so a
rerun or a double click issues once, and what those offers cost (for the measurement)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from dangol.customers.models import Customer
from dangol.rewards.coupons import coupon_issue
from dangol.rewards.models import CouponDefinition, Source
from dangol.rewards.selectors import offer_costs
from dangol.rewards.services import points_earn

from .models import Journey

NBA_PREFIX = "nba:"


def journey_ref_prefix(journey: Journey) -> str:
    """Every offer (and message) of this journey has a source ref starting with this."""
    return f"journey:{journey.kind}:"


def nba_ref_prefix(action: str) -> str:
    return f"{NBA_PREFIX}{action}:"


def coupon_for_amount(amount: int) -> CouponDefinition:
    """The fixed-amount coupon the journeys issue for ₩`amount` (made once, then reused; a manager may edit its
    validity or stop it in the rewards admin — a stopped one is not issued)."""
    definition, _created = CouponDefinition.objects.get_or_create(
        code=f"journey-{amount}",
        defaults={
            "name": f"고객 여정 할인 쿠폰 {amount:,}원",
            "kind": CouponDefinition.Kind.AMOUNT,
            "value": amount,
            "valid_days": 30,
            "trigger": CouponDefinition.Trigger.MANUAL,
        },
    )
    return definition


@transaction.atomic
def offer_issue(
    *,
    offer: str,
    amount: int,
    customer: Customer,
    ref: str,
    reason: str,
    by: User | None,
    now: dt.datetime,
) -> bool:
    """Issue one offer (a ₩`amount` coupon or `amount` points) under `ref`; the same ref issues once (rewards'
    source ref / dedupe key). False when there is nothing to issue. Raises RewardsError (Korean) when rewards
    refuses (a stopped coupon, an invalid amount)."""
    if amount <= 0 or offer == Journey.Offer.NONE:
        return False
    if offer == Journey.Offer.COUPON:
        coupon_issue(definition=coupon_for_amount(amount), customer=customer, by=by, source_ref=ref, now=now)
        return True
    if offer == Journey.Offer.POINTS:
        points_earn(
            customer=customer,
            points=amount,
            source=Source.CAMPAIGN,
            source_ref=ref,
            reason=reason[:300],
            by=by,
            dedupe_key=ref,
            now=now,
        )
        return True
    return False


def costs(ref_prefix: str) -> dict[str, int]:
    """offer_costs of rewards plus the total in won (redeemed coupons' discount + points' value)."""
    out = offer_costs(ref_prefix=ref_prefix)
    out["total_won"] = out["coupon_discount_won"] + out["points_won"]
    return out
