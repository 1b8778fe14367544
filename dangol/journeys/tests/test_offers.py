"""Journey and next-best-action offers are issued through rewards: once per enrolment or accepted action, only
to the treated customers a message reached, and their cost shows in the journey's measurement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dangol.customers.services import customer_create
from dangol.journeys.models import ActionDecision, Enrolment, Journey
from dangol.journeys.nba import action_decide, next_best_actions
from dangol.journeys.offers import offer_issue
from dangol.journeys.services import journey_run
from dangol.rewards.coupons import coupon_redeem
from dangol.rewards.models import CouponDefinition, CouponIssue, PointEntry

from .conftest import NOW, place_order, set_value

pytestmark = pytest.mark.django_db


def _winback_pair(shop: dict[str, Any]) -> None:
    for customer, clv in ((shop["hong"], 300_000), (shop["kim"], 2_000_000)):
        place_order(customer, NOW - dt.timedelta(days=200))
        place_order(customer, NOW - dt.timedelta(days=150))
        set_value(customer, probability_alive=0.2, clv=clv, value_tier="superior")


def test_journey_coupon_issued_once_and_only_to_the_reached(shop: dict[str, Any], journeys: dict) -> None:
    hong, kim = shop["hong"], shop["kim"]  # hong consents to marketing texts; kim never decided (blocked)
    _winback_pair(shop)
    journey = journeys[Journey.Kind.WINBACK]
    assert journey_run(journey, now=NOW)["queued"] == 1
    mine = Enrolment.objects.get(customer=hong)
    coupon = CouponIssue.objects.get()
    assert (coupon.customer, coupon.source_ref, coupon.definition.value) == (hong, mine.purpose_ref, 15_000)
    assert coupon.definition.kind == CouponDefinition.Kind.AMOUNT and mine.offer_issued
    blocked = Enrolment.objects.get(customer=kim)
    assert blocked.status == Enrolment.Status.BLOCKED and not blocked.offer_issued
    assert not CouponIssue.objects.filter(customer=kim).exists()  # the message did not go: no offer
    # a rerun (the hourly job, or a retry of the same enrolment's offer) issues nothing more
    journey_run(journey, now=NOW + dt.timedelta(hours=1))
    again = offer_issue(
        offer=journey.offer, amount=15_000, customer=hong, ref=mine.purpose_ref, reason="", by=None, now=NOW
    )
    assert again and CouponIssue.objects.count() == 1


def test_control_gets_no_points_treated_once(shop: dict[str, Any], journeys: dict) -> None:
    journey = journeys[Journey.Kind.FIRST_PURCHASE]
    Journey.objects.filter(pk=journey.pk).update(
        control_share=0.3, offer=Journey.Offer.POINTS, offer_amount=500
    )
    journey.refresh_from_db()
    people = []
    for i in range(10):
        c = customer_create(data={"name": f"혜택{i}", "phone": f"0102222{i:04d}"})
        place_order(c, NOW - dt.timedelta(hours=i + 1))
        people.append(c)
    result = journey_run(journey, now=NOW)
    assert (result["enrolled"], result["control"], result["queued"]) == (10, 3, 7)
    controls = set(Enrolment.objects.filter(control=True).values_list("customer_id", flat=True))
    credited = list(PointEntry.objects.filter(dedupe_key__startswith="journey:first_purchase:"))
    assert len(credited) == 7 and all(e.available_delta == 500 for e in credited)
    assert not {e.customer_id for e in credited} & controls
    assert Enrolment.objects.filter(offer_issued=True).count() == 7
    journey_run(journey, now=NOW + dt.timedelta(hours=3))
    assert PointEntry.objects.filter(dedupe_key__startswith="journey:first_purchase:").count() == 7


def test_journey_page_shows_cost_incremental_revenue_and_roi(
    shop: dict[str, Any], journeys: dict, client: Client
) -> None:
    journey = journeys[Journey.Kind.FIRST_PURCHASE]
    Journey.objects.filter(pk=journey.pk).update(offer=Journey.Offer.POINTS, offer_amount=1_000)
    people = [customer_create(data={"name": f"측정{i}"}) for i in range(6)]
    for i, c in enumerate(people):
        control = i >= 4
        e = Enrolment.objects.create(
            journey=journey,
            customer=c,
            occurrence="first",
            enrolled_at=NOW,
            control=control,
            status="control" if control else "queued",
            purpose_ref="" if control else f"journey:first_purchase:{c.pk}:first",
            offer_issued=not control,
        )
        if not control:
            offer_issue(
                offer="points", amount=1_000, customer=c, ref=e.purpose_ref, reason="", by=None, now=NOW
            )
    # treated: 3 of 4 buy ₩30,000 within 30 days; control: none → +₩22,500 per treated × 4 = ₩90,000
    for c in people[:3]:
        place_order(c, NOW + dt.timedelta(days=5), amount=30_000)
    place_order(people[4], NOW + dt.timedelta(days=45), amount=99_000)  # control, outside the window
    client.force_login(shop["analyst"])
    page = client.get(reverse("journeys:detail", args=[journey.pk])).content.decode()
    assert 'id="offer-cost">₩4,000' in page or 'id="offer-cost">4,000원' in page
    assert "90,000" in page[page.index('id="incremental-revenue"') :][:80]
    # ROI = (90,000 − 4,000) ÷ 4,000 = 2150%
    assert "2150%" in page[page.index('id="roi"') :][:40]
    assert 'id="offers-issued">4<' in page
    # the list links to the page; agents do not see it
    assert (
        reverse("journeys:detail", args=[journey.pk]) in client.get(reverse("journeys:list")).content.decode()
    )
    client.force_login(shop["agent"])
    assert client.get(reverse("journeys:detail", args=[journey.pk])).status_code == 403


def test_journey_page_counts_a_redeemed_coupon(shop: dict[str, Any], journeys: dict, client: Client) -> None:
    _winback_pair(shop)
    journey = journeys[Journey.Kind.WINBACK]
    journey_run(journey, now=NOW)
    coupon = CouponIssue.objects.get()
    coupon_redeem(
        code=coupon.code, customer=shop["hong"], idempotency_key="o-1", order_amount=50_000, by=None
    )
    client.force_login(shop["manager"])
    page = client.get(reverse("journeys:detail", args=[journey.pk])).content.decode()
    cost = page[page.index('id="offer-cost"') :][:300]
    assert "15,000" in cost and "쿠폰 발급 1 · 사용 1" in cost


def test_accepted_nba_issues_its_offer_once(shop: dict[str, Any], client: Client) -> None:
    hong = shop["hong"]
    set_value(hong, probability_alive=0.2, clv=500_000, value_tier="superior")
    client.force_login(shop["agent"])
    panel = client.get(reverse("journeys:nba", args=[hong.pk])).content.decode()
    assert (
        "수락하면 지급: 20,000원 할인 쿠폰" in panel
    )  # 5% of CLV = ₩25,000, capped at the journey's ₩20,000
    action = next(a for a in next_best_actions(hong, for_user=shop["manager"]) if a.code == "winback_offer")
    url = reverse("journeys:nba_decide", args=[hong.pk])
    response = client.post(url, {"action": "winback_offer", "decision": "accepted"}).content.decode()
    assert "(20,000원 할인 쿠폰 지급)" in response
    coupon = CouponIssue.objects.get()
    decision = ActionDecision.objects.get()
    assert coupon.customer == hong and coupon.source_ref == decision.offer_ref
    assert coupon.source_ref.startswith(f"nba:winback_offer:{hong.pk}:")
    # a double click: nothing more decided or issued
    client.post(url, {"action": "winback_offer", "decision": "accepted"})
    assert (ActionDecision.objects.count(), CouponIssue.objects.count()) == (1, 1)
    # the service called again with the action drawn before the click (two agents at once) issues once
    assert action_decide(customer=hong, action=action, decision="accepted", by=shop["manager"]) == decision
    assert CouponIssue.objects.count() == 1
    # the journeys page counts the offer and its cost under the action
    client.force_login(shop["manager"])
    page = client.get(reverse("journeys:list")).content.decode()
    row = page[page.index('id="nba-decisions"') :]
    assert "winback_offer" in row and ">1</td>" in row


def test_dismissed_nba_issues_nothing_and_a_stopped_coupon_is_a_korean_error(
    shop: dict[str, Any], client: Client
) -> None:
    hong = shop["hong"]
    set_value(hong, probability_alive=0.2, clv=500_000, value_tier="superior")
    client.force_login(shop["agent"])
    url = reverse("journeys:nba_decide", args=[hong.pk])
    client.post(url, {"action": "winback_offer", "decision": "dismissed"})
    assert not CouponIssue.objects.exists() and ActionDecision.objects.get().offer_ref == ""
    ActionDecision.objects.all().delete()
    CouponDefinition.objects.create(code="journey-20000", name="멈춘 쿠폰", value=20_000, active=False)
    response = client.post(url, {"action": "winback_offer", "decision": "accepted"})
    assert response.status_code == 200 and "사용 중지 상태입니다" in response.content.decode()
    assert not ActionDecision.objects.exists() and not CouponIssue.objects.exists()
