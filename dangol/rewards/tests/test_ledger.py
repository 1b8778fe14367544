import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangol.rewards import services
from dangol.rewards.ledger import InsufficientPoints, RewardsError, add_months, balance_lock, lot_clawback
from dangol.rewards.models import (
    AppendOnlyError,
    LotConsumption,
    PointBalance,
    PointEntry,
    PointHold,
    PointLot,
)
from dangol.rewards.tests.conftest import NOW, at, available, give


def snapshot(customer):
    return (
        list(PointBalance.objects.filter(pk=customer.pk).values()),
        PointEntry.objects.filter(customer=customer).count(),
        list(PointLot.objects.filter(customer=customer).values("id", "remaining", "status")),
        PointHold.objects.filter(customer=customer).count(),
    )


def test_redemption_takes_the_lots_expiring_first(shop, program):
    hong = shop["hong"]
    newer = give(hong, 500, when=at(-10)).lot
    older = give(hong, 300, when=at(-400)).lot
    middle = give(hong, 400, when=at(-200)).lot
    services.points_redeem(customer=hong, points=600, idempotency_key="pos-1", by=shop["agent"], now=NOW)
    remaining = {lot.pk: lot.remaining for lot in PointLot.objects.all()}
    assert remaining == {older.pk: 0, middle.pk: 100, newer.pk: 500}
    taken = list(LotConsumption.objects.order_by("id").values_list("lot_id", "points"))
    assert taken == [(older.pk, 300), (middle.pk, 300)]
    assert available(hong) == 600 and services.points_check(hong) == []


def test_lots_expire_at_their_own_date_and_not_before(shop, program):
    hong = shop["hong"]
    first = give(hong, 300, when=at(-730)).lot  # expires exactly at NOW
    give(hong, 200, when=at(-700))
    assert first.expires_at == add_months(at(-730), 24) == NOW
    assert services.points_expire_due(now=NOW - dt.timedelta(seconds=1)) == 0
    assert services.points_expire_due(now=NOW) == 300
    assert services.points_expire_due(now=NOW) == 0  # a second run expires nothing twice
    first.refresh_from_db()
    assert (first.status, first.remaining) == ("expired", 0)
    assert available(hong) == 200
    entry = PointEntry.objects.get(kind="expire")
    assert entry.available_delta == -300 and "유효기간 만료" in entry.reason
    assert services.points_check(hong) == []


def test_a_redemption_never_spends_points_past_their_expiry_even_before_the_job_runs(shop, program):
    hong = shop["hong"]
    give(hong, 300, when=at(-731))  # expired a day ago, the daily job has not run yet
    give(hong, 100, when=at(-1))
    with pytest.raises(InsufficientPoints):
        services.points_redeem(customer=hong, points=300, idempotency_key="late", by=None, now=NOW)
    # the failed request rolled back entirely, the expiry with it; the job still finds the lot
    assert available(hong) == 400
    assert services.points_expire_due(now=NOW) == 300
    assert available(hong) == 100 and services.points_check(hong) == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"points": -5}, "invalid_points"),
        ({"points": 0}, "invalid_points"),
        ({"points": 10**10}, "invalid_points"),
        ({"points": 50}, "below_minimum"),
        ({"points": 200_000}, "above_maximum"),
        ({"points": 2000}, "insufficient_points"),
        ({"points": 500, "idempotency_key": " "}, "invalid_idempotency_key"),
        ({"points": 500, "idempotency_key": "k" * 101}, "invalid_idempotency_key"),
        ({"points": 500, "order_amount": -1}, "invalid_input"),
    ],
)
def test_bad_redemptions_get_a_clear_error_and_change_nothing(shop, program, kwargs, code):
    hong = shop["hong"]
    give(hong, 1000, when=at(-5))
    before = snapshot(hong)
    args = {"customer": hong, "idempotency_key": "bad-1", "by": shop["agent"], "now": NOW, **kwargs}
    with pytest.raises(RewardsError) as raised:
        services.points_redeem(**args)
    assert raised.value.error_code == code
    assert raised.value.message_ko and raised.value.message_en
    assert snapshot(hong) == before


def test_order_share_limit_uses_the_point_value(shop, program):
    program.max_redeem_percent = 50
    program.save()
    hong = shop["hong"]
    give(hong, 10_000, when=at(-5))
    with pytest.raises(RewardsError) as raised:
        services.points_hold(
            customer=hong, points=6000, idempotency_key="share", order_amount=10_000, by=None, now=NOW
        )
    assert raised.value.error_code == "above_order_share" and raised.value.details == {"maximum": 5000}
    assert services.points_hold(
        customer=hong, points=5000, idempotency_key="share", order_amount=10_000, by=None, now=NOW
    )


