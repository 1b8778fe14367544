"""An agent's day on a phone (390×844): land on *my work*, open an unassigned case, work it and own it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangol.promises.services import promise_make
from dangol.voc import services as voc
from dangol.voc.models import Case
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

WORDS = "토요일에 받기로 했는데 월요일에 왔어요. 아이 생일 선물이었는데요."


def _fits_phone_width(page) -> bool:
    # clientWidth, not innerWidth: a mobile context zooms out and widens innerWidth to fit what spills over
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.fixture
def agent_day(transactional_db, shop):
    agent, manager, now = shop["agent"], shop["manager"], timezone.now()
    mine = voc.case_open(
        customer=shop["hong"],
        kind="complaint",
        title="환불이 아직 안 들어왔어요",
        channel="phone",
        by=manager,
    )
    voc.case_assign(case=mine, assignee=agent, by=manager)
    Case.objects.filter(pk=mine.pk).update(resolution_due=now - dt.timedelta(hours=2))
    promise_make(
        customer=shop["hong"],
        owner=agent,
        text="오늘 오후에 다시 전화드리기",
        due_at=now + dt.timedelta(hours=1),
        by=agent,
    )
    unassigned = voc.case_open(
        customer=shop["kim"],
        kind="complaint",
        title="택배가 약속한 날보다 이틀 늦었어요",
        body=WORDS,
        channel="phone",
        team=shop["cs"],
        by=manager,
    )
    return {"mine": mine, "unassigned": unassigned}


def test_phone_agent_lands_on_my_work_and_owns_the_unassigned_case_they_work(
    live_server, phone_page, agent_day, shop
):
    page, base = phone_page, live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, base, "agent", "pw-agent-123")
    assert page.url == f"{base}/"
    expect(page.locator("h1")).to_have_text("내 업무")
    overdue = page.locator("#my-cases li.overdue")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("환불이 아직 안 들어왔어요")
    expect(overdue.locator(".badge.bad")).to_contain_text("기한 초과")
    expect(page.locator("#my-promises")).to_contain_text("오늘 오후에 다시 전화드리기")
    expect(page.locator("#my-callbacks")).to_contain_text("오늘 오후에 다시 전화드리기")
    # every row is a tap target of at least 44 px
    heights = page.locator(".work-list li a").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    assert _fits_phone_width(page)
    screenshot(page, "agent-home-phone", full_page=True)

    # an unassigned case from the team queue: the first step recorded makes it the agent's
    case = agent_day["unassigned"]
    page.goto(f"{base}/voc/queue/?queue=unassigned")
    page.locator(f"a[href='/voc/{case.pk}/']").first.click()
    page.wait_for_url(f"{base}/voc/{case.pk}/")
    page.evaluate("window.__noReload = true")
    page.fill("li[data-step=apologise] input[name=note]", "기다리시게 해서 정말 죄송합니다")
    page.click("#step-apologise")
    page.locator("li[data-step=apologise].done").wait_for()
    expect(page.locator(".timeline")).to_contain_text("담당자 지정: 이상담(처리한 상담원)")
    expect(page.locator(".profile-head")).to_contain_text("이상담")
    # the listen step starts with the customer's words: confirm them, do not retype
    listen = page.locator("li[data-step=listen] textarea")
    expect(listen).to_have_value(WORDS)
    page.click("#step-listen")
    page.locator("li[data-step=listen].done").wait_for()
    assert page.evaluate("window.__noReload") is True
    assert _fits_phone_width(page)
    case.refresh_from_db()
    assert case.assignee == shop["agent"] and case.steps.get(step="listen").note == WORDS

    page.goto(f"{base}/")
    expect(page.locator("#my-cases")).to_contain_text("택배가 약속한 날보다 이틀 늦었어요")
    assert not errors, errors
