"""On a phone (390×844): a manager edits the programme rules and sees a bad value refused beside its field; the
customer list shows the membership tier next to the value tier (issue 15)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_programme_rules_on_a_phone(live_server, phone_page, shop):
    from dangol.rewards.models import Program

    page, base = phone_page, live_server.url
    log_in(page, base, "manager", "pw-manager-123")
    page.goto(f"{base}/rewards/")
    page.click("#rules-edit > summary")
    page.fill("input[name=expiry_months]", "0")
    page.click("#rules-save")
    error = page.locator("#error-expiry_months")
    error.wait_for()
    assert "1 이상 120 이하로" in error.inner_text()
    assert _overflow(page) <= 0
    screenshot(page, "rewards-rules-phone-error")
    assert Program.current().expiry_months == 24  # nothing saved
    page.fill("input[name=expiry_months]", "18")
    page.click("#rules-save")
    page.locator("text=규칙을 저장했습니다").wait_for()
    assert Program.current().expiry_months == 18


def test_membership_tier_on_the_customer_list_on_a_phone(live_server, phone_page, shop):
    from dangol.rewards.models import Membership, Tier

    gold = Tier.objects.create(code="gold", name="골드", rank=2, priority_service=True)
    Membership.objects.create(
        customer=shop["hong"], tier=gold, since=timezone.now(), evaluated_at=timezone.now()
    )
    page, base = phone_page, live_server.url
    log_in(page, base, "agent", "pw-agent-123")
    page.goto(f"{base}/customers/?membership=gold")
    cell = page.locator("td.membership-tier").first
    cell.wait_for()
    assert "골드" in cell.inner_text() and page.locator("td.membership-tier").count() == 1
    assert _overflow(page) <= 0
    screenshot(page, "customers-membership-phone")
