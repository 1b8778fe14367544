"""The redemption path written by hand (services._hold_fast) against the cases it hands on to the ORM path:
lots that fell due, a customer who never had points, more lots than one read takes, and the answer it builds
without reading the row back."""

import json

import pytest
from django.test import Client

from dangol.accounts.services import api_token_create
from dangol.rewards import services
from dangol.rewards.ledger import InsufficientPoints, RewardsError
from dangol.rewards.models import LotConsumption, PointBalance, PointEntry, PointHold, PointLot
from dangol.rewards.tests.conftest import NOW, at, available, give


def test_a_lot_that_fell_due_is_expired_first_and_the_rest_is_spent(shop, program):
    hong = shop["hong"]
    give(hong, 300, when=at(-731))  # expired a day ago, the daily job has not run yet
    fresh = give(hong, 500, when=at(-1)).lot
    hold = services.points_redeem(customer=hong, points=200, idempotency_key="due-1", by=None, now=NOW)
    assert hold.available_after == 300 == available(hong)
    expired = PointEntry.objects.get(kind="expire")
    assert expired.available_delta == -300
    assert list(LotConsumption.objects.filter(hold=hold).values_list("lot_id", "points")) == [(fresh.pk, 200)]
    assert services.points_check(hong) == []


def test_a_customer_who_never_had_points_is_refused_and_nothing_is_kept(shop, program):
    kim = shop["kim"]
    with pytest.raises(InsufficientPoints) as raised:
        services.points_redeem(customer=kim, points=100, idempotency_key="none-1", by=None, now=NOW)
    assert raised.value.details == {"available": 0, "requested": 100}
    assert not PointHold.objects.exists() and not PointEntry.objects.filter(customer=kim).exists()
    assert not PointBalance.objects.filter(pk=kim.pk, available__gt=0).exists()


def test_a_redemption_across_more_lots_than_one_read_takes_is_fifo_to_the_end(shop, program):
    hong = shop["hong"]
    lots = [give(hong, 20, when=at(-600 + day)).lot for day in range(60)]  # oldest first
    hold = services.points_redeem(customer=hong, points=1110, idempotency_key="many-1", by=None, now=NOW)
    taken = list(LotConsumption.objects.filter(hold=hold).order_by("id").values_list("lot_id", "points"))
    assert taken == [(lot.pk, 20) for lot in lots[:55]] + [(lots[55].pk, 10)]
    assert PointLot.objects.get(pk=lots[55].pk).remaining == 10
    assert hold.available_after == 90 == available(hong) and services.points_check(hong) == []


def test_the_answer_to_a_new_redemption_is_what_the_row_says(client: Client, shop, program):
    hong = shop["hong"]
    give(hong, 5000, when=at(-10))
    key = api_token_create(user=shop["clerk"], name="pos", scopes=["rewards:read", "rewards:write"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {"customer_id": hong.pk, "points": 1200, "idempotency_key": "pos-77", "order_ref": "R-77"}
    made = client.post("/api/rewards/redemptions", json.dumps(body), content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    read = client.get("/api/rewards/redemptions/pos-77", **auth)
    assert read.status_code == 200 and read.json() == made.json()
    assert made.json()["status"] == "held" and made.json()["available_after"] == 3800
    again = client.post("/api/rewards/redemptions", json.dumps(body), content_type="application/json", **auth)
    assert again.status_code == 200 and again.json() == made.json()
    hold = PointHold.objects.get(idempotency_key="pos-77")
    assert hold.by == shop["clerk"] and hold.order_ref == "R-77" and hold.customer_id == hong.pk
    assert services.points_check(hong) == []


def test_a_merged_customers_redemption_spends_the_survivors_points(client: Client, shop, program):
    hong, kim = shop["hong"], shop["kim"]
    give(hong, 3000, when=at(-10))
    type(kim).objects.filter(pk=kim.pk).update(status="merged", merged_into=hong)
    key = api_token_create(user=shop["clerk"], name="pos", scopes=["rewards:write"])[1]
    body = {"customer_id": kim.pk, "points": 1000, "idempotency_key": "merged-1", "capture": True}
    r = client.post(
        "/api/rewards/redemptions",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 201 and r.json()["customer_id"] == hong.pk and available(hong) == 2000
    missing = client.post(
        "/api/rewards/redemptions",
        json.dumps({**body, "customer_id": 987654, "idempotency_key": "nobody"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_key_used_before_answers_as_that_key_even_when_the_limits_would_now_refuse(shop, program):
    """The key is claimed before the limits are checked: a retry is still a retry and a reused key still a
    reused key after the program's limits changed; a new key over the limit keeps nothing."""
    hong = shop["hong"]
    give(hong, 5000, when=at(-10))
    first = services.points_redeem(customer=hong, points=800, idempotency_key="lim-1", by=None, now=NOW)
    program.max_redeem_points = 500
    program.save()
    again = services.points_redeem(customer=hong, points=800, idempotency_key="lim-1", by=None, now=NOW)
    assert again.pk == first.pk and again.replayed
    with pytest.raises(RewardsError) as reused:
        services.points_redeem(customer=hong, points=900, idempotency_key="lim-1", by=None, now=NOW)
    assert reused.value.error_code == "idempotency_key_reused"
    with pytest.raises(RewardsError) as above:
        services.points_redeem(customer=hong, points=800, idempotency_key="lim-2", by=None, now=NOW)
    assert above.value.error_code == "above_maximum"
    assert not PointHold.objects.filter(idempotency_key="lim-2").exists()
    assert available(hong) == 4200 and services.points_check(hong) == []


def test_a_hold_across_three_lots_takes_each_oldest_first_in_one_entry(shop, program):
    hong = shop["hong"]
    lots = [give(hong, points, when=at(day)).lot for points, day in ((300, -30), (400, -20), (500, -10))]
    hold = services.points_hold(customer=hong, points=1000, idempotency_key="three-1", by=None, now=NOW)
    taken = list(LotConsumption.objects.filter(hold=hold).order_by("lot_id").values_list("lot_id", "points"))
    assert taken == [(lots[0].pk, 300), (lots[1].pk, 400), (lots[2].pk, 300)]
    entry = PointEntry.objects.get(hold=hold)
    assert entry.kind == "hold" and entry.available_delta == -1000 and entry.held_delta == 1000
    assert set(LotConsumption.objects.filter(hold=hold).values_list("entry_id", flat=True)) == {entry.pk}
    assert [PointLot.objects.get(pk=lot.pk).remaining for lot in lots] == [0, 0, 200]
    balance = PointBalance.objects.get(pk=hong.pk)
    assert (balance.available, balance.held) == (200, 1000) == (hold.available_after, hold.points)
    assert services.points_check(hong) == []
