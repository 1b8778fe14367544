"""E-mail through Django's SMTP backend to a real SMTP server in this process (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest

from dangol.customers.services import consent_set
from dangol.messaging import services
from dangol.messaging.models import Message
from dangol.messaging.sending import message_send_due, messages_reconcile
from dangol.messaging.tests.conftest import kst
from dangol.messaging.tests.fakes import free_port

pytestmark = pytest.mark.django_db


def queue_mail(shop: dict[str, Any], ref: str = "case:7:ack") -> Message:
    return services.message_queue(
        customer=shop["kim"],
        template_code="case_ack",
        variables={"접수번호": "V-7"},
        channel="email",
        purpose_ref=ref,
    )


def parsed(envelope: Any) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)  # type: ignore[return-value]


def test_the_mail_arrives_with_html_and_text_parts_and_our_message_id(shop, templates, smtp) -> None:
    message = queue_mail(shop)
    assert message_send_due() == {"sent": 1}
    [envelope] = smtp.mails
    assert envelope.rcpt_tos == ["younghee@example.com"]
    mail = parsed(envelope)
    assert mail["Message-ID"] == f"<{message.uid}@dangol.example.com>"
    assert str(mail["Subject"]) == "접수 안내"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert (
        "김영희님, 문의가 접수되었습니다. 접수번호 V-7" in text and "접수번호 V-7" in html and "<html" in html
    )
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_message_id == mail["Message-ID"]


def test_an_advertising_mail_offers_one_click_unsubscribe(shop, templates, smtp) -> None:
    consent_set(customer=shop["kim"], purpose="marketing_email", granted=True, source="매장")
    message = services.message_queue(
        customer=shop["kim"], template_code="coffee_promo", purpose_ref="promo:1", now=kst(2026, 12, 1, 10)
    )
    message_send_due(now=kst(2026, 12, 1, 10, 1))
    mail = parsed(smtp.mails[0])
    assert str(mail["Subject"]) == "(광고) 겨울 신메뉴"
    assert str(mail["List-Unsubscribe"]).strip() == f"<{message.provider_options['optout_url']}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_permanent_smtp_refusal_fails_the_message_with_the_servers_reason(shop, templates, smtp) -> None:
    smtp.refuse = "550 5.1.1 mailbox unavailable"
    message = queue_mail(shop)
    assert message_send_due() == {"failed": 1}
    message.refresh_from_db()
    assert message.status == "failed" and "mailbox unavailable" in message.provider_reason


def test_a_temporary_smtp_refusal_is_retried_later(shop, templates, smtp) -> None:
    smtp.refuse = "451 4.3.0 try again later"
    message = queue_mail(shop)
    assert message_send_due() == {"retry": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert 60 <= (message.next_attempt_at - message.sending_started_at).total_seconds() < 70  # back-off
    smtp.refuse = None
    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.sending_started_at)
    assert message_send_due() == {"sent": 1} and len(smtp.mails) == 1


def test_a_mail_server_that_is_down_means_try_again(shop, templates, settings) -> None:
    settings.DANGOL_MESSAGING_EMAIL_VIA = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    queue_mail(shop)
    assert message_send_due() == {"retry": 1}


def test_after_a_crash_a_mail_is_marked_unknown_never_sent_twice(shop, templates, smtp) -> None:
    message = queue_mail(shop)
    Message.objects.filter(pk=message.pk).update(status="sending", sending_started_at=kst(2026, 12, 1, 10))
    assert messages_reconcile(now=kst(2026, 12, 1, 10, 9)) == {}  # not stuck long enough yet
    assert messages_reconcile(now=kst(2026, 12, 1, 10, 11)) == {"unknown": 1}
    message.refresh_from_db()
    assert message.status == "unknown" and "알 수 없습니다" in message.provider_reason
    assert message_send_due() == {} and smtp.mails == []
