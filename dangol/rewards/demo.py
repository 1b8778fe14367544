"""A program for the demo: default tiers, coupons and a reward, and two years of it replayed over the orders
already in the database (earn, referrals, redemptions, expiry, monthly tiers). The history is written in bulk
(bulk.program_history: the rows the services would write, so the ledger checks hold), and the pages and
analytics see a program that has been running."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone

from dangol.orders.models import Order
from dangol.rewards.bulk import program_history
from dangol.rewards.ledger import add_months
from dangol.rewards.models import CouponDefinition, Reward, Tier


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


def program_simulate(*, seed: int = 2026, now: dt.datetime | None = None, months: int = 24) -> dict[str, int]:
    """Replay `months` of the program over the existing orders (bulk ledger writes, see bulk.program_history).
    Run once on demo data."""
    now = now or timezone.now()
    first = Order.objects.aggregate(first=Min("ordered_at"))["first"]
    if first is None:
        return {}
    return program_history(start=max(first, add_months(now, -months)), now=now, seed=seed)


def generate_program(context: Any) -> dict[str, int]:
    """The demo-data extension (dangol.demo.generate.DEMO_EXTENSIONS): the default program and its two years."""
    program_setup()
    seed = int(context.rng.integers(0, 2**31))
    counts = program_simulate(seed=seed, now=context.end)
    return {"포인트 내역": counts.get("points_entries", 0), "추천": counts.get("referrals", 0)}
