"""Between the monthly runs an order that crosses a threshold upgrades at once; downgrades wait (issue 15)."""

from __future__ import annotations

from dangol.rewards.earning import points_earn_for_order
from dangol.rewards.models import Membership, TierChange
from dangol.rewards.tests.conftest import at, place_order
from dangol.rewards.tiers import membership_evaluate, window_standings


def test_an_order_that_crosses_the_threshold_upgrades_at_once_with_the_coupon(shop, tiers, program):
    hong = shop["hong"]
    tiers["silver"].upgrade_coupon = None
    tiers["silver"].save()
    for days in (-40, -30):
        points_earn_for_order(order=place_order(hong, 100_000, when=at(days)), now=at(days))
    assert not Membership.objects.filter(pk=hong.pk, tier=tiers["silver"]).exists()  # 200,000: not yet
    points_earn_for_order(order=place_order(hong, 120_000, when=at(-1)), now=at(-1))  # 320,000 ≥ 300,000
    member = Membership.objects.get(pk=hong.pk)
    assert member.tier == tiers["silver"] and member.spend == 320_000
    change = TierChange.objects.get(customer=hong, to_tier=tiers["silver"])
    assert change.kind in ("upgrade", "initial") and change.at == at(-1)
    # the same order earned again (a retried call) changes nothing
    before = TierChange.objects.count()
    points_earn_for_order(order=hong.orders.order_by("-ordered_at").first(), now=at(-1))
    assert TierChange.objects.count() == before


def test_an_order_never_downgrades_between_runs(shop, tiers, program):
    kim = shop["kim"]
    standing = window_standings(now=at(0), months=12, customer_ids=[kim.pk]).get(kim.pk)
    assert standing is None
    from dangol.rewards.tiers import Standing

    membership_evaluate(
        customer_id=kim.pk,
        tiers=list(tiers.values()),
        standing=Standing(2_000_000, 20),
        program=program,
        now=at(-400),
    )
    assert Membership.objects.get(pk=kim.pk).tier == tiers["gold"]
    # a year later a small order: the standing is far below gold, but only the monthly run (with grace) moves down
    points_earn_for_order(order=place_order(kim, 10_000, when=at(0)), now=at(0))
    assert Membership.objects.get(pk=kim.pk).tier == tiers["gold"]
    assert not TierChange.objects.filter(customer=kim, kind__in=["downgrade", "grace"]).exists()
