"""The phone walk (issue 13): every role, on a 390×844 phone, visits every page it can reach from the nav and
their detail pages in a small but non-empty business. No page is a 5xx, throws a JS error, logs a console error,
trips the Content-Security-Policy, or is wider than the screen. All problems are collected and reported at once,
so one run shows every broken page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import _REPORT_VIOLATIONS, log_in, screenshot

pytestmark = pytest.mark.browser

ROLES = ("admin", "manager", "agent", "analyst", "viewer")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ko-KR",
    "timezone_id": "Asia/Seoul",
}
# Against the layout viewport (clientWidth, 390 px), not window.innerWidth: on a mobile context Chrome zooms out
# to show content that overflows, and innerWidth grows with it (a 900 px div gives innerWidth 908), so
# `scrollWidth <= innerWidth + 1` always holds there and catches nothing.
WIDTH = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# The widest elements that stick out past the right edge, to name the culprit in the report.
CULPRITS = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
    && !el.closest('.table-wrap, .table-scroll, [data-scroll-x]'))
  .filter((el) => getComputedStyle(el).position !== 'fixed')
  .slice(-3)
  .map((el) => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${
    el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''
  }> right=${Math.round(el.getBoundingClientRect().right)}`)"""


@pytest.fixture
def business(transactional_db: Any, shop: dict[str, Any]) -> dict[str, Any]:
    """A small business with one of everything the pages list: a case, a promise, an order, a survey with a
    response (and an unanswered link), a flag, a message in the outbox and points."""
    from dangol.messaging import services as messaging
    from dangol.orders.models import Order, OrderLine
    from dangol.promises.services import promise_make
    from dangol.rewards.models import Source
    from dangol.rewards.services import points_earn
    from dangol.surveys import services as surveys
    from dangol.surveys.models import Response
    from dangol.surveys.tests.conftest import GOOD, build_customer_survey
    from dangol.voc import services as voc
    from dangol.voc.flags import customer_flag

    hong, kim, agent, manager, now = shop["hong"], shop["kim"], shop["agent"], shop["manager"], timezone.now()
    case = voc.case_open(
        customer=hong,
        kind="complaint",
        title="택배가 약속한 날보다 이틀 늦었어요",
        body="토요일에 받기로 했는데 월요일에 왔어요. 아이 생일 선물이었는데요.",
        channel="phone",
        team=shop["cs"],
        by=manager,
    )
    voc.case_assign(case=case, assignee=agent, by=manager)
    promise_make(
        customer=hong,
        owner=agent,
        text="오늘 오후에 다시 전화드리기",
        due_at=now + dt.timedelta(hours=3),
        by=agent,
    )
    order = Order.objects.create(
        external_id="W-000001",
        customer=hong,
        touchpoint=shop["store"],
        ordered_at=now - dt.timedelta(days=3),
        total_amount=45_000,
    )
    OrderLine.objects.create(
        order=order, line_no=1, product_name="유기농 우유 1L", quantity=3, unit_price=15_000, amount=45_000
    )
    survey = build_customer_survey(shop)
    _, answered = surveys.invitation_create(survey=survey, customer=kim, staff=shop["clerk"], channel="sms")
    surveys.response_submit(token=answered, data={**GOOD, "why": "직원분이 친절했어요"})
    _, unanswered = surveys.invitation_create(survey=survey, customer=hong, channel="sms")
    flag = customer_flag(
        customer=kim, type="rule_breaker", evidence="환불 규정을 세 번 어기고 직원에게 항의함", by=manager
    )
    messaging.template_save(
        template=None,
        data={
            "code": "case_ack",
            "name": "VOC 접수 안내",
            "channels": ["alimtalk", "sms", "email"],
            "kind": "informational",
            "subject": "접수 안내",
            "body": "#{고객명}님, 문의가 접수되었습니다. 접수번호 #{접수번호}",
            "alimtalk_template_id": "TPL_ACK_01",
            "alimtalk_fallback": True,
            "active": True,
        },
        by=manager,
    )
    message = messaging.message_queue(
        customer=hong,
        template_code="case_ack",
        variables={"접수번호": case.number},
        channel="sms",
        purpose_ref=f"case:{case.pk}:ack",
    )
    points_earn(
        customer=hong,
        points=1_500,
        source=Source.CAMPAIGN,
        source_ref="campaign:phone-walk",
        reason="가입 축하 적립",
        by=None,
    )
    return {
        "case": case,
        "survey": survey,
        "response": Response.objects.get(),
        "answer_token": unanswered,
        "flag": flag,
        "message": message,
    }


