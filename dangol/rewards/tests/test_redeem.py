import datetime as dt
import threading

import pytest
from django.db import connection

from dangol.rewards import services
from dangol.rewards.ledger import RewardsError
from dangol.rewards.models import PointBalance, PointEntry, PointHold, PointLot
from dangol.rewards.tests.conftest import NOW, at, available, give


def test_the_same_key_twice_is_one_redemption(shop, program):
    hong = shop["hong"]
    give(hong, 3000, when=at(-5))
    first = services.points_redeem(
        customer=hong, points=1000, idempotency_key="pos-9-1", order_ref="A1", by=None, now=NOW
    )
    again = services.points_redeem(
        customer=hong, points=1000, idempotency_key="pos-9-1", order_ref="A1", by=None, now=NOW
    )
    assert again.pk == first.pk and again.status == "captured"
    assert PointHold.objects.count() == 1 and PointEntry.objects.filter(kind="redeem").count() == 1
    assert not PointEntry.objects.filter(
        kind__in=["hold", "capture"]
    ).exists()  # a direct redemption: one entry
    assert available(hong) == 2000 and services.points_check(hong) == []


def test_the_same_key_with_another_amount_is_refused_and_changes_nothing(shop, program):
    hong = shop["hong"]
    give(hong, 3000, when=at(-5))
    services.points_redeem(customer=hong, points=1000, idempotency_key="pos-9-2", by=None, now=NOW)
    for changed in ({"points": 1200}, {"order_ref": "B2"}, {"customer": shop["kim"]}):
        args = {
            "customer": hong,
            "points": 1000,
            "idempotency_key": "pos-9-2",
            "by": None,
            "now": NOW,
            **changed,
        }
        with pytest.raises(RewardsError) as raised:
            services.points_redeem(**args)
        assert raised.value.error_code == "idempotency_key_reused"
        assert "다른 내용" in raised.value.message_ko and raised.value.details["points"] == 1000
    assert available(hong) == 2000 and PointHold.objects.count() == 1


def test_hold_then_capture_or_release(shop, program):
    hong = shop["hong"]
    lot = give(hong, 3000, when=at(-5)).lot
    hold = services.points_hold(customer=hong, points=1000, idempotency_key="web-1", by=None, now=NOW)
    b = PointBalance.objects.get(pk=hong.pk)
    assert (b.available, b.held) == (2000, 1000)
    services.points_capture(hold=hold, by=None, now=at(0.01))
    services.points_capture(hold=hold, by=None, now=at(0.01))  # a retried capture
    b.refresh_from_db()
    assert (b.available, b.held) == (2000, 0) and PointEntry.objects.filter(kind="capture").count() == 1
    with pytest.raises(RewardsError) as raised:
        services.points_release(hold=hold, by=None, now=at(0.02))
    assert raised.value.error_code == "hold_captured"

    other = services.points_hold(customer=hong, points=500, idempotency_key="web-2", by=None, now=NOW)
    services.points_release(hold=other, by=None, reason="결제 실패", now=at(0.01))
    services.points_release(hold=other, by=None, now=at(0.01))
    lot.refresh_from_db()
    assert available(hong) == 2000 and lot.remaining == 2000
    with pytest.raises(RewardsError) as raised:
        services.points_capture(hold=other, by=None, now=at(0.02))
    assert raised.value.error_code == "hold_released"
    assert services.points_check(hong) == []


def test_a_hold_that_is_never_completed_lapses(shop, program):
    hong = shop["hong"]
    give(hong, 1000, when=at(-5))
    hold = services.points_hold(customer=hong, points=400, idempotency_key="lapse", by=None, now=NOW)
    assert services.points_release_lapsed(now=at(0.01)) == 0
    with pytest.raises(RewardsError) as raised:
        services.points_capture(hold=hold, by=None, now=at(1))
    assert raised.value.error_code == "hold_expired"
    assert services.points_release_lapsed(now=at(1)) == 1
    hold.refresh_from_db()
    assert hold.status == "released" and available(hong) == 1000


def test_points_held_past_their_expiry_are_not_revived_by_a_release(shop, program):
    hong = shop["hong"]
    old = give(hong, 300, when=at(-730, base=NOW - dt.timedelta(minutes=10))).lot
    hold = services.points_hold(customer=hong, points=300, idempotency_key="edge", by=None, now=at(-0.01))
    services.points_release(hold=hold, by=None, now=NOW)  # the lot expired while it was held
    old.refresh_from_db()
    assert old.remaining == 0 and available(hong) == 0
    assert PointEntry.objects.filter(kind="expire", available_delta=-300).exists()
    assert services.points_check(hong) == []


def _concurrently(n, work):
    results = []
    start = threading.Barrier(n)

    def run(i):
        try:
            start.wait()
            results.append(work(i))
        except RewardsError as exc:
            results.append(exc.error_code)
        except Exception as exc:  # surface anything else instead of losing it in the thread
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_redemptions_never_overdraw_the_balance(shop, program):
    hong = shop["hong"]
    give(hong, 1000, when=at(-5))
    give(hong, 500, when=at(-50))

    def redeem(i):
        services.points_redeem(customer=hong, points=200, idempotency_key=f"race-{i}", by=None)
        return "ok"

    results = _concurrently(20, redeem)
    assert sorted(results) == ["insufficient_points"] * 13 + ["ok"] * 7, results
    balance = PointBalance.objects.get(pk=hong.pk)
    assert (balance.available, balance.held) == (100, 0)
    assert sum(PointLot.objects.values_list("remaining", flat=True)) == 100
    assert services.points_check(hong) == []


@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_by_twenty_threads_at_once_redeems_once(shop, program):
    hong = shop["hong"]
    give(hong, 1000, when=at(-5))

    def redeem(i):
        return services.points_redeem(customer=hong, points=300, idempotency_key="retry-storm", by=None).pk

    results = _concurrently(20, redeem)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert available(hong) == 700 and PointHold.objects.count() == 1
    assert services.points_check(hong) == []
