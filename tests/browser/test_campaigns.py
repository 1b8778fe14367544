"""A manager builds a segment (live count), launches a campaign on it and reads its report — on a phone and on a
desktop. The launch job is run by the test in place of the worker; the page polls its progress."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def shop_with_customers(transactional_db: Any, shop: dict[str, Any]) -> dict[str, Any]:
    from dangol.campaigns.tests.conftest import make_customer
    from dangol.messaging.services import template_save

    for i in range(20):
        make_customer(f"초우량{i}", consent=True, value_tier="super", clv=800_000)
    for i in range(5):
        make_customer(f"일반{i}", value_tier="regular", clv=30_000)
    template_save(
        template=None,
        data={
            "code": "thanks_promo",
            "name": "감사 혜택 안내",
            "channels": ["sms"],
            "kind": "advertising",
            "body": "#{고객명}님, 늘 감사합니다. 이번 주 매장에서 만나요.",
            "active": True,
        },
        by=shop["manager"],
    )
    return shop


@pytest.mark.parametrize("device", ["phone_page", "desktop_page"])
def test_build_segment_launch_campaign_read_report(
    live_server: Any,
    shop_with_customers: dict[str, Any],
    device: str,
    request: pytest.FixtureRequest,
    settings: Any,
) -> None:
    from dangol.campaigns.models import Campaign
    from dangol.campaigns.services import campaign_run

    settings.DANGOL_MESSAGING_TEXT_VIA = "outbox"
    settings.DANGOL_SMS_SENDERS = ["02-1234-5678"]
    page = request.getfixturevalue(device)
    width = 390 if device == "phone_page" else 1366
    base = live_server.url
    log_in(page, base, "manager", "pw-manager-123")

    page.goto(f"{base}/campaigns/segments/new/")
    expect(page.locator("#count-value")).to_have_text("27명")  # every active customer, before any condition
    page.check("input[name=value_tiers][value=super]")
    expect(page.locator("#count-value")).to_have_text("20명")
    expect(page.locator("#live-count")).to_contain_text("가치 등급: 초우량")
    page.check("input[name=consents][value=marketing_sms]")
    expect(page.locator("#count-value")).to_have_text("20명")
    page.fill("input[name=clv_min]", "900000")  # nobody is worth that much: the count follows the typing
    expect(page.locator("#count-value")).to_have_text("0명")
    page.fill("input[name=clv_min]", "")
    expect(page.locator("#count-value")).to_have_text("20명")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"campaigns-segment-builder-{width}")
    page.fill("input[name=name]", "문자 동의 초우량")
    page.click("#save-segment")
    expect(page.locator("#segment-count")).to_have_text("20")
    expect(page.locator("#segment-conditions")).to_contain_text("마케팅 문자")

    page.click("#use-segment")
    page.fill("input[name=name]", "감사 쿠폰 없이 감사 인사")
    page.select_option("select[name=goal]", "referral")
    page.select_option("select[name=template]", label="감사 혜택 안내 (thanks_promo)")
    page.click("#create-campaign")
    page.click("#launch")
    expect(page.locator("#campaign-status")).to_have_text("발송 대기")

    campaign = Campaign.objects.get()
    campaign_run(campaign.pk)  # what the worker does with the queued job
    expect(page.locator("#campaign-status")).to_have_text("발송 완료", timeout=15000)  # the page polls
    page.get_by_role("link", name="결과 새로 보기").click()
    expect(page.locator("#treated-n")).to_have_text("18")
    expect(page.locator("#control-n")).to_have_text("2")
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#message-outcomes")).to_contain_text("대기")
    canvas = page.locator("#conversion-chart")
    expect(canvas).to_be_visible()
    assert page.evaluate("document.getElementById('conversion-chart').width") > 0  # Chart.js drew it
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"campaigns-report-{width}", full_page=True)