def test_entries_are_append_only(shop, program):
    entry = give(shop["hong"], 100)
    entry.reason = "고쳐 쓰기"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_rebuild_repairs_a_balance_from_the_ledger(shop, program):
    hong = shop["hong"]
    give(hong, 700)
    services.points_hold(customer=hong, points=200, idempotency_key="h", by=None, now=NOW)
    PointBalance.objects.filter(pk=hong.pk).update(available=5, held=0)  # a broken cache
    assert services.points_check(hong)
    balance = services.points_rebuild(hong)
    assert (balance.available, balance.held) == (500, 200)
    assert services.points_check(hong) == []


def test_adjustment_above_the_limit_waits_for_a_manager(shop, program):
    hong = shop["hong"]
    program.adjust_approval_limit = 1000
    program.save()
    small = services.points_adjust(customer=hong, points=800, reason="적립 누락", by=shop["agent"], now=NOW)
    assert small.entry is not None and available(hong) == 800
    big = services.points_adjust(customer=hong, points=5000, reason="대량 보상", by=shop["agent"], now=NOW)
    assert big.entry is None and big.request.status == "pending" and available(hong) == 800
    with pytest.raises(Exception, match="권한"):
        services.adjustment_decide(request=big.request, approve=True, by=shop["agent"])
    services.adjustment_decide(request=big.request, approve=True, by=shop["manager"], now=NOW)
    assert available(hong) == 5800
    with pytest.raises(RewardsError):
        services.adjustment_decide(request=big.request, approve=True, by=shop["manager"], now=NOW)
    assert available(hong) == 5800
    with pytest.raises(RewardsError):  # a deduction beyond the balance is refused, not a silent negative
        services.points_adjust(customer=hong, points=-6000, reason="회수", by=shop["manager"], now=NOW)
    services.points_adjust(customer=hong, points=-5800, reason="회수", by=shop["manager"], now=NOW)
    assert available(hong) == 0 and services.points_check(hong) == []
    with pytest.raises(RewardsError):
        services.points_adjust(customer=hong, points=10, reason="  ", by=shop["agent"], now=NOW)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["earn", "hold", "redeem", "capture", "release", "adjust", "clawback", "expire", "wait"]
        ),
        st.integers(min_value=1, max_value=1500),
    ),
    min_size=1,
    max_size=30,
)


def test_the_ledger_always_sums_to_the_balance(db):
    """Any sequence of operations, refused ones included, leaves ledger, balance and lots in agreement."""
    from django.db import transaction

    from dangol.customers.services import customer_create
    from dangol.rewards.models import Program

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(opening=st.integers(min_value=1, max_value=8000), operations=OPERATIONS)
    def run(opening, operations):
        with transaction.atomic():
            program = Program.current()
            program.min_redeem_points = 1
            program.started_at = NOW - dt.timedelta(days=3650)
            program.save()
            customer = customer_create(data={"name": "무작위", "phone": "01055556666"})
            now = NOW - dt.timedelta(days=900)
            lots = [give(customer, opening, when=now).lot]
            holds = []
            for step, (op, n) in enumerate(operations):
                try:
                    if op == "earn":
                        lots.append(give(customer, n, when=now).lot)
                    elif op in ("hold", "redeem"):
                        holds.append(
                            services.points_hold(
                                customer=customer,
                                points=n,
                                idempotency_key=f"k{step}",
                                by=None,
                                now=now,
                                capture=op == "redeem",
                            )
                        )
                    elif op == "capture" and holds:
                        services.points_capture(hold=holds[n % len(holds)], by=None, now=now)
                    elif op == "release" and holds:
                        services.points_release(hold=holds[n % len(holds)], by=None, now=now)
                    elif op == "adjust":
                        services._adjust_apply(
                            customer=customer, points=-n if n % 2 else n, reason="r", by=None, now=now
                        )
                    elif op == "clawback":  # a refund of what a lot earned, spent or not
                        with transaction.atomic():
                            balance_lock(customer.pk)
                            lot_clawback(
                                lot=lots[n % len(lots)],
                                customer_id=customer.pk,
                                points=n,
                                source="order",
                                source_ref="t",
                                reason="환불",
                                dedupe_key=f"c{step}",
                                now=now,
                            )
                    elif op == "expire":
                        services.points_expire_due(now=now)
                    elif op == "wait":
                        now += dt.timedelta(days=n // 10)
                except RewardsError:
                    pass
                assert services.points_check(customer) == [], (step, op, n)
                balance = PointBalance.objects.filter(pk=customer.pk).first() or PointBalance()
                assert min(balance.available, balance.pending, balance.held, balance.debt) >= 0
            transaction.set_rollback(True)

    run()
