"""SMS, LMS and AlimTalk through the real solapi SDK, pointed at a local server speaking the provider's API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dangol.messaging import services
from dangol.messaging.models import Message
from dangol.messaging.sending import message_send_due, messages_reconcile

pytestmark = pytest.mark.django_db


def text(
    shop: dict[str, Any], body: str = "내일 오전 10시 방문 예정입니다.", ref: str = "visit:1"
) -> Message:
    return services.message_queue(
        customer=shop["hong"], template_code="free_text", variables={"내용": body}, purpose_ref=ref
    )


def make_due(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_an_sms_is_accepted_and_carries_our_id(shop, templates, solapi) -> None:
    message = text(shop)
    assert message_send_due() == {"sent": 1}
    [request] = solapi.requests
    [sent] = request["body"]["messages"]
    assert sent["customFields"] == {"dangol_id": str(message.uid)}
    assert (sent["from"], sent["to"], sent["type"], sent["text"]) == (
        "0212345678",
        "01012345678",
        "SMS",
        "내일 오전 10시 방문 예정입니다.",
    )
    assert request["headers"]["Authorization"].startswith("HMAC-SHA256 ApiKey=NCSTESTKEY")
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_message_id == solapi.received[0]["messageId"]


def test_a_long_text_goes_as_lms_with_a_subject(shop, templates, solapi) -> None:
    services.template_save(template=templates["text"], data={"subject": "방문 안내"}, by=shop["manager"])
    text(shop, body="가" * 46)
    message_send_due()
    sent = solapi.requests[0]["body"]["messages"][0]
    assert (sent["type"], sent["subject"]) == ("LMS", "방문 안내")


@pytest.mark.parametrize("fallback", [True, False])
def test_an_alimtalk_names_its_template_and_whether_an_sms_may_stand_in(
    shop, templates, solapi, fallback
) -> None:
    services.template_save(
        template=templates["ack"], data={"alimtalk_fallback": fallback}, by=shop["manager"]
    )
    services.message_queue(
        customer=shop["hong"],
        template_code="case_ack",
        variables={"접수번호": "V-3"},
        purpose_ref="case:3:ack",
    )
    assert message_send_due() == {"sent": 1}
    sent = solapi.requests[0]["body"]["messages"][0]
    assert sent["type"] == "ATA"
    assert sent["kakaoOptions"]["pfId"] == "KA01PF-TEST"
    assert sent["kakaoOptions"]["templateId"] == "TPL_ACK_01"
    assert sent["kakaoOptions"]["variables"] == {"#{고객명}": "홍길동", "#{접수번호}": "V-3"}
    assert sent["kakaoOptions"]["disableSms"] is (not fallback)


def test_a_message_in_the_failed_list_fails_with_the_providers_reason(shop, templates, solapi) -> None:
    solapi.mode = "fail"
    message = text(shop)
    assert message_send_due() == {"failed": 1}
    message.refresh_from_db()
    assert (message.status, message.provider_status) == ("failed", "1062")
    assert message.provider_reason == "수신번호 형식이 올바르지 않습니다."
    assert message_send_due() == {}  # a permanent failure is not retried


def test_a_server_error_is_retried_with_backoff_then_given_up(shop, templates, solapi, settings) -> None:
    settings.DANGOL_MESSAGING_MAX_ATTEMPTS = 3
    solapi.mode = "error500"
    message = text(shop)
    waits = []
    for _ in range(3):
        outcome = message_send_due()
        message.refresh_from_db()
        if message.status == "queued":
            waits.append(round((message.next_attempt_at - message.sending_started_at).total_seconds() / 60))
            make_due(message)
    assert outcome == {"failed": 1}
    assert waits == [1, 2]  # one minute, then two
    assert message.status == "failed" and "3번 시도" in message.provider_reason
    assert len(solapi.requests) == 3 and solapi.received == []


@pytest.mark.slow
def test_a_slow_answer_is_looked_up_before_any_second_attempt(shop, templates, solapi) -> None:
    solapi.mode = "slow"  # accepts, then answers after the SDK's 5 s timeout
    message = text(shop)
    assert message_send_due() == {"retry": 1}
    message.refresh_from_db()
    assert (message.status, message.check_before_send) == ("queued", True)
    solapi.mode = "ok"
    make_due(message)
    assert message_send_due() == {"sent": 1}
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_message_id == solapi.received[0]["messageId"]
    assert len(solapi.received) == 1  # the provider got it once


def test_a_stuck_message_the_provider_never_got_is_sent_again_once(shop, templates, solapi) -> None:
    message = text(shop)
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    Message.objects.filter(pk=message.pk).update(status="sending", sending_started_at=long_ago, attempts=1)
    assert messages_reconcile() == {"requeued": 1}
    assert message_send_due() == {"sent": 1}
    assert messages_reconcile() == {} and len(solapi.received) == 1


def post_report(client: Client, reports: list[dict[str, Any]], secret: str = "hook-secret") -> Any:  # noqa: S107
    return client.post(
        f"/messages/webhook/solapi/?secret={secret}",
        data=json.dumps(reports),
        content_type="application/json",
    )


def report(message: Message, code: str, status_message: str = "") -> dict[str, Any]:
    return {
        "eventDataId": "E1",
        "retryCount": 0,
        "data": {
            "messageId": message.provider_message_id,
            "statusCode": code,
            "statusMessage": status_message,
            "customFields": {"dangol_id": str(message.uid)},
        },
    }


def test_a_delivery_report_posted_to_our_webhook_marks_it_delivered(shop, templates, solapi) -> None:
    message = text(shop)
    message_send_due()
    message.refresh_from_db()
    anonymous = Client()
    assert post_report(anonymous, [report(message, "4000", "수신 완료")], secret="wrong").status_code == 403
    response = post_report(anonymous, [report(message, "4000", "수신 완료")])
    assert response.status_code == 200 and response.json() == {"recorded": 1, "received": 1}
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None
    # A late duplicate, or a contradicting one, never replaces the final status.
    post_report(anonymous, [report(message, "3104", "착신 거절")])
    message.refresh_from_db()
    assert message.status == "delivered"


def test_a_failure_report_records_the_carriers_reason(shop, templates, solapi) -> None:
    message = text(shop)
    message_send_due()
    message.refresh_from_db()
    post_report(Client(), [report(message, "3059", "변작된 발신번호")])
    message.refresh_from_db()
    assert (message.status, message.provider_status, message.provider_reason) == (
        "failed",
        "3059",
        "변작된 발신번호",
    )


def test_a_report_that_beats_our_own_record_of_the_send_wins(shop, templates, solapi) -> None:
    message = text(shop)
    Message.objects.filter(pk=message.pk).update(status="sending", sending_started_at=timezone.now())
    post_report(Client(), [report(message, "4000")])
    message.refresh_from_db()
    assert message.status == "delivered"


def test_a_broken_report_is_refused(shop, templates, solapi) -> None:
    response = Client().post(
        "/messages/webhook/solapi/",
        data="{not json",
        content_type="application/json",
        HTTP_X_DANGOL_WEBHOOK_SECRET="hook-secret",
    )
    assert response.status_code == 400
