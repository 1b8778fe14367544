"""The next best action on the customer 360 page, on a phone: the suggestion with its reason is shown, and
accepting it records the decision and takes it off the list."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def at_risk(transactional_db, shop):
    from dangol.loyalty.models import CustomerValue

    # hong consents to marketing texts; a valuable regular whose P(alive) has dropped
    CustomerValue.objects.create(
        customer=shop["hong"],
        computed_at=timezone.now(),
        frequency=4,
        stage="regular",
        value_tier="superior",
        probability_alive=0.2,
        clv=500_000,
    )
    return shop


def test_agent_sees_and_accepts_a_suggestion_on_a_phone(live_server, phone_page, at_risk):
    from dangol.journeys.models import ActionDecision
    from dangol.rewards.models import CouponIssue

    page, base, hong = phone_page, live_server.url, at_risk["hong"]
    log_in(page, base, "agent", "pw-agent-123")
    page.goto(f"{base}/customers/{hong.pk}/")
    action = page.locator("#nba .nba-action[data-action='winback_offer']")
    expect(action).to_be_visible()
    expect(action.locator(".nba-reason")).to_have_text("이탈 위험 · 우량 → 재방문 혜택 제안")
    # the panel fits the phone: nothing wider than the viewport
    width = page.evaluate("document.getElementById('nba').getBoundingClientRect().right")
    assert width <= 390
    screenshot(page, "nba-phone")
    expect(action.locator(".nba-offer")).to_have_text("수락하면 지급: 20,000원 할인 쿠폰")
    action.get_by_role("button", name="수락").click()
    # accepting issues the win-back journey's offer, sized by the CLV (5% of ₩500,000, capped at ₩20,000)
    expect(page.locator("#nba-flash")).to_have_text("수락했습니다: 윈백 혜택 (20,000원 할인 쿠폰 지급)")
    expect(page.locator("#nba .nba-action[data-action='winback_offer']")).to_have_count(0)
    decision = ActionDecision.objects.get()
    assert (decision.customer_id, decision.action, decision.decision) == (
        hong.pk,
        "winback_offer",
        "accepted",
    )
    assert decision.by == at_risk["agent"]
    assert CouponIssue.objects.get().source_ref == decision.offer_ref
