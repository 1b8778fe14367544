"""A case speaks to its customer and to the staff (issue 14): the acknowledgement, the reply from the case page,
the follow-up check, the exit notice, the staff notices, and a customer's e-mail reply threading back."""

from __future__ import annotations

import datetime as dt
import email
import json
from email import policy
from typing import Any

import pytest
from django.test import Client

from conftest import login
from dangol.accounts.services import api_token_create
from dangol.messaging.models import Message, StaffNotice
from dangol.messaging.sending import message_send_due
from dangol.messaging.tests.conftest import smtp  # noqa: F401 (the real SMTP server fixture)
from dangol.messaging.tests.fakes import SmtpInbox
from dangol.voc import flags, services
from dangol.voc.models import Case, CaseEvent, Step
from dangol.voc.sla import sla_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messaging(settings: Any) -> None:
    settings.DANGOL_MESSAGING_EMAIL_VIA = settings.DANGOL_MESSAGING_TEXT_VIA = "outbox"
    settings.DANGOL_SMS_SENDERS = ["1588-0000"]
    settings.DANGOL_PUBLIC_URL = "https://dangol.example.com"
    settings.DANGOL_EMAIL_MESSAGE_ID_DOMAIN = "dangol.example.com"
    settings.DANGOL_MESSAGING_SENDER_CONTACT = "1588-0000"


def complaint(shop: dict[str, Any], **kw: Any) -> Case:
    args: dict[str, Any] = {
        "customer": shop["hong"],
        "kind": "complaint",
        "title": "택배가 이틀 늦게 왔어요",
        "channel": "phone",
        "by": shop["agent"],
    }
    args.update(kw)
    return services.case_open(**args)


def notices(user: Any, kind: str) -> list[StaffNotice]:
    return list(StaffNotice.objects.filter(user=user, kind=kind))


# ---------------------------------------------------------------- to the customer


def test_a_new_case_acknowledges_receipt_with_its_number(shop) -> None:
    case = complaint(shop)
    ack = Message.objects.get(purpose_ref=f"case:{case.pk}:received")
    assert (ack.customer, ack.channel, ack.recipient, ack.kind) == (
        shop["hong"],
        "sms",
        "010-1234-5678",
        "informational",
    )
    assert case.number in ack.body and ack.body.startswith("홍길동 선생님,")
    assert case.events.get(kind="opened").data["received_message"] == ack.pk
    # A case that came by e-mail is answered by e-mail.
    by_mail = complaint(shop, title="환불 문의", channel="email")
    assert Message.objects.get(purpose_ref=f"case:{by_mail.pk}:received").channel == "email"


def test_a_public_form_case_is_acknowledged_at_the_contact_it_gave(shop) -> None:
    case = services.case_open(
        customer=None,
        kind="inquiry",
        title="매장 영업시간",
        channel="web",
        contact_name="박민수",
        contact_info="minsu@example.com",
    )
    ack = Message.objects.get(purpose_ref=f"case:{case.pk}:received")
    assert (ack.customer, ack.channel, ack.recipient) == (None, "email", "minsu@example.com")
    assert case.number in ack.body and "박민수 고객님" in ack.body


def test_a_case_the_system_opened_is_not_acknowledged(shop) -> None:
    case = complaint(shop, origin=Case.Origin.SYSTEM, by=None)
    assert not Message.objects.filter(purpose_ref__startswith=f"case:{case.pk}:").exists()


