"""수신동의 여부 확인: every two years from consent (or from the last reminder), once per period."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta

from dangol.customers.services import consent_set
from dangol.messaging.models import ConsentReminder, Message
from dangol.messaging.reminders import consent_reminders_send
from dangol.messaging.tests.conftest import kst

pytestmark = pytest.mark.django_db

GRANTED = kst(2024, 3, 10, 14, 0)


@pytest.fixture
def consenting(shop):
    """홍길동 agreed to marketing SMS and e-mail on 2024-03-10; 김영희 never agreed."""
    for purpose in ("marketing_sms", "marketing_email"):
        consent_set(customer=shop["hong"], purpose=purpose, granted=True, source="가입", at=GRANTED)
    return shop["hong"]


def test_no_reminder_a_second_before_two_years(consenting) -> None:
    assert consent_reminders_send(now=GRANTED + relativedelta(years=2) - relativedelta(seconds=1)) == 0
    assert not ConsentReminder.objects.exists()


def test_at_two_years_the_customer_is_told_what_they_consented_to_and_when(consenting) -> None:
    now = GRANTED + relativedelta(years=2)
    assert consent_reminders_send(now=now) == 1
    reminder = ConsentReminder.objects.get()
    assert reminder.customer == consenting and reminder.anchor_at == GRANTED
    assert [p["purpose"] for p in reminder.purposes] == ["marketing_sms", "marketing_email"]
    message = reminder.message
    assert (message.kind, message.channel, message.status) == ("informational", "lms", "queued")
    assert "마케팅 문자(2024-03-10), 마케팅 이메일(2024-03-10)" in message.body
    assert "/messages/optout/" in message.body and "무료거부 080-123-4567" in message.body


def test_a_second_run_in_the_same_period_does_nothing(consenting) -> None:
    now = GRANTED + relativedelta(years=2)
    consent_reminders_send(now=now)
    assert consent_reminders_send(now=now + relativedelta(days=1)) == 0
    assert consent_reminders_send(now=now + relativedelta(years=2) - relativedelta(seconds=1)) == 0
    assert ConsentReminder.objects.count() == 1 and Message.objects.count() == 1


def test_the_next_reminder_comes_two_years_after_the_last(consenting) -> None:
    first = GRANTED + relativedelta(years=2, days=3)
    consent_reminders_send(now=first)
    assert consent_reminders_send(now=first + relativedelta(years=2)) == 1
    assert list(ConsentReminder.objects.order_by("reminded_at").values_list("anchor_at", flat=True)) == [
        GRANTED,
        first,
    ]


def test_a_withdrawn_consent_is_not_reminded(consenting) -> None:
    for purpose in ("marketing_sms", "marketing_email"):
        consent_set(customer=consenting, purpose=purpose, granted=False, source="고객 요청", at=GRANTED)
    assert consent_reminders_send(now=GRANTED + relativedelta(years=3)) == 0
