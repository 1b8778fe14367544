"""Each rule of dangol.messaging.rules at its boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from dangol.env import EnvError
from dangol.messaging import rules
from dangol.messaging.config import parse_email_url, parse_rates
from dangol.messaging.rules import ConsentState, MessagingError
from dangol.messaging.tests.conftest import kst

# ---------------------------------------------------------------- night time


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (kst(2026, 12, 1, 20, 59, 59), False),
        (kst(2026, 12, 1, 21, 0, 0), True),
        (kst(2026, 12, 2, 7, 59, 59), True),
        (kst(2026, 12, 2, 8, 0, 0), False),
    ],
)
def test_the_night_runs_from_21_to_08_seoul_time(moment: dt.datetime, night: bool) -> None:
    assert rules.is_night(moment) is night
    assert rules.is_night(moment.astimezone(dt.UTC)) is night  # the same moment in UTC


def test_a_night_advert_waits_for_the_next_8_oclock() -> None:
    at_nine = rules.night_deferral(
        kind="advertising", channel="sms", night_consent=False, now=kst(2026, 12, 1, 21)
    )
    at_seven = rules.night_deferral(
        kind="advertising", channel="sms", night_consent=False, now=kst(2026, 12, 2, 7, 59)
    )
    assert at_nine == at_seven == kst(2026, 12, 2, 8, 0)
    assert (
        rules.night_deferral(
            kind="advertising", channel="sms", night_consent=False, now=kst(2026, 12, 1, 20, 59)
        )
        is None
    )
    assert (
        rules.night_deferral(
            kind="advertising", channel="brand", night_consent=False, now=kst(2026, 12, 2, 8)
        )
        is None
    )


def test_email_information_and_night_consent_are_outside_the_night_rule() -> None:
    night = kst(2026, 12, 1, 23, 30)
    assert rules.night_deferral(kind="advertising", channel="email", night_consent=False, now=night) is None
    assert rules.night_deferral(kind="informational", channel="sms", night_consent=False, now=night) is None
    assert rules.night_deferral(kind="advertising", channel="sms", night_consent=True, now=night) is None
    assert (
        rules.night_deferral(kind="advertising", channel="brand", night_consent=False, now=night) is not None
    )


# ---------------------------------------------------------------- consent and the 6-month exemption


NOW = kst(2026, 12, 1, 10, 0)


def test_an_advert_goes_with_consent_for_its_channel() -> None:
    verdict = rules.advertising_allowed(
        channel="sms", consent=ConsentState(True, NOW), last_purchase_at=None, now=NOW
    )
    assert verdict.allowed and verdict.basis == "consent"


def test_without_consent_a_purchase_exactly_six_months_ago_still_counts() -> None:
    edge = NOW - relativedelta(months=6)
    verdict = rules.advertising_allowed(
        channel="sms", consent=ConsentState(None), last_purchase_at=edge, now=NOW
    )
    assert verdict.allowed and verdict.basis == "transaction_6m"


def test_a_purchase_one_second_older_than_six_months_does_not() -> None:
    late = NOW - relativedelta(months=6) - dt.timedelta(seconds=1)
    verdict = rules.advertising_allowed(
        channel="sms", consent=ConsentState(None), last_purchase_at=late, now=NOW
    )
    assert not verdict.allowed and verdict.code == "ad_no_consent"
    assert "6개월" in verdict.reason


def test_a_refusal_wins_over_the_exemption() -> None:
    withdrawn = ConsentState(False, kst(2026, 11, 20, 9))
    verdict = rules.advertising_allowed(channel="email", consent=withdrawn, last_purchase_at=NOW, now=NOW)
    assert not verdict.allowed and verdict.code == "ad_consent_withdrawn"
    assert "2026-11-20" in verdict.reason and "이메일" in verdict.reason


# ---------------------------------------------------------------- the advert's content


def test_a_text_advert_starts_with_the_label_and_ends_with_the_free_080_number() -> None:
    subject, body = rules.ad_decorate(
        channel="sms",
        subject="",
        body="(광고) 신메뉴 출시",
        sender_name="단골상점",
        sender_contact="02-1234-5678",
        optout_phone="080-123-4567",
        optout_url="https://x/optout/t/",
    )
    assert body.startswith("(광고)단골상점 02-1234-5678\n")
    assert body.count("(광고)") == 1  # never twice
    assert body.endswith("무료거부 080-123-4567")


def test_an_email_advert_has_the_label_in_the_subject_and_a_link_at_the_end() -> None:
    subject, body = rules.ad_decorate(
        channel="email",
        subject="겨울 신메뉴",
        body="본문",
        sender_name="단골상점",
        sender_contact="02-1234-5678",
        optout_phone="080-123-4567",
        optout_url="https://x/optout/t/",
    )
    assert subject == "(광고) 겨울 신메뉴"
    assert "단골상점 02-1234-5678" in body and body.endswith("https://x/optout/t/")


@pytest.mark.parametrize("label", ["(광 고)", "(광/고)", "[광고]", "(광-고)"])
def test_a_disguised_label_is_refused_at_save(label: str) -> None:
    problems = rules.template_problems(
        kind="advertising", channels=["sms"], subject="", body=f"{label} 세일", alimtalk_template_id=""
    )
    assert label in problems["body"]


def test_an_informational_alimtalk_template_with_advertising_words_is_refused() -> None:
    problems = rules.template_problems(
        kind="informational",
        channels=["alimtalk"],
        subject="",
        body="주문이 접수되었습니다. 다음 주문 10% 할인 쿠폰을 드려요",
        alimtalk_template_id="TPL1",
    )
    assert "할인" in problems["body"] and "쿠폰" in problems["body"]
    clean = rules.template_problems(
        kind="informational",
        channels=["alimtalk"],
        subject="",
        body="주문이 접수되었습니다.",
        alimtalk_template_id="TPL1",
    )
    assert clean == {}


def test_an_advertising_alimtalk_and_an_alimtalk_without_an_approved_id_are_refused() -> None:
    problems = rules.template_problems(
        kind="advertising", channels=["alimtalk"], subject="", body="신메뉴", alimtalk_template_id=""
    )
    assert "정보성" in problems["kind"] and "템플릿 ID" in problems["alimtalk_template_id"]


# ---------------------------------------------------------------- text, bytes, senders, variables


def test_sms_is_up_to_90_cp949_bytes_and_lms_up_to_2000() -> None:
    assert rules.text_channel("가" * 45) == "sms"  # 90 bytes
    assert rules.text_channel("가" * 45 + "a") == "lms"  # 91
    assert rules.text_channel("a" * 2000) == "lms"
    with pytest.raises(MessagingError) as error:
        rules.text_channel("가" * 1500)  # 3,000 bytes
    assert error.value.rule == "text_too_long" and "3,000바이트" in error.value.messages[0]


def test_an_emoji_is_refused_and_named() -> None:
    with pytest.raises(MessagingError) as error:
        rules.text_channel("감사합니다 😊")
    assert error.value.rule == "text_not_cp949"
    assert "😊" in error.value.messages[0] and "7번째" in error.value.messages[0]


def test_only_a_registered_sender_number_is_used() -> None:
    registered = ["02-1234-5678", "1588-0000"]
    assert rules.sender_check(None, registered) == "02-1234-5678"
    assert rules.sender_check("021234-5678", registered) == "02-1234-5678"
    with pytest.raises(MessagingError) as error:
        rules.sender_check("010-9999-0000", registered)
    assert error.value.rule == "sender_unregistered" and "010-9999-0000" in error.value.messages[0]
    with pytest.raises(MessagingError) as none:
        rules.sender_check(None, [])
    assert none.value.rule == "sender_missing"


def test_a_missing_template_variable_is_named() -> None:
    assert rules.render("#{고객명}님 #{번호}", {"고객명": "홍길동", "번호": 7}) == "홍길동님 7"
    with pytest.raises(MessagingError) as error:
        rules.render("#{고객명}님 접수번호 #{접수번호}", {"고객명": "홍길동"})
    assert "#{접수번호}" in error.value.messages[0] and "#{고객명}" not in error.value.messages[0]


def test_an_alimtalk_that_may_fall_back_to_sms_must_be_sendable_as_sms() -> None:
    rules.alimtalk_check("주문 접수 🎉", fallback=False)
    with pytest.raises(MessagingError):
        rules.alimtalk_check("주문 접수 🎉", fallback=True)


# ---------------------------------------------------------------- settings from the environment


def test_the_email_url_becomes_django_settings() -> None:
    cfg = parse_email_url("smtp://mailer%40shop.kr:p%40ss@mail.shop.kr:587?tls=1")
    assert (cfg["EMAIL_HOST"], cfg["EMAIL_PORT"], cfg["EMAIL_USE_TLS"], cfg["EMAIL_USE_SSL"]) == (
        "mail.shop.kr",
        587,
        True,
        False,
    )
    assert (cfg["EMAIL_HOST_USER"], cfg["EMAIL_HOST_PASSWORD"]) == ("mailer@shop.kr", "p@ss")
    assert parse_email_url("smtps://mail.shop.kr")["EMAIL_PORT"] == 465
    for bad in ("http://x", "smtp://x?tls=maybe", "smtp://x?tls=1&ssl=1", "smtp://x?color=red"):
        with pytest.raises(EnvError):
            parse_email_url(bad)


def test_rates_per_channel() -> None:
    rates = parse_rates("email=5, sms=20", default=10)
    assert rates["email"] == 5 and rates["sms"] == 20 and rates["brand"] == 10
    for bad in ("fax=1", "sms", "sms=0", "sms=fast"):
        with pytest.raises(EnvError):
            parse_rates(bad, default=1)
