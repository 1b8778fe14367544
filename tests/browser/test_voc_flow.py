"""Handling a complaint end to end on a phone: apologise → listen → confirm → resolve → follow up → close."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dangol.demo.generate import DEMO_PASSWORD, generate
from dangol.voc.models import Case
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
END = dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture
def demo(transactional_db):
    generate(customers=200, seed=2026, end=END)


def test_phone_agent_handles_a_complaint_end_to_end(live_server, phone_page, demo):
    from dangol.customers.models import Customer
    from dangol.voc.models import Category

    page, base = phone_page, live_server.url
    customer = Customer.objects.order_by("id").first()
    category = Category.objects.get(code="delivery-late")
    log_in(page, base, "agent", DEMO_PASSWORD)
    page.goto(f"{base}/customers/{customer.pk}/")
    page.click("text=+ VOC 접수")
    page.select_option("select[name=kind]", "complaint")
    page.fill("input[name=title]", "택배가 약속한 날보다 이틀 늦었어요")
    page.fill("textarea[name=body]", "토요일에 받기로 했는데 월요일에 왔어요. 아이 생일 선물이었는데요.")
    page.select_option("select[name=category]", str(category.pk))
    page.click("#case-submit")
    page.wait_for_url(f"{base}/voc/*/")
    case = Case.objects.get(title="택배가 약속한 날보다 이틀 늦었어요")
    assert case.team.code == "logistics" and case.customer == customer
    screenshot(page, "voc-case-phone-new", full_page=True)

    page.evaluate("window.__noReload = true")
    page.fill(".step-form input[name=note]", "기다리시게 해서 정말 죄송합니다")
    page.click("#step-apologise")
    page.locator("#flash").wait_for()
    page.fill("li[data-step=listen] textarea", "토요일에 받기로 했는데 월요일에 왔어요")
    page.click("#step-listen")
    page.locator("li[data-step=listen].done").wait_for()
    page.fill(
        "li[data-step=confirm] textarea", "배송이 이틀 늦어 선물을 못 드렸다는 말씀이시죠? - 네, 맞아요"
    )
    page.click("#step-confirm")
    page.locator("li[data-step=confirm].done").wait_for()
    page.select_option("select[name=resolution_type]", "compensation")
    page.fill("input[name=cost]", "5000")
    page.select_option("select[name=reaction]", "satisfied")
    page.click("#resolve-submit")
    page.locator("#satisfaction-form").wait_for()
    page.check("input[name=score][value='5']")
    page.click("#satisfaction-submit")
    page.locator("#flash", has_text="만족도").wait_for()  # the swap is done: the close form is the new one
    page.locator("#close-submit").wait_for()
    page.click("#close-submit")
    page.locator("#flash", has_text="종결").wait_for()
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    case.refresh_from_db()
    assert case.status == "closed" and case.resolution_cost == 5000 and case.satisfaction_score == 5
    assert set(case.steps.values_list("step", flat=True)) == {
        "apologise",
        "listen",
        "confirm",
        "resolve",
        "follow_up",
    }
    screenshot(page, "voc-case-phone-closed", full_page=True)


def test_board_and_difficult_customer_playbook_on_desktop(live_server, desktop_page, demo):
    page, base = desktop_page, live_server.url
    log_in(page, base, "manager", DEMO_PASSWORD)
    page.goto(f"{base}/voc/")
    page.locator("#weekly-chart").wait_for()
    assert "재발 방지" in page.content()
    # the charts are drawn by the static board.js (no inline script under the CSP), the recovery one included
    page.wait_for_function(
        "() => ['weekly-chart', 'category-chart', 'recovery-chart']"
        ".every((id) => window.Chart && Chart.getChart(document.getElementById(id)))"
    )
    assert page.locator("#recovery-table tbody tr").count() == 5
    screenshot(page, "voc-board-desktop", full_page=True)
    case = Case.objects.filter(status="open").order_by("id").first()
    page.goto(f"{base}/voc/{case.pk}/")
    page.locator("summary", has_text="까다로운 고객").click()
    page.select_option("select[name=difficult_type]", "vulgar")
    page.click("#difficult-submit")
    page.locator("#playbook").wait_for()
    assert "정중한 경고" in page.locator("#playbook").inner_text()
    screenshot(page, "voc-playbook-desktop", full_page=True)
