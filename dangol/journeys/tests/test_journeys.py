"""Journeys on a simulated clock: enrol once per occurrence, the holdout recorded, paused means nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from dangol.analytics.uplift import assign_holdout
from dangol.customers.services import customer_create
from dangol.journeys.models import Enrolment, Journey
from dangol.journeys.services import journey_run, journeys_run
from dangol.messaging.models import Message

from .conftest import NOW, place_order, set_value

pytestmark = pytest.mark.django_db


def _messages(ref_prefix: str) -> list[Message]:
    return list(Message.objects.filter(purpose_ref__startswith=ref_prefix).order_by("pk"))


def test_first_purchase_enrols_once_per_occurrence(shop: dict[str, Any], journeys: dict) -> None:
    hong = shop["hong"]
    place_order(hong, NOW - dt.timedelta(days=1))
    journey = journeys[Journey.Kind.FIRST_PURCHASE]
    result = journey_run(journey, now=NOW)
    assert result["enrolled"] == 1 and result["queued"] == 1
    # the hourly job runs again, and the next day: the same first purchase never enrols twice
    assert journey_run(journey, now=NOW + dt.timedelta(hours=1))["enrolled"] == 0
    assert journey_run(journey, now=NOW + dt.timedelta(days=1))["enrolled"] == 0
    enrolment = Enrolment.objects.get(journey=journey)
    assert (enrolment.customer, enrolment.occurrence, enrolment.control) == (hong, "first", False)
    sent = _messages(f"journey:first_purchase:{hong.pk}:")
    assert len(sent) == 1 and "첫 구매에 감사" in sent[0].body
    # a second order is not a first purchase: nobody new
    place_order(hong, NOW + dt.timedelta(days=2))
    assert journey_run(journey, now=NOW + dt.timedelta(days=2, hours=1))["candidates"] == 0


def test_a_purchase_older_than_the_lookback_does_not_fire(shop: dict[str, Any], journeys: dict) -> None:
    place_order(shop["hong"], NOW - dt.timedelta(days=8))
    assert journey_run(journeys[Journey.Kind.FIRST_PURCHASE], now=NOW)["candidates"] == 0


def test_control_group_is_held_out_recorded_and_reproducible(shop: dict[str, Any], journeys: dict) -> None:
    journey = journeys[Journey.Kind.FIRST_PURCHASE]
    journey.control_share = 0.3
    journey.save()
    people = []
    for i in range(20):
        c = customer_create(data={"name": f"고객{i}", "phone": f"0101111{i:04d}"})
        place_order(c, NOW - dt.timedelta(hours=i + 1))
        set_value(c, value_tier="superior" if i % 2 else "regular", stage="first_purchase", frequency=0)
        people.append(c)
    result = journey_run(journey, now=NOW)
    assert result["enrolled"] == 20
    controls = set(
        Enrolment.objects.filter(journey=journey, control=True).values_list("customer_id", flat=True)
    )
    # exactly assign_holdout's draw: stratified by value tier (10 + 10 → 3 + 3), seeded by the day and journey
    ids = [c.pk for c in people]
    strata = ["superior" if i % 2 else "regular" for i in range(20)]
    assert controls == assign_holdout(ids, strata, share=0.3, seed=20261120 * 1000 + journey.pk)
    assert len(controls) == 6 and result["control"] == 6
    assert set(Enrolment.objects.filter(control=True).values_list("stratum", flat=True)) == {
        "superior",
        "regular",
    }
    # the control group gets nothing; everybody else one message
    assert Enrolment.objects.filter(control=True, status="control", purpose_ref="").count() == 6
    refs = {m.customer_id for m in _messages("journey:first_purchase:")}
    assert refs == set(ids) - controls
    # rerunning changes no one's arm
    journey_run(journey, now=NOW + dt.timedelta(hours=2))
    assert set(Enrolment.objects.filter(control=True).values_list("customer_id", flat=True)) == controls


def test_paused_journey_does_nothing_and_resumes(
    shop: dict[str, Any], journeys: dict, client: Client
) -> None:
    place_order(shop["hong"], NOW - dt.timedelta(days=1))
    journey = journeys[Journey.Kind.FIRST_PURCHASE]
    client.force_login(shop["manager"])
    response = client.post(reverse("journeys:toggle", args=[journey.pk]), {"enabled": "0"}, follow=True)
    assert "일시중지했습니다" in response.content.decode()
    assert journeys_run(now=NOW)[Journey.Kind.FIRST_PURCHASE]["enrolled"] == 0
    assert not Enrolment.objects.exists() and not _messages("journey:")
    client.post(reverse("journeys:toggle", args=[journey.pk]), {"enabled": "1"})
    assert journeys_run(now=NOW)[Journey.Kind.FIRST_PURCHASE]["enrolled"] == 1


def test_only_managers_pause(shop: dict[str, Any], journeys: dict, client: Client) -> None:
    journey = journeys[Journey.Kind.WINBACK]
    for who in ("agent", "analyst"):
        client.force_login(shop[who])
        assert client.post(reverse("journeys:toggle", args=[journey.pk]), {"enabled": "0"}).status_code == 403
    journey.refresh_from_db()
    assert journey.enabled
    client.force_login(shop["agent"])
    assert client.get(reverse("journeys:list")).status_code == 403
    client.force_login(shop["analyst"])
    page = client.get(reverse("journeys:list")).content.decode()
    assert "이탈 방지(윈백)" in page and "일시중지</button>" not in page


def test_winback_offer_is_sized_by_clv_and_consent_rules_apply(shop: dict[str, Any], journeys: dict) -> None:
    hong, kim = shop["hong"], shop["kim"]  # hong consents to marketing texts; kim never decided
    for customer, clv in ((hong, 300_000), (kim, 2_000_000)):
        place_order(customer, NOW - dt.timedelta(days=200))
        place_order(customer, NOW - dt.timedelta(days=150))
        set_value(customer, probability_alive=0.2, clv=clv, value_tier="superior")
    journey = journeys[Journey.Kind.WINBACK]
    result = journey_run(journey, now=NOW)
    assert (result["enrolled"], result["queued"], result["blocked"]) == (2, 1, 1)
    mine = Enrolment.objects.get(customer=hong)
    assert mine.offer_amount == 15_000  # 5% of ₩300,000, rounded to ₩1,000
    assert Enrolment.objects.get(customer=kim).offer_amount == 20_000  # capped at the journey's ₩20,000
    message = Message.objects.get(purpose_ref=mine.purpose_ref)
    assert "15,000원 할인 쿠폰" in message.body and message.body.startswith("(광고)")
    blocked = Enrolment.objects.get(customer=kim)
    assert blocked.status == Enrolment.Status.BLOCKED and blocked.detail == "ad_no_consent"
    # the occurrence is the last purchase: the next run does nothing; a return and a new fade enrol again
    assert journey_run(journey, now=NOW + dt.timedelta(days=1))["enrolled"] == 0
    place_order(hong, NOW + dt.timedelta(days=2))
    assert journey_run(journey, now=NOW + dt.timedelta(days=60))["enrolled"] == 1


def test_birthday_once_a_year(shop: dict[str, Any], journeys: dict) -> None:
    birthday = dt.datetime(2026, 5, 17, 9, 0, tzinfo=NOW.tzinfo)  # hong was born on 17 May 1980
    journey = journeys[Journey.Kind.BIRTHDAY]
    assert journey_run(journey, now=birthday)["enrolled"] == 1
    assert journey_run(journey, now=birthday + dt.timedelta(hours=5))["enrolled"] == 0
    assert journey_run(journey, now=birthday.replace(year=2027))["enrolled"] == 1
    assert list(Enrolment.objects.values_list("occurrence", flat=True).order_by("pk")) == [
        "birthday:2026",
        "birthday:2027",
    ]


def test_command_runs_at_a_simulated_time(shop: dict[str, Any], journeys: dict) -> None:
    place_order(shop["hong"], NOW - dt.timedelta(days=1))
    out = StringIO()
    call_command("journeys_run", "--now", NOW.isoformat(), stdout=out)
    assert json.loads(out.getvalue())["first_purchase"]["enrolled"] == 1
    with pytest.raises(CommandError, match="읽을 수 없습니다"):
        call_command("journeys_run", "--now", "어제")


def test_page_reports_treated_vs_control_with_interval(
    shop: dict[str, Any], journeys: dict, client: Client
) -> None:
    journey = journeys[Journey.Kind.FIRST_PURCHASE]
    people = [customer_create(data={"name": f"측정{i}"}) for i in range(6)]
    for i, c in enumerate(people):
        Enrolment.objects.create(
            journey=journey,
            customer=c,
            occurrence="first",
            enrolled_at=NOW,
            control=i >= 4,
            status="control" if i >= 4 else "queued",
        )
    # treated: 3 of 4 buy within 30 days (one buys on day 40: too late); control: 0 of 2
    for c in people[:3]:
        place_order(c, NOW + dt.timedelta(days=5))
    place_order(people[3], NOW + dt.timedelta(days=40))
    client.force_login(shop["manager"])
    page = client.get(reverse("journeys:list")).content.decode()
    row = page[page.index('id="journey-first_purchase"') :]
    row = row[: row.index("</tr>")]
    assert '75.0% <small class="muted">(3/4)' in row
    assert '0.0% <small class="muted">(0/2)' in row
    assert "75.0%" in row and "[" in row  # the difference and its 95% interval


def test_second_purchase_nudge_after_the_expected_interval(shop: dict[str, Any], journeys: dict) -> None:
    hong = shop["hong"]
    place_order(hong, NOW - dt.timedelta(days=20))
    set_value(hong, stage="first_purchase", frequency=0, expected_purchases=26.0)  # every 14 days
    journey = journeys[Journey.Kind.SECOND_PURCHASE]
    assert journey_run(journey, now=NOW)["enrolled"] == 1
    # a customer expected back every 52 days is not due yet after 20
    set_value(shop["kim"], stage="first_purchase", frequency=0, expected_purchases=7.0)
    place_order(shop["kim"], NOW - dt.timedelta(days=20))
    assert journey_run(journey, now=NOW)["enrolled"] == 0
    assert journey_run(journey, now=NOW + dt.timedelta(days=33))["enrolled"] == 1


def test_second_purchase_nudge_on_the_customers_own_expected_date(
    shop: dict[str, Any], journeys: dict
) -> None:
    journey = journeys[Journey.Kind.SECOND_PURCHASE]
    hong, kim = shop["hong"], shop["kim"]
    for customer in (hong, kim):
        place_order(customer, NOW - dt.timedelta(days=20))
    # the same yearly rhythm (every 52 days): the per-customer date decides, not 364 / expected purchases
    due = NOW.date() + dt.timedelta(days=3)
    set_value(hong, stage="first_purchase", frequency=0, expected_purchases=7.0, expected_next_purchase=due)
    set_value(kim, stage="first_purchase", frequency=0, expected_purchases=7.0, expected_next_purchase=None)
    assert journey_run(journey, now=NOW + dt.timedelta(days=2))["enrolled"] == 0
    assert journey_run(journey, now=NOW + dt.timedelta(days=3))["enrolled"] == 1  # from 00:00 of that day
    assert Enrolment.objects.get().customer == hong
    # kim has no date from the value run: 52 days after the first purchase, as before
    assert journey_run(journey, now=NOW + dt.timedelta(days=31))["enrolled"] == 0
    assert journey_run(journey, now=NOW + dt.timedelta(days=32))["enrolled"] == 1
    # a date that is too soon (the day after the purchase) still waits the 14-day minimum
    lee = customer_create(data={"name": "이서준"})
    place_order(lee, NOW)
    set_value(lee, stage="first_purchase", frequency=0, expected_next_purchase=NOW.date())
    assert journey_run(journey, now=NOW + dt.timedelta(days=13))["enrolled"] == 0
    assert journey_run(journey, now=NOW + dt.timedelta(days=14))["enrolled"] == 1


def test_promoter_gets_a_referral_ask_per_answer(shop: dict[str, Any], journeys: dict) -> None:
    from dangol.surveys.models import Response, Survey

    survey = Survey.objects.create(code="nps-j", title="NPS")
    answer = Response.objects.create(survey=survey, customer=shop["hong"], answered_at=NOW, nps=10)
    Response.objects.create(survey=survey, customer=shop["kim"], answered_at=NOW, nps=8)  # passive: nothing
    journey = journeys[Journey.Kind.REFERRAL]
    assert journey_run(journey, now=NOW + dt.timedelta(hours=1))["enrolled"] == 1
    assert Enrolment.objects.get().occurrence == f"nps:{answer.pk}"


def test_enrolments_follow_a_merge_without_double_counting(shop: dict[str, Any], journeys: dict) -> None:
    from dangol.customers.services import customers_merge

    journey = journeys[Journey.Kind.BIRTHDAY]
    for c in (shop["hong"], shop["kim"]):
        Enrolment.objects.create(
            journey=journey, customer=c, occurrence="birthday:2026", enrolled_at=NOW, status="queued"
        )
    Enrolment.objects.create(
        journey=journey, customer=shop["kim"], occurrence="birthday:2025", enrolled_at=NOW, status="queued"
    )
    customers_merge(survivor=shop["hong"], merged=shop["kim"], by=shop["manager"])
    mine = sorted(Enrolment.objects.filter(customer=shop["hong"]).values_list("occurrence", flat=True))
    assert mine == ["birthday:2025", "birthday:2026"]
    assert Enrolment.objects.filter(customer=shop["kim"]).count() == 1  # the duplicate occurrence stays


def test_recovered_complainant_thanked_30_days_later(shop: dict[str, Any], journeys: dict) -> None:
    from dangol.voc.models import Case

    resolved = NOW - dt.timedelta(days=31)
    kept = Case.objects.create(
        number="V-1",
        title="배송 지연",
        customer=shop["hong"],
        created_at=resolved,
        status="resolved",
        resolved_at=resolved,
        customer_reaction="satisfied",
    )
    Case.objects.create(  # still unhappy after the resolution: no thank-you
        number="V-2",
        title="환불",
        customer=shop["kim"],
        created_at=resolved,
        status="resolved",
        resolved_at=resolved,
        customer_reaction="dissatisfied",
    )
    journey = journeys[Journey.Kind.RECOVERY]
    assert journey_run(journey, now=NOW - dt.timedelta(days=2))["enrolled"] == 0  # only 29 days so far
    assert journey_run(journey, now=NOW)["enrolled"] == 1
    assert Enrolment.objects.get().occurrence == f"case:{kept.pk}"


def test_tier_upgrade_and_grace_warning(shop: dict[str, Any], journeys: dict) -> None:
    from dangol.rewards.models import Tier, TierChange

    silver = Tier.objects.create(code="silver-j", name="실버", rank=11)
    gold = Tier.objects.create(code="gold-j", name="골드", rank=12)
    TierChange.objects.create(customer=shop["hong"], kind="upgrade", from_tier=silver, to_tier=gold, at=NOW)
    TierChange.objects.create(customer=shop["kim"], kind="grace", from_tier=gold, to_tier=gold, at=NOW)
    later = NOW + dt.timedelta(hours=1)
    assert journey_run(journeys[Journey.Kind.TIER_UPGRADE], now=later)["queued"] == 1
    assert journey_run(journeys[Journey.Kind.TIER_WARNING], now=later)["enrolled"] == 1
    [up] = _messages(f"journey:tier_upgrade:{shop['hong'].pk}:")
    assert "골드 등급이 되신 것을 축하" in up.body
