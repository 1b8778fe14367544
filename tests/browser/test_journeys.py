"""The journeys page: the list with its chart, one journey's page with its measurement (conversion, revenue,
offer cost, ROI) and pausing/resuming it there — on a phone and on a desktop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def measured(transactional_db: Any, shop: dict[str, Any]) -> dict[str, Any]:
    """The first-purchase journey with a 1,000-point offer: 4 treated (3 bought ₩30,000 in the window), 2 control."""
    from django.utils import timezone

    from dangol.customers.services import customer_create
    from dangol.journeys.models import Enrolment, Journey
    from dangol.journeys.offers import offer_issue
    from dangol.journeys.services import journeys_ensure
    from dangol.orders.models import Order

    journeys_ensure()
    journey = Journey.objects.get(kind=Journey.Kind.FIRST_PURCHASE)
    Journey.objects.filter(pk=journey.pk).update(offer=Journey.Offer.POINTS, offer_amount=1_000)
    start = timezone.now() - dt.timedelta(days=40)
    for i in range(6):
        c = customer_create(data={"name": f"여정{i}"})
        control = i >= 4
        e = Enrolment.objects.create(
            journey=journey,
            customer=c,
            occurrence="first",
            enrolled_at=start,
            control=control,
            status="control" if control else "queued",
            purpose_ref="" if control else f"journey:first_purchase:{c.pk}:first",
            offer_issued=not control,
        )
        if not control:
            offer_issue(
                offer="points", amount=1_000, customer=c, ref=e.purpose_ref, reason="", by=None, now=start
            )
        if i < 3:
            Order.objects.create(
                external_id=f"JB-{i}",
                customer=c,
                ordered_at=start + dt.timedelta(days=5),
                total_amount=30_000,
            )
    shop["journey"] = journey
    return shop


@pytest.mark.parametrize("device", ["phone_page", "desktop_page"])
def test_journey_list_page_and_pause_resume(
    live_server: Any, measured: dict[str, Any], device: str, request: pytest.FixtureRequest
) -> None:
    page = request.getfixturevalue(device)
    width = 390 if device == "phone_page" else 1366
    base = live_server.url
    log_in(page, base, "manager", "pw-manager-123")

    page.goto(f"{base}/journeys/")
    row = page.locator("#journey-first_purchase")
    expect(row).to_contain_text("75.0%")  # 3 of 4 treated converted
    expect(row).to_contain_text("(0/2)")
    assert page.evaluate("document.getElementById('journeys-chart').width") > 0  # Chart.js drew it
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"journeys-list-{width}", full_page=True)

    row.get_by_role("link", name="첫 구매 감사").click()
    expect(page.locator("h1")).to_have_text("첫 구매 감사")
    expect(page.locator("#treated-rate")).to_have_text("75.0%")
    expect(page.locator("#control-rate")).to_have_text("0.0%")
    expect(page.locator("#offers-issued")).to_have_text("4")
    expect(page.locator("#offer-cost")).to_contain_text("4,000")  # 4 × 1,000 points at ₩1
    expect(page.locator("#incremental-revenue")).to_contain_text("90,000")  # ₩22,500 more per treated × 4
    expect(page.locator("#roi")).to_have_text("2150%")  # (90,000 − 4,000) ÷ 4,000
    assert page.evaluate("document.getElementById('journeys-chart').width") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"journeys-detail-{width}", full_page=True)

    expect(page.locator("#journey-state")).to_have_text("사용 중")
    page.click("#toggle")
    expect(page.locator("#journey-state")).to_have_text("일시중지")
    expect(page.locator("p.flash").first).to_contain_text("일시중지했습니다")
    measured["journey"].refresh_from_db()
    assert not measured["journey"].enabled
    page.click("#toggle")
    expect(page.locator("#journey-state")).to_have_text("사용 중")
    measured["journey"].refresh_from_db()
    assert measured["journey"].enabled
