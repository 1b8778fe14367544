"""Error messages go through gettext: an English user gets English, a Korean user the Korean source.

Needs the compiled catalogue (dangol/locale/en/LC_MESSAGES/django.mo, built by `make test`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.customers.services import clean_customer_fields, customers_merge
from dangol.imports.services import run_import
from dangol.messaging.rules import MessagingError, sender_check, text_channel
from dangol.promises.services import promise_make
from dangol.rewards.ledger import InsufficientPoints
from dangol.surveys.kano import KanoInputError, read_csv
from dangol.voc.models import Case
from dangol.voc.services import case_reopen


def test_phone_validation_speaks_english() -> None:
    with translation.override("en"), pytest.raises(InvalidPhone) as caught:
        normalize_phone("12345")
    assert str(caught.value) == "Not a valid Korean phone number: 12345"


def test_customer_field_errors_speak_english() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        clean_customer_fields({"name": "", "phone": "010-123", "gender": "X"})
    assert caught.value.message_dict == {
        "name": ["The name cannot be empty."],
        "phone": ["A mobile number must be 010 followed by 8 digits: 010-123"],
        "gender": ["Gender must be one of F, M, O."],
    }


def test_the_same_errors_stay_korean_for_a_korean_user() -> None:
    with translation.override("ko"), pytest.raises(ValidationError) as caught:
        clean_customer_fields({"phone": "010-123"})
    assert caught.value.message_dict == {"phone": ["휴대전화 번호는 010 뒤에 8자리여야 합니다: 010-123"]}


def test_merging_a_customer_into_itself_speaks_english(shop: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        customers_merge(survivor=shop["hong"], merged=shop["hong"], by=shop["admin"])
    assert caught.value.messages == ["A customer cannot be merged into itself."]


def test_an_empty_promise_speaks_english(shop: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        promise_make(
            customer=shop["hong"],
            owner=shop["agent"],
            text=" ",
            due_at=timezone.now() + dt.timedelta(hours=1),
            by=shop["agent"],
        )
    assert caught.value.message_dict == {"text": ["Enter what was promised."]}


def test_import_file_errors_speak_english(db: Any, tmp_path: Path) -> None:
    wrong_kind = tmp_path / "customers.pdf"
    wrong_kind.write_bytes(b"%PDF-1.4")
    no_name = tmp_path / "customers.csv"
    no_name.write_text("external_id,phone\nC1,010-1234-5678\n", encoding="utf-8")
    with translation.override("en"):
        unreadable = run_import(kind="customers", path=wrong_kind, filename=wrong_kind.name)
        missing = run_import(kind="customers", path=no_name, filename=no_name.name)
    assert unreadable.message == "Only CSV (.csv) or Excel (.xlsx) files can be uploaded."
    assert missing.message == "Required columns are missing: name. Check the column names in the first line."
    assert not unreadable.written and not missing.written


def test_kano_file_errors_speak_english() -> None:
    with translation.override("en"), pytest.raises(KanoInputError) as caught:
        read_csv("attribute,functional\nwifi,1\n")
    assert str(caught.value) == (
        "Required columns are missing: dysfunctional. The first line must be attribute,functional,dysfunctional."
    )


def test_reopening_a_case_without_a_reason_speaks_english(shop: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        case_reopen(case=Case(), by=shop["agent"], reason=" ")
    assert caught.value.message_dict == {"reason": ["Enter a reason for reopening."]}


def test_redeeming_more_points_than_available_speaks_english() -> None:
    with translation.override("en"):
        refusal = InsufficientPoints(available=1200, wanted=5000)
    assert refusal.messages == ["Only 1,200 points are available; 5,000 were asked for."]
    with translation.override("ko"):
        refusal = InsufficientPoints(available=1200, wanted=5000)
    assert refusal.messages == ["사용 가능한 포인트(1,200P)보다 많은 5,000P를 쓸 수 없습니다."]


def test_an_unregistered_sender_number_speaks_english() -> None:
    with translation.override("en"), pytest.raises(MessagingError) as caught:
        sender_check("010-9999-9999", ["02-123-4567"])
    assert caught.value.messages == [
        "Unregistered sender number: 010-9999-9999. "
        "Messages can be sent only from the pre-registered numbers (02-123-4567)."
    ]


def test_a_character_outside_euc_kr_names_itself_in_english() -> None:
    with translation.override("en"), pytest.raises(MessagingError) as caught:
        text_channel("주문 확인 🙂")
    assert caught.value.messages[0].startswith(
        "The text message contains a character that cannot be sent, '🙂' (U+1F642, character 7)."
    )
