import datetime as dt
from decimal import Decimal

from dangol.orders.models import ProductCategory
from dangol.orders.services import order_refund
from dangol.rewards import earning, services
from dangol.rewards.ledger import add_months
from dangol.rewards.models import EarnRule, Membership, OrderPoints, PointBalance, PointEntry, PointLot
from dangol.rewards.tests.conftest import NOW, at, available, give, place_order


def balance(customer):
    b = PointBalance.objects.get(pk=customer.pk)
    return {"available": b.available, "pending": b.pending, "held": b.held, "debt": b.debt}


def test_an_order_earns_at_the_tier_rate_pending_until_the_return_window_passes(shop, tiers):
    hong = shop["hong"]
    Membership.objects.create(customer=hong, tier=tiers["silver"], since=at(-30), evaluated_at=at(-30))
    order = place_order(hong, 123_456, when=at(-3))
    record = earning.points_earn_for_order(order=order, now=at(-3))
    assert record.points == 2469  # 2% of ₩123,456, rounded down
    assert balance(hong) == {"available": 0, "pending": 2469, "held": 0, "debt": 0}
    assert earning.points_earn_for_order(order=order, now=at(-2)).pk == record.pk  # once per order
    assert PointEntry.objects.filter(kind="earn_pending").count() == 1
    assert services.points_confirm_due(now=at(10)) == 0  # 14 days after the order: not yet
    assert services.points_confirm_due(now=at(11)) == 2469
    assert services.points_confirm_due(now=at(12)) == 0
    assert balance(hong) == {"available": 2469, "pending": 0, "held": 0, "debt": 0}
    lot = PointLot.objects.get()
    assert lot.status == "active" and lot.expires_at == add_months(at(-3), 24)
    assert services.points_check(hong) == []


def test_earn_rules_by_category_store_and_period_take_the_best_multiplier(shop, tiers):
    hong = shop["hong"]
    food = ProductCategory.objects.create(code="food", name="식품")
    gift = ProductCategory.objects.create(code="gift", name="상품권")
    EarnRule.objects.create(name="식품 2배", category=food, multiplier=Decimal("2"))
    EarnRule.objects.create(name="상품권 제외", category=gift, multiplier=Decimal("0"))
    EarnRule.objects.create(
        name="강남점 3배 주간",
        touchpoint=shop["store"],
        multiplier=Decimal("3"),
        starts_at=at(-7),
        ends_at=at(0),
    )
    order = place_order(hong, 30_000, when=at(-1), lines=[(10_000, food), (10_000, gift), (10_000, None)])
    assert earning.order_points_quote(order) == 200 + 0 + 100
    order.touchpoint = shop["store"]
    order.save()
    assert earning.order_points_quote(order) == 300 + 0 + 300  # the store week beats 2×, not an exclusion
    order.ordered_at = at(1)  # after the event
    order.save()
    assert earning.order_points_quote(order) == 300


def test_a_partial_refund_claws_back_pro_rata_from_pending_points(shop, tiers):
    hong = shop["hong"]
    order = place_order(hong, 100_000, when=at(-2))
    earning.points_earn_for_order(order=order, now=at(-2))  # 1,000 pending
    order_refund(
        order=order, amount=30_000, reason="부분 반품", by=shop["manager"], at=at(-1)
    )  # the hook acts
    assert balance(hong) == {"available": 0, "pending": 700, "held": 0, "debt": 0}
    assert earning.points_order_refunded(order=order, now=at(-1)) == 0  # repeating changes nothing
    order_refund(order=order, amount=70_000, reason="전체 반품", by=shop["manager"], at=at(0))
    assert balance(hong) == {"available": 0, "pending": 0, "held": 0, "debt": 0}
    assert OrderPoints.objects.get(order=order).clawed_back == 1000
    services.points_confirm_due(now=at(30))
    assert PointLot.objects.get().status == "void" and services.points_check(hong) == []


def test_a_refund_after_the_points_were_spent_leaves_a_recorded_debt_paid_by_the_next_points(shop, tiers):
    hong = shop["hong"]
    order = place_order(hong, 200_000, when=at(-40))
    earning.points_earn_for_order(order=order, now=at(-40))
    services.points_confirm_due(now=at(-20))
    services.points_redeem(
        customer=hong, points=1500, idempotency_key="spent", by=None, order_ref="OTHER-1", now=at(-10)
    )
    # ₩200,000 refunded in an import (no Refund row): the sync job sees the new refunded amount
    order.refunded_amount = 200_000
    order.save()
    assert earning.points_sync_orders(now=at(0))["refunds"] == 1
    assert balance(hong) == {"available": 0, "pending": 0, "held": 0, "debt": 1500}
    clawback = PointEntry.objects.get(kind="clawback")
    assert clawback.available_delta == -500 and clawback.debt_delta == 1500 and "미결" in clawback.reason
    give(hong, 1000, when=at(1))
    assert balance(hong) == {"available": 0, "pending": 0, "held": 0, "debt": 500}
    give(hong, 800, when=at(2))
    assert balance(hong) == {"available": 300, "pending": 0, "held": 0, "debt": 0}
    assert services.points_check(hong) == []


def test_refunding_an_order_paid_with_points_returns_them_pro_rata_to_their_lots(shop, tiers):
    hong = shop["hong"]
    lot = give(hong, 5000, when=at(-100)).lot
    order = place_order(hong, 50_000, when=at(-1), external_id="POS-77")
    services.points_redeem(
        customer=hong, points=4000, idempotency_key="pos-77", order_ref="POS-77", by=None, now=at(-1)
    )
    earning.points_earn_for_order(order=order, now=at(-1))  # 500 pending
    assert available(hong) == 1000
    order_refund(order=order, amount=25_000, reason="반품", by=shop["manager"], at=at(0))
    assert available(hong) == 3000  # half of the 4,000 spent is back
    lot.refresh_from_db()
    assert lot.remaining == 3000
    assert balance(hong)["pending"] == 250
    order_refund(order=order, amount=25_000, reason="반품", by=shop["manager"], at=at(0))
    assert available(hong) == 5000 and balance(hong)["pending"] == 0
    assert services.points_check(hong) == []


def test_the_sync_job_earns_for_imported_orders_once_and_skips_orders_before_the_program(
    shop, tiers, program
):
    hong = shop["hong"]
    old = place_order(hong, 50_000, when=program.started_at - dt.timedelta(days=1))
    new = place_order(hong, 50_000, when=at(-1))
    assert earning.points_sync_orders(now=NOW) == {"earned": 1, "refunds": 0, "failed": 0}
    assert earning.points_sync_orders(now=NOW) == {"earned": 0, "refunds": 0, "failed": 0}
    assert not OrderPoints.objects.filter(order=old).exists()
    assert OrderPoints.objects.get(order=new).points == 500
