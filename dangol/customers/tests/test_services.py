import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangol.customers.models import ConsentEvent, ConsentStage, Customer
from dangol.customers.services import (
    ConflictError,
    consent_set,
    customer_create,
    customer_update,
    customers_merge,
    duplicates_of,
    note_add,
)
from dangol.interactions.services import interaction_log
from dangol.orders.models import Order
from dangol.promises.services import promise_make


def test_customer_phone_is_normalised_and_indexed_by_last4(shop):
    c = customer_create(data={"name": "박민수", "phone": "010 5555 0001"})
    assert c.phone == "010-5555-0001"
    assert c.phone_last4 == "0001"


def test_invalid_profile_fields_are_rejected_with_korean_messages(shop):
    with pytest.raises(ValidationError) as info:
        customer_create(data={"name": "", "phone": "12-34", "email": "not-an-email"})
    assert set(info.value.message_dict) == {"name", "phone", "email"}


def test_consent_stage_follows_required_and_marketing_consents(shop):
    kim = shop["kim"]
    assert kim.consent_stage == ConsentStage.NONE
    consent_set(customer=kim, purpose="terms", granted=True, source="웹")
    consent_set(customer=kim, purpose="privacy", granted=True, source="웹")
    assert Customer.objects.get(pk=kim.pk).consent_stage == ConsentStage.REQUIRED
    consent_set(customer=kim, purpose="marketing_kakao", granted=True, source="웹")
    assert Customer.objects.get(pk=kim.pk).consent_stage == ConsentStage.MARKETING_PARTIAL
    consent_set(customer=kim, purpose="marketing_kakao", granted=False, source="수신거부")
    assert Customer.objects.get(pk=kim.pk).consent_stage == ConsentStage.REQUIRED
    history = list(ConsentEvent.objects.filter(customer=kim, purpose="marketing_kakao").order_by("id"))
    assert [e.granted for e in history] == [True, False]
    assert history[1].source == "수신거부"


def test_optimistic_version_stops_a_lost_update(shop):
    hong = shop["hong"]
    stale = hong.version
    customer_update(customer=hong, data={"preferred_name": "길동님"})
    with pytest.raises(ConflictError):
        customer_update(customer=hong, data={"preferred_name": "홍 선생님"}, expected_version=stale)
    assert Customer.objects.get(pk=hong.pk).preferred_name == "길동님"


def test_merge_moves_all_history_to_the_survivor(shop):
    hong = shop["hong"]
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678", "external_id": "LEGACY-9"})
    assert duplicates_of(hong) == [dup]
    interaction_log(
        customer=dup, touchpoint=shop["call"], type="inquiry", summary="배송 문의", staff=shop["agent"]
    )
    note_add(customer=dup, body="예전 시스템 메모", by=shop["agent"])
    Order.objects.create(external_id="O-1", customer=dup, ordered_at=timezone.now(), total_amount=10000)
    promise_make(
        customer=dup,
        owner=shop["agent"],
        text="콜백",
        due_at=timezone.now() + dt.timedelta(days=1),
        by=shop["agent"],
    )
    consent_set(customer=dup, purpose="marketing_email", granted=True, source="구 시스템")

    merge = customers_merge(survivor=hong, merged=dup, by=shop["manager"])

    counts = merge.moved["counts"]
    assert counts["interactions.Interaction.customer"] == 1 and counts["orders.Order.customer"] == 1
    assert counts["customers.Note.customer"] == 1
    assert hong.interactions.count() == 1 and hong.orders.count() == 1 and hong.promises.count() == 1
    assert hong.consents.get(purpose="marketing_email").granted is True
    dup.refresh_from_db()
    assert dup.status == Customer.Status.MERGED and dup.merged_into_id == hong.pk
    assert merge.moved["external_id"] == "LEGACY-9"
    with pytest.raises(ValidationError):
        customers_merge(survivor=hong, merged=dup, by=shop["manager"])
