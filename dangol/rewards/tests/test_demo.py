"""The demo program: two years written in bulk that the ledger checks, the order sync and the pages accept."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from dangol.customers.models import Customer
from dangol.demo.generate import generate
from dangol.orders.models import Order
from dangol.rewards import services
from dangol.rewards.demo import program_simulate
from dangol.rewards.earning import points_sync_orders
from dangol.rewards.ledger import RewardsError
from dangol.rewards.models import (
    CouponIssue,
    Membership,
    OrderPoints,
    PointEntry,
    PointHold,
    PointLot,
    Referral,
    TierChange,
)

END = dt.datetime(2026, 11, 1, 12, tzinfo=ZoneInfo("Asia/Seoul"))


def _fingerprint() -> tuple:
    return (
        sorted(  # in Python: entries at the same moment have no database order
            PointEntry.objects.values_list(
                "customer__external_id",
                "kind",
                "available_delta",
                "pending_delta",
                "held_delta",
                "at",
                "reason",
            )
        ),
        sorted(Membership.objects.values_list("customer__external_id", "tier__code")),
        sorted(Referral.objects.values_list("referrer__external_id", "referee__external_id", "status")),
    )


@pytest.mark.slow
def test_demo_data_has_two_years_of_a_program_that_passes_the_ledger_checks(db):
    stats = generate(customers=400, seed=11, end=END)
    assert stats.extra["포인트 내역"] == PointEntry.objects.count() > 1000
    kinds = set(PointEntry.objects.values_list("kind", flat=True))
    assert kinds >= {"earn_pending", "confirm", "hold", "capture", "expire"}
    assert PointHold.objects.filter(status="captured").count() > 50
    assert (
        PointLot.objects.filter(status="expired").exists()
        and PointLot.objects.filter(status="pending").exists()
    )
    # tiers: several in use, upgrades with their coupons, grace and downgrades over two years
    assert Membership.objects.values("tier").distinct().count() >= 3
    assert set(TierChange.objects.values_list("kind", flat=True)) >= {"initial", "upgrade", "grace"}
    assert CouponIssue.objects.filter(source_ref__startswith="tier-upgrade:").exists()
    # referrals: rewarded ones credit both sides, found by their dedupe keys
    rewarded = Referral.objects.filter(status="rewarded")
    assert rewarded.exists()
    for referral in rewarded[:20]:
        assert PointEntry.objects.filter(dedupe_key=f"referral:{referral.pk}:referee").exists()
    # the ledger sums to every balance, the lots agree
    customers = Customer.objects.filter(point_entries__isnull=False).distinct()
    assert customers.count() > 200
    assert [p for c in customers for p in services.points_check(c)] == []
    # every order of the program has its record: the sync job has nothing left to earn
    assert OrderPoints.objects.count() == Order.objects.filter(ordered_at__gte=min_order_time()).count()
    assert points_sync_orders(now=END) == {"earned": 0, "refunds": 0, "failed": 0}
    # and the history is there once: a second run is refused, changing nothing
    count = PointEntry.objects.count()
    with pytest.raises(RewardsError):
        program_simulate(now=END)
    assert PointEntry.objects.count() == count


def min_order_time() -> dt.datetime:
    from dangol.rewards.models import Program

    return Program.current().started_at


@pytest.mark.slow
def test_the_same_seed_gives_the_same_program(db):
    with transaction.atomic():
        generate(customers=150, seed=7, end=END)
        first = _fingerprint()
        transaction.set_rollback(True)
    generate(customers=150, seed=7, end=END)
    assert _fingerprint() == first and first[0]
