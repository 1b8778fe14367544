"""A program for the demo: default tiers, coupons and a reward, and two years of it replayed over the orders
already in the database (earn, referrals, redemptions, expiry, monthly tiers), through the same services the
live program uses, so the ledger checks hold and the pages and analytics see a program that has been running."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.rewards import coupons, earning, referrals, services
from dangol.rewards.ledger import RewardsError, add_months
from dangol.rewards.models import CouponDefinition, PointBalance, Program, Reward, Tier
from dangol.rewards.tiers import tiers_evaluate


def program_setup() -> dict[str, int]:
    """Default tiers, coupons and a reward (only what is missing; an edited one is left alone)."""
    coupon_specs = [
        ("birthday-5000", "생일 축하 5,000원 할인", CouponDefinition.Trigger.BIRTHDAY, 5000, 20_000),
        (
            "upgrade-10000",
            "등급 승급 축하 10,000원 할인",
            CouponDefinition.Trigger.TIER_UPGRADE,
            10_000,
            50_000,
        ),
        ("recovery-3000", "불편을 드려 죄송합니다 3,000원", CouponDefinition.Trigger.RECOVERY, 3000, 0),
        ("reward-coffee", "아메리카노 교환권(5,000원)", CouponDefinition.Trigger.REWARD, 5000, 0),
    ]
    made = {}
    for code, name, trigger, value, min_spend in coupon_specs:
        made[code], _ = CouponDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "trigger": trigger, "value": value, "min_spend_won": min_spend}
        )
    tier_specs = [
        ("welcome", "웰컴", 0, 0, 0, "any", "1.0", 0, False, False),
        ("silver", "실버", 1, 300_000, 6, "any", "1.5", 0, False, False),
        ("gold", "골드", 2, 1_000_000, 12, "all", "2.0", 3, True, False),
        ("vip", "VIP", 3, 3_000_000, 24, "all", "3.0", 5, True, True),
    ]
    for code, name, rank, spend, visits, rule, rate, discount, shipping, priority in tier_specs:
        Tier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "min_spend": spend,
                "min_visits": visits,
                "rule": rule,
                "earn_rate_percent": Decimal(rate),
                "discount_percent": discount,
                "free_shipping": shipping,
                "priority_service": priority,
                "birthday_coupon": made["birthday-5000"] if rank >= 2 else None,
                "upgrade_coupon": made["upgrade-10000"] if rank >= 1 else None,
            },
        )
    Reward.objects.get_or_create(
        code="coffee",
        defaults={"name": "아메리카노 교환권", "points_cost": 5000, "coupon": made["reward-coffee"]},
    )
    return {"tiers": Tier.objects.count(), "coupons": CouponDefinition.objects.count()}


def _referrals(rng: random.Random, start: dt.datetime) -> int:
    """Customers who came by referral name an earlier customer as their referrer at joining."""
    earlier = list(Customer.objects.filter(joined_at__lt=start).values_list("pk", flat=True)[:5000])
    made = 0
    if not earlier:
        return made
    for customer in Customer.objects.filter(acquisition_channel="referral", joined_at__gte=start).order_by(
        "joined_at"
    ):
        referrer = Customer.objects.get(pk=rng.choice(earlier))
        try:
            referrals.referral_register(
                code=referrals.referral_code_for(referrer).code, referee=customer, now=customer.joined_at
            )
            made += 1
        except RewardsError:
            continue
    return made


def program_simulate(*, seed: int = 2026, now: dt.datetime | None = None, months: int = 24) -> dict[str, int]:
    """Replay `months` of the program over the existing orders, month by month. Run once on demo data."""
    now = now or timezone.now()
    rng = random.Random(seed)
    span = Order.objects.aggregate(first=Min("ordered_at"), last=Max("ordered_at"))
    if span["first"] is None:
        return {}
    start = max(span["first"], add_months(now, -months))
    # A one-year validity in the demo, so that two years show expiry and breakage as well.
    Program.objects.filter(pk=Program.current().pk).update(started_at=start, expiry_months=12)
    counts = {"referrals": _referrals(rng, start), "orders": 0, "redemptions": 0, "exchanges": 0}
    month_start = start
    while month_start < now:
        month_end = min(add_months(month_start, 1), now)
        orders = Order.objects.filter(ordered_at__gte=month_start, ordered_at__lt=month_end).select_related(
            "customer"
        )
        for order in orders.order_by("ordered_at", "id").iterator(chunk_size=500):
            if earning.points_earn_for_order(order=order, now=order.ordered_at) is not None:
                counts["orders"] += 1
        services.points_confirm_due(now=month_start)
        rich = list(
            PointBalance.objects.filter(available__gte=3000).values_list("customer_id", "available")[:2000]
        )
        for customer_id, available in rng.sample(rich, k=len(rich) // 3):
            when = month_start + (month_end - month_start) * rng.random()
            customer = Customer.objects.get(pk=customer_id)
            try:
                if available >= 5000 and rng.random() < 0.15:
                    reward = Reward.objects.filter(active=True).first()
                    if reward is not None:
                        coupons.reward_redeem(
                            reward=reward,
                            customer=customer,
                            idempotency_key=f"demo-x-{customer_id}-{when:%Y%m%d%H%M%S}",
                            by=None,
                            now=when,
                        )
                        counts["exchanges"] += 1
                        continue
                points = min(available, rng.choice([1000, 2000, 3000, 5000]))
                services.points_redeem(
                    customer=customer,
                    points=points,
                    idempotency_key=f"demo-{customer_id}-{when:%Y%m%d%H%M%S}",
                    by=None,
                    now=when,
                )
                counts["redemptions"] += 1
            except RewardsError:
                continue
        services.points_expire_due(now=month_end)
        tiers_evaluate(now=month_end)
        month_start = month_end
    services.points_confirm_due(now=now)
    services.points_expire_due(now=now)
    Program.objects.filter(pk=1).update(tiers_evaluated_for=f"{timezone.localdate(now):%Y-%m}")
    return counts
