"""Queueing through the services and sending through the outbox: the rules as a caller meets them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction

from dangol.customers.services import consent_set, customers_merge
from dangol.messaging import providers, services
from dangol.messaging.models import Message
from dangol.messaging.rules import MessagingError
from dangol.messaging.sending import RateLimiter, message_send_due
from dangol.messaging.tests.conftest import kst

pytestmark = pytest.mark.django_db


def ack(shop: dict[str, Any], ref: str = "case:12:ack", **kw: Any) -> Message:
    args: dict[str, Any] = {
        "customer": shop["hong"],
        "template_code": "case_ack",
        "variables": {"접수번호": "V-12"},
        "purpose_ref": ref,
    }
    args.update(kw)
    return services.message_queue(**args)


def promo(shop: dict[str, Any], who: str = "hong", ref: str = "promo:1", **kw: Any) -> Message:
    return services.message_queue(customer=shop[who], template_code="coffee_promo", purpose_ref=ref, **kw)


def test_an_informational_message_goes_by_the_templates_first_channel(shop, templates) -> None:
    message = ack(shop)
    assert (message.channel, message.status, message.recipient) == ("alimtalk", "queued", "010-1234-5678")
    assert message.body == "홍길동님, 문의가 접수되었습니다. 접수번호 V-12"
    assert message.provider_options == {
        "template_id": "TPL_ACK_01",
        "variables": {"#{고객명}": "홍길동", "#{접수번호}": "V-12"},
        "fallback": True,
    }
    assert message.sender == "02-1234-5678" and message.events.get().status == "queued"


def test_queueing_twice_for_one_purpose_makes_one_message(shop, templates) -> None:
    first = ack(shop)
    again = ack(shop, variables={"접수번호": "V-99"})
    assert again.pk == first.pk and Message.objects.count() == 1


def test_the_row_is_part_of_the_callers_transaction(shop, templates) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        ack(shop)
        raise RuntimeError("the case was not opened after all")
    assert not Message.objects.exists()


def test_an_advert_to_a_consenting_customer_carries_label_sender_and_080(shop, templates) -> None:
    message = promo(shop, now=kst(2026, 12, 1, 10))
    assert (message.channel, message.kind, message.legal_basis) == ("sms", "advertising", "consent")
    assert message.body.startswith("(광고)단골상점 02-1234-5678\n") and message.body.endswith(
        "무료거부 080-123-4567"
    )


def test_an_advert_without_consent_is_stored_blocked_with_its_rule(shop, templates) -> None:
    message = promo(shop, who="kim")
    assert (message.status, message.blocked_rule) == ("blocked", "ad_no_consent")
    assert "마케팅 수신 동의가 없고" in message.blocked_reason
    assert message_send_due() == {}  # nothing due


def test_the_advert_picks_the_channel_the_customer_consented_to(shop, templates) -> None:
    consent_set(customer=shop["kim"], purpose="marketing_email", granted=True, source="매장")
    message = promo(shop, who="kim", now=kst(2026, 12, 1, 10))
    assert (message.channel, message.status, message.recipient) == ("email", "queued", "younghee@example.com")
    assert message.subject == "(광고) 겨울 신메뉴"
    assert message.provider_options["optout_url"].startswith("https://dangol.example.com/messages/optout/")


def test_a_recent_buyer_of_the_same_goods_gets_the_advert_under_the_exemption(shop, templates) -> None:
    now = kst(2026, 12, 1, 10)
    asked: list[tuple[int, str]] = []

    def last_purchase(customer: Any, goods_kind: str) -> dt.datetime | None:
        asked.append((customer.pk, goods_kind))
        return now - relativedelta(months=6)

    providers.register_last_purchase(last_purchase)
    message = promo(shop, who="kim", now=now)
    assert (message.status, message.legal_basis) == ("queued", "transaction_6m")
    assert asked == [(shop["kim"].pk, "커피")]
    assert "6개월 거래 고객 예외" in message.events.get().detail


def test_the_exemption_ends_after_six_months(shop, templates) -> None:
    now = kst(2026, 12, 1, 10)
    providers.register_last_purchase(lambda customer, kind: now - relativedelta(months=6, seconds=1))
    assert promo(shop, who="kim", now=now).blocked_rule == "ad_no_consent"


def test_a_refusal_stops_the_exemption(shop, templates) -> None:
    now = kst(2026, 12, 1, 10)
    providers.register_last_purchase(lambda customer, kind: now)
    for purpose in ("marketing_sms", "marketing_email"):
        consent_set(customer=shop["kim"], purpose=purpose, granted=False, source="가입")
    message = promo(shop, who="kim", now=now)
    assert message.blocked_rule == "ad_consent_withdrawn"


@pytest.mark.parametrize(
    ("moment", "waits_until"),
    [
        (kst(2026, 12, 1, 20, 59), None),
        (kst(2026, 12, 1, 21, 0), kst(2026, 12, 2, 8, 0)),
        (kst(2026, 12, 2, 7, 59), kst(2026, 12, 2, 8, 0)),
        (kst(2026, 12, 2, 8, 0), None),
    ],
)
def test_a_night_advert_is_held_until_8(shop, templates, moment, waits_until) -> None:
    message = promo(shop, now=moment)
    assert message.not_before == waits_until
    assert message.next_attempt_at == (waits_until or moment)


def test_an_email_advert_at_night_is_not_held(shop, templates) -> None:
    consent_set(customer=shop["hong"], purpose="marketing_email", granted=True, source="매장")
    message = promo(shop, channel="email", now=kst(2026, 12, 1, 23))
    assert message.channel == "email" and message.not_before is None


def test_night_consent_lets_the_advert_go_at_night(shop, templates) -> None:
    consent_set(customer=shop["hong"], purpose="marketing_night", granted=True, source="앱 설정")
    assert promo(shop, now=kst(2026, 12, 1, 23)).not_before is None


# ---------------------------------------------------------------- bad input: a Korean error, nothing queued


def test_an_unregistered_sender_is_refused(shop, templates) -> None:
    with pytest.raises(MessagingError) as error:
        ack(shop, channel="sms", sender="010-5555-0000")
    assert "등록되지 않은 발신번호" in error.value.messages[0] and not Message.objects.exists()


def test_a_missing_variable_is_refused(shop, templates) -> None:
    with pytest.raises(MessagingError) as error:
        ack(shop, variables={})
    assert (
        error.value.messages[0] == "템플릿 변수 #{접수번호}의 값이 없습니다." and not Message.objects.exists()
    )


def test_a_3000_byte_text_is_refused(shop, templates) -> None:
    with pytest.raises(MessagingError) as error:
        services.message_queue(
            customer=shop["hong"],
            template_code="free_text",
            variables={"내용": "가" * 1500},
            purpose_ref="x:1",
        )
    assert "3,000바이트" in error.value.messages[0] and not Message.objects.exists()


def test_an_emoji_in_a_text_message_is_refused(shop, templates) -> None:
    with pytest.raises(MessagingError) as error:
        services.message_queue(
            customer=shop["hong"],
            template_code="free_text",
            variables={"내용": "감사합니다🙏"},
            purpose_ref="x:1",
        )
    assert "🙏" in error.value.messages[0] and not Message.objects.exists()


def test_a_caller_can_carry_on_after_a_refusal(shop, templates) -> None:
    with transaction.atomic():
        with pytest.raises(MessagingError):
            ack(shop, variables={})
        ok = ack(shop, ref="case:13:ack")
    assert list(Message.objects.values_list("pk", flat=True)) == [ok.pk]


def test_text_length_decides_between_sms_and_lms(shop, templates) -> None:
    short = services.message_queue(
        customer=shop["hong"], template_code="free_text", variables={"내용": "가" * 45}, purpose_ref="x:1"
    )
    long = services.message_queue(
        customer=shop["hong"], template_code="free_text", variables={"내용": "가" * 46}, purpose_ref="x:2"
    )
    assert (short.channel, long.channel) == ("sms", "lms")


def test_a_customer_without_the_address_is_blocked_not_lost(shop, templates) -> None:
    services.template_save(template=templates["ack"], data={"channels": ["email"]}, by=shop["manager"])
    shop["hong"].email = ""
    shop["hong"].save(update_fields=["email"])
    message = ack(shop)
    assert (message.status, message.blocked_rule) == ("blocked", "no_address")


def test_a_merged_customers_message_goes_to_the_survivor(shop, templates) -> None:
    customers_merge(survivor=shop["hong"], merged=shop["kim"], by=shop["manager"])
    shop["kim"].refresh_from_db()
    assert ack(shop, customer=shop["kim"]).customer_id == shop["hong"].pk


# ---------------------------------------------------------------- the send loop (outbox channel)


def test_the_outbox_stores_and_marks_sent_without_sending(shop, templates) -> None:
    message = ack(shop)
    assert message_send_due() == {"sent": 1}
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_message_id == f"outbox:{message.uid}"
    assert [e.status for e in message.events.all()] == ["queued", "sending", "sent"]
    assert message_send_due() == {}


def test_a_withdrawal_after_queueing_stops_the_send(shop, templates) -> None:
    message = promo(shop, now=kst(2026, 12, 1, 10))
    consent_set(customer=shop["hong"], purpose="marketing_sms", granted=False, source="고객센터 전화")
    assert message_send_due(now=kst(2026, 12, 1, 10, 5)) == {"blocked": 1}
    message.refresh_from_db()
    assert (message.status, message.blocked_rule) == ("blocked", "ad_consent_withdrawn")
    assert "발송 직전 확인" in message.events.last().detail


def test_an_advert_queued_at_2059_and_picked_up_at_2100_waits_for_morning(shop, templates) -> None:
    message = promo(shop, now=kst(2026, 12, 1, 20, 59))
    assert message_send_due(now=kst(2026, 12, 1, 21, 0)) == {"deferred": 1}
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at, message.attempts) == ("queued", kst(2026, 12, 2, 8), 0)
    assert message_send_due(now=kst(2026, 12, 2, 7, 59)) == {}
    assert message_send_due(now=kst(2026, 12, 2, 8, 0)) == {"sent": 1}


def test_a_message_claimed_by_another_worker_is_not_sent_again(shop, templates) -> None:
    message = ack(shop)
    Message.objects.filter(pk=message.pk).update(status="sending")  # the other worker's claim
    assert message_send_due() == {}


def test_the_rate_limit_spaces_messages_per_channel() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter({"sms": 4.0, "email": 1.0}, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        limiter.wait("sms")
    limiter.wait("email")
    assert slept == [0.25, 0.25]  # the third SMS waits; e-mail has its own budget
    assert clock[0] == pytest.approx(0.5)
