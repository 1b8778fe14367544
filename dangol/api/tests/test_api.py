import datetime as dt
import json

import pytest
from django.test import Client

from dangol.accounts.services import api_token_create, api_token_revoke
from dangol.interactions.models import Interaction
from dangol.orders.models import Order
from dangol.privacy.models import AccessLog

ALL_SCOPES = ["customers:read", "customers:write", "interactions:read", "interactions:write", "orders:write"]


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def agent_key(shop):
    return api_token_create(user=shop["agent"], name="pos", scopes=ALL_SCOPES)[1]


@pytest.fixture
def manager_key(shop):
    """Editing customers and loading orders are the manager role's; an agent's token cannot (test_token_scopes)."""
    return api_token_create(user=shop["manager"], name="erp", scopes=ALL_SCOPES)[1]


@pytest.fixture
def manager_pii_key(shop):
    return api_token_create(user=shop["manager"], name="crm-sync", scopes=[*ALL_SCOPES, "personal_data"])[1]


def test_openapi_schema_is_served_without_login(client: Client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/customers" in schema["paths"] and "/api/orders/bulk" in schema["paths"]


def test_requests_without_a_valid_token_get_a_json_401(client: Client, shop):
    for headers in ({}, bearer("dgl_wrong"), bearer("nonsense")):
        r = client.get("/api/customers", **headers)
        assert r.status_code == 401
        assert r.json()["code"] == "unauthorized" and r.json()["message_en"]


def test_revoked_token_stops_working(client: Client, shop):
    token, key = api_token_create(user=shop["agent"], name="x", scopes=["customers:read"])
    assert client.get("/api/customers", **bearer(key)).status_code == 200
    api_token_revoke(token=token)
    assert client.get("/api/customers", **bearer(key)).status_code == 401


def test_scopes_are_enforced(client: Client, shop):
    _, key = api_token_create(user=shop["agent"], name="read-only", scopes=["customers:read"])
    r = client.post(
        "/api/customers", json.dumps({"name": "새고객"}), content_type="application/json", **bearer(key)
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden_scope"


def test_search_by_last4_is_masked_for_an_agent_and_never_logged(client: Client, shop, agent_key):
    body = client.get("/api/customers", {"q": "5678"}, **bearer(agent_key)).json()
    assert [c["external_id"] for c in body["items"]] == ["C0001"]
    assert body["items"][0]["phone"] == "010-****-5678" and body["items"][0]["masked"] is True
    one = client.get(f"/api/customers/{shop['hong'].pk}", **bearer(agent_key)).json()
    assert "010-1234-5678" not in json.dumps(one, ensure_ascii=False)
    assert AccessLog.objects.count() == 0


def test_personal_data_scope_unmasks_and_logs(client: Client, shop, manager_pii_key):
    one = client.get(f"/api/customers/{shop['hong'].pk}", **bearer(manager_pii_key)).json()
    assert one["phone"] == "010-1234-5678" and one["masked"] is False
    log = AccessLog.objects.get()
    assert log.channel == "api" and log.customer_id == shop["hong"].pk and log.staff == shop["manager"]


def test_create_update_and_conflict(client: Client, shop, manager_key):
    r = client.post(
        "/api/customers",
        json.dumps({"name": "최유리", "phone": "010 2222 3333", "tags": ["앱전용"]}),
        content_type="application/json",
        **bearer(manager_key),
    )
    assert r.status_code == 201, r.content
    created = r.json()
    r = client.patch(
        f"/api/customers/{created['id']}",
        json.dumps({"preferred_name": "유리님", "version": 1}),
        content_type="application/json",
        **bearer(manager_key),
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.patch(
        f"/api/customers/{created['id']}",
        json.dumps({"preferred_name": "x", "version": 1}),
        content_type="application/json",
        **bearer(manager_key),
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"


def test_bad_input_is_a_422_with_korean_message(client: Client, shop, agent_key):
    r = client.post(
        "/api/customers",
        json.dumps({"name": "이름", "phone": "123"}),
        content_type="application/json",
        **bearer(agent_key),
    )
    assert r.status_code == 422 and "전화번호" in r.json()["message"]
    r = client.post("/api/customers", "{not json", content_type="application/json", **bearer(agent_key))
    assert r.status_code in (400, 422) and r.json()["code"] in ("invalid_input", "bad_request")
    r = client.get("/api/customers", {"cursor": "%%%"}, **bearer(agent_key))
    assert r.status_code == 400
    assert client.get("/api/customers/999999", **bearer(agent_key)).json()["code"] == "not_found"


def test_cursor_pagination_walks_every_customer_once(client: Client, shop, agent_key):
    from dangol.customers.services import customer_create

    for i in range(7):
        customer_create(data={"name": f"페이지{i}"})
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/customers", params, **bearer(agent_key)).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 9


def test_interactions_create_and_list(client: Client, shop, agent_key):
    payload = {
        "customer_id": shop["hong"].pk,
        "touchpoint": "call-center",
        "type": "inquiry",
        "summary": "배송 문의",
    }
    r = client.post(
        "/api/interactions", json.dumps(payload), content_type="application/json", **bearer(agent_key)
    )
    assert r.status_code == 201 and r.json()["staff"] == "agent"
    listed = client.get(f"/api/customers/{shop['hong'].pk}/interactions", **bearer(agent_key)).json()
    assert [i["summary"] for i in listed["items"]] == ["배송 문의"]
    bad = client.post(
        "/api/interactions",
        json.dumps({**payload, "touchpoint": "nowhere"}),
        content_type="application/json",
        **bearer(agent_key),
    )
    assert bad.status_code == 422 and Interaction.objects.count() == 1


def test_orders_bulk_is_idempotent_and_all_or_nothing(client: Client, shop, manager_key):
    orders = {
        "orders": [
            {
                "order_id": "API-1",
                "customer_external_id": "C0001",
                "ordered_at": "2025-01-02T10:00:00+09:00",
                "store": "store-gangnam",
                "lines": [{"sku": "S1", "product_name": "감귤", "quantity": 2, "unit_price": 1000}],
            },
            {
                "order_id": "API-2",
                "customer_external_id": "C0002",
                "ordered_at": "2025-01-03T10:00:00+09:00",
                "lines": [{"product_name": "김치", "unit_price": 5000}],
            },
        ]
    }
    r = client.post(
        "/api/orders/bulk", json.dumps(orders), content_type="application/json", **bearer(manager_key)
    )
    assert r.status_code == 200 and r.json()["created"] == 2
    assert Order.objects.get(external_id="API-1").total_amount == 2000
    again = client.post(
        "/api/orders/bulk", json.dumps(orders), content_type="application/json", **bearer(manager_key)
    )
    assert again.json()["unchanged"] == 2
    orders["orders"].append(
        {
            "order_id": "API-3",
            "customer_external_id": "NOBODY",
            "ordered_at": "2025-01-04T10:00:00",
            "lines": [{"product_name": "x", "unit_price": 1}],
        }
    )
    bad = client.post(
        "/api/orders/bulk", json.dumps(orders), content_type="application/json", **bearer(manager_key)
    )
    assert bad.status_code == 422 and not Order.objects.filter(external_id="API-3").exists()


def test_nul_characters_are_refused_everywhere(client: Client, shop, agent_key):
    r = client.post(
        "/api/customers",
        json.dumps({"name": "이\u0000름"}),
        content_type="application/json",
        **bearer(agent_key),
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    assert client.get("/api/customers?q=a%00b", **bearer(agent_key)).status_code == 422
    from conftest import login

    login(client, shop["agent"])
    assert client.get("/customers/?q=%00").status_code == 400


def test_times_with_any_offset_are_stored_in_utc_and_absurd_years_are_a_422(client: Client, shop, agent_key):
    """Schemathesis found "0857-10-15T11:32:27-19:21": PostgreSQL refuses offsets past ±15:59 (a 500)."""
    payload = {
        "customer_id": shop["hong"].pk,
        "touchpoint": "call-center",
        "type": "inquiry",
        "summary": "문의",
    }

    def post(occurred_at: str):
        body = json.dumps({**payload, "occurred_at": occurred_at})
        return client.post("/api/interactions", body, content_type="application/json", **bearer(agent_key))

    r = post("2026-10-15T11:32:27-19:21")
    assert r.status_code == 201, r.content
    stored = Interaction.objects.get(pk=r.json()["id"]).occurred_at
    assert stored == dt.datetime(2026, 10, 16, 6, 53, 27, tzinfo=dt.UTC)
    for absurd in ("0857-10-15T11:32:27-19:21", "0001-01-01T00:00:00+05:00", "3000-01-01T00:00:00"):
        bad = post(absurd)
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_input", (absurd, bad.content)
    assert Interaction.objects.count() == 1
