"""Loyalty endpoints for the POS and the online shop (mounted at /api/rewards). Scopes: rewards:read, rewards:write.

Earn from an order, redeem with hold → capture/release under an idempotency key (a POS that retries never
redeems twice), balance, coupons and referrals. A refused request answers a JSON error in Korean and English
and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangol.api.scopes import ApiProblem, require_scope
from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.rewards import coupons, earning, referrals, selectors, services
from dangol.rewards.ledger import RewardsError, survivor
from dangol.rewards.models import CouponIssue, PointBalance, PointEntry, PointHold

router = Router(tags=["rewards"])

READ, WRITE = "rewards:read", "rewards:write"

# How each refusal answers: 404 what is not there, 409 what conflicts with the state, 422 the rest.
STATUS = {
    "coupon_not_found": 404,
    "unknown_referral_code": 404,
    "insufficient_points": 409,
    "idempotency_key_reused": 409,
    "hold_released": 409,
    "hold_captured": 409,
    "hold_expired": 409,
    "coupon_used": 409,
    "already_referred": 409,
    "out_of_stock": 409,
}

Key = Field(
    ..., min_length=1, max_length=100, description="요청 키: 같은 키로 다시 보내면 처음 결과를 돌려줍니다"
)


class TierOut(Schema):
    code: str
    name: str
    discount_percent: int
    free_shipping: bool
    priority_service: bool


class CouponOut(Schema):
    code: str
    name: str
    kind: str
    value: int
    min_spend_won: int
    status: str
    valid_until: dt.datetime


class AccountOut(Schema):
    customer_id: int
    available: int = Field(..., description="지금 쓸 수 있는 포인트")
    pending: int = Field(..., description="반품 기간이 지나면 확정될 포인트")
    held: int
    debt: int = Field(..., description="환불로 회수하지 못한 포인트(다음 적립에서 정산)")
    value_won: int
    expiring_points: int
    expiring_on: dt.date | None
    tier: TierOut | None
    next_tier: str | None
    spend_to_next_tier: int
    coupons: list[CouponOut]


class EntryOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    source: str
    source_ref: str
    reason: str
    points: int
    available_delta: int
    pending_delta: int
    held_delta: int
    debt_delta: int


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: int | None


class EarnIn(Schema):
    order_id: str = Field(..., min_length=1, max_length=64, description="주문번호(외부 ID)")


class EarnOut(Schema):
    order_id: str
    customer_id: int
    points: int
    clawed_back: int
    available_at: dt.datetime | None


class RedeemIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**62)
    points: int = Field(..., ge=1, le=10**9)
    idempotency_key: str = Key
    order_ref: str = Field(
        "", max_length=64, description="POS/쇼핑몰 주문번호: 환불하면 쓴 포인트가 돌아갑니다"
    )
    order_amount: int | None = Field(
        None, ge=0, le=10**13, description="주문 금액(원): 사용 비율 한도에 씁니다"
    )
    capture: bool = Field(False, description="true면 보류 없이 바로 사용")


class ReleaseIn(Schema):
    reason: str = Field("", max_length=300)


class RedemptionOut(Schema):
    idempotency_key: str
    customer_id: int
    points: int
    status: str
    order_ref: str
    returned_points: int
    created_at: dt.datetime
    expires_at: dt.datetime
    settled_at: dt.datetime | None
    available_after: int


class CouponRedeemIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**62)
    code: str = Field(..., min_length=1, max_length=20)
    idempotency_key: str = Key
    order_amount: int = Field(..., ge=0, le=10**13)
    order_ref: str = Field("", max_length=64)
    category_codes: list[str] = Field(default_factory=list, max_length=100)


class CouponRedemptionOut(Schema):
    code: str
    status: str
    discount_won: int
    order_ref: str
    redeemed_at: dt.datetime | None


class ReferralIn(Schema):
    code: str = Field(..., min_length=1, max_length=12)
    customer_id: int = Field(..., ge=1, le=2**62, description="추천받아 가입한 고객")


class ReferralOut(Schema):
    referrer_id: int
    referee_id: int
    status: str
    reject_reason: str


class ReferralCodeOut(Schema):
    customer_id: int
    code: str


def _problem(exc: RewardsError) -> ApiProblem:
    return ApiProblem(
        STATUS.get(exc.error_code, 422),
        exc.error_code,
        details=exc.details,
        message=exc.message_ko,
        message_en=exc.message_en or None,
    )


def _customer(customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first() if 1 <= customer_id <= 2**62 else None
    if customer is None:
        raise ApiProblem(
            404, "not_found", message=_("고객을 찾을 수 없습니다."), message_en="Customer not found."
        )
    return survivor(customer)  # a merged record's points are the survivor's


def _customer_ref(customer_id: int) -> Customer:
    """`_customer` for the redemption path: one hand-written query for what the points services read (the id,
    and the status and merge target that `survivor` follows); any other field loads when first read."""
    row = None
    if 1 <= customer_id <= 2**62:
        # prepared once it has run twice on a PostgreSQL connection (settings)
        with connection.cursor() as cursor:
            cursor.execute(_CUSTOMER_REF_SQL, [customer_id])
            row = cursor.fetchone()
    if row is None:
        raise ApiProblem(
            404, "not_found", message=_("고객을 찾을 수 없습니다."), message_en="Customer not found."
        )
    return survivor(Customer.from_db(connection.alias, ["id", "status", "merged_into_id"], row))


_CUSTOMER_REF_SQL = "SELECT id, status, merged_into_id FROM customers_customer WHERE id = %s"


def _hold(key: str) -> PointHold:
    hold = PointHold.objects.filter(idempotency_key=key).first()
    if hold is None:
        raise ApiProblem(
            404,
            "not_found",
            message=_("해당 요청 키의 포인트 사용이 없습니다."),
            message_en="No redemption with this key.",
        )
    return hold


def _coupon_out(c: CouponIssue) -> dict[str, Any]:
    d = c.definition
    return {
        "code": c.code,
        "name": d.name,
        "kind": d.kind,
        "value": d.value,
        "min_spend_won": d.min_spend_won,
        "status": c.status,
        "valid_until": c.valid_until,
    }


def _redemption_out(hold: PointHold) -> dict[str, Any]:
    available = getattr(hold, "available_after", None)  # a new redemption knows it
    if available is None:
        available = (
            PointBalance.objects.filter(pk=hold.customer_id).values_list("available", flat=True).first()
        )
    return {
        "idempotency_key": hold.idempotency_key,
        "customer_id": hold.customer_id,
        "points": hold.points,
        "status": hold.status,
        "order_ref": hold.order_ref,
        "returned_points": hold.returned_points,
        "created_at": hold.created_at,
        "expires_at": hold.expires_at,
        "settled_at": hold.settled_at,
        "available_after": available or 0,
    }


@router.get("/customers/{customer_id}", response=AccountOut)
def account(request: HttpRequest, customer_id: int) -> Any:
    """잔액(사용 가능·적립 예정·보류), 곧 소멸할 포인트, 멤버십 등급, 쓸 수 있는 쿠폰."""
    require_scope(request, READ)
    customer = _customer(customer_id)
    s = selectors.customer_rewards_summary(customer)
    progress = s.membership
    tier = progress.tier if progress else None
    return {
        "customer_id": customer.pk,
        "available": s.available,
        "pending": s.pending,
        "held": s.held,
        "debt": s.debt,
        "value_won": s.value_won,
        "expiring_points": s.expiring_points,
        "expiring_on": s.expiring_on,
        "tier": tier,
        "next_tier": progress.next_tier.name if progress and progress.next_tier else None,
        "spend_to_next_tier": progress.spend_needed if progress else 0,
        "coupons": [_coupon_out(c) for c in s.coupons],
    }


@router.get("/customers/{customer_id}/entries", response=EntryPage)
def entries(
    request: HttpRequest,
    customer_id: int,
    cursor: int | None = Query(None, ge=1, le=2**62),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    """포인트 내역(최신순, id 커서)."""
    require_scope(request, READ)
    customer = _customer(customer_id)
    qs = PointEntry.objects.filter(customer=customer).order_by("-id")
    if cursor:
        qs = qs.filter(id__lt=cursor)
    rows = list(qs[: limit + 1])
    items = [
        {
            "id": e.pk,
            "at": e.at,
            "kind": e.kind,
            "source": e.source,
            "source_ref": e.source_ref,
            "reason": e.reason,
            "points": e.points,
            "available_delta": e.available_delta,
            "pending_delta": e.pending_delta,
            "held_delta": e.held_delta,
            "debt_delta": e.debt_delta,
        }
        for e in rows[:limit]
    ]
    return {"items": items, "next_cursor": rows[limit - 1].pk if len(rows) > limit else None}


@router.post("/earn", response=EarnOut)
def earn(request: HttpRequest, payload: EarnIn) -> Any:
    """주문의 포인트 적립(반품 기간이 지나면 확정). 같은 주문을 다시 보내도 한 번만 쌓입니다."""
    require_scope(request, WRITE)
    order = Order.objects.filter(external_id=payload.order_id).first()
    if order is None:
        raise ApiProblem(
            404,
            "not_found",
            message=_("주문을 찾을 수 없습니다. 주문을 먼저 등록하세요."),
            message_en="Order not found.",
        )
    try:
        record = earning.points_earn_for_order(order=order, by=request.user)  # type: ignore[arg-type]
    except RewardsError as exc:
        raise _problem(exc) from exc
    if record is None:
        raise ApiProblem(
            422,
            "invalid_input",
            message=_("포인트 프로그램 시작 전의 주문은 적립하지 않습니다."),
            message_en="Orders placed before the programme started earn no points.",
        )
    lot = record.lot
    return {
        "order_id": order.external_id,
        "customer_id": order.customer_id,
        "points": record.points,
        "clawed_back": record.clawed_back,
        "available_at": lot.available_at if lot else None,
    }


@router.post("/redemptions", response={200: RedemptionOut, 201: RedemptionOut})
def redeem(request: HttpRequest, payload: RedeemIn) -> Any:
    """포인트 사용 보류(capture=false) 또는 바로 사용(capture=true). 같은 키는 한 번만 처리됩니다."""
    require_scope(request, WRITE)
    customer = _customer_ref(payload.customer_id)
    try:
        hold = services.points_hold(
            customer=customer,
            points=payload.points,
            idempotency_key=payload.idempotency_key,
            order_ref=payload.order_ref,
            order_amount=payload.order_amount,
            capture=payload.capture,
            by=request.user,  # type: ignore[arg-type]
        )
    except RewardsError as exc:
        raise _problem(exc) from exc
    return (200 if getattr(hold, "replayed", False) else 201), _redemption_out(hold)


@router.get("/redemptions/{key}", response=RedemptionOut)
def redemption(request: HttpRequest, key: str) -> Any:
    require_scope(request, READ)
    return _redemption_out(_hold(key))


@router.post("/redemptions/{key}/capture", response=RedemptionOut)
def capture(request: HttpRequest, key: str) -> Any:
    """보류한 포인트를 사용 확정(결제 완료). 두 번 보내도 한 번만 처리됩니다."""
    require_scope(request, WRITE)
    try:
        hold = services.points_capture(hold=_hold(key), by=request.user)  # type: ignore[arg-type]
    except RewardsError as exc:
        raise _problem(exc) from exc
    return _redemption_out(hold)


@router.post("/redemptions/{key}/release", response=RedemptionOut)
def release(request: HttpRequest, key: str, payload: ReleaseIn) -> Any:
    """보류한 포인트를 돌려놓기(결제 실패·취소)."""
    require_scope(request, WRITE)
    try:
        hold = services.points_release(hold=_hold(key), by=request.user, reason=payload.reason)  # type: ignore[arg-type]
    except RewardsError as exc:
        raise _problem(exc) from exc
    return _redemption_out(hold)


@router.get("/customers/{customer_id}/coupons", response=list[CouponOut])
def customer_coupons(request: HttpRequest, customer_id: int) -> Any:
    """고객이 지금 쓸 수 있는 쿠폰."""
    require_scope(request, READ)
    return [_coupon_out(c) for c in selectors.customer_rewards_summary(_customer(customer_id)).coupons]


@router.post("/coupons/redeem", response=CouponRedemptionOut)
def coupon_redeem(request: HttpRequest, payload: CouponRedeemIn) -> Any:
    """쿠폰 사용(한 번만). 같은 키로 다시 보내면 처음 결과를 돌려줍니다."""
    require_scope(request, WRITE)
    customer = _customer(payload.customer_id)
    try:
        issue = coupons.coupon_redeem(
            code=payload.code,
            customer=customer,
            idempotency_key=payload.idempotency_key,
            order_amount=payload.order_amount,
            order_ref=payload.order_ref,
            category_codes=payload.category_codes,
            by=request.user,  # type: ignore[arg-type]
        )
    except RewardsError as exc:
        raise _problem(exc) from exc
    return {
        "code": issue.code,
        "status": issue.status,
        "discount_won": issue.discount_won,
        "order_ref": issue.order_ref,
        "redeemed_at": issue.redeemed_at,
    }


@router.post("/customers/{customer_id}/referral-code", response=ReferralCodeOut)
def referral_code(request: HttpRequest, customer_id: int) -> Any:
    """고객의 추천 코드(처음 요청할 때 만들어집니다)."""
    require_scope(request, WRITE)
    customer = _customer(customer_id)
    return {"customer_id": customer.pk, "code": referrals.referral_code_for(customer).code}


@router.post("/referrals", response={201: ReferralOut})
def referral_register(request: HttpRequest, payload: ReferralIn) -> Any:
    """추천 코드로 가입한 고객 등록. 본인·같은 연락처/주소 추천은 거절 사유와 함께 기록됩니다."""
    require_scope(request, WRITE)
    customer = _customer(payload.customer_id)
    try:
        referral = referrals.referral_register(code=payload.code, referee=customer, by=request.user)  # type: ignore[arg-type]
    except RewardsError as exc:
        raise _problem(exc) from exc
    return 201, {
        "referrer_id": referral.referrer_id,
        "referee_id": referral.referee_id,
        "status": referral.status,
        "reject_reason": referral.reject_reason,
    }
