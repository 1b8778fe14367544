"""The per-process token cache (api.auth): the permission work runs once per token and role, while a revoked
token, a deactivated login or a changed role still counts on the very next request, also when the change did
not go through the ORM's signals (another process, a queryset update)."""

import json

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangol.accounts.models import ApiToken, Role
from dangol.accounts.services import api_token_create, api_token_revoke, staff_set_active
from dangol.customers.models import Customer


def _headers(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _create(client: Client, key: str, name: str):
    return client.post(
        "/api/customers", json.dumps({"name": name}), content_type="application/json", **_headers(key)
    )


def test_the_permission_queries_run_once_per_token_not_once_per_request(client: Client, shop):
    _token, key = api_token_create(user=shop["manager"], name="pos", scopes=["customers:read"])
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/customers", **_headers(key)).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/customers", **_headers(key)).status_code == 200
    assert any("auth_permission" in q["sql"] for q in first.captured_queries)
    assert not any("auth_permission" in q["sql"] for q in second.captured_queries)
    assert len(second.captured_queries) < len(first.captured_queries)
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).last_used_at is not None


def test_a_revoked_token_is_refused_on_the_next_request(client: Client, shop):
    token, key = api_token_create(user=shop["manager"], name="pos", scopes=["customers:read"])
    assert client.get("/api/customers", **_headers(key)).status_code == 200
    api_token_revoke(token=token)  # a queryset update: no signal reaches the cache
    r = client.get("/api/customers", **_headers(key))
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


def test_a_deactivated_login_is_refused_on_the_next_request(client: Client, shop):
    _token, key = api_token_create(user=shop["manager"], name="pos", scopes=["customers:read"])
    assert client.get("/api/customers", **_headers(key)).status_code == 200
    staff_set_active(user=shop["manager"], active=False, by=shop["admin"])  # a queryset update as well
    assert client.get("/api/customers", **_headers(key)).status_code == 401


def test_a_role_changed_behind_the_caches_back_counts_on_the_next_request(client: Client, shop):
    manager = shop["manager"]
    _token, key = api_token_create(user=manager, name="pos", scopes=["customers:read", "customers:write"])
    assert _create(client, key, "첫째").status_code == 201
    # what another process's role change looks like from here: the membership row changes, no signal
    membership = manager.groups.through.objects.filter(user=manager)
    membership.update(group=Group.objects.get(name=Role.VIEWER))
    r = _create(client, key, "둘째")
    assert r.status_code == 403 and r.json()["code"] == "forbidden_scope"
    assert not Customer.objects.filter(name="둘째").exists()
    membership.update(group=Group.objects.get(name=Role.MANAGER))
    assert _create(client, key, "셋째").status_code == 201


def test_a_request_that_waited_out_the_sqlite_write_lock_gets_a_503_to_retry(
    client: Client, shop, monkeypatch
):
    from django.db import OperationalError

    from dangol.rewards import services as rewards_services

    def locked(**_kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(rewards_services, "points_hold", locked)
    _token, key = api_token_create(user=shop["agent"], name="pos", scopes=["rewards:write"])
    body = {"customer_id": shop["kim"].pk, "points": 100, "idempotency_key": "busy-1", "capture": True}
    r = client.post(
        "/api/rewards/redemptions", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert r.status_code == 503 and r["Retry-After"] == "1"
    assert r.json()["code"] == "busy" and "다시" in r.json()["message"]

    def broken(**_kwargs: object) -> None:
        raise OperationalError("no such table: rewards_pointhold")

    monkeypatch.setattr(rewards_services, "points_hold", broken)
    client.raise_request_exception = False
    body["idempotency_key"] = "busy-2"
    r = client.post(
        "/api/rewards/redemptions", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert r.status_code == 500  # any other database error is not dressed up as "busy"
