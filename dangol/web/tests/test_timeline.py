"""The 360 timeline: every kind of record on one page, filterable, paged, and only what the role may see."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login
from dangol.customers.models import Customer
from dangol.customers.services import consent_set, note_add
from dangol.interactions.services import interaction_log
from dangol.orders.models import Order, OrderLine
from dangol.orders.services import order_refund
from dangol.promises.services import promise_make
from dangol.surveys import services as surveys
from dangol.voc import services as voc
from dangol.voc.flags import customer_flag, exit_propose

KIND_ROW = re.compile(r'<li class="kind-(\w+)"')
KIND_TAB = re.compile(r'timeline/\?kind=(\w+)"')


def timeline_html(client: Client, customer: Customer, **params: Any) -> list[str]:
    """The 360 page and the htmx timeline partial, with the same filters."""
    page = client.get(f"/customers/{customer.pk}/", params)
    partial = client.get(f"/customers/{customer.pk}/timeline/", params, HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and partial.status_code == 200
    return [page.content.decode(), partial.content.decode()]


def assert_on_timeline(client: Client, customer: Customer, kind: str, *texts: str) -> None:
    """Shown on the unfiltered timeline, and the kind's tab shows it and nothing of any other kind."""
    for html in timeline_html(client, customer):
        for text in texts:
            assert text in html
    for html in timeline_html(client, customer, kind=kind):
        assert set(KIND_ROW.findall(html)) == {kind}
        for text in texts:
            assert text in html


@pytest.fixture
def hong(shop: dict[str, Any]) -> Customer:
    """홍길동 with an interaction and a note besides his sign-up consents, so a kind filter has others to drop."""
    customer = shop["hong"]
    interaction_log(customer=customer, touchpoint=shop["call"], type="inquiry", summary="배송 문의 전화")
    note_add(customer=customer, body="오후에만 통화 가능", by=shop["agent"])
    return customer


def customer_survey(shop: dict[str, Any], code: str = "after-visit") -> Any:
    survey = surveys.survey_create(
        code=code,
        title="매장 방문 만족도",
        by=shop["manager"],
        touchpoint=shop["store"],
        owner_team=shop["ops"],
    )
    surveys.question_add(survey=survey, kind="nps", code="recommend", text="친구에게 추천하시겠어요?")
    surveys.question_add(survey=survey, kind="text", code="why", text="이유는?", required=False)
    surveys.survey_set_status(survey=survey, status="active")
    return survey


def answer(survey: Any, customer: Customer, *, nps: int, why: str = "", **kw: Any) -> Any:
    response, _ = surveys.response_record(
        survey=survey,
        data={"recommend": str(nps), "why": why},
        customer=customer,
        followup=False,
        **kw,
    )
    return response


def complaint(
    shop: dict[str, Any], customer: Customer, title: str = "택배가 이틀 늦게 왔어요", **kw: Any
) -> Any:
    args = {
        "customer": customer,
        "kind": "complaint",
        "title": title,
        "channel": "phone",
        "by": shop["agent"],
    }
    return voc.case_open(**{**args, **kw})


def resolve_and_close(case: Any, user: Any) -> Any:
    voc.case_record_step(case=case, step="apologise", by=user, note="불편을 드려 죄송합니다")
    voc.case_record_step(case=case, step="listen", by=user, note="토요일에 받기로 했는데 월요일에 왔어요")
    voc.case_record_step(case=case, step="confirm", by=user, note="배송이 이틀 늦었다는 말씀이시죠? - 네")
    case = voc.case_resolve(case=case, by=user, resolution_type="apology")
    # a complaint closes once its follow-up is recorded
    case = voc.case_record_satisfaction(case=case, score=4, would_continue=True, by=user)
    return voc.case_close(case=case, by=user)


def test_survey_answer_shows_the_score_and_the_customers_words(as_agent: Client, shop, hong):
    response = answer(customer_survey(shop), hong, nps=3, why="직원이 불친절했어요", staff=shop["clerk"])
    assert_on_timeline(
        as_agent, hong, "survey", "설문 응답: NPS 3", "직원이 불친절했어요", "비추천 고객", "최점원"
    )
    assert f'href="/surveys/responses/{response.pk}/"' in timeline_html(as_agent, hong)[1]


