"""Next best action: reasons from the signals, never marketing without consent, decisions recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangol.customers.services import consent_set
from dangol.journeys.models import ActionDecision
from dangol.journeys.nba import PRIORS, next_best_actions

from .conftest import set_value

pytestmark = pytest.mark.django_db


def _codes(actions: list) -> list[str]:
    return [a.code for a in actions]


def test_at_risk_valuable_customer_gets_a_winback_with_reason_and_value(shop: dict[str, Any]) -> None:
    set_value(shop["hong"], probability_alive=0.2, clv=500_000, value_tier="superior")
    actions = next_best_actions(shop["hong"], for_user=shop["agent"])
    assert _codes(actions) == ["winback_offer"]
    a = actions[0]
    assert a.reason == "이탈 위험 · 우량 → 재방문 혜택 제안"
    assert a.marketing and not a.uplift_measured
    assert a.expected_value == round(500_000 * PRIORS["winback_offer"])


def test_never_marketing_without_consent(shop: dict[str, Any]) -> None:
    kim = shop["kim"]  # never decided on marketing
    set_value(kim, probability_alive=0.2, clv=900_000, value_tier="super")
    assert next_best_actions(kim, for_user=shop["agent"]) == []
    consent_set(customer=kim, purpose="marketing_email", granted=True, source="전화")
    assert _codes(next_best_actions(kim, for_user=shop["agent"])) == ["winback_offer"]
    consent_set(customer=kim, purpose="marketing_email", granted=False, source="전화")
    assert next_best_actions(kim, for_user=shop["agent"]) == []


def test_service_actions_need_no_consent_and_rank_by_expected_value(shop: dict[str, Any]) -> None:
    from dangol.surveys.models import Response, Survey

    kim = shop["kim"]
    set_value(kim, probability_alive=0.9, clv=200_000, value_tier="regular")
    survey = Survey.objects.create(code="nps-test", title="NPS")
    Response.objects.create(survey=survey, customer=kim, answered_at=timezone.now(), nps=3)
    actions = next_best_actions(kim, for_user=shop["agent"])
    assert _codes(actions) == ["detractor_call"]
    assert actions[0].reason == "비추천 고객(NPS 3) → 불편했던 점 여쭙기" and not actions[0].marketing


def test_accept_is_recorded_and_the_action_snoozed(shop: dict[str, Any], client: Client) -> None:
    hong = shop["hong"]
    set_value(hong, probability_alive=0.2, clv=500_000, value_tier="superior")
    client.force_login(shop["agent"])
    panel = client.get(reverse("journeys:nba", args=[hong.pk])).content.decode()
    assert "이탈 위험 · 우량 → 재방문 혜택 제안" in panel
    url = reverse("journeys:nba_decide", args=[hong.pk])
    response = client.post(url, {"action": "winback_offer", "decision": "accepted"})
    assert response.status_code == 200
    assert "수락했습니다: 윈백 혜택" in response.content.decode()
    decision = ActionDecision.objects.get()
    assert (decision.customer, decision.action, decision.decision, decision.by) == (
        hong,
        "winback_offer",
        "accepted",
        shop["agent"],
    )
    assert decision.marketing and decision.expected_value == 25_000
    # decided: not suggested again this week, and a second click records nothing more
    assert "재방문 혜택 제안" not in response.content.decode()
    again = client.post(url, {"action": "winback_offer", "decision": "accepted"})
    assert "더 이상 유효하지 않습니다" in again.content.decode()
    assert ActionDecision.objects.count() == 1
    # counted on the journeys page
    client.force_login(shop["manager"])
    page = client.get(reverse("journeys:list")).content.decode()
    assert "winback_offer" in page[page.index('id="nba-decisions"') :]


def test_dismiss_bad_input_and_roles(shop: dict[str, Any], client: Client) -> None:
    hong = shop["hong"]
    set_value(hong, probability_alive=0.2, clv=500_000, value_tier="superior")
    url = reverse("journeys:nba_decide", args=[hong.pk])
    client.force_login(shop["viewer"])
    assert client.post(url, {"action": "winback_offer", "decision": "dismissed"}).status_code == 403
    client.force_login(shop["agent"])
    bad = client.post(url, {"action": "winback_offer", "decision": "maybe"})
    assert bad.status_code == 400 and "수락 또는 보류" in bad.content.decode()
    assert client.post(url, {"action": "winback_offer", "decision": "dismissed"}).status_code == 200
    assert ActionDecision.objects.get().decision == "dismissed"
    # a consent withdrawn since the panel was drawn: the marketing action cannot be accepted any more
    ActionDecision.objects.all().delete()
    consent_set(customer=hong, purpose="marketing_sms", granted=False, source="전화")
    late = client.post(url, {"action": "winback_offer", "decision": "accepted"})
    assert "더 이상 유효하지 않습니다" in late.content.decode() and not ActionDecision.objects.exists()


def test_360_page_loads_the_panel(shop: dict[str, Any], client: Client) -> None:
    client.force_login(shop["agent"])
    page = client.get(reverse("customers:detail", args=[shop["hong"].pk])).content.decode()
    assert reverse("journeys:nba", args=[shop["hong"].pk]) in page


def test_decisions_follow_a_merge(shop: dict[str, Any]) -> None:
    from dangol.customers.services import customers_merge
    from dangol.journeys.nba import Action, action_decide

    action = Action("winback_offer", "윈백", "이유", True, 0.05, False, 1000.0)
    action_decide(
        customer=shop["kim"],
        action=action,
        decision="accepted",
        by=shop["agent"],
        now=timezone.now() - dt.timedelta(days=1),
    )
    customers_merge(survivor=shop["hong"], merged=shop["kim"], by=shop["manager"])
    assert ActionDecision.objects.get().customer == shop["hong"]


def test_a_campaign_measured_uplift_replaces_the_prior(shop: dict[str, Any]) -> None:
    from dangol.campaigns.models import Campaign, CampaignMember, Segment
    from dangol.customers.services import customer_create
    from dangol.messaging.models import MessageTemplate
    from dangol.orders.models import Order

    sent = timezone.now() - dt.timedelta(days=30)
    campaign = Campaign.objects.create(
        name="윈백 11월",
        goal=Campaign.Goal.WIN_BACK,
        segment=Segment.objects.create(name="이탈 위험"),
        template=MessageTemplate.objects.create(code="wb-test", name="윈백", body="#{고객명}님"),
        window_days=14,
        status=Campaign.Status.DONE,
        sent_at=sent,
    )
    # treated 30 of 40 bought within the window, control 2 of 20: uplift 0.75 − 0.10 = 0.65
    for i in range(60):
        c = customer_create(data={"name": f"캠{i}"})
        treated = i < 40
        CampaignMember.objects.create(campaign=campaign, customer=c, arm="treated" if treated else "control")
        if (treated and i < 30) or (not treated and i < 42):
            Order.objects.create(
                external_id=f"CMP-{i}",
                customer=c,
                ordered_at=sent + dt.timedelta(days=3),
                total_amount=10_000,
            )
    set_value(shop["hong"], probability_alive=0.2, clv=500_000, value_tier="superior")
    [action] = next_best_actions(shop["hong"], for_user=shop["agent"])
    assert action.code == "winback_offer" and action.uplift_measured
    assert action.uplift == pytest.approx(0.65)
    assert action.expected_value == round(500_000 * 0.65)


def test_cross_sell_from_the_snapshot_rules(shop: dict[str, Any], tmp_path: Any) -> None:
    from dangol.customers.services import customer_create
    from dangol.loyalty.models import ValueRun
    from dangol.loyalty.services import snapshot_orders
    from dangol.orders.models import Order, OrderLine, Product, ProductCategory

    products = {}
    for code, name in (("bread", "베이커리"), ("milk", "유제품"), ("fruit", "과일")):
        category = ProductCategory.objects.create(code=code, name=name)
        products[name] = Product.objects.create(sku=code, name=name, category=category)
    when = timezone.now() - dt.timedelta(days=10)

    def buy(customer: Any, *names: str, n: int) -> None:
        order = Order.objects.create(
            external_id=f"X-{customer.pk}-{n}", customer=customer, ordered_at=when + dt.timedelta(hours=n)
        )
        for i, name in enumerate(names):
            OrderLine.objects.create(order=order, line_no=i + 1, product=products[name], product_name=name)

    for i in range(8):  # bread and dairy go together; fruit is bought alone
        c = customer_create(data={"name": f"장바구니{i}"})
        buy(c, "베이커리", "유제품", n=1)
        buy(c, "과일", n=2)
    buy(shop["hong"], "베이커리", n=1)
    snapshot_orders(tmp_path / "orders.parquet")
    ValueRun.objects.create(end_date=timezone.localdate(), status="done", output_dir=str(tmp_path))
    actions = next_best_actions(shop["hong"], for_user=shop["agent"])
    assert _codes(actions) == ["cross_sell"]
    # 17 baskets; 9 hold bakery, 8 of them dairy (8 in all): confidence 8/9 = 89%; lift = 17·8 / (9·8) = 1.9
    assert actions[0].reason == "베이커리 구매 고객의 89%가 유제품도 구매 (향상도 1.9) → 유제품 추천"
    assert actions[0].title == "유제품 추천"
    # without marketing consent: no cross-sell
    assert next_best_actions(shop["kim"], for_user=shop["agent"]) == []
