"""The home page by role (issue 13): an agent lands on their work, a manager on the team, an analyst on customer
value, an admin on the company figures."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from conftest import login
from dangol.promises.models import Promise
from dangol.promises.services import promise_make
from dangol.voc import services as voc
from dangol.voc.models import Case


def case(shop, title: str, **kw):
    return voc.case_open(
        customer=shop["hong"], kind="complaint", title=title, channel="phone", by=shop["manager"], **kw
    )


def section(page: str, html_id: str) -> str:
    found = re.search(rf'<section class="card work" id="{html_id}">(.*?)</section>', page, re.S)
    assert found, html_id
    return found.group(1)


def test_an_agent_lands_on_my_work_overdue_first_with_promises_callbacks_and_new_cases(client: Client, shop):
    agent, manager, now = shop["agent"], shop["manager"], timezone.now()
    later = case(shop, "교환 상품 재발송 문의")
    late = case(shop, "환불이 아직 안 들어왔어요")
    for c in (later, late):
        voc.case_assign(case=c, assignee=agent, by=manager)
    Case.objects.filter(pk=late.pk).update(resolution_due=now - dt.timedelta(hours=3))
    Case.objects.filter(pk=later.pk).update(resolution_due=now + dt.timedelta(hours=5))
    call_back = case(shop, "배송 주소 변경 요청", callback_phone="010-2222-3333")
    voc.case_assign(case=call_back, assignee=agent, by=manager)
    Case.objects.filter(pk=call_back.pk).update(resolution_due=now + dt.timedelta(days=2))
    someone_elses = case(shop, "다른 상담원의 건")
    voc.case_assign(case=someone_elses, assignee=shop["clerk"], by=manager)

    # due later today in Seoul, whatever the hour the test runs at (30 minutes on, or halfway to midnight)
    midnight = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(now) + dt.timedelta(days=1), dt.time())
    )
    due_today = promise_make(
        customer=shop["hong"],
        owner=agent,
        text="환불 처리 결과 안내",
        due_at=now + min(dt.timedelta(minutes=30), (midnight - now) / 2),
        by=agent,
    )
    overdue = promise_make(
        customer=shop["kim"],
        owner=agent,
        text="교환 일정 확정",
        due_at=now + dt.timedelta(minutes=5),
        by=agent,
    )
    Promise.objects.filter(pk=overdue.pk).update(due_at=now - dt.timedelta(hours=1))
    promise_make(
        customer=shop["kim"],
        owner=agent,
        text="금요일에 다시 전화드리기",
        due_at=now + dt.timedelta(days=3),
        by=agent,
    )

    login(client, agent)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200 and "내 업무" in page
    assert "월별 매출" not in page  # not the revenue dashboard

    mine = section(page, "my-cases")
    assert mine.index("환불이 아직 안 들어왔어요") < mine.index("교환 상품 재발송 문의")
    assert f'<li class="overdue"><a href="/voc/{late.pk}/">' in mine
    assert f'<li class=""><a href="/voc/{later.pk}/">' in mine
    assert "다른 상담원의 건" not in mine

    promises = section(page, "my-promises")
    assert promises.index("교환 일정 확정") < promises.index("환불 처리 결과 안내")
    assert "기한 지남" in promises and "금요일에 다시 전화드리기" not in promises
    assert "김*희" in promises and "김영희" not in promises  # names masked on the home page
    assert due_today.text in promises

    callbacks = section(page, "my-callbacks")
    assert "배송 주소 변경 요청" in callbacks and "금요일에 다시 전화드리기" in callbacks
    assert "010-2222-3333" not in page

    new = section(page, "new-assignments")
    assert all(
        t in new for t in ("환불이 아직 안 들어왔어요", "교환 상품 재발송 문의", "배송 주소 변경 요청")
    )


def test_a_case_the_agent_took_by_working_it_is_not_listed_as_newly_assigned(client: Client, shop):
    taken = case(shop, "직접 맡은 건")
    voc.case_record_step(case=taken, step="apologise", by=shop["agent"], note="죄송합니다")
    login(client, shop["agent"])
    page = client.get("/").content.decode()
    assert "직접 맡은 건" in section(page, "my-cases") and "직접 맡은 건" not in section(
        page, "new-assignments"
    )


def test_a_manager_lands_on_the_team_board(client: Client, shop):
    now = timezone.now()
    waiting = case(shop, "담당자 없는 고객센터 건", team=shop["cs"])
    late = case(shop, "기한 넘긴 고객센터 건", team=shop["cs"])
    voc.case_assign(case=late, assignee=shop["agent"], by=shop["manager"])
    Case.objects.filter(pk=late.pk).update(resolution_due=now - dt.timedelta(hours=1))
    case(shop, "매장운영팀 건", team=shop["ops"])

    login(client, shop["manager"])
    page = client.get("/").content.decode()
    assert "우리 팀: 고객센터" in page and 'href="/voc/"' in page
    assert re.search(r'id="team-overdue">1<', page) and re.search(r'id="team-unassigned">1<', page)
    assert "기한 넘긴 고객센터 건" in section(page, "team-overdue-cases")
    assert "이상담" in section(page, "team-overdue-cases")
    assert "담당자 없는 고객센터 건" in section(page, "team-unassigned-cases")
    assert "매장운영팀 건" not in page
    assert "이상담" in section(page, "team-load")
    assert f'href="/voc/{waiting.pk}/"' in page


def test_an_analyst_lands_on_the_value_page_and_an_admin_on_the_company_figures(client: Client, shop):
    login(client, shop["analyst"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/value/"

    login(client, shop["admin"])
    page = client.get("/").content.decode()
    assert "월별 매출" in page and "내 업무" not in page

    login(client, shop["agent"])
    overview = client.get("/?view=overview").content.decode()
    assert "월별 매출" in overview  # the company figures stay one link away for everyone