def test_survey_words_and_link_only_for_roles_that_read_responses(client: Client, shop, hong):
    response = answer(customer_survey(shop), hong, nps=3, why="직원이 불친절했어요")
    login(client, shop["viewer"])  # the viewer role may see surveys but not read responses
    for html in timeline_html(client, hong, kind="survey"):
        assert "설문 응답: NPS 3" in html
        assert "직원이 불친절했어요" not in html and f"/surveys/responses/{response.pk}/" not in html


def test_voc_case_opened_resolved_closed_and_reopened(as_agent: Client, shop, hong):
    case = complaint(
        shop, hong, body="연락은 010-2222-3333으로 주세요. 너무 늦었어요", touchpoint=shop["store"]
    )
    case = resolve_and_close(case, shop["agent"])
    voc.case_record_satisfaction(case=case, score=1, would_continue=False, by=shop["agent"])
    assert_on_timeline(
        as_agent,
        hong,
        "case",
        "VOC 접수: 택배가 이틀 늦게 왔어요",
        "VOC 해결: 택배가 이틀 늦게 왔어요",
        "VOC 종결: 택배가 이틀 늦게 왔어요",
        "VOC 재오픈: 택배가 이틀 늦게 왔어요",
        "너무 늦었어요",
        "처리 중",  # the case's status now
        f'href="/voc/{case.pk}/"',
    )
    for html in timeline_html(as_agent, hong):
        assert "010-2222-3333" not in html  # stored masked, shown masked
    at_store = timeline_html(as_agent, hong, touchpoint=shop["store"].pk)[1]
    at_web = timeline_html(as_agent, hong, touchpoint=shop["web"].pk)[1]
    assert "VOC 접수" in at_store and "VOC 접수" not in at_web


def test_refund_shows_the_amount_and_reason(as_agent: Client, shop, hong):
    order = Order.objects.create(
        external_id="W-1001",
        customer=hong,
        touchpoint=shop["web"],
        ordered_at=timezone.now(),
        total_amount=30000,
    )
    order_refund(order=order, amount=12000, reason="사이즈 불량", by=shop["manager"])
    assert_on_timeline(
        as_agent, hong, "refund", "환불 ₩12,000", "사이즈 불량", "W-1001", "부분 환불", "김팀장"
    )
    assert "환불 ₩12,000" in timeline_html(as_agent, hong, touchpoint=shop["web"].pk)[1]
    assert "환불 ₩12,000" not in timeline_html(as_agent, hong, touchpoint=shop["store"].pk)[1]


def test_consent_changes_are_on_the_timeline(as_agent: Client, shop, hong):
    consent_set(customer=hong, purpose="marketing_sms", granted=False, source="고객 요청", by=shop["agent"])
    assert_on_timeline(
        as_agent, hong, "consent", "마케팅 수신 동의 철회 (SMS)", "마케팅 수신 동의 (SMS)", "경로: 고객 요청"
    )
    # A consent happens at no touchpoint: a touchpoint filter leaves it out.
    assert "마케팅 수신 동의" not in timeline_html(as_agent, hong, touchpoint=shop["store"].pk)[1]


def test_bad_customer_flag_and_its_history(as_manager: Client, shop, hong):
    flag = customer_flag(
        customer=hong, type="belligerent", evidence="매장에서 직원에게 고성 3회 (11/2 CCTV)", by=shop["agent"]
    )
    exit_propose(flag=flag, by=shop["agent"], handler=shop["manager"], note="경고 후에도 반복")
    assert_on_timeline(
        as_manager,
        hong,
        "flag",
        "불량고객 지정 검토: 호전형",
        "매장에서 직원에게 고성 3회",
        "불량고객 퇴출 제안: 호전형",
        "경고 후에도 반복",
        "퇴출 검토 중",
        "이상담",  # who did it, by the name staff know
    )


def test_value_tier_and_stage_changes(as_agent: Client, shop, hong):
    from dangol.loyalty.models import CustomerValue

    CustomerValue.objects.create(
        customer=hong,
        value_tier="super",
        previous_tier="superior",
        stage="regular",
        previous_stage="advocate",
        computed_at=timezone.now(),
    )
    assert_on_timeline(
        as_agent, hong, "value", "등급 변경 우량 → 초우량", "관계 단계 변경 옹호자 → 단골", "상승", "하락"
    )


