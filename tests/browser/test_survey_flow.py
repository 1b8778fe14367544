"""A customer answers a survey on a phone through a one-time link; a detractor opens one follow-up case that
the manager sees beside the answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangol.surveys import services
from dangol.surveys.models import Response
from dangol.surveys.tests.conftest import build_customer_survey, run_worker
from dangol.voc.models import Case
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _fits_phone_width(page) -> bool:
    # clientWidth, not innerWidth: a mobile context zooms out and widens innerWidth to fit what spills over
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_customer_answers_on_a_phone_and_the_detractor_gets_a_followup(
    live_server, phone_page, transactional_db, shop
):
    page, base = phone_page, live_server.url
    survey = build_customer_survey(shop)
    _, token = services.invitation_create(
        survey=survey, customer=shop["hong"], staff=shop["clerk"], channel="sms"
    )
    link = f"{base}/surveys/a/{token}/"

    page.goto(link)
    assert page.locator("h1").inner_text() == "매장 방문 만족도"
    assert _fits_phone_width(page)
    # submitting with a question left out: a Korean error, the answers given are kept
    page.click("#q-overall .scale label:nth-child(2)")
    page.click("#answer-submit")
    page.locator("#answer-errors").wait_for()
    assert "답을 골라 주세요." in page.content()
    assert Response.objects.count() == 0
    page.click("#q-recommend .scale label:nth-child(3)")  # NPS 2
    page.click("#q-kindness .scale label:nth-child(1)")
    page.click("#q-price .scale label:nth-child(3)")
    page.fill("textarea[name=why]", "계산대 직원이 불친절했어요")
    screenshot(page, "surveys-answer-phone", full_page=True)
    page.click("#answer-submit")
    page.locator("#answer-thanks").wait_for()
    assert "곧 연락드리겠습니다" in page.inner_text("#answer-thanks")

    response = Response.objects.get()
    assert (response.csat, response.nps, response.customer_id) == (2, 2, shop["hong"].pk)
    assert Case.objects.count() == 0  # the answer is stored; the job worker opens the follow-up case
    run_worker()
    case = Case.objects.get()
    assert case.source_ref == f"survey-response:{response.pk}" and case.team == shop["ops"]

    # the same link again (a second tap, the back button): a clear message, nothing more stored
    page.goto(link)
    page.locator("#answer-closed").wait_for()
    assert "이미 응답하신 설문입니다" in page.inner_text("#answer-closed")
    assert Case.objects.count() == 1 and Response.objects.count() == 1

    # a tampered link
    page.goto(f"{base}/surveys/a/{token[:-4]}abcd/")
    assert "올바르지 않습니다" in page.inner_text("#answer-closed")

    # the manager sees the follow-up beside the answer, on a phone
    log_in(page, base, "manager", "pw-manager-123")
    page.goto(f"{base}/surveys/responses/{response.pk}/")
    assert case.number in page.inner_text("#followup")
    assert page.inner_text("#followup-status") == "접수"
    assert _fits_phone_width(page)
    screenshot(page, "surveys-response-phone", full_page=True)

    # the printable counter QR code for the store renders (vendored qrcode-generator, no build step)
    page.goto(f"{base}/surveys/{survey.pk}/qr/?touchpoint={shop['store'].pk}")
    page.locator("#qr svg").wait_for()
    assert "/surveys/q/" in page.inner_text("#qr-url")
    assert _fits_phone_width(page)
    screenshot(page, "surveys-store-qr-phone", full_page=True)


def test_analyst_reads_satisfaction_kano_and_pulse_pages(live_server, desktop_page, transactional_db):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from dangol.demo.generate import DEMO_PASSWORD, generate

    generate(customers=200, seed=2026, end=dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul")))
    page, base = desktop_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base, "analyst", DEMO_PASSWORD)
    page.goto(f"{base}/surveys/")
    page.click("#survey-analysis")
    page.wait_for_url(f"{base}/surveys/analysis/")
    assert "사람(직원 태도·매너) 항목" in page.inner_text("#drivers")
    assert page.locator("#group-table tbody tr").count() >= 3
    expect(page.locator("canvas.chart")).to_have_count(4)  # not wait_for_function: the CSP refuses its eval
    screenshot(page, "surveys-analysis", full_page=True)
    page.goto(f"{base}/surveys/kano/")
    drift = page.inner_text("#kano-drift")
    assert "당일 배송" in drift and "변화" in drift
    screenshot(page, "surveys-kano", full_page=True)
    page.goto(f"{base}/surveys/pulse/")
    assert "익명 보호를 위해 비공개" in page.inner_text("#pulse-table")
    screenshot(page, "surveys-pulse", full_page=True)
    assert errors == []
