import json

from django.test import Client

from dangol.accounts.services import api_token_create
from dangol.voc.models import Case


def bearer(user, scopes):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t', scopes=scopes)[1]}"}


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_case_lifecycle_through_the_api(client: Client, shop, voc):
    h = bearer(shop["agent"], ["voc:read", "voc:write"])
    r = post(
        client,
        "/api/voc/cases",
        {
            "customer_id": shop["hong"].pk,
            "title": "택배 지연",
            "category": "delivery-late",
            "source_ref": "crm:1",
        },
        h,
    )
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["team"] == "logistics" and case["number"].startswith("VOC-")
    assert (
        post(
            client,
            "/api/voc/cases",
            {"customer_id": shop["hong"].pk, "title": "택배 지연", "source_ref": "crm:1"},
            h,
        ).json()["id"]
        == case["id"]
    )
    for step, note in (
        ("apologise", ""),
        ("listen", "월요일에 왔어요"),
        ("confirm", "이틀 늦은 게 맞죠? 네"),
    ):
        assert (
            post(client, f"/api/voc/cases/{case['id']}/steps", {"step": step, "note": note}, h).status_code
            == 201
        )
    r = post(
        client, f"/api/voc/cases/{case['id']}/resolution", {"resolution_type": "refund", "cost": 3000}, h
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved" and r.json()["resolution_cost"] == 3000
    stale = client.patch(
        f"/api/voc/cases/{case['id']}",
        json.dumps({"version": 1, "title": "x"}),
        content_type="application/json",
        **h,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_step_guard_and_scopes_in_the_api(client: Client, shop, voc):
    read_only = bearer(shop["agent"], ["voc:read"])
    assert post(client, "/api/voc/cases", {"title": "x", "contact_name": "a"}, read_only).status_code == 403
    h = bearer(shop["agent"], ["voc:read", "voc:write"])
    case = post(client, "/api/voc/cases", {"customer_id": shop["hong"].pk, "title": "불량"}, h).json()
    r = post(client, f"/api/voc/cases/{case['id']}/resolution", {"resolution_type": "refund"}, h)
    assert r.status_code == 422 and "필수 단계" in r.json()["message"]
    assert client.get("/api/voc/cases/99999", **h).status_code == 404


def test_inbound_email_becomes_one_case_linked_by_address(client: Client, shop, voc):
    h = bearer(shop["agent"], ["voc:write"])
    body = {
        "message_id": "<abc@mail>",
        "sender": "홍길동 <GILDONG@example.com>",
        "subject": "환불 문의",
        "body": "언제 되나요",
    }
    first = post(client, "/api/voc/inbound-email", body, h).json()
    second = post(client, "/api/voc/inbound-email", body, h).json()
    assert (
        first["id"] == second["id"]
        and first["customer_id"] == shop["hong"].pk
        and first["channel"] == "email"
    )
    assert Case.objects.count() == 1
