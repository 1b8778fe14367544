"""The analyst's customer list after a real value run on the demo business: filter by value, sort by a column,
save the filter as a segment; readable on a phone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dangol.demo.generate import DEMO_PASSWORD, generate
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
END = dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul"))


def _log_in_to_the_list(page, base: str) -> None:
    page.goto(f"{base}/login/?next=/customers/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/customers/")


@pytest.fixture
def valued(transactional_db, settings, tmp_path):
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    generate(customers=300, seed=2026, end=END)
    run = value_refresh(end=END.date())
    assert run.status == "done", run.message
    return run


def test_analyst_filters_sorts_and_saves_a_segment(live_server, desktop_page, phone_page, valued):
    from dangol.customers.models import CustomerSegment

    base = live_server.url
    page = desktop_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in_to_the_list(page, base)
    page.click(".more-filters summary")
    page.select_option("select[name=tier]", "super")
    page.locator("#customer-count", has_text="명").wait_for()
    page.wait_for_url("**/customers/?*tier=super*")
    page.goto(page.url)  # the headers carry the filter in their sort links
    page.locator("thead a", has_text="CLV").click()
    page.wait_for_url("**sort=clv*")
    page.locator("thead a", has_text="CLV").click()
    page.wait_for_url("**sort=-clv*")
    clvs = [int(t.replace(",", "")) for t in page.locator("td[data-label='CLV(원)']").all_inner_texts()]
    assert clvs and clvs == sorted(clvs, reverse=True)
    assert set(page.locator("td[data-label='가치 등급']").all_inner_texts()) == {"초우량"}
    screenshot(page, "customer-list-analyst-desktop")
    page.fill("#segment-name", "초우량 고객")
    page.click("#segment-save button[type=submit]")
    page.locator(".flash", has_text="세그먼트로 저장했습니다").wait_for()
    assert CustomerSegment.objects.get(name="초우량 고객").filters == {"tier": "super"}
    assert errors == []

    phone = phone_page
    _log_in_to_the_list(phone, base)
    phone.goto(f"{base}/customers/?tier=super&sort=-clv")
    assert phone.locator(".more-filters").get_attribute("open") is not None
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(phone, "customer-list-analyst-phone", full_page=True)
