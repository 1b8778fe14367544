"""The 360 page's loyalty line reads its numbers in one statement: the same numbers as the full summary (the
rewards pages' ORM path) on the same customers — balance, points expiring soon and when, the tier with its
progress and grace, live coupons, rewarded referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangol.customers.services import customer_create
from dangol.rewards import earning
from dangol.rewards.coupons import coupon_issue, coupon_redeem
from dangol.rewards.ledger import add_months
from dangol.rewards.models import CouponDefinition, Program
from dangol.rewards.referrals import referral_code_for, referral_register
from dangol.rewards.selectors import customer_rewards_line, customer_rewards_summary
from dangol.rewards.tests.conftest import NOW, at, give, place_order
from dangol.rewards.tiers import tiers_evaluate

SAME = ("available", "pending", "held", "debt", "value_won", "expiring_points", "expiring_on", "membership")


def _world(shop: dict[str, Any], program: Program) -> dict[str, Any]:
    hong, kim = shop["hong"], shop["kim"]
    for i in range(7):  # a member of silver (visits) with spend towards gold
        place_order(hong, 60_000, when=NOW - dt.timedelta(days=30 * i + 2))
    tiers_evaluate(now=NOW)
    expiry_start = add_months(NOW, -program.expiry_months)
    give(hong, 700, when=expiry_start + dt.timedelta(days=5))  # expires 5 days after NOW
    give(hong, 300, when=expiry_start + dt.timedelta(days=9))  # expires 9 days after NOW
    give(hong, 2_000, when=at(-10))  # far from expiry
    coupon = CouponDefinition.objects.create(code="c5000", name="5천원", value=5000, valid_days=30)
    for n in range(3):
        coupon_issue(definition=coupon, customer=hong, by=shop["agent"], now=NOW - dt.timedelta(days=n))
    old = coupon_issue(definition=coupon, customer=hong, by=shop["agent"], now=NOW - dt.timedelta(days=60))
    used = coupon_issue(definition=coupon, customer=hong, by=shop["agent"], now=NOW - dt.timedelta(days=1))
    coupon_redeem(code=used.code, customer=hong, idempotency_key="u-1", order_amount=40_000, by=None, now=NOW)
    assert old.valid_until < NOW  # expired: not counted
    park = customer_create(data={"name": "박신규", "phone": "01077778888"})
    referral_register(code=referral_code_for(hong).code, referee=park, now=at(-10))
    earning.points_earn_for_order(order=place_order(park, 50_000, when=at(-8)), now=at(-8))
    return {"hong": hong, "kim": kim, "park": park}


def test_the_line_has_the_numbers_of_the_full_summary(
    shop: dict[str, Any], tiers: Any, program: Program, django_assert_num_queries: Any
) -> None:
    world = _world(shop, program)
    for name, customer in world.items():
        with django_assert_num_queries(3):  # the program, the tiers, the customer's numbers
            line = customer_rewards_line(customer, now=NOW)
        full = customer_rewards_summary(customer, now=NOW)
        assert {f: getattr(line, f) for f in SAME} == {f: getattr(full, f) for f in SAME}, name
        assert (line.coupon_count, line.referrals_rewarded) == (full.coupon_count, full.referrals_rewarded), (
            name
        )
    hong = customer_rewards_line(world["hong"], now=NOW)
    assert hong.expiring_points == 700 + 300 and hong.expiring_on == (NOW + dt.timedelta(days=5)).date()
    assert hong.coupon_count == 3 and hong.referrals_rewarded == 1
    assert (
        hong.membership is not None
        and hong.membership.tier is not None
        and hong.membership.tier.code == "silver"
    )
    assert hong.membership.spend == 420_000 and hong.membership.next_tier.code == "gold"
    kim = customer_rewards_line(world["kim"], now=NOW)
    assert (kim.available, kim.expiring_points, kim.coupon_count, kim.referrals_rewarded) == (0, 0, 0, 0)
    assert (
        kim.membership is not None and kim.membership.tier.code == "welcome"
    )  # no membership: the first tier