def test_a_role_without_voc_access_sees_no_cases_or_flags(client: Client, shop, hong):
    complaint(shop, hong)
    customer_flag(
        customer=hong, type="thief", evidence="계산하지 않은 상품을 들고 나감 (11/3)", by=shop["agent"]
    )
    login(client, shop["agent"])
    assert all("VOC 접수: 택배가 이틀 늦게 왔어요" in html for html in timeline_html(client, hong))
    viewer_role = Group.objects.get(name="viewer")
    viewer_role.permissions.remove(
        Permission.objects.get(content_type__app_label="voc", codename="view_case")
    )
    client.logout()
    login(client, shop["viewer"])
    for html in timeline_html(client, hong) + timeline_html(client, hong, kind="case"):
        assert "VOC 접수" not in html and "불량고객 지정 검토" not in html
        assert not {"case", "flag"} & set(KIND_ROW.findall(html) + KIND_TAB.findall(html))
    assert "배송 문의 전화" in timeline_html(client, hong)[1]  # the rest of the timeline is still there


def test_older_pages_continue_where_the_page_ended(as_agent: Client, shop, hong, monkeypatch):
    from dangol.web.customers import views

    monkeypatch.setattr(views, "TIMELINE_PAGE", 4)
    base = timezone.now() - dt.timedelta(days=30)
    for day in range(6):
        consent_set(
            customer=hong,
            purpose="marketing_email",
            granted=day % 2 == 0,
            source=f"경로{day}",
            at=base + dt.timedelta(days=day),
        )
    # Newest first: the three sign-up consents of the fixture, then 경로5 … 경로0.
    first = timeline_html(as_agent, hong, kind="consent")[1]
    assert len(KIND_ROW.findall(first)) == 4 and "경로5" in first and "경로4" not in first
    second = older_rows(as_agent, hong, first)
    assert "<nav" not in second  # only rows, put in place of the link
    assert len(KIND_ROW.findall(second)) == 4
    assert all(f"경로{d}" in second for d in (4, 3, 2, 1)) and "경로5" not in second and "경로0" not in second
    last = older_rows(as_agent, hong, second)
    assert len(KIND_ROW.findall(last)) == 1 and "경로0" in last and "timeline-older" not in last
    # Without htmx the same link opens the 360 page from there.
    page = as_agent.get(f"/customers/{hong.pk}/?{older_query(first)}").content.decode()
    assert "경로4" in page and "경로5" not in page


def test_entries_of_the_same_moment_are_not_split_across_pages(as_agent: Client, shop, hong, monkeypatch):
    from dangol.loyalty.models import CustomerValue
    from dangol.web.customers import views

    monkeypatch.setattr(views, "TIMELINE_PAGE", 1)
    CustomerValue.objects.create(
        customer=hong,
        value_tier="super",
        previous_tier="superior",
        stage="regular",
        previous_stage="advocate",
        computed_at=timezone.now(),
    )
    html = timeline_html(as_agent, hong, kind="value")[1]
    assert len(KIND_ROW.findall(html)) == 2  # both on the first page, though the page holds one
    assert KIND_ROW.findall(older_rows(as_agent, hong, html)) == []


def older_query(html: str) -> str:
    link = html.split('id="timeline-older"')[1]
    return re.search(r'hx-get="[^"?]*\?([^"]+)"', link).group(1).replace("&amp;", "&")


def older_rows(client: Client, customer: Customer, html: str) -> str:
    response = client.get(
        f"/customers/{customer.pk}/timeline/?{older_query(html)}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline-older",
    )
    assert response.status_code == 200
    return response.content.decode()


def value_tier_rose(customer: Customer) -> Any:
    """The value run moved the customer from the regular tier to super (one value-change timeline entry)."""
    from dangol.loyalty.models import CustomerValue

    return CustomerValue.objects.create(
        customer=customer,
        value_tier="super",
        previous_tier="regular",
        stage="regular",
        computed_at=timezone.now(),
    )


