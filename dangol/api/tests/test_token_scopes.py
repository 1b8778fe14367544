"""A token can do what its scopes say only as far as its user's role allows, judged on every request."""

import json

import pytest
from django.test import Client

from dangol.accounts.models import ApiToken, Role
from dangol.accounts.services import api_token_create, staff_set_role
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction
from dangol.orders.models import Order
from dangol.surveys import services as survey_services
from dangol.surveys.tests.conftest import GOOD, build_customer_survey
from dangol.voc.models import Case

EVERY_SCOPE = list(ApiToken.Scope.values)


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='all', scopes=EVERY_SCOPE)[1]}"}


def send(client: Client, method: str, url: str, body: dict, headers: dict[str, str]):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


ORDER = {
    "orders": [
        {
            "order_id": "SCOPE-1",
            "customer_external_id": "C0001",
            "ordered_at": "2025-01-02T10:00:00+09:00",
            "lines": [{"product_name": "감귤", "unit_price": 1000}],
        }
    ]
}


@pytest.fixture
def case(client: Client, shop) -> dict:
    r = send(
        client,
        "post",
        "/api/voc/cases",
        {"customer_id": shop["hong"].pk, "title": "택배 지연"},
        bearer(shop["manager"]),
    )
    assert r.status_code == 201, r.content
    return r.json()


@pytest.fixture
def survey(shop):
    survey = build_customer_survey(shop)
    survey_services.response_record(survey=survey, data=GOOD)
    return survey


def test_a_viewers_token_with_every_scope_cannot_write_anything(client: Client, shop, case, survey):
    viewer = bearer(shop["viewer"])
    hong = shop["hong"].pk
    writes = [
        ("post", "/api/customers", {"name": "몰래"}),
        ("patch", f"/api/customers/{hong}", {"name": "바꿈", "version": 1}),
        (
            "post",
            "/api/interactions",
            {"customer_id": hong, "touchpoint": "web", "type": "inquiry", "summary": "x"},
        ),
        ("post", "/api/orders/bulk", ORDER),
        ("post", "/api/voc/cases", {"customer_id": hong, "title": "몰래 접수"}),
        ("patch", f"/api/voc/cases/{case['id']}", {"title": "바꿈", "version": case["version"]}),
        ("post", f"/api/voc/cases/{case['id']}/resolution", {"resolution_type": "apology"}),
        ("post", "/api/voc/inbound-email", {"message_id": "m1", "sender": "a@b.kr", "subject": "s"}),
        ("post", "/api/surveys", {"code": "sneaky", "title": "몰래"}),
        ("post", f"/api/surveys/{survey.pk}/invitations", {"customer_id": hong}),
        ("post", f"/api/surveys/{survey.pk}/responses", {"answers": GOOD}),
    ]
    for method, url, body in writes:
        r = send(client, method, url, body, viewer)
        assert r.status_code == 403, (method, url, r.content)
        assert r.json()["code"] == "forbidden_scope"
    assert Customer.objects.count() == 2 and shop["hong"].name == Customer.objects.get(pk=hong).name
    assert not Interaction.objects.exists() and not Order.objects.exists()
    assert Case.objects.get().title == "택배 지연" and survey.responses.count() == 1


def test_a_viewers_token_cannot_read_survey_responses_or_personal_data(client: Client, shop, survey):
    viewer = bearer(shop["viewer"])
    assert client.get(f"/api/surveys/{survey.pk}/responses", **viewer).status_code == 403
    assert client.get("/api/surveys", **viewer).status_code == 403
    one = client.get(f"/api/customers/{shop['hong'].pk}", **viewer)
    assert one.status_code == 200 and one.json()["masked"] is True
    assert "010-1234-5678" not in one.content.decode()
    analyst = bearer(shop["analyst"])
    assert client.get(f"/api/surveys/{survey.pk}/responses", **analyst).json()["items"]


def test_an_agents_token_creates_customers_but_cannot_edit_them_or_load_orders(client: Client, shop):
    agent = bearer(shop["agent"])
    assert send(client, "post", "/api/customers", {"name": "새고객"}, agent).status_code == 201
    patch = send(client, "patch", f"/api/customers/{shop['hong'].pk}", {"name": "바꿈", "version": 1}, agent)
    assert patch.status_code == 403 and Customer.objects.get(pk=shop["hong"].pk).name == "홍길동"
    assert send(client, "post", "/api/orders/bulk", ORDER, agent).status_code == 403


def test_a_demoted_managers_token_loses_its_power_on_the_next_request(client: Client, shop):
    manager = bearer(shop["manager"])
    assert send(client, "post", "/api/customers", {"name": "첫째"}, manager).status_code == 201
    staff_set_role(user=shop["manager"], role=Role.VIEWER)
    r = send(client, "post", "/api/customers", {"name": "둘째"}, manager)
    assert r.status_code == 403 and not Customer.objects.filter(name="둘째").exists()
    assert send(client, "post", "/api/orders/bulk", ORDER, manager).status_code == 403
    assert client.get("/api/customers", **manager).status_code == 200
    staff_set_role(user=shop["manager"], role=Role.MANAGER)
    assert send(client, "post", "/api/customers", {"name": "셋째"}, manager).status_code == 201


def test_an_inactive_users_token_is_refused(client: Client, shop):
    manager = bearer(shop["manager"])
    assert client.get("/api/customers", **manager).status_code == 200
    shop["manager"].is_active = False
    shop["manager"].save(update_fields=["is_active"])
    r = client.get("/api/customers", **manager)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    assert send(client, "post", "/api/customers", {"name": "몰래"}, manager).status_code == 401


def test_the_token_keeps_its_scopes_when_the_role_caps_them(client: Client, shop):
    token, key = api_token_create(user=shop["viewer"], name="all", scopes=EVERY_SCOPE)
    client.get("/api/customers", HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.scopes == sorted(EVERY_SCOPE)
