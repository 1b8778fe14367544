from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from dangol.surveys import sending, services
from dangol.surveys.models import Response, Survey
from dangol.surveys.tests.conftest import BAD, GOOD, run_worker
from dangol.voc.models import Case


def test_answer_page_opens_without_login_and_stores_the_answer(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    url = reverse("surveys:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "매장 방문 만족도" in body and 'name="recommend"' in body and 'name="wait__expectation"' in body
    done = client.post(url, GOOD)
    assert done.status_code == 200 and "감사합니다" in done.content.decode()
    assert Response.objects.get().customer == shop["hong"]


def test_answer_page_shows_korean_errors_and_keeps_the_given_answers(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    page = client.post(reverse("surveys:answer", args=[token]), {"overall": "4", "recommend": "99"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "0~10 사이에서 골라 주세요." in body and "답을 골라 주세요." in body
    assert 'value="4" checked' in body
    assert Response.objects.count() == 0


def test_bad_links_give_a_korean_page_not_a_500(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    tampered = client.get(reverse("surveys:answer", args=[token[:-3] + "xyz"]))
    assert tampered.status_code == 400 and "올바르지 않습니다" in tampered.content.decode()
    client.post(reverse("surveys:answer", args=[token]), GOOD)
    again = client.post(reverse("surveys:answer", args=[token]), GOOD)
    assert again.status_code == 410 and "이미 응답하신" in again.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_double_submit_through_the_page_opens_one_case(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    url = reverse("surveys:answer", args=[token])
    first = client.post(url, BAD)
    assert "곧 연락드리겠습니다" in first.content.decode()
    again = client.post(url, BAD)  # a second tap, or the browser retrying a POST whose reply was lost
    assert again.status_code == 410 and "이미 응답하신" in again.content.decode()
    run_worker()
    run_worker()
    assert Case.objects.count() == 1 and Response.objects.count() == 1
    assert Response.objects.get().followup_case == Case.objects.get()


def test_viewer_cannot_create_surveys(client, shop):
    login(client, shop["viewer"])
    assert client.get(reverse("surveys:index")).status_code == 200
    assert client.get(reverse("surveys:new")).status_code == 403
    assert (
        client.post(
            reverse("surveys:new"),
            {"code": "x", "title": "x", "kind": "customer", "trigger": "manual", "link_days": 14},
        ).status_code
        == 403
    )
    assert not Survey.objects.exists()


def test_manager_builds_a_survey_and_makes_a_link(client, shop):
    login(client, shop["manager"])
    created = client.post(
        reverse("surveys:new"),
        {
            "code": "visit",
            "title": "방문 만족도",
            "kind": "customer",
            "trigger": "interaction",
            "link_days": 14,
        },
    )
    survey = Survey.objects.get(code="visit")
    assert created.status_code == 302
    client.post(
        reverse("surveys:question_add", args=[survey.pk]),
        {"kind": "csat", "text": "만족하셨나요?", "aspect": "overall", "required": "on"},
    )
    client.post(reverse("surveys:status", args=[survey.pk]), {"status": "active"})
    client.post(reverse("surveys:invite", args=[survey.pk]), {"customer": shop["hong"].pk, "channel": "link"})
    page = client.get(reverse("surveys:detail", args=[survey.pk]))
    assert 'id="new-link"' in page.content.decode()
    assert survey.invitations.get().customer == shop["hong"]


def test_bad_form_input_is_a_korean_error_not_a_500(client, shop, survey):
    login(client, shop["manager"])
    page = client.post(
        reverse("surveys:new"), {"code": "bad code", "title": "", "kind": "zzz", "link_days": "0"}
    )
    assert page.status_code == 400
    bad_q = client.post(
        reverse("surveys:question_add", args=[survey.pk]),
        {"kind": "single", "text": "x", "aspect": "overall"},
        follow=True,
    )
    assert bad_q.status_code == 200 and "응답이 있는" not in bad_q.content.decode()
    assert "선택지를 두 개 이상" in bad_q.content.decode()
    unknown = client.post(
        reverse("surveys:invite", args=[survey.pk]), {"customer": "999999", "channel": "sms"}, follow=True
    )
    assert "고객 번호를 찾을 수 없습니다" in unknown.content.decode()
    assert client.get(reverse("surveys:detail", args=[999999])).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_response_page_shows_the_followup_case_beside_the_answer(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    response = services.response_submit(token=token, data=BAD)
    run_worker()
    response.refresh_from_db()
    login(client, shop["agent"])
    page = client.get(reverse("surveys:response", args=[response.pk])).content.decode()
    assert response.followup_case.number in page and "접수" in page
    listing = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert response.followup_case.number in listing


def test_store_counter_qr_mints_a_fresh_one_time_link_per_scan(client, shop, survey):
    token = sending.counter_token(survey=survey, touchpoint=shop["store"])
    first = client.get(reverse("surveys:counter", args=[token]))
    second = client.get(reverse("surveys:counter", args=[token]))
    assert first.status_code == second.status_code == 302 and first.url != second.url
    invitation = survey.invitations.order_by("id").first()
    assert (
        invitation.channel == "qr" and invitation.touchpoint == shop["store"] and invitation.customer is None
    )
    assert client.get(first.url).status_code == 200
    bad = client.get(reverse("surveys:counter", args=[token[:-2] + "zz"]))
    assert bad.status_code == 400 and "QR 코드가 올바르지 않습니다" in bad.content.decode()
    services.survey_set_status(survey=survey, status="closed")
    assert client.get(reverse("surveys:counter", args=[token])).status_code == 410
    login(client, shop["manager"])
    page = client.get(
        reverse("surveys:qr", args=[survey.pk]), {"touchpoint": shop["store"].pk}
    ).content.decode()
    assert "/surveys/q/" in page and "qrcode.js" in page
    login(client, shop["viewer"])
    assert client.get(reverse("surveys:qr", args=[survey.pk])).status_code == 403


def test_kano_and_choice_questions_render_and_answer_on_the_public_page(client, shop):
    survey = services.survey_create(code="kano-page", title="기능 조사", kind="kano")
    services.question_add(survey=survey, kind="kano", code="wifi", text="무료 와이파이", text_en="Free Wi-Fi")
    services.question_add(
        survey=survey, kind="multiple", code="when", text="언제 오시나요?", choices=["평일", "주말"]
    )
    services.survey_set_status(survey=survey, status="active")
    _, token = services.invitation_create(survey=survey)
    url = reverse("surveys:answer", args=[token])
    body = client.get(url).content.decode()
    assert "‘무료 와이파이’가 있다면?" in body and 'type="checkbox"' in body
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "If it has: Free Wi-Fi" in english
    done = client.post(url, {"wifi__functional": "2", "wifi__dysfunctional": "5", "when": ["평일", "주말"]})
    assert done.status_code == 200
    response = Response.objects.get()
    assert response.wave == "1" and response.answers.get(question__code="when").selected == ["평일", "주말"]


def test_segment_send_to_a_saved_list_filter_respects_marketing_consent(client, shop):
    from dangol.customers.models import CustomerSegment
    from dangol.surveys.tests.conftest import build_customer_survey

    survey = build_customer_survey(shop, code="vip-promo", promotional=True)
    services.survey_set_status(survey=survey, status="active")
    everyone = CustomerSegment.objects.create(name="전체 고객", query="", filters={})
    login(client, shop["manager"])
    detail = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert f'<option value="list:{everyone.pk}">전체 고객</option>' in detail
    page = client.post(
        reverse("surveys:segment", args=[survey.pk]),
        {"segment": f"list:{everyone.pk}", "channel": "sms"},
        follow=True,
    )
    # kim has no marketing consent: messaging blocks the promotional survey's message to her, and the page says so.
    body = page.content.decode()
    assert "초대 1건을 보냈습니다 (수신 동의나 연락처가 없어 제외 1건" in body
    delivered = survey.invitations.exclude(message__status="blocked")
    assert list(delivered.values_list("customer", flat=True)) == [shop["hong"].pk]
    assert survey.invitations.get(customer=shop["kim"]).message.blocked_rule == "ad_no_consent"
    assert 'id="invitations-blocked"' in body and "ad_no_consent 1" in body
    nobody = CustomerSegment.objects.create(
        name="없는 태그", query="tag=없는태그", filters={"tag": "없는태그"}
    )
    none = client.post(
        reverse("surveys:segment", args=[survey.pk]),
        {"segment": f"list:{nobody.pk}", "channel": "sms"},
        follow=True,
    )
    assert "‘없는 태그’ 세그먼트에 해당하는 고객이 없습니다" in none.content.decode()
    assert "tag" not in client.get(reverse("surveys:detail", args=[survey.pk])).context["segment_form"].fields


def test_survey_list_counts_invitations_and_responses_without_joining_them(client, shop, survey):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tokens = [services.invitation_create(survey=survey, customer=shop["kim"])[1] for _ in range(4)]
    for token in tokens[:3]:
        services.response_submit(token=token, data=GOOD)
    login(client, shop["manager"])
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("surveys:index")).content.decode()
    row = body.split(survey.title)[1].split("</tr>")[0]
    assert ">4<" in row.replace(" ", "") and ">3<" in row.replace(" ", "")
    # one query over both tables would count responses × invitations (minutes on the demo data)
    assert not any(
        "surveys_invitation" in q["sql"] and "surveys_response" in q["sql"] for q in queries.captured_queries
    )
