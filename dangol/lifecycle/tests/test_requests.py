"""Data-subject requests through the services and the staff pages (real DB, Django test client)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import login
from dangol.customers.models import Customer
from dangol.lifecycle import selectors, services
from dangol.lifecycle.models import SubjectRequest, SubjectRequestEvent
from dangol.lifecycle.services import LifecycleError
from dangol.messaging.models import Message
from dangol.privacy.models import AccessLog
from dangol.voc.business_time import SEOUL

Action = SubjectRequestEvent.Action


def kst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def _open(shop: dict[str, Any], kind: str = "access", **kw: Any) -> SubjectRequest:
    return services.subject_request_open(
        customer=shop["hong"],
        kind=kind,
        channel=kw.pop("channel", "phone"),
        detail=kw.pop("detail", "내 정보"),
        **kw,
    )


def test_open_records_the_legal_due_date_across_chuseok(shop: dict[str, Any]) -> None:
    r = _open(shop, now=kst(2026, 9, 14, 10), by=shop["agent"])
    assert r.due_on == dt.date(2026, 9, 28)  # the tenth day is 추석 (9/24) → next open day
    assert r.status == "open" and r.opened_by == shop["agent"] and not r.identity_verified_at
    assert list(r.events.values_list("action", flat=True)) == [Action.OPENED]


def test_a_portal_request_is_verified_by_the_sign_in_code(shop: dict[str, Any]) -> None:
    r = services.subject_request_open(customer=shop["hong"], kind="deletion", channel="portal", detail="")
    assert r.identity_method == "portal_code" and r.identity_verified_at
    assert [e.action for e in r.events.all()] == [Action.OPENED, Action.VERIFIED]


def test_bad_input_is_a_korean_error(shop: dict[str, Any]) -> None:
    with pytest.raises(LifecycleError, match="알 수 없는 요구 종류"):
        _open(shop, kind="erase")
    with pytest.raises(LifecycleError, match="접수 경로"):
        _open(shop, channel="fax")
    with pytest.raises(LifecycleError, match="정정 요구는"):
        _open(shop, kind="correction", detail="  ")
    assert not SubjectRequest.objects.exists()


def test_requests_for_a_customer_newest_first(shop: dict[str, Any]) -> None:
    first = _open(shop, now=kst(2026, 11, 2, 9))
    second = _open(shop, kind="suspension", now=kst(2026, 11, 5, 9))
    assert list(selectors.subject_requests_for(shop["hong"])) == [second, first]
    assert list(selectors.subject_requests_for(shop["kim"])) == []


def test_extension_needs_a_reason_and_queues_a_message(shop: dict[str, Any]) -> None:
    r = _open(shop, now=kst(2026, 11, 3, 15))
    with pytest.raises(LifecycleError, match="사유를 적어"):
        services.subject_request_extend(request=r, reason="  ", by=shop["manager"])
    assert not Message.objects.filter(customer=shop["hong"]).exists()
    r = services.subject_request_extend(
        request=r, reason="보관 문서를 창고에서 찾는 중입니다.", by=shop["manager"], now=kst(2026, 11, 10, 9)
    )
    assert (r.status, r.due_on, r.extended_until) == (
        "extended",
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 23),
    )
    message = Message.objects.get(customer=shop["hong"])
    assert message.kind == "informational" and message.status == "queued"
    assert "보관 문서를 창고에서 찾는 중입니다." in message.body and "2026-11-23" in message.body
    assert message.template.code == "subject_request_extended"
    with pytest.raises(LifecycleError, match="한 번만"):
        services.subject_request_extend(request=r, reason="또", by=shop["manager"])


def test_refusal_needs_a_reason_sent_to_the_customer(shop: dict[str, Any]) -> None:
    r = _open(shop, kind="deletion")
    with pytest.raises(LifecycleError):
        services.subject_request_refuse(request=r, reason="", by=shop["manager"])
    r = services.subject_request_refuse(
        request=r, reason="전자상거래법상 5년 보관 의무가 있는 주문 기록입니다.", by=shop["manager"]
    )
    assert r.status == "refused" and r.closed_at
    body = Message.objects.get(customer=shop["hong"], template__code="subject_request_refused").body
    assert "5년 보관 의무" in body
    with pytest.raises(LifecycleError, match="종결"):
        services.subject_request_complete(request=r, by=shop["manager"])


def test_completion_needs_verified_identity(shop: dict[str, Any]) -> None:
    r = _open(shop, kind="suspension")
    with pytest.raises(LifecycleError, match="본인 확인"):
        services.subject_request_complete(request=r, by=shop["manager"])
    services.subject_request_verify(request=r, method="phone_callback", by=shop["manager"])
    r = services.subject_request_complete(request=r, by=shop["manager"])
    assert r.status == "done"
    assert Customer.objects.get(pk=shop["hong"].pk).processing_suspended_at is not None


def test_correction_goes_through_the_customer_service(shop: dict[str, Any]) -> None:
    r = _open(shop, kind="correction", detail="전화번호가 바뀌었어요")
    services.subject_request_verify(request=r, method="phone_callback", by=shop["manager"])
    with pytest.raises(Exception, match="형식"):
        services.subject_request_complete(request=r, by=shop["manager"], changes={"email": "not-an-email"})
    version = Customer.objects.get(pk=shop["hong"].pk).version
    services.subject_request_complete(request=r, by=shop["manager"], changes={"phone": "010-5555-6666"})
    hong = Customer.objects.get(pk=shop["hong"].pk)
    assert (hong.phone, hong.phone_last4, hong.version) == ("010-5555-6666", "6666", version + 1)
    assert r.events.filter(action=Action.CORRECTED, note="phone").exists()


def test_only_handlers_act_agents_open(shop: dict[str, Any]) -> None:
    r = _open(shop, by=shop["agent"])  # an agent takes it on the phone
    for who in ("agent", "analyst", "viewer", "clerk"):
        with pytest.raises(PermissionDenied):
            services.subject_request_verify(request=r, method="phone_callback", by=shop[who])
        with pytest.raises(PermissionDenied):
            services.subject_request_extend(request=r, reason="사유", by=shop[who])
    with pytest.raises(PermissionDenied):
        _open(shop, by=shop["viewer"])
    for who in ("manager", "admin"):
        assert services.may_handle(shop[who])
    services.subject_request_verify(request=r, method="phone_callback", by=shop["admin"])


def test_export_holds_everything_per_app(shop: dict[str, Any], history: dict[str, Any]) -> None:
    from dangol.lifecycle.export import customer_data_export

    data = customer_data_export(shop["hong"])
    json.dumps(data)  # serialisable
    assert data["customer"]["name"] == "홍길동" and data["customer"]["tags"] == ["VIP"]
    apps = data["apps"]
    assert apps["voc"]["case"][0]["title"] == "홍길동 배송 지연 불만"
    assert apps["orders"]["order"][0]["external_id"] == "ORD-HONG-1"
    assert apps["customers"]["note"][0]["body"].startswith("비밀메모")
    assert {"interactions", "messaging", "promises", "customers", "voc", "orders"} <= set(apps)
    assert data["apps"].get("voc") and "kim" not in json.dumps(data)
    assert "김영희" not in json.dumps(data, ensure_ascii=False)


# ------------------------------------------------------------------ pages


def test_agent_opens_from_a_phone_call_but_cannot_see_the_queue(client: Client, shop: dict[str, Any]) -> None:
    login(client, shop["agent"])
    assert client.get("/privacy/lifecycle/").status_code == 403
    page = client.get(f"/privacy/lifecycle/requests/new/?customer={shop['hong'].pk}")
    assert page.status_code == 200 and "홍*동" in page.content.decode()
    bad = client.post(
        "/privacy/lifecycle/requests/new/", {"customer": shop["hong"].pk, "kind": "", "channel": "phone"}
    )
    assert bad.status_code == 400 and "알 수 없는 요구 종류" in bad.content.decode()
    response = client.post(
        "/privacy/lifecycle/requests/new/",
        {"customer": shop["hong"].pk, "kind": "deletion", "channel": "phone", "detail": "전화로 삭제 요청"},
    )
    assert response.status_code == 302 and response["Location"] == f"/customers/{shop['hong'].pk}/"
    r = SubjectRequest.objects.get()
    assert (r.kind, r.channel, r.opened_by) == ("deletion", "phone", shop["agent"])
    assert client.get(f"/privacy/lifecycle/requests/{r.pk}/").status_code == 403
    assert (
        client.post(f"/privacy/lifecycle/requests/{r.pk}/verify/", {"method": "phone_callback"}).status_code
        == 403
    )
    login(client, shop["viewer"])
    assert client.get("/privacy/lifecycle/requests/new/").status_code == 403


def test_manager_works_a_request_through_the_pages(client: Client, shop: dict[str, Any]) -> None:
    r = _open(shop, kind="access", detail="홍길동 010-1234-5678 제 기록 전부 보여주세요", by=shop["agent"])
    login(client, shop["manager"])
    queue = client.get("/privacy/lifecycle/")
    assert queue.status_code == 200 and f"#{r.pk}" in queue.content.decode()
    assert r.due_on.strftime("%Y-%m-%d") in queue.content.decode()
    rows = client.get("/privacy/lifecycle/?status=closed", HTTP_HX_REQUEST="true")
    assert "요구가 없습니다" in rows.content.decode() and "<h1>" not in rows.content.decode()
    page = client.get(f"/privacy/lifecycle/requests/{r.pk}/")
    assert page.status_code == 200 and "홍길동" in page.content.decode()  # managers see personal data
    assert AccessLog.objects.filter(
        staff=shop["manager"], customer_id=shop["hong"].pk, action="view"
    ).exists()
    # Export before verification is refused; a bad method is a Korean error, not a 500.
    assert client.get(f"/privacy/lifecycle/requests/{r.pk}/export.json").status_code == 302
    client.post(f"/privacy/lifecycle/requests/{r.pk}/verify/", {"method": "bogus"})
    assert "본인 확인 방법을 고르세요" in client.get(f"/privacy/lifecycle/requests/{r.pk}/").content.decode()
    client.post(f"/privacy/lifecycle/requests/{r.pk}/verify/", {"method": "phone_callback"})
    client.post(f"/privacy/lifecycle/requests/{r.pk}/assign/", {"owner": shop["manager"].pk})
    client.post(f"/privacy/lifecycle/requests/{r.pk}/complete/", {"outcome": "JSON 파일을 이메일로 전달"})
    r.refresh_from_db()
    assert (r.status, r.owner, r.identity_verified_by) == ("done", shop["manager"], shop["manager"])
    download = client.get(f"/privacy/lifecycle/requests/{r.pk}/export.json")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/json")
    assert json.loads(download.content)["customer"]["phone"] == "010-1234-5678"
    assert AccessLog.objects.filter(
        staff=shop["manager"], action="export", customer_id=shop["hong"].pk
    ).exists()
    assert client.post(f"/privacy/lifecycle/requests/{r.pk}/frobnicate/").status_code == 302


def test_deletion_page_needs_the_confirmation(client: Client, shop: dict[str, Any]) -> None:
    r = _open(shop, kind="deletion", channel="portal")
    login(client, shop["admin"])
    client.post(f"/privacy/lifecycle/requests/{r.pk}/complete/", {"outcome": ""})
    assert SubjectRequest.objects.get(pk=r.pk).status == "open"
    client.post(f"/privacy/lifecycle/requests/{r.pk}/complete/", {"confirm": "1"})
    assert SubjectRequest.objects.get(pk=r.pk).status == "done"
    assert Customer.objects.get(pk=shop["hong"].pk).status == "forgotten"
    page = client.get(f"/privacy/lifecycle/requests/{r.pk}/")
    assert page.status_code == 200 and "홍길동" not in page.content.decode()


def test_overdue_requests_are_flagged(client: Client, shop: dict[str, Any]) -> None:
    _open(shop, now=kst(2025, 1, 6, 9))
    assert selectors.overdue_count() == 1
    login(client, shop["manager"])
    assert 'id="overdue"' in client.get("/privacy/lifecycle/").content.decode()


def test_customer_card_offers_the_request_and_shows_a_suspension(
    client: Client, shop: dict[str, Any]
) -> None:
    hong = shop["hong"]
    login(client, shop["agent"])
    card = client.get(f"/customers/{hong.pk}/").content.decode()
    assert f"/privacy/lifecycle/requests/new/?customer={hong.pk}" in card
    assert 'id="processing-suspended"' not in card
    r = services.subject_request_open(customer=hong, kind="suspension", channel="letter", detail="")
    services.subject_request_verify(request=r, method="id_document", by=shop["manager"])
    services.subject_request_complete(request=r, by=shop["manager"])
    assert 'id="processing-suspended"' in client.get(f"/customers/{hong.pk}/").content.decode()
    login(client, shop["viewer"])
    assert "/privacy/lifecycle/requests/new/" not in client.get(f"/customers/{hong.pk}/").content.decode()


@pytest.mark.parametrize("who", ["agent", "clerk", "analyst", "viewer"])
def test_only_handlers_see_the_queue_and_retention(client: Client, shop: dict[str, Any], who: str) -> None:
    r = _open(shop)
    login(client, shop[who])
    for url in (
        "/privacy/lifecycle/",
        f"/privacy/lifecycle/requests/{r.pk}/",
        "/privacy/lifecycle/retention/",
        f"/privacy/lifecycle/requests/{r.pk}/export.json",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/privacy/lifecycle/requests/{r.pk}/extend/", {"reason": "x"}).status_code == 403
    assert SubjectRequest.objects.get(pk=r.pk).status == "open"


def test_the_deletion_outcome_keeps_no_words_about_the_person(shop: dict[str, Any]) -> None:
    r = _open(shop, kind="deletion", channel="portal")
    services.subject_request_complete(request=r, by=shop["manager"], outcome="홍길동님 요청으로 삭제")
    r.refresh_from_db()
    assert r.outcome == "" and not r.events.filter(note__contains="홍길동").exists()
