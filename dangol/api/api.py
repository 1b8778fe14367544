"""The HTTP API (django-ninja). Domain code never imports this package."""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dangol.accounts.models import ApiToken
from dangol.accounts.services import staff_of
from dangol.api import schemas
from dangol.api.auth import TokenAuth
from dangol.api.campaigns import router as segments_router
from dangol.api.errors import error_body
from dangol.api.privacy import router as privacy_router
from dangol.api.rewards import router as rewards_router
from dangol.api.scopes import ApiProblem, _require
from dangol.api.surveys import router as surveys_router
from dangol.api.voc import router as voc_router
from dangol.customers import selectors, services
from dangol.customers.display import PERSONAL_FIELDS, customer_card
from dangol.customers.models import Customer
from dangol.customers.services import ConflictError
from dangol.imports.services import ImportResult, import_order_records
from dangol.interactions.models import Interaction, Touchpoint
from dangol.interactions.services import interaction_log
from dangol.privacy.models import AccessLog
from dangol.privacy.services import access_log_write, can_see_personal_data

api = NinjaAPI(
    title="Dangol API",
    version="1.0.0",
    description="단골 고객관리 API. `Authorization: Bearer <token>`; 토큰마다 허용 범위(scope)가 있습니다.",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
ERRORS: dict[int | frozenset[int], type] = {frozenset({400, 401, 403, 404, 409, 422}): schemas.ErrorOut}


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return api.create_response(
        request,
        error_body(exc.code, details=exc.details, message_ko=exc.message, message_en=exc.message_en),
        status=exc.status,
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [{"loc": list(e.get("loc", [])), "msg": str(e.get("msg", ""))} for e in exc.errors]
    return api.create_response(request, error_body("invalid_input", details=details), status=422)


@api.exception_handler(DjangoValidationError)
def _domain_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    message = " ".join(m for msgs in details.values() for m in msgs)
    return api.create_response(
        request, error_body("invalid_input", details=details, message_ko=message), status=422
    )


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, error_body("unauthorized"), status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found"), status=404)


@api.exception_handler(OperationalError)
def _busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """SQLite's one writer at a time: a request that waited the whole busy timeout for the write lock (a long job
    held it) gets a 503 to retry, not a 500; nothing was written (its transaction rolled back). Other database
    errors stay errors."""
    if "database is locked" not in str(exc):
        raise exc
    response = api.create_response(request, error_body("busy"), status=503)
    response["Retry-After"] = "1"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 401: "unauthorized", 403: "forbidden_scope", 404: "not_found"}.get(
        exc.status_code, "bad_request"
    )
    return api.create_response(request, error_body(code), status=exc.status_code)


def _require_role(request: HttpRequest, perm: str) -> None:
    """For an endpoint that does one particular thing within its scope (edit, not create): the role's permission."""
    if not request.user.has_perm(perm):
        raise ApiProblem(
            403,
            "forbidden_scope",
            details={"required": perm},
            message=_("이 작업을 할 권한(역할)이 없습니다."),
        )


def _unmasked(request: HttpRequest) -> bool:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return ApiToken.Scope.PERSONAL_DATA in token.scopes and can_see_personal_data(token.user)


def _customer_out(c: Customer, *, unmasked: bool) -> dict[str, Any]:
    card = customer_card(c, unmasked=unmasked)
    return {
        "id": c.pk,
        "external_id": c.external_id,
        "name": card.name,
        "preferred_name": c.preferred_name if unmasked else "",
        "phone": card.phone,
        "email": card.email,
        "birth_date": card.birth_date,
        "gender": c.gender,
        "address": card.address,
        "joined_at": c.joined_at,
        "acquisition_channel": c.acquisition_channel,
        "consent_stage": c.consent_stage,
        "tags": [t.name for t in c.tags.all()],
        "status": c.status,
        "version": c.version,
        "masked": not unmasked,
    }


def _encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode()


def _decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiProblem(400, "bad_request", message=_("cursor 값이 올바르지 않습니다.")) from exc
    if value < 0 or value > 2**62:
        raise ApiProblem(400, "bad_request", message=_("cursor 값이 올바르지 않습니다."))
    return value


def _get_customer(customer_id: int) -> Customer:
    if customer_id < 1 or customer_id > 2**62:
        raise Http404
    try:
        return Customer.objects.prefetch_related("tags").get(pk=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


@api.get("/customers", response={200: schemas.CustomerPage, **ERRORS}, tags=["customers"])
def customers_search(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    cursor: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    """이름, 전화번호 뒤 4자리, 이메일로 고객 검색 (id 내림차순 커서 페이지)."""
    _require(request, ApiToken.Scope.CUSTOMERS_READ)
    qs = selectors.customer_search(selectors.CustomerFilters(q=q)).order_by("-id").prefetch_related("tags")
    after = _decode_cursor(cursor)
    if after is not None:
        qs = qs.filter(id__lt=after)
    rows = list(qs[: limit + 1])
    unmasked = _unmasked(request)
    if unmasked and rows:
        access_log_write(
            staff=staff_of(request),
            action=AccessLog.Action.VIEW,
            fields=PERSONAL_FIELDS,
            customer_count=min(len(rows), limit),
            request=request,
            channel="api",
            detail=f"API 고객 검색 q={q}"[:300],
        )
    return {
        "items": [_customer_out(c, unmasked=unmasked) for c in rows[:limit]],
        "next_cursor": _encode_cursor(rows[limit - 1].pk) if len(rows) > limit else None,
    }


@api.post("/customers", response={201: schemas.CustomerOut, **ERRORS}, tags=["customers"])
def customers_create(request: HttpRequest, payload: schemas.CustomerIn) -> Any:
    _require(request, ApiToken.Scope.CUSTOMERS_WRITE)
    _require_role(request, "customers.add_customer")
    data = payload.dict()
    tags = data.pop("tags")
    customer = services.customer_create(data=data, tags=tags)
    return 201, _customer_out(customer, unmasked=_unmasked(request))


@api.get("/customers/{customer_id}", response={200: schemas.CustomerOut, **ERRORS}, tags=["customers"])
def customers_get(request: HttpRequest, customer_id: int) -> Any:
    _require(request, ApiToken.Scope.CUSTOMERS_READ)
    customer = _get_customer(customer_id)
    unmasked = _unmasked(request)
    if unmasked:
        access_log_write(
            staff=staff_of(request),
            action=AccessLog.Action.VIEW,
            fields=PERSONAL_FIELDS,
            customer_id=customer.pk,
            request=request,
            channel="api",
            detail="API 고객 조회",
        )
    return _customer_out(customer, unmasked=unmasked)


@api.patch("/customers/{customer_id}", response={200: schemas.CustomerOut, **ERRORS}, tags=["customers"])
def customers_update(request: HttpRequest, customer_id: int, payload: schemas.CustomerPatch) -> Any:
    _require(request, ApiToken.Scope.CUSTOMERS_WRITE)
    _require_role(request, "customers.change_customer")
    customer = _get_customer(customer_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    data = {k: ("" if v is None and k not in ("birth_date", "external_id") else v) for k, v in data.items()}
    try:
        customer = services.customer_update(customer=customer, data=data, expected_version=version)
    except ConflictError as exc:
        raise ApiProblem(409, "conflict", message=str(exc)) from exc
    if customer.status == Customer.Status.MERGED:
        raise ApiProblem(409, "conflict", message=_("병합된 고객입니다."))
    return _customer_out(customer, unmasked=_unmasked(request))


def _interaction_out(i: Interaction) -> dict[str, Any]:
    return {
        "id": i.pk,
        "customer_id": i.customer_id,
        "touchpoint": i.touchpoint.code,
        "type": i.type,
        "summary": i.summary,
        "body": i.body,
        "occurred_at": i.occurred_at,
        "staff": i.staff.get_username() if i.staff else None,
    }


@api.get(
    "/customers/{customer_id}/interactions",
    response={200: schemas.InteractionPage, **ERRORS},
    tags=["interactions"],
)
def interactions_list(
    request: HttpRequest,
    customer_id: int,
    cursor: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    _require(request, ApiToken.Scope.INTERACTIONS_READ)
    customer = _get_customer(customer_id)
    qs = Interaction.objects.filter(customer=customer).select_related("touchpoint", "staff").order_by("-id")
    after = _decode_cursor(cursor)
    if after is not None:
        qs = qs.filter(id__lt=after)
    rows = list(qs[: limit + 1])
    return {
        "items": [_interaction_out(i) for i in rows[:limit]],
        "next_cursor": _encode_cursor(rows[limit - 1].pk) if len(rows) > limit else None,
    }


@api.post("/interactions", response={201: schemas.InteractionOut, **ERRORS}, tags=["interactions"])
def interactions_create(request: HttpRequest, payload: schemas.InteractionIn) -> Any:
    _require(request, ApiToken.Scope.INTERACTIONS_WRITE)
    customer = _get_customer(payload.customer_id)
    touchpoint = Touchpoint.objects.filter(code=payload.touchpoint).first()
    if touchpoint is None:
        raise ApiProblem(
            422,
            "invalid_input",
            message=_("알 수 없는 접점 코드입니다: %(touchpoint)s") % {"touchpoint": payload.touchpoint},
        )
    interaction = interaction_log(
        customer=customer,
        touchpoint=touchpoint,
        type=payload.type,
        summary=payload.summary,
        body=payload.body,
        staff=staff_of(request),
        occurred_at=payload.occurred_at,
    )
    return 201, _interaction_out(interaction)


@api.post("/orders/bulk", response={200: schemas.OrdersBulkOut, **ERRORS}, tags=["orders"])
def orders_bulk(request: HttpRequest, payload: schemas.OrdersBulkIn) -> Any:
    """주문 여러 건 등록/갱신 (주문번호 기준 upsert, 같은 요청을 반복해도 결과가 같음)."""
    _require(request, ApiToken.Scope.ORDERS_WRITE)
    records: list[tuple[int, dict[str, str]]] = []
    for index, order in enumerate(payload.orders, start=1):
        for line in order.lines:
            records.append(
                (
                    index,
                    {
                        "order_id": order.order_id,
                        "customer_id": order.customer_external_id,
                        "ordered_at": order.ordered_at.isoformat(),
                        "store": order.store,
                        "sku": line.sku,
                        "product_name": line.product_name,
                        "category": line.category,
                        "quantity": str(line.quantity),
                        "unit_price": str(line.unit_price),
                        "amount": str(line.unit_price * line.quantity),
                        "refunded_amount": str(order.refunded_amount) if line is order.lines[0] else "",
                    },
                )
            )
    result = ImportResult(kind="orders", total_rows=len(payload.orders))
    import_order_records(records, result, payload.on_error)
    body = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [{"order": e.line, "field": e.column, "message": e.message} for e in result.errors],
        "written": result.written,
    }
    if not result.written:
        raise ApiProblem(422, "invalid_input", details=body["errors"], message=result.message)
    return body


api.add_router("/voc", voc_router)
api.add_router("/surveys", surveys_router)
api.add_router("/rewards", rewards_router)
api.add_router("/segments", segments_router)
api.add_router("/privacy", privacy_router)
