"""The front-line flow a new user tries first, in a real browser, on a phone and a desktop."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from dangol.customers.models import Customer, Note
from dangol.demo.generate import DEMO_PASSWORD, generate
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
END = dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture
def demo(transactional_db):
    generate(customers=300, seed=2026, end=END)
    return Customer.objects.filter(orders__isnull=False).order_by("id").first()


def test_phone_login_search_last4_open_360_add_note_switch_language(live_server, phone_page, demo):
    page, base = phone_page, live_server.url
    customer = demo
    log_in(page, base, "agent", DEMO_PASSWORD)
    screenshot(page, "home-phone")

    page.goto(f"{base}/customers/")
    page.fill("#customer-search", customer.phone_last4)
    link = page.locator(f"a.customer-link[href='/customers/{customer.pk}/']")
    link.wait_for()
    assert customer.phone not in page.content()  # agents see masked phones
    screenshot(page, "search-last4-phone")
    link.click()
    page.wait_for_url(f"{base}/customers/{customer.pk}/")
    assert page.locator("#address-as").inner_text().endswith(("고객님", "님"))
    assert "****" in page.locator("#pii-phone").inner_text()

    # add a note without a full reload: a marker set on window survives an htmx swap, not a navigation
    page.evaluate("window.__noReload = true")
    page.fill("#note-form textarea[name=body]", "택배는 경비실에 맡겨 달라고 하심")
    page.click("#note-submit")
    page.locator("#flash").wait_for()
    assert page.evaluate("window.__noReload") is True
    assert page.locator("#timeline").get_by_text("택배는 경비실에 맡겨 달라고 하심").first.is_visible()
    assert Note.objects.filter(customer=customer, body="택배는 경비실에 맡겨 달라고 하심").exists()
    assert page.locator("#note-form textarea[name=body]").input_value() == ""
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "customer-360-phone", full_page=True)

    page.click("#lang-switch")
    page.wait_for_load_state("load")
    assert "Timeline" in page.content() and "타임라인" not in page.content()
    screenshot(page, "customer-360-phone-en")


def test_desktop_manager_reveals_personal_data_and_it_is_logged(live_server, desktop_page, demo):
    from dangol.privacy.models import AccessLog

    page, base = desktop_page, live_server.url
    log_in(page, base, "manager", DEMO_PASSWORD)
    screenshot(page, "home-desktop")
    page.goto(f"{base}/customers/?q={demo.name[0]}")
    screenshot(page, "customer-list-desktop")
    page.goto(f"{base}/customers/{demo.pk}/")
    assert demo.phone not in page.content()
    page.click("#reveal")
    page.locator("#pii-phone", has_text=demo.phone).wait_for()
    assert AccessLog.objects.filter(customer_id=demo.pk, action="view").count() == 1
    page.locator("text=타임라인").first.wait_for()
    screenshot(page, "customer-360-desktop", full_page=True)
    page.goto(f"{base}/promises/")
    screenshot(page, "promises-desktop", full_page=True)


def test_filter_timeline_by_type_in_place(live_server, desktop_page, demo):
    page, base = desktop_page, live_server.url
    log_in(page, base, "agent", DEMO_PASSWORD)
    page.goto(f"{base}/customers/{demo.pk}/")
    page.evaluate("window.__noReload = true")
    page.locator("#timeline nav.tabs a", has_text="주문").click()
    # a locator wait, not wait_for_function: that evaluates a string in the page, which the CSP refuses
    expect(page.locator("#timeline li.kind-interaction")).to_have_count(0)
    assert page.locator("#timeline li.kind-order").count() > 0
    assert page.evaluate("window.__noReload") is True
