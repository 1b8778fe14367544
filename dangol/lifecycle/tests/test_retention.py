"""The destruction job on a constructed history, with a simulated clock."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import login
from dangol.customers.forgetting import FORGOTTEN_TEXT
from dangol.customers.merging import relations_to_customer
from dangol.customers.models import Customer
from dangol.lifecycle import retention
from dangol.lifecycle.models import DestructionLog
from dangol.lifecycle.tests.conftest import text_values
from dangol.messaging.models import Message
from dangol.orders.models import Order
from dangol.privacy.models import AccessLog
from dangol.voc.business_time import SEOUL
from dangol.voc.models import Case

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=SEOUL)
OLD_MARKERS = ("박옛날", "01077778888", "7777-8888", "old@example.com", "옛날고객메모")


def at(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 10, 0, tzinfo=SEOUL)


@pytest.fixture
def past(shop: dict[str, Any], ad_template: Any) -> dict[str, Any]:
    from dangol.customers.services import consent_set, customer_create, note_add
    from dangol.interactions.services import interaction_log
    from dangol.messaging.services import message_queue
    from dangol.privacy.services import access_log_write
    from dangol.voc.services import case_open

    old = customer_create(
        data={
            "name": "박옛날",
            "phone": "01077778888",
            "email": "old@example.com",
            "joined_at": at(2020, 1, 1),
        }
    )
    note_add(customer=old, body="옛날고객메모 박옛날 단골", by=shop["agent"])
    old_order = Order.objects.create(
        external_id="ORD-OLD-1", customer=old, ordered_at=at(2020, 3, 1), total_amount=30000
    )
    interaction_log(
        customer=old,
        touchpoint=shop["store"],
        type="visit",
        summary="박옛날 방문",
        occurred_at=at(2020, 3, 2),
    )
    old_case = case_open(
        customer=old, kind="complaint", title="박옛날 불만", body="01077778888 회신", opened_at=at(2020, 3, 3)
    )
    hong = shop["hong"]
    Order.objects.create(
        external_id="ORD-HONG-NEW", customer=hong, ordered_at=at(2026, 11, 1), total_amount=9000
    )
    hong_old_case = case_open(
        customer=hong,
        kind="complaint",
        title="홍길동 2022년 불만",
        body="테헤란로 1 배송",
        opened_at=at(2022, 6, 1),
        callback_phone="01012345678",
    )
    hong_new_case = case_open(
        customer=hong, kind="inquiry", title="홍길동 최근 문의", opened_at=at(2026, 10, 1)
    )
    kim = shop["kim"]
    consent_set(customer=kim, purpose="marketing_sms", granted=True, source="가입")
    advert = message_queue(customer=kim, purpose_ref="test:kim:ad", template=ad_template)
    Message.objects.filter(pk=advert.pk).update(status="sent")
    consent_set(customer=kim, purpose="marketing_sms", granted=False, source="수신거부")
    hong_ad = message_queue(customer=hong, purpose_ref="test:hong:ad", template=ad_template)
    Message.objects.filter(pk=hong_ad.pk).update(status="sent")
    old_log = access_log_write(staff=shop["manager"], action="view", fields=["name"], customer_id=hong.pk)
    new_log = access_log_write(staff=shop["manager"], action="view", fields=["name"], customer_id=hong.pk)
    AccessLog.objects.filter(pk=old_log.pk).update(at=at(2025, 6, 1))
    AccessLog.objects.filter(pk=new_log.pk).update(at=at(2026, 6, 1))
    return {
        "old": old,
        "old_order": old_order,
        "old_case": old_case,
        "hong_old_case": hong_old_case,
        "hong_new_case": hong_new_case,
        "advert": advert,
        "hong_ad": hong_ad,
        "old_log": old_log,
        "new_log": new_log,
    }


def test_policy_shows_what_is_due(shop: dict[str, Any], past: dict[str, Any]) -> None:
    rows = {p.rule.code: p for p in retention.policy_rows(NOW)}
    assert rows["inactive"].due_now == 1 and rows["inactive"].period == "3년"
    assert rows["complaints"].due_now == 2  # 박옛날's 2020 case and 홍길동's 2022 one
    assert rows["marketing"].due_now == 1  # 김영희 withdrew; 홍길동 still consents
    assert rows["access_logs"].due_now == 1 and rows["access_logs"].period == "1년"
    assert rows["contracts"].due_now == 0  # nobody is forgotten yet
    # Thirty days on, 홍길동's 2026-06 access log is not yet due; nothing new becomes due.
    assert rows["access_logs"].due_soon == 0


def test_destruction_run_on_a_simulated_clock(shop: dict[str, Any], past: dict[str, Any]) -> None:
    out = StringIO()
    call_command("lifecycle_destroy", "--now", NOW.isoformat(), stdout=out)
    result = json.loads(out.getvalue())
    assert result == {"inactive": 1, "complaints": 1, "contracts": 1, "marketing": 1, "access_logs": 1}

    # The inactive customer is gone as a person; his order (amounts, date) stays under a pseudonym.
    old = Customer.objects.get(pk=past["old"].pk)
    assert old.status == "forgotten" and old.name == f"파기된 고객 #{old.pk}" and old.phone == old.email == ""
    order = Order.objects.get(pk=past["old_order"].pk)
    assert (order.customer_id, order.total_amount, order.ordered_at) == (old.pk, 30000, at(2020, 3, 1))
    assert order.external_id == f"파기-{order.pk}"
    leftovers = []
    for model, field in relations_to_customer():
        for obj in model._default_manager.filter(**{field: old}):
            leftovers += [v for v in text_values(obj) for m in OLD_MARKERS if m in v]
    assert leftovers == [] and not any(m in v for v in text_values(old) for m in OLD_MARKERS)
    case = Case.objects.get(pk=past["old_case"].pk)
    assert (case.title, case.body, case.kind) == (FORGOTTEN_TEXT, "", "complaint")

    # 홍길동 stays a customer: his 2022 complaint is pseudonymised (3 years), his recent inquiry is not.
    hong = Customer.objects.get(pk=shop["hong"].pk)
    assert hong.status == "active" and hong.name == "홍길동"
    old_case = Case.objects.get(pk=past["hong_old_case"].pk)
    assert (old_case.title, old_case.body, old_case.callback_phone, old_case.customer_id) == (
        FORGOTTEN_TEXT,
        "",
        "",
        hong.pk,
    )
    assert Case.objects.get(pk=past["hong_new_case"].pk).title == "홍길동 최근 문의"
    assert Order.objects.get(external_id="ORD-HONG-NEW").customer_id == hong.pk

    # Marketing data ends with the consent: 김영희's advert keeps its legal facts, not its address or text.
    advert = Message.objects.get(pk=past["advert"].pk)
    assert (advert.recipient, advert.body, advert.kind, advert.status) == (
        "",
        FORGOTTEN_TEXT,
        "advertising",
        "sent",
    )
    assert advert.legal_basis
    assert Message.objects.get(pk=past["hong_ad"].pk).recipient  # he still consents

    # Access logs: the one older than a year is deleted, the recent one kept.
    assert not AccessLog.objects.filter(pk=past["old_log"].pk).exists()
    assert AccessLog.objects.filter(pk=past["new_log"].pk).exists()

    # The log says what, how many, which rule, when — never the data.
    logs = list(DestructionLog.objects.all())
    assert {log.rule for log in logs} == {"inactive", "complaints", "contracts", "marketing", "access_logs"}
    assert all(log.run_for == NOW for log in logs)
    flat = " ".join(f"{log.record_kind} {log.rule} {log.method}" for log in logs)
    for marker in (*OLD_MARKERS, "홍길동", "김영희", "01012345678"):
        assert marker not in flat
    counts = {(log.rule, log.record_kind): log.count for log in logs}
    assert counts[("access_logs", "개인정보 접근 기록")] == 1
    assert counts[("complaints", "VOC 건(불만·분쟁 기록)")] == 1

    # Idempotent: a second run the same day destroys nothing more and logs nothing.
    assert retention.destruction_run(now=NOW) == dict.fromkeys(result, 0)
    assert DestructionLog.objects.count() == len(logs)


def test_access_logs_kept_two_years_for_a_large_processor(
    shop: dict[str, Any], past: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "ACCESS_LOG_LARGE_SCALE", 3)  # the shop has 3 customers here
    assert retention.years("access_logs") == 2
    assert retention.rule("access_logs").due(NOW).count() == 0


def test_settings_override_the_periods(shop: dict[str, Any], past: dict[str, Any], settings: Any) -> None:
    settings.DANGOL_RETENTION = {"inactive": 10}
    assert retention.rule("inactive").due(NOW).count() == 0
    assert retention.rule("inactive").period() == "10년"


def test_bad_clock_is_a_clear_error(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--now 형식"):
        call_command("lifecycle_destroy", "--now", "어제")


def test_retention_page_for_managers_only(client: Client, shop: dict[str, Any], past: dict[str, Any]) -> None:
    retention.destruction_run(now=NOW)
    login(client, shop["agent"])
    assert client.get("/privacy/lifecycle/retention/").status_code == 403
    login(client, shop["manager"])
    page = client.get("/privacy/lifecycle/retention/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in (
        "장기 미이용 고객",
        "소비자 불만·분쟁처리 기록",
        "전자상거래법 시행령 제6조",
        "동의 철회 시",
        "파기 기록",
    ):
        assert text in html
    assert 'id="destruction-log"' in html and "VOC 건(불만·분쟁 기록)" in html
    assert "박옛날" not in html
