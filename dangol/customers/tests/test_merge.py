"""Merging two customer records moves everything that belongs to the person, and can be undone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.utils import timezone

from dangol.customers import merging
from dangol.customers.models import Consent, ConsentEvent, Customer, CustomerMerge, Note, Preference
from dangol.customers.services import (
    consent_set,
    customer_create,
    customers_merge,
    customers_unmerge,
    note_add,
    preference_set,
)
from dangol.interactions.models import Interaction
from dangol.interactions.services import interaction_log
from dangol.loyalty.models import CustomerValue
from dangol.orders.models import Order
from dangol.promises.models import Promise
from dangol.promises.services import promise_make
from dangol.surveys.models import Invitation, Response
from dangol.surveys.services import invitation_create, response_record
from dangol.surveys.tests.conftest import build_customer_survey
from dangol.voc.flags import active_flag, customer_flag
from dangol.voc.models import Case, CaseEvent, CustomerFlag
from dangol.voc.services import case_open


def _relations_to_customer() -> set[str]:
    """Walk the model registry directly (not through the code under test): every reverse relation to
    Customer, hidden ones and many-to-many tables included."""
    keys = set()
    for rel in Customer._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        if rel.many_to_many:
            through = rel.through  # type: ignore[union-attr]
            keys |= {
                f"{through._meta.label}.{f.name}"
                for f in through._meta.get_fields()
                if f.many_to_one and f.related_model is Customer
            }
        else:
            keys.add(f"{rel.related_model._meta.label}.{rel.field.name}")  # type: ignore[union-attr]
    for m2m in Customer._meta.many_to_many:
        through = m2m.remote_field.through  # type: ignore[union-attr]
        keys |= {
            f"{through._meta.label}.{f.name}"
            for f in through._meta.get_fields()
            if f.many_to_one and f.related_model is Customer
        }
    return keys


def test_every_relation_to_customer_has_a_merge_rule():
    relations = _relations_to_customer()
    public = {f"{r.related_model._meta.label}.{r.field.name}" for r in Customer._meta.related_objects}
    assert public <= relations
    # The walk really sees the apps above customers, the one-to-one value and the tags table.
    assert {
        "voc.Case.customer",
        "voc.CustomerFlag.customer",
        "surveys.Invitation.customer",
        "surveys.Response.customer",
        "loyalty.CustomerValue.customer",
        "customers.Customer_tags.customer",
        "customers.Customer.merged_into",
    } <= relations
    rules = {rule.key: rule for rule in merging.merge_rules()}
    assert sorted(relations - rules.keys()) == []
    for key in relations:
        rule = rules[key]
        assert (rule.move is not None and rule.undo is not None) or rule.stays, key


def test_a_relation_without_a_rule_stops_the_merge_and_the_system_check(shop, monkeypatch):
    monkeypatch.delitem(merging._RULES, "voc.CustomerFlag.customer")
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    with pytest.raises(ImproperlyConfigured, match="voc.CustomerFlag.customer"):
        customers_merge(survivor=shop["hong"], merged=dup, by=shop["manager"])
    assert Customer.objects.get(pk=dup.pk).status == Customer.Status.ACTIVE
    with pytest.raises(SystemCheckError, match="customers.E001"):
        call_command("check")


def _dup_with_everything(shop: dict[str, Any]) -> dict[str, Any]:
    """A duplicate of 홍길동 with one row of every kind of record that points at a customer."""
    now = timezone.now()
    dup = customer_create(
        data={
            "name": "홍길동",
            "phone": "010-1234-5678",
            "external_id": "LEGACY-9",
            "gender": "M",
            "joined_at": now - dt.timedelta(days=900),
        },
        tags=["앱전용"],
    )
    agent, survey = shop["agent"], build_customer_survey(shop)
    rows: dict[str, Any] = {"dup": dup}
    rows["interaction"] = interaction_log(
        customer=dup, touchpoint=shop["call"], type="inquiry", summary="배송 문의", staff=agent
    )
    rows["order"] = Order.objects.create(external_id="O-1", customer=dup, ordered_at=now, total_amount=10000)
    rows["promise"] = promise_make(
        customer=dup, owner=agent, text="콜백", due_at=now + dt.timedelta(days=1), by=agent
    )
    rows["note"] = note_add(customer=dup, body="예전 시스템 메모", by=agent)
    rows["preference"] = preference_set(customer=dup, key="신발 사이즈", value="270", by=agent)
    # A purpose 홍길동 never decided (the row moves) and a newer decision on one he did (it wins).
    rows["consent"] = consent_set(customer=dup, purpose="marketing_email", granted=True, source="구 시스템")
    consent_set(customer=dup, purpose="marketing_sms", granted=False, source="수신거부")
    rows["consent_events"] = list(ConsentEvent.objects.filter(customer=dup))
    rows["case"] = case_open(customer=dup, kind="complaint", title="환불이 안 됩니다", by=agent)
    rows["flag"] = customer_flag(
        customer=dup, type="belligerent", evidence="상담원에게 반복적으로 폭언(3회, 녹취 있음)", by=agent
    )
    rows["invitation"], _ = invitation_create(survey=survey, customer=dup)
    rows["response"], _ = response_record(
        survey=survey,
        data={"overall": "5", "recommend": "10", "kindness": "5", "price": "4"},
        customer=dup,
        followup=False,
    )
    rows["value"] = CustomerValue.objects.create(
        customer=dup, computed_at=now, stage="regular", value_tier="superior", clv=120000
    )
    return rows


_MOVED = {
    "interaction": Interaction,
    "order": Order,
    "promise": Promise,
    "note": Note,
    "preference": Preference,
    "consent": Consent,
    "case": Case,
    "flag": CustomerFlag,
    "invitation": Invitation,
    "response": Response,
}


def _owner(model: Any, pk: int) -> int:
    return model.objects.values_list("customer_id", flat=True).get(pk=pk)


def test_merge_moves_every_kind_of_record_and_the_360_page_shows_them(as_manager: Client, shop):
    hong, rows = shop["hong"], _dup_with_everything(shop)
    dup = rows["dup"]

    page = as_manager.post(f"/customers/{hong.pk}/merge/", {"other": dup.pk}, follow=True).content.decode()

    for name, model in _MOVED.items():
        assert _owner(model, rows[name].pk) == hong.pk, name
    assert {e.pk for e in rows["consent_events"]} <= set(
        ConsentEvent.objects.filter(customer=hong).values_list("pk", flat=True)
    )
    assert hong.consents.get(purpose="marketing_sms").granted is False  # the newer decision won
    assert CustomerValue.objects.get(customer=hong).stale is True
    assert not CustomerValue.objects.filter(customer=dup).exists()
    assert set(hong.tags.values_list("name", flat=True)) == {"VIP", "앱전용"}
    dup.refresh_from_db()
    assert dup.status == Customer.Status.MERGED and dup.merged_into_id == hong.pk and dup.external_id is None
    hong.refresh_from_db()
    assert hong.gender == "M" and hong.joined_at == dup.joined_at

    # The page says what moved, kind by kind, and shows the case and the flag that came with the merge.
    assert "모든 기록" not in page
    for text in (
        "VOC 건 1건",
        "불량고객 기록 1건",
        "설문 응답 1건",
        "설문 초대 1건",
        "고객 가치 1건",
        "주문 1건",
    ):
        assert text in page, text
    assert rows["case"].number in page
    assert 'id="flag-badge"' in page and "호전형" in page
    assert 'id="value-stale"' in page
    merge = CustomerMerge.objects.get(merged=dup)
    assert merge.moved["ids"]["voc.Case.customer"] == [rows["case"].pk]
    assert merge.moved["counts"]["surveys.Response.customer"] == 1
    assert merge.moved["external_id"] == "LEGACY-9"
    assert CaseEvent.objects.filter(case=rows["case"], kind="customer_merged").exists()


def test_undo_puts_back_every_row_that_moved(as_manager: Client, shop):
    hong, rows = shop["hong"], _dup_with_everything(shop)
    dup = rows["dup"]
    hong_before = Customer.objects.get(pk=hong.pk)
    merge = customers_merge(survivor=hong, merged=dup, by=shop["manager"])

    page = as_manager.post(f"/customers/merges/{merge.pk}/undo/", follow=True)

    assert page.redirect_chain[-1][0] == f"/customers/{dup.pk}/"
    text = page.content.decode()
    assert "병합을 취소했습니다" in text and "VOC 건 1건" in text
    for name, model in _MOVED.items():
        assert _owner(model, rows[name].pk) == dup.pk, name
    assert set(ConsentEvent.objects.filter(customer=dup).values_list("pk", flat=True)) == {
        e.pk for e in rows["consent_events"]
    }
    assert hong.consents.get(purpose="marketing_sms").granted is True  # 홍길동's own decision is back
    assert not hong.consents.filter(purpose="marketing_email").exists()
    assert CustomerValue.objects.get(customer=dup).clv == 120000
    assert not CustomerValue.objects.filter(customer=hong).exists()
    assert list(hong.tags.values_list("name", flat=True)) == ["VIP"]
    dup.refresh_from_db()
    assert (
        dup.status == Customer.Status.ACTIVE and dup.merged_into_id is None and dup.external_id == "LEGACY-9"
    )
    hong.refresh_from_db()
    assert (hong.gender, hong.joined_at, hong.consent_stage) == (
        hong_before.gender,
        hong_before.joined_at,
        hong_before.consent_stage,
    )
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == shop["manager"]
    assert CaseEvent.objects.filter(case=rows["case"], kind="customer_unmerged").exists()
    assert [h["action"] for h in CustomerFlag.objects.get(pk=rows["flag"].pk).history][-2:] == [
        "customer_merged",
        "customer_unmerged",
    ]


def test_a_second_undo_is_refused(as_manager: Client, shop):
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    note_add(customer=dup, body="메모", by=shop["agent"])
    merge = customers_merge(survivor=shop["hong"], merged=dup, by=shop["manager"])
    customers_unmerge(merge=merge, by=shop["manager"])
    with pytest.raises(ValidationError, match="이미 취소된 병합입니다"):
        customers_unmerge(merge=merge, by=shop["manager"])
    page = as_manager.post(f"/customers/merges/{merge.pk}/undo/", follow=True).content.decode()
    assert "이미 취소된 병합입니다" in page
    assert Note.objects.get(customer=dup).body == "메모"


def test_undo_is_refused_while_a_later_merge_involves_either_customer(shop):
    hong, kim = shop["hong"], shop["kim"]
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    first = customers_merge(survivor=hong, merged=dup, by=shop["manager"])
    later = customers_merge(survivor=kim, merged=hong, by=shop["manager"])
    with pytest.raises(ValidationError, match="나중 병합을 먼저 취소하세요"):
        customers_unmerge(merge=first, by=shop["manager"])
    customers_unmerge(merge=later, by=shop["manager"])
    customers_unmerge(merge=first, by=shop["manager"])
    assert Customer.objects.get(pk=dup.pk).status == Customer.Status.ACTIVE


def test_undo_button_is_for_managers_only(as_agent: Client, shop):
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    merge = customers_merge(survivor=shop["hong"], merged=dup, by=shop["manager"])
    page = as_agent.get(f"/customers/{shop['hong'].pk}/").content.decode()
    assert 'id="customer-merges"' in page and f"/customers/merges/{merge.pk}/undo/" not in page
    assert as_agent.post(f"/customers/merges/{merge.pk}/undo/").status_code == 403
    assert Customer.objects.get(pk=dup.pk).status == Customer.Status.MERGED


def test_an_open_flag_follows_the_person_and_both_flags_are_kept(shop):
    hong, agent = shop["hong"], shop["agent"]
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    flag = customer_flag(
        customer=dup, type="thief", evidence="매장 CCTV로 확인된 도난 2회 (3월 2일, 5일)", by=agent
    )
    assert active_flag(hong.pk) is None

    customers_merge(survivor=hong, merged=dup, by=shop["manager"])

    assert active_flag(hong.pk) == flag
    assert active_flag(dup.pk) is None
    assert CustomerFlag.objects.get(pk=flag.pk).history[-1]["action"] == "customer_merged"

    other = customer_create(data={"name": "홍길동", "email": "gildong@example.com"})
    second = customer_flag(
        customer=other, type="rule_breaker", evidence="반품 규정 위반 반복 (영수증 위조 2회)", by=agent
    )
    customers_merge(survivor=hong, merged=other, by=shop["manager"])
    assert set(CustomerFlag.objects.filter(customer=hong).values_list("pk", flat=True)) == {
        flag.pk,
        second.pk,
    }


def test_undo_keeps_a_consent_decided_after_the_merge(shop):
    hong = shop["hong"]
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    consent_set(customer=dup, purpose="marketing_kakao", granted=True, source="구 시스템")
    merge = customers_merge(survivor=hong, merged=dup, by=shop["manager"])
    # The customer withdraws on the surviving record; undoing the merge must not bring the old "yes" back.
    consent_set(customer=hong, purpose="marketing_kakao", granted=False, source="수신거부")

    merge = customers_unmerge(merge=merge, by=shop["manager"])

    assert hong.consents.get(purpose="marketing_kakao").granted is False
    assert merge.moved["returned"]["counts"].get("customers.Consent.customer", 0) == 0


def test_the_survivors_value_is_stale_until_the_next_value_run(shop, tmp_path):
    from dangol.loyalty.models import ValueRun
    from dangol.loyalty.services import _write_back
    from dangol.loyalty.tests.test_value import row, scorecard

    hong, now = shop["hong"], timezone.now()
    CustomerValue.objects.create(customer=hong, computed_at=now, stage="regular")
    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    CustomerValue.objects.create(customer=dup, computed_at=now, stage="first_purchase")

    merge = customers_merge(survivor=hong, merged=dup, by=shop["manager"])

    assert "loyalty.CustomerValue.customer" not in merge.moved["counts"]  # the survivor kept its own
    assert CustomerValue.objects.get(customer=hong).stale is True
    run = ValueRun.objects.create(end_date=now.date())
    _write_back(scorecard(tmp_path / "scores.parquet", [row(hong.pk)]), run)
    assert CustomerValue.objects.get(customer=hong).stale is False