def _pages(shop: dict[str, Any], business: dict[str, Any]) -> list[str]:
    hong = shop["hong"].pk
    return [
        "/",
        "/customers/",
        f"/customers/{hong}/",
        "/voc/",
        "/voc/queue/",
        "/voc/queue/?queue=all",
        f"/voc/{business['case'].pk}/",
        "/voc/silent/",
        "/voc/flags/",
        "/voc/replies/",
        "/promises/",
        "/surveys/",
        f"/surveys/{business['survey'].pk}/",
        f"/surveys/responses/{business['response'].pk}/",
        "/surveys/analysis/",
        "/surveys/kano/",
        "/surveys/pulse/",
        "/value/",
        "/imports/",
        "/privacy/access-log/",
        "/messages/",
        f"/messages/{business['message'].pk}/",
        "/messages/templates/",
        "/messages/notices/",
        "/rewards/",
        f"/rewards/customers/{hong}/",
        "/staff/",
        f"/staff/{shop['agent'].pk}/",
        "/campaigns/",
        "/campaigns/segments/new/",
        "/campaigns/new/",
        "/journeys/",
        "/help/manage/",
        "/help/manage/new/",
        "/privacy/lifecycle/",
        "/privacy/lifecycle/retention/",
    ]


class Walker:
    """A phone browser context that visits pages and writes down what is wrong with each."""

    def __init__(self, browser: Any, base: str, who: str, problems: list[str]) -> None:
        self.base, self.who, self.problems = base, who, problems
        self.context = browser.new_context(**PHONE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30000)
        self.heard: list[str] = []
        self.forbidden: list[str] = []
        self.page.expose_function("__cspViolation", lambda text: self.heard.append(f"CSP: {text}"))
        self.page.add_init_script(_REPORT_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.heard.append(f"JS error: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.heard.append(f"console {message.type}: {message.text}")

    def visit(self, path: str, *, check: Callable[[Any], None] | None = None) -> None:
        self.heard.clear()
        problem = f"{self.who:8} {path}"
        try:
            response = self.page.goto(f"{self.base}{path}", wait_until="load")
        except Exception as exc:  # a page that cannot load is one more problem in the list
            self.problems.append(f"{problem}: did not load: {exc}")
            return
        status = response.status if response else 0
        if status >= 500 or not response:
            self.problems.append(f"{problem}: HTTP {status}")
        if status in (403, 404) or "/login/" in self.page.url:
            self.forbidden.append(f"{path} ({status if status >= 400 else 'login'})")
        self.page.wait_for_timeout(150)  # htmx fragments (the bell) load after `load`
        for heard in dict.fromkeys(self.heard):
            # the browser logs the forbidden page's own status as a console error: that is the 403, not a bug
            if status >= 400 and f"status of {status}" in heard:
                continue
            self.problems.append(f"{problem}: {heard}")
        document, screen = self.page.evaluate(WIDTH)
        if document > screen + 1:
            culprits = ", ".join(self.page.evaluate(CULPRITS)) or "?"
            self.problems.append(f"{problem}: {document}px wide on a {screen}px screen ({culprits})")
        if check:
            check(self.page)

    def close(self) -> None:
        self.context.close()


def test_every_role_walks_every_page_on_a_phone(live_server, browser, shop, business):
    base, problems, forbidden = live_server.url, [], {}
    pages = _pages(shop, business)

    public = Walker(browser, base, "public", problems)
    public.visit("/voc/intake/")
    public.visit(f"/surveys/a/{business['answer_token']}/")
    public.visit("/help/")
    public.visit("/my/login/")
    public.close()

    # the admin's walk shows the seeded business, so the pages are measured with rows in them, not empty
    shows = {
        "/voc/queue/?queue=all": "택배가 약속한 날보다",
        f"/customers/{shop['hong'].pk}/": "VIP",
        "/promises/": "오늘 오후에 다시 전화드리기",
        f"/surveys/{business['survey'].pk}/": "매장 방문 만족도",
        "/voc/flags/": "규칙위반형",
        "/messages/": business["case"].number,
        f"/rewards/customers/{shop['hong'].pk}/": "1,500",
    }

    def showing(path: str, text: str) -> Callable[[Any], None]:
        def check(page: Any) -> None:
            if text not in page.inner_text("main"):
                problems.append(f"admin    {path}: the seeded {text!r} is not on the page")

        return check

    for role in ROLES:
        walker = Walker(browser, base, role, problems)
        log_in(walker.page, base, role, f"pw-{role}-123")
        walker.visit("/", check=lambda page, role=role: screenshot(page, f"phone-walk-{role}"))
        for path in pages[1:]:
            text = shows.get(path) if role == "admin" else None
            walker.visit(path, check=showing(path, text) if text else None)
        forbidden[role] = walker.forbidden
        walker.close()

    print("\nPages a role may not see (403/404/login):")
    for role, paths in forbidden.items():
        print(f"  {role:8} {', '.join(paths) or '-'}")
    assert not problems, f"{len(problems)} problems on the phone walk:\n" + "\n".join(problems)