def test_the_reply_from_the_case_page_reaches_the_outbox_and_the_timeline(client: Client, shop) -> None:
    case = complaint(shop)
    login(client, shop["agent"])
    text = "기다리게 해 드려 죄송합니다. 오늘 다시 보내 드렸습니다."
    page = client.post(f"/voc/{case.pk}/act/reply_send/", {"text": text}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and "고객에게 답변을 보냈습니다" in page.content.decode()
    event = case.events.get(kind="reply")
    message = Message.objects.get(pk=event.data["message"])
    assert message.purpose_ref == f"case:{case.pk}:reply:{event.pk}" and message.channel == "lms"
    assert text in message.body and case.number in message.body
    assert event.message.startswith("답변 보냄(LMS): ") and text in event.message
    case.refresh_from_db()
    assert case.first_responded_at is not None and case.assignee == shop["agent"]
    assert 'id="reply-send"' in client.get(f"/voc/{case.pk}/").content.decode()


def test_a_reply_that_cannot_go_is_refused_in_korean_and_nothing_is_recorded(client: Client, shop) -> None:
    case = complaint(shop)
    login(client, shop["agent"])
    page = client.post(f"/voc/{case.pk}/act/reply_send/", {"text": "죄송합니다 🙏"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert "보낼 수 없는 문자" in body and "🙏" in body
    assert not case.events.filter(kind="reply").exists()
    assert not Message.objects.filter(purpose_ref__startswith=f"case:{case.pk}:reply").exists()


def test_resolution_sends_the_follow_up_satisfaction_check(shop) -> None:
    case = complaint(shop)
    for step, note in ((Step.APOLOGISE, ""), (Step.LISTEN, "이틀 늦었어요"), (Step.CONFIRM, "맞아요")):
        services.case_record_step(case=case, step=step, by=shop["agent"], note=note)
    case.refresh_from_db()
    services.case_resolve(case=case, by=shop["agent"], resolution_type="apology")
    check = Message.objects.get(purpose_ref=f"case:{case.pk}:follow-up:0")
    assert check.status == "queued" and case.number in check.body and "답장으로 알려 주세요" in check.body
    assert case.events.get(kind="resolved").data["follow_up_message"] == check.pk


def test_the_exit_notice_is_sent_and_kept_as_evidence(shop) -> None:
    from dangol.accounts.models import Role
    from dangol.accounts.services import staff_create

    second = staff_create(username="manager2", password="pw-manager2-123", role=Role.MANAGER, team=shop["cs"])
    flag = flags.customer_flag(
        customer=shop["hong"],
        type="belligerent",
        evidence="매장에서 직원에게 세 차례 폭언 (11/3, 11/9, 11/20)",
        by=shop["agent"],
    )
    flag = flags.exit_propose(flag=flag, by=shop["manager"], handler=shop["agent"], note="반복된 폭언")
    flag = flags.exit_notify_customer(flag=flag, by=shop["manager"], send=True)
    notice = Message.objects.get(purpose_ref=f"flag:{flag.pk}:exit-notice")
    assert notice.customer == shop["hong"] and "이상담" in notice.body and "1588-0000" in notice.body
    kept = flag.history[-1]
    assert kept["action"] == "customer_notified" and kept["message"] == notice.pk
    assert kept["message_uid"] == str(notice.uid) and flag.customer_notified_at is not None
    # The other manager (not the one who proposed it) hears the exit awaits a review.
    assert [n.user for n in StaffNotice.objects.filter(kind="exit_review").order_by("user_id")] == [
        shop["admin"],
        second,
    ]


# ---------------------------------------------------------------- to staff


def test_staff_hear_of_an_assignment_and_a_handoff(shop, voc) -> None:
    case = complaint(shop, by=shop["manager"])
    services.case_assign(case=case, assignee=shop["agent"], by=shop["manager"])
    [assigned] = notices(shop["agent"], "case_assigned")
    assert case.number in assigned.text and assigned.link == f"/voc/{case.pk}/"
    services.case_assign(case=case, assignee=shop["manager"], by=shop["manager"])
    assert not notices(shop["manager"], "case_assigned")  # taking it yourself tells nobody
    case.refresh_from_db()
    services.case_handoff(case=case, to_team=voc["logistics"], reason="배송사 확인 필요", by=shop["agent"])
    [handoff] = notices(shop["manager"], "handoff")  # the lead of 물류팀
    assert "물류팀" in handoff.text and "배송사 확인 필요" in handoff.text


def test_a_team_without_a_lead_hears_a_handoff_through_its_members(shop) -> None:
    case = complaint(shop)
    services.case_handoff(case=case, to_team=shop["ops"], reason="매장 응대 건", by=shop["agent"])
    assert [n.user for n in StaffNotice.objects.filter(kind="handoff")] == [shop["clerk"]]


def test_sla_warning_and_breach_reach_the_owner_and_escalation_the_lead(shop, voc, now_frozen) -> None:
    case = complaint(shop, category=voc["late"])  # 물류팀: 30 min first response, 240 min resolution
    services.case_assign(case=case, assignee=shop["clerk"], by=shop["agent"])
    case.refresh_from_db()
    assert case.first_response_due is not None and case.resolution_due is not None
    sla_check(now=case.first_response_due + dt.timedelta(minutes=1))
    [breach] = notices(shop["clerk"], "sla_breach")
    assert "첫 응답 기한" in breach.text
    sla_check(now=case.resolution_due - dt.timedelta(minutes=30))
    assert "해결 기한이 60분 남았습니다" in notices(shop["clerk"], "sla_warning")[0].text
    late = case.resolution_due + dt.timedelta(minutes=1)
    sla_check(now=late)
    sla_check(now=late)  # a second run adds nothing
    [escalation] = notices(shop["manager"], "escalation")
    assert case.number in escalation.text
    assert len(notices(shop["clerk"], "sla_breach")) == 2  # first response, then resolution


# ---------------------------------------------------------------- the customer answers by e-mail


def _bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=user, name='mail', scopes=['voc:write'])[1]}"}


def test_an_email_reply_threads_into_its_case_by_in_reply_to(client: Client, shop, smtp: SmtpInbox) -> None:  # noqa: F811
    headers = _bearer(shop["agent"])
    first = {
        "message_id": "<q1@mail.example>",
        "sender": "홍길동 <gildong@example.com>",
        "subject": "환불 문의",
        "body": "언제 되나요",
    }
    opened = client.post(
        "/api/voc/inbound-email", json.dumps(first), content_type="application/json", headers=headers
    )
    assert opened.status_code == 201, opened.content
    case = Case.objects.get(pk=opened.json()["id"])
    services.case_assign(case=case, assignee=shop["agent"], by=shop["manager"])
    case.refresh_from_db()
    services.case_pause(case=case, by=shop["agent"])
    assert message_send_due() == {"sent": 1}  # the acknowledgement, through a real SMTP server
    sent = email.message_from_bytes(smtp.mails[0].content, policy=policy.default)
    assert case.number in sent["Subject"]

    reply = {
        "message_id": "<r1@mail.example>",
        "sender": "gildong@example.com",
        "subject": f"Re: {sent['Subject']}",
        "body": "오늘 받았어요. 감사합니다. 연락처 010-1234-5678",
        "in_reply_to": sent["Message-ID"],
        "references": f"<q1@mail.example> {sent['Message-ID']}",
    }
    threaded = client.post(
        "/api/voc/inbound-email", json.dumps(reply), content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/voc/inbound-email", json.dumps(reply), content_type="application/json", headers=headers
    )
    assert threaded.status_code == again.status_code == 200 and threaded.json()["id"] == case.pk
    assert Case.objects.count() == 1
    [event] = CaseEvent.objects.filter(case=case, kind="customer_replied")
    assert "오늘 받았어요" in event.message and "010-1234-5678" not in event.message  # stored masked
    case.refresh_from_db()
    assert case.status == "open"  # we were waiting for the customer: the clock runs again
    [heard] = notices(shop["agent"], "customer_replied")
    assert heard.link == f"/voc/{case.pk}/"
    # Not one of ours: a new case, as before.
    other = {
        **reply,
        "message_id": "<r2@mail.example>",
        "in_reply_to": "<elsewhere@mail.example>",
        "references": "",
    }
    assert (
        client.post(
            "/api/voc/inbound-email", json.dumps(other), content_type="application/json", headers=headers
        ).status_code
        == 201
    )
