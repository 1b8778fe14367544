import json

import pytest
from django.test import Client

from dangol.accounts.services import api_token_create
from dangol.rewards.coupons import coupon_issue
from dangol.rewards.models import CouponDefinition, PointBalance, PointEntry, PointHold
from dangol.rewards.tests.conftest import at, give, place_order


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, path, body, key):
    return client.post(
        f"/api/rewards{path}", json.dumps(body), content_type="application/json", **bearer(key)
    )


@pytest.fixture
def pos_key(shop):
    """A store till: the agent role, rewards scopes only."""
    return api_token_create(user=shop["clerk"], name="pos", scopes=["rewards:read", "rewards:write"])[1]


def test_pos_round_trip_earn_hold_capture_balance(client: Client, shop, tiers):
    hong = shop["hong"]
    give(hong, 5000, when=at(-10))
    order = place_order(hong, 80_000, when=at(-0.1), external_id="POS-1001")
    pos = api_token_create(user=shop["clerk"], name="pos", scopes=["rewards:read", "rewards:write"])[1]

    r = post(client, "/earn", {"order_id": "POS-1001"}, pos)
    assert r.status_code == 200 and r.json()["points"] == 800 and r.json()["available_at"]
    assert post(client, "/earn", {"order_id": "POS-1001"}, pos).json()["points"] == 800  # once
    assert PointEntry.objects.filter(order=order, kind="earn_pending").count() == 1

    hold = {
        "customer_id": hong.pk,
        "points": 3000,
        "idempotency_key": "till-7-0042",
        "order_ref": "POS-1002",
        "order_amount": 60_000,
    }
    r = post(client, "/redemptions", hold, pos)
    assert r.status_code == 201 and r.json()["status"] == "held" and r.json()["available_after"] == 2000
    r = post(client, "/redemptions", hold, pos)  # the till retried
    assert r.status_code == 200 and PointHold.objects.count() == 1
    r = post(client, "/redemptions/till-7-0042/capture", {}, pos)
    assert r.status_code == 200 and r.json()["status"] == "captured"
    assert client.get("/api/rewards/redemptions/till-7-0042", **bearer(pos)).json()["status"] == "captured"

    account = client.get(f"/api/rewards/customers/{hong.pk}", **bearer(pos)).json()
    assert (account["available"], account["pending"], account["held"]) == (2000, 800, 0)
    assert account["tier"]["code"] == "welcome" and account["next_tier"] == "실버"
    ledger = client.get(f"/api/rewards/customers/{hong.pk}/entries", {"limit": 2}, **bearer(pos)).json()
    assert [e["kind"] for e in ledger["items"]] == ["capture", "hold"] and ledger["next_cursor"]


def test_hold_then_release_gives_the_points_back(client: Client, shop, program, pos_key):
    hong = shop["hong"]
    give(hong, 2000, when=at(-1))
    body = {"customer_id": hong.pk, "points": 1500, "idempotency_key": "web-cart-9"}
    assert post(client, "/redemptions", body, pos_key).status_code == 201
    r = post(client, "/redemptions/web-cart-9/release", {"reason": "결제 실패"}, pos_key)
    assert r.json()["status"] == "released" and r.json()["available_after"] == 2000
    r = post(client, "/redemptions/web-cart-9/capture", {}, pos_key)
    assert r.status_code == 409 and r.json()["code"] == "hold_released" and r.json()["message_en"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"points": 9000}, 409, "insufficient_points"),
        ({"points": -5}, 422, "invalid_input"),
        ({"points": 50}, 422, "below_minimum"),
        ({"customer_id": 999_999}, 404, "not_found"),
        ({"idempotency_key": ""}, 422, "invalid_input"),
        ({"points": "많이"}, 422, "invalid_input"),
    ],
)
def test_bad_redemptions_answer_a_clear_json_error_and_change_nothing(
    client, shop, program, pos_key, body, status, code
):
    hong = shop["hong"]
    give(hong, 1000, when=at(-1))
    before = list(PointBalance.objects.values())
    r = post(
        client,
        "/redemptions",
        {"customer_id": hong.pk, "points": 500, "idempotency_key": "k-1", **body},
        pos_key,
    )
    assert r.status_code == status and r.json()["code"] == code
    assert r.json()["message"] and r.json()["message_en"]
    assert list(PointBalance.objects.values()) == before and not PointHold.objects.exists()


