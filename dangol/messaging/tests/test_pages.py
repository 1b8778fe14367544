"""The pages through the real stack: outbox, templates, the staff bell and the opt-out link."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import login
from dangol.customers.models import Consent, ConsentEvent
from dangol.messaging import services
from dangol.messaging.models import Message, MessageTemplate, StaffNotice
from dangol.messaging.sending import message_send_due
from dangol.messaging.tests.conftest import kst
from dangol.privacy.models import AccessLog

pytestmark = pytest.mark.django_db


def ack(shop: dict[str, Any], ref: str = "case:12:ack", channel: str | None = "sms") -> Message:
    return services.message_queue(
        customer=shop["hong"],
        template_code="case_ack",
        variables={"접수번호": "V-12"},
        channel=channel,
        purpose_ref=ref,
    )


# ---------------------------------------------------------------- outbox


def test_the_outbox_shows_an_sms_as_a_phone_bubble_with_the_recipient_masked(
    as_manager, shop, templates
) -> None:
    ack(shop)
    message_send_due()
    page = as_manager.get("/messages/").content.decode()
    assert 'class="phone"' in page and "sms-bubble" in page
    assert "문의가 접수되었습니다. 접수번호 V-12" in page
    assert "010-****-5678" in page and "010-1234-5678" not in page
    assert "홍*동" in page and "홍길동" not in page  # names in the text are masked in the list too


def test_a_blocked_message_shows_the_rule_that_stopped_it(as_manager, shop, templates) -> None:
    services.message_queue(customer=shop["kim"], template_code="coffee_promo", purpose_ref="promo:1")
    page = as_manager.get("/messages/?status=blocked").content.decode()
    assert "ad_no_consent" in page and "마케팅 수신 동의가 없고" in page


def test_an_email_is_shown_as_a_mail(as_manager, shop, templates) -> None:
    services.message_queue(
        customer=shop["kim"],
        template_code="case_ack",
        variables={"접수번호": "V-1"},
        channel="email",
        purpose_ref="c:1",
    )
    page = as_manager.get("/messages/?channel=email").content.decode()
    assert 'class="mail"' in page and "접수 안내" in page and 'class="phone"' not in page


def test_an_agent_sees_customer_messages_but_not_staff_mail_and_a_viewer_nothing(
    client, shop, templates
) -> None:
    ack(shop)
    shop["manager"].email = "manager@example.com"
    shop["manager"].save()
    services.notice_preference_set(user=shop["manager"], email_too=True)
    services.staff_notify(
        user=shop["manager"], kind="sla_warning", text="VOC-7 기한 1시간 전", link="/voc/7/"
    )
    assert Message.objects.count() == 2
    page = login(client, shop["agent"]).get("/messages/").content.decode()
    assert "접수번호 V-12" in page and "VOC-7 기한" not in page
    staff_mail = Message.objects.get(staff=shop["manager"])
    assert client.get(f"/messages/{staff_mail.pk}/").status_code == 404
    assert login(Client(), shop["viewer"]).get("/messages/").status_code == 403


def test_the_message_page_shows_it_unmasked_to_a_manager_and_logs_the_access(
    as_manager, shop, templates
) -> None:
    message = ack(shop)
    page = as_manager.get(f"/messages/{message.pk}/").content.decode()
    assert "010-1234-5678" in page and "홍길동님" in page
    assert AccessLog.objects.filter(
        staff=shop["manager"], customer_id=shop["hong"].pk, action="view"
    ).exists()


def test_a_manager_settles_an_unknown_message(as_manager, shop, templates) -> None:
    message = ack(shop)
    Message.objects.filter(pk=message.pk).update(status="unknown")
    page = as_manager.get(f"/messages/{message.pk}/").content.decode()
    assert "다시 보내기" in page
    as_manager.post(f"/messages/{message.pk}/settle/", {"action": "resend"})
    message.refresh_from_db()
    assert message.status == "queued"


# ---------------------------------------------------------------- templates


def test_an_informational_alimtalk_with_a_coupon_is_refused_on_the_page(as_manager, shop) -> None:
    response = as_manager.post(
        "/messages/templates/new/",
        {
            "code": "order_done",
            "name": "주문 완료",
            "kind": "informational",
            "channels": ["alimtalk"],
            "body": "#{고객명}님 주문이 완료되었습니다. 다음 주문 할인 쿠폰 증정!",
            "alimtalk_template_id": "TPL9",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "광고로 보이는 표현이 있습니다: 할인, 쿠폰, 증정" in response.content.decode()
    assert not MessageTemplate.objects.filter(code="order_done").exists()


def test_a_manager_edits_a_template_and_the_version_goes_up(as_manager, shop, templates) -> None:
    template = templates["text"]
    response = as_manager.post(
        f"/messages/templates/{template.pk}/",
        {
            "code": "free_text",
            "name": "자유 문자",
            "kind": "informational",
            "channels": ["sms"],
            "body": "#{내용} 감사합니다",
            "active": "on",
            "version": template.version,
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.body, template.version) == ("#{내용} 감사합니다", 2)
    stale = as_manager.post(
        f"/messages/templates/{template.pk}/",
        {
            "code": "free_text",
            "name": "자유 문자",
            "kind": "informational",
            "channels": ["sms"],
            "body": "옛 내용 #{내용}",
            "active": "on",
            "version": 1,
        },
    )
    assert "다른 사용자가 먼저" in stale.content.decode()


def test_the_preview_renders_for_a_real_customer_with_the_byte_count(as_manager, shop, templates) -> None:
    response = as_manager.post(
        "/messages/templates/preview/",
        {
            "code": "free_text",
            "name": "자유 문자",
            "kind": "informational",
            "channels": ["sms"],
            "body": "#{고객명}님 #{내용}",
            "active": "on",
            "customer": shop["hong"].pk,
            "variables": "내용=내일 방문합니다",
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" not in page and "홍길동님 내일 방문합니다" in page
    assert "24바이트" in page and "단문(SMS" in page  # 홍길동님 8 + 1 + 내일 4 + 1 + 방문합니다 10


def test_the_preview_names_a_missing_variable(as_manager, shop, templates) -> None:
    response = as_manager.post(
        "/messages/templates/preview/",
        {
            "code": "t",
            "name": "t",
            "kind": "informational",
            "channels": ["sms"],
            "body": "#{내용}",
            "customer": shop["hong"].pk,
        },
    )
    assert "템플릿 변수 #{내용}의 값이 없습니다." in response.content.decode()


def test_agents_cannot_edit_templates(as_agent, templates) -> None:
    assert as_agent.get("/messages/templates/").status_code == 403


# ---------------------------------------------------------------- the staff bell


def test_the_bell_counts_unread_notices_and_mark_read_clears_it(client, shop) -> None:
    agent = login(client, shop["agent"])
    assert 'hx-get="/messages/notices/bell/"' in agent.get("/").content.decode()  # in the base template's nav
    assert "bell-count" not in agent.get("/messages/notices/bell/").content.decode()
    services.staff_notify(
        user=shop["agent"], kind="case_assigned", text="VOC-3 건이 배정되었습니다", link="/voc/3/"
    )
    services.staff_notify(
        user=shop["agent"], kind="promise_due", text="약속 기한 1시간 전", ref="promise:5:due"
    )
    services.staff_notify(
        user=shop["agent"], kind="promise_due", text="약속 기한 1시간 전", ref="promise:5:due"
    )
    services.staff_notify(user=shop["manager"], kind="escalation", text="다른 사람 알림")
    bell = agent.get("/messages/notices/bell/").content.decode()
    assert '<span class="badge bad" id="bell-count">2</span>' in bell
    page = agent.get("/messages/notices/").content.decode()
    assert "VOC-3 건이 배정되었습니다" in page and "다른 사람 알림" not in page
    one = StaffNotice.objects.get(user=shop["agent"], kind="case_assigned")
    agent.post("/messages/notices/read/", {"id": one.pk})
    assert 'id="bell-count">1<' in agent.get("/messages/notices/bell/").content.decode()
    after = agent.post("/messages/notices/read/", {"all": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "bell-count" not in after


def test_a_notice_is_emailed_to_staff_who_asked(client, shop) -> None:
    shop["agent"].email = "agent@example.com"
    shop["agent"].save()
    login(client, shop["agent"]).post("/messages/notices/preference/", {"email_too": "on"})
    notice = services.staff_notify(user=shop["agent"], kind="handoff", text="VOC-9 이관 받음", link="/voc/9/")
    mail = Message.objects.get(purpose_ref=f"notice:{notice.pk}")
    assert notice.emailed and (mail.channel, mail.recipient, mail.staff_id) == (
        "email",
        "agent@example.com",
        shop["agent"].pk,
    )
    assert mail.subject == "[단골 알림] 이관 받음" and "https://dangol.example.com/voc/9/" in mail.body


# ---------------------------------------------------------------- opt-out without login


def test_the_optout_link_works_without_login_and_tells_the_result(shop, templates) -> None:
    now = kst(2026, 12, 1, 10)
    advert = services.message_queue(
        customer=shop["hong"], template_code="coffee_promo", purpose_ref="promo:1", now=now
    )
    token = services.optout_token(shop["hong"], "marketing_sms")
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(f"/messages/optout/{token}/")
    assert page.status_code == 200 and "홍*동님께 보내는 광고(마케팅 문자)" in page.content.decode()
    assert Consent.objects.get(
        customer=shop["hong"], purpose="marketing_sms"
    ).granted  # a GET changes nothing
    done = anonymous.post(f"/messages/optout/{token}/")
    assert "마케팅 문자 수신거부가 처리되었습니다" in done.content.decode()
    assert "처리 결과를 안내하는 메시지를 함께 보내 드립니다" in done.content.decode()
    assert not Consent.objects.get(customer=shop["hong"], purpose="marketing_sms").granted
    assert (
        ConsentEvent.objects.filter(customer=shop["hong"], granted=False, source="수신거부 링크").count() == 1
    )
    notice = Message.objects.get(template__code="optout_done")
    assert (notice.channel, notice.kind, notice.status) == ("sms", "informational", "queued")
    assert notice.body.startswith("마케팅 문자 수신거부 처리완료(")
    again = anonymous.post(f"/messages/optout/{token}/")
    assert "이미 마케팅 문자 수신을 거부하신 상태" in again.content.decode()
    assert Message.objects.filter(template__code="optout_done").count() == 1
    # The advert queued before the opt-out is stopped at send time.
    assert message_send_due() == {"blocked": 1, "sent": 1}
    advert.refresh_from_db()
    assert advert.blocked_rule == "ad_consent_withdrawn"


def test_a_tampered_optout_link_is_refused_in_korean(shop) -> None:
    token = services.optout_token(shop["hong"], "marketing_sms")
    response = Client().post(f"/messages/optout/{token[:-2]}xx/")
    assert response.status_code == 400 and "수신거부 링크가 올바르지 않습니다" in response.content.decode()
    assert Consent.objects.get(customer=shop["hong"], purpose="marketing_sms").granted


def test_the_withdrawal_stands_even_if_the_result_notice_cannot_be_made(shop, templates) -> None:
    notice_template = MessageTemplate.objects.get(code="optout_done")
    services.template_save(template=notice_template, data={"body": "#{항목} #{없는변수}"}, by=shop["manager"])
    token = services.optout_token(shop["hong"], "marketing_sms")
    done = Client().post(f"/messages/optout/{token}/")
    assert done.status_code == 200 and "수신거부가 처리되었습니다" in done.content.decode()
    assert "처리 결과를 안내하는" not in done.content.decode()
    assert not Consent.objects.get(customer=shop["hong"], purpose="marketing_sms").granted
    assert not Message.objects.filter(template=notice_template).exists()
