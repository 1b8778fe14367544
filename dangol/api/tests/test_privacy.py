"""Data-subject requests over the API: open, list with filters, read, and the handler's actions, with scopes
capped by role and personal data masked unless the token and the role both allow it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from dangol.accounts.services import api_token_create
from dangol.customers.models import Customer
from dangol.lifecycle.models import SubjectRequest
from dangol.lifecycle.services import subject_request_open
from dangol.messaging.models import Message

pytestmark = pytest.mark.django_db

ALL = ["privacy:read", "privacy:write"]


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client: Client, path: str, body: dict, key: str):  # type: ignore[no-untyped-def,type-arg]
    return client.post(
        f"/api/privacy{path}", json.dumps(body), content_type="application/json", **bearer(key)
    )


def get(client: Client, path: str, key: str):  # type: ignore[no-untyped-def]
    return client.get(f"/api/privacy{path}", **bearer(key))


def key_for(user, scopes=ALL) -> str:  # type: ignore[no-untyped-def]
    return api_token_create(user=user, name="dsr", scopes=list(scopes))[1]


def test_a_phone_request_is_opened_verified_extended_and_fulfilled_through_the_api(client, shop):
    key = key_for(shop["manager"])
    hong = shop["hong"]
    r = post(
        client,
        "/requests",
        {
            "customer_id": hong.pk,
            "kind": "correction",
            "channel": "phone",
            "detail": "주소를 부산으로, 연락처 010-2222-3333",
            "identity_method": "phone_callback",
        },
        key,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "open" and body["identity_method"] == "phone_callback"
    assert [e["action"] for e in body["events"]] == ["opened", "verified"]
    assert dt.date.fromisoformat(body["due_on"]) > timezone.localdate()
    rid = body["id"]

    r = post(client, f"/requests/{rid}/extend", {"reason": "주소 확인 서류를 기다립니다."}, key)
    assert r.status_code == 200 and r.json()["status"] == "extended" and r.json()["extended_until"]
    assert Message.objects.filter(purpose_ref=f"subject-request:{rid}:subject_request_extended").exists()
    again = post(client, f"/requests/{rid}/extend", {"reason": "한 번 더"}, key)
    assert again.status_code == 422 and again.json()["message"] == "기한은 한 번만 연장할 수 있습니다."

    r = post(client, f"/requests/{rid}/fulfil", {"changes": {"address": "부산광역시 해운대구 1"}}, key)
    assert r.status_code == 200 and r.json()["status"] == "done"
    hong.refresh_from_db()
    assert hong.address == "부산광역시 해운대구 1"  # through customers.services.customer_update
    closed = post(client, f"/requests/{rid}/refuse", {"reason": "늦었습니다"}, key)
    assert closed.status_code == 422 and "이미 종결된 요구입니다" in closed.json()["message"]


def test_refusal_needs_a_reason_and_fulfilling_needs_the_identity_check(client, shop):
    key = key_for(shop["manager"])
    opened = subject_request_open(customer=shop["kim"], kind="deletion", channel="letter", detail="")
    blank = post(client, f"/requests/{opened.pk}/refuse", {"reason": "   "}, key)
    assert blank.status_code == 422 and "사유를 적어 주세요" in blank.json()["message"]
    unverified = post(client, f"/requests/{opened.pk}/fulfil", {}, key)
    assert unverified.status_code == 422 and unverified.json()["message"] == "본인 확인을 먼저 기록하세요."
    r = post(client, f"/requests/{opened.pk}/refuse", {"reason": "전자상거래법상 5년 보관 대상입니다."}, key)
    assert r.status_code == 200 and r.json()["status"] == "refused"
    assert r.json()["reason"] == "전자상거래법상 5년 보관 대상입니다."
    assert SubjectRequest.objects.get(pk=opened.pk).status == "refused"


def test_a_deletion_fulfilled_through_the_api_forgets_the_customer(client, shop):
    key = key_for(shop["manager"])
    kim = shop["kim"]
    r = post(
        client,
        "/requests",
        {
            "customer_id": kim.pk,
            "kind": "deletion",
            "channel": "email",
            "identity_method": "registered_email",
        },
        key,
    )
    rid = r.json()["id"]
    done = post(client, f"/requests/{rid}/fulfil", {}, key)
    assert done.status_code == 200 and done.json()["status"] == "done"
    kim.refresh_from_db()
    assert kim.status == Customer.Status.FORGOTTEN and "영희" not in kim.name and not kim.phone


def test_bad_input_gets_a_korean_422_or_404_and_changes_nothing(client, shop):
    key = key_for(shop["manager"])
    hong = shop["hong"]
    cases = [
        ({"customer_id": hong.pk, "kind": "nonsense", "channel": "phone"}, 422),
        ({"customer_id": hong.pk, "kind": "access", "channel": "portal"}, 422),  # the portal's own channel
        ({"customer_id": hong.pk, "kind": "correction", "channel": "phone", "detail": ""}, 422),
        ({"customer_id": 999_999, "kind": "access", "channel": "phone"}, 404),
    ]
    for body, status in cases:
        r = post(client, "/requests", body, key)
        assert r.status_code == status, (body, r.content)
        assert r.json()["message"]
    assert post(client, "/requests", cases[2][0], key).json()["message"] == (
        "정정 요구는 무엇을 어떻게 고칠지 적어 주세요."
    )
    assert get(client, "/requests/999999", key).status_code == 404
    assert not SubjectRequest.objects.exists()


def test_list_filters_by_status_kind_channel_customer_and_overdue(client, shop):
    key = key_for(shop["manager"])
    long_ago = timezone.now() - dt.timedelta(days=40)
    old = subject_request_open(customer=shop["hong"], kind="access", channel="phone", detail="", now=long_ago)
    new = subject_request_open(customer=shop["kim"], kind="suspension", channel="letter", detail="")
    closed = subject_request_open(customer=shop["kim"], kind="access", channel="email", detail="")
    SubjectRequest.objects.filter(pk=closed.pk).update(status="done", closed_at=timezone.now())

    def ids(query: str) -> list[int]:
        r = get(client, f"/requests{query}", key)
        assert r.status_code == 200, r.content
        return [item["id"] for item in r.json()["items"]]

    assert ids("") == [new.pk, old.pk]  # open by default, newest first
    assert ids("?status=all") == [closed.pk, new.pk, old.pk]
    assert ids("?status=closed") == [closed.pk]
    assert ids("?kind=suspension") == [new.pk]
    assert ids("?channel=phone") == [old.pk]
    assert ids(f"?customer_id={shop['kim'].pk}&status=all") == [closed.pk, new.pk]
    assert ids("?overdue=true") == [old.pk]
    page = get(client, "/requests?status=all&limit=2", key).json()
    assert len(page["items"]) == 2 and page["next_cursor"] == new.pk
    assert ids(f"?status=all&cursor={page['next_cursor']}") == [old.pk]
    assert get(client, "/requests?status=bogus", key).status_code == 422


def test_roles_cap_the_scopes(client, shop):
    hong = shop["hong"]
    opened = subject_request_open(customer=hong, kind="access", channel="phone", detail="")
    body = {"customer_id": hong.pk, "kind": "access", "channel": "phone"}
    # An agent takes requests on the phone: may open one, may not read the queue or act on a request.
    agent = key_for(shop["agent"])
    assert post(client, "/requests", body, agent).status_code == 201
    assert get(client, "/requests", agent).status_code == 403
    assert get(client, f"/requests/{opened.pk}", agent).status_code == 403
    refused = post(client, f"/requests/{opened.pk}/extend", {"reason": "서류 대기"}, agent)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_scope"
    assert "처리할 권한이 없습니다" in refused.json()["message"]
    with_identity = post(client, "/requests", {**body, "identity_method": "in_person"}, agent)
    assert with_identity.status_code == 403
    # Viewers and analysts hold neither scope, whatever their token says.
    for who in ("viewer", "analyst"):
        key = key_for(shop[who])
        assert get(client, "/requests", key).status_code == 403
        assert post(client, "/requests", body, key).status_code == 403
    # A manager's token with only the read scope may not write.
    read_only = key_for(shop["manager"], ["privacy:read"])
    assert get(client, "/requests", read_only).status_code == 200
    assert post(client, f"/requests/{opened.pk}/refuse", {"reason": "x"}, read_only).status_code == 403
    assert client.get("/api/privacy/requests").status_code == 401
    assert SubjectRequest.objects.count() == 2
    assert SubjectRequest.objects.get(pk=opened.pk).status == "open"


def test_personal_data_is_masked_unless_the_token_and_the_role_allow_it(client, shop):
    hong = shop["hong"]
    opened = subject_request_open(
        customer=hong, kind="correction", channel="phone", detail="새 번호는 010-5555-1234 입니다"
    )
    masked = get(client, f"/requests/{opened.pk}", key_for(shop["manager"])).json()
    assert masked["customer"]["name"] == "홍*동" and masked["customer"]["phone"] == "010-****-5678"
    assert "010-5555-1234" not in masked["detail"] and "새 번호는" in masked["detail"]
    plain = get(client, f"/requests/{opened.pk}", key_for(shop["manager"], [*ALL, "personal_data"])).json()
    assert plain["customer"]["name"] == "홍길동" and plain["customer"]["phone"] == "010-1234-5678"
    assert plain["detail"] == "새 번호는 010-5555-1234 입니다"
    listed = get(client, "/requests", key_for(shop["manager"], [*ALL, "personal_data"])).json()["items"][0]
    assert listed["customer"]["name"] == "홍길동"
    listed = get(client, "/requests", key_for(shop["manager"])).json()["items"][0]
    assert listed["customer"]["name"] != "홍길동" and "010-5555-1234" not in listed["detail"]