def _add_one_of_everything(shop: dict[str, Any], customer: Customer, survey: Any, n: int) -> None:
    now = timezone.now()
    interaction_log(customer=customer, touchpoint=shop["store"], type="inquiry", summary=f"문의 {n}")
    note_add(customer=customer, body=f"메모 {n}", by=shop["agent"])
    promise_make(
        customer=customer,
        owner=shop["agent"],
        by=shop["agent"],
        text=f"약속 {n}",
        due_at=now + dt.timedelta(days=2),
    )
    order = Order.objects.create(
        external_id=f"Q-{n}", customer=customer, touchpoint=shop["web"], ordered_at=now, total_amount=20000
    )
    OrderLine.objects.create(order=order, line_no=1, product_name="운동화", amount=20000)
    OrderLine.objects.create(order=order, line_no=2, product_name="양말", amount=0)
    order_refund(order=order, amount=5000, reason="부분 불량", by=shop["manager"])
    answer(survey, customer, nps=n % 11, why=f"이유 {n}", staff=shop["clerk"])
    resolve_and_close(complaint(shop, customer, title=f"불만 {n}", touchpoint=shop["store"]), shop["manager"])
    consent_set(customer=customer, purpose="marketing_kakao", granted=n % 2 == 0, source="앱")
    from dangol.voc.flags import flag_reverse

    flag = customer_flag(
        customer=customer, type="belligerent", evidence=f"고성과 욕설 기록 {n}회차", by=shop["agent"]
    )
    flag_reverse(flag=flag, by=shop["manager"], reason="사과 후 해소")


def test_the_timeline_reads_a_fixed_number_of_queries_however_long_the_history(
    as_manager: Client, shop, hong, django_assert_max_num_queries
):
    value_tier_rose(hong)
    survey = customer_survey(shop)
    _add_one_of_everything(shop, hong, survey, 1)
    url = f"/customers/{hong.pk}/timeline/"
    with CaptureQueriesContext(connection) as few:
        html = as_manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert set(KIND_ROW.findall(html)) == {
        "interaction",
        "order",
        "case",
        "survey",
        "refund",
        "note",
        "promise",
        "consent",
        "flag",
        "value",
        "message",
    }
    assert len(few) <= 22  # session, user, permissions, customer, touchpoints, one read per source
    for n in range(2, 8):
        _add_one_of_everything(shop, hong, survey, n)
    with django_assert_max_num_queries(len(few)):
        html = as_manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "문의 7" in html and "이유 7" in html and "불만 7" in html


def test_messages_to_the_customer_and_their_status(client: Client, shop, hong):
    from dangol.messaging.services import message_queue

    case = complaint(shop, hong)  # the acknowledgement goes to 홍길동 by text message
    message_queue(  # an advert by e-mail: he consented to text messages only, so it is blocked
        customer=hong,
        template_code="survey_invitation_ad",
        channel="email",
        variables={"설문": "신메뉴 설문", "링크": "https://dangol.example.com/s/x", "마감": "12월 31일"},
        purpose_ref="campaign:1:customer:1",
    )
    login(client, shop["agent"])
    assert_on_timeline(
        client,
        hong,
        "message",
        f"접수번호 {case.number}",
        "홍*동 선생님",  # the name in a message's text is shown masked
        "대기",
        "막힘",
        "마케팅 수신 동의가 없고",
    )
    html = timeline_html(client, hong, kind="message")[1]
    assert "홍길동" not in html and 'href="/messages/' in html
    client.logout()
    login(client, shop["viewer"])  # a viewer sees no messages: no rows and no tab
    for html in timeline_html(client, hong) + timeline_html(client, hong, kind="message"):
        assert "message" not in set(KIND_ROW.findall(html) + KIND_TAB.findall(html))


def test_points_movements_are_on_the_timeline(client: Client, shop, hong):
    from dangol.rewards.services import points_earn

    points_earn(
        customer=hong,
        points=1500,
        source="campaign",
        source_ref="campaign:welcome",
        reason="가입 환영 포인트",
        by=shop["manager"],
    )
    login(client, shop["agent"])
    assert_on_timeline(client, hong, "points", "+1,500P", "가입 환영 포인트")