def test_a_reused_key_with_another_amount_is_a_409_in_korean_and_english(client, shop, program, pos_key):
    hong = shop["hong"]
    give(hong, 3000, when=at(-1))
    body = {"customer_id": hong.pk, "points": 1000, "idempotency_key": "dup", "capture": True}
    assert post(client, "/redemptions", body, pos_key).status_code == 201
    r = post(client, "/redemptions", {**body, "points": 1500}, pos_key)
    assert r.status_code == 409 and r.json()["code"] == "idempotency_key_reused"
    assert "요청 키" in r.json()["message"] and "idempotency key" in r.json()["message_en"]
    assert PointBalance.objects.get(pk=hong.pk).available == 2000


def test_coupons_through_the_api(client, shop, program, pos_key):
    hong = shop["hong"]
    definition = CouponDefinition.objects.create(
        code="d", name="10% 할인", kind="percent", value=10, max_discount_won=3000
    )
    issue = coupon_issue(definition=definition, customer=hong, by=None)
    listed = client.get(f"/api/rewards/customers/{hong.pk}/coupons", **bearer(pos_key)).json()
    assert [c["code"] for c in listed] == [issue.code]
    body = {"customer_id": hong.pk, "code": issue.code, "idempotency_key": "cp-1", "order_amount": 50_000}
    r = post(client, "/coupons/redeem", body, pos_key)
    assert r.status_code == 200 and r.json()["discount_won"] == 3000
    assert post(client, "/coupons/redeem", body, pos_key).status_code == 200
    r = post(client, "/coupons/redeem", {**body, "idempotency_key": "cp-2"}, pos_key)
    assert r.status_code == 409 and r.json()["code"] == "coupon_used"


def test_referral_code_and_registration_through_the_api(client, shop, program, pos_key):
    code = post(client, f"/customers/{shop['hong'].pk}/referral-code", {}, pos_key).json()["code"]
    r = post(client, "/referrals", {"code": code, "customer_id": shop["kim"].pk}, pos_key)
    assert r.status_code == 201 and r.json()["status"] == "registered"
    r = post(client, "/referrals", {"code": "ZZZZZZZZ", "customer_id": shop["kim"].pk}, pos_key)
    assert r.status_code == 404 and r.json()["code"] == "unknown_referral_code"


def test_scopes_and_roles_are_enforced(client, shop, program):
    hong = shop["hong"]
    give(hong, 2000, when=at(-1))
    read_only = api_token_create(user=shop["clerk"], name="kiosk", scopes=["rewards:read"])[1]
    assert client.get(f"/api/rewards/customers/{hong.pk}", **bearer(read_only)).status_code == 200
    body = {"customer_id": hong.pk, "points": 500, "idempotency_key": "no"}
    r = post(client, "/redemptions", body, read_only)
    assert r.status_code == 403 and r.json()["code"] == "forbidden_scope"
    # a viewer's token may hold the write scope on paper, but the role cannot back it
    viewer = api_token_create(user=shop["viewer"], name="v", scopes=["rewards:read", "rewards:write"])[1]
    assert post(client, "/redemptions", body, viewer).status_code == 403
    other = api_token_create(user=shop["clerk"], name="crm", scopes=["customers:read"])[1]
    assert client.get(f"/api/rewards/customers/{hong.pk}", **bearer(other)).status_code == 403
    assert client.get(f"/api/rewards/customers/{hong.pk}").status_code == 401
    assert not PointHold.objects.exists()


def test_unknown_orders_and_redemptions_are_404s(client, shop, program, pos_key):
    assert post(client, "/earn", {"order_id": "NOPE"}, pos_key).status_code == 404
    assert client.get("/api/rewards/redemptions/none", **bearer(pos_key)).status_code == 404
    assert post(client, "/redemptions/none/capture", {}, pos_key).json()["code"] == "not_found"
