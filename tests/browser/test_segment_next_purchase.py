"""An analyst builds a segment on the expected next purchase, saves it, and reads its page first live, then from
the segment snapshot with the time it was taken — on a phone and on a desktop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def due_customers(transactional_db: Any, shop: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from dangol.campaigns.tests.conftest import make_customer

    today = timezone.localdate()
    value = {"value_tier": "regular", "clv": 50_000, "frequency": 2, "recency": 10.0, "age": 20.0}
    for i in range(6):
        make_customer(f"곧구매{i}", expected_next_purchase=today + dt.timedelta(days=i), **value)
    for i in range(4):
        make_customer(f"지남{i}", expected_next_purchase=today - dt.timedelta(days=10 + i), **value)
    return shop


@pytest.mark.parametrize("device", ["phone_page", "desktop_page"])
def test_next_purchase_segment_live_then_from_the_snapshot(
    live_server: Any,
    due_customers: dict[str, Any],
    device: str,
    request: pytest.FixtureRequest,
    settings: Any,
    tmp_path: Path,
) -> None:
    from django.utils import timezone

    from dangol.campaigns.snapshot import snapshot_build

    settings.VAR_DIR = tmp_path
    settings.DANGOL_SEGMENT_SNAPSHOT_DIR = ""
    page = request.getfixturevalue(device)
    width = 390 if device == "phone_page" else 1366
    base = live_server.url
    log_in(page, base, "analyst", "pw-analyst-123")

    page.goto(f"{base}/campaigns/segments/new/")
    page.select_option("select[name=next_purchase]", "within")
    page.fill("input[name=next_purchase_days]", "3")
    expect(page.locator("#count-value")).to_have_text("4명")  # today … today + 3
    expect(page.locator("#live-count")).to_contain_text("다음 예상 구매일: 오늘부터 3일 이내")
    page.select_option("select[name=next_purchase]", "past")
    page.fill("input[name=next_purchase_days]", "12")
    expect(page.locator("#count-value")).to_have_text("2명")  # 12 and 13 days past
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("input[name=name]", "예정일 지난 고객")
    page.click("#save-segment")
    expect(page.locator("#segment-count")).to_have_text("2")
    expect(page.locator("#segment-count-basis")).to_have_text("실시간 집계")
    expect(page.locator("#segment-sample tbody tr")).to_have_count(2)

    snapshot_build(now=timezone.now())
    page.reload()
    expect(page.locator("#segment-count")).to_have_text("2")
    expect(page.locator("#segment-count-basis")).to_contain_text("기준:")
    expect(page.locator("#segment-sample tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"campaigns-segment-page-snapshot-{width}", full_page=True)
