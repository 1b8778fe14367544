"""Data-subject requests over the API (mounted at /api/privacy). Scopes: privacy:read, privacy:write.

Open a request taken by phone, letter or e-mail (with the identity check if it was already made), list and read
requests, and the handler's actions: verify the identity, extend (once, with a reason), refuse (with a reason)
and fulfil. Every change goes through dangol.lifecycle.services, so the legal deadline, the events, the notice
to the customer and the forgetting path are the same as on the staff pages. A token's scopes are capped by its
user's role (dangol.api.auth); the handler's actions also need lifecycle.handle_subjectrequest. Names and
phones are masked, and free text has contact numbers masked, unless the token holds `personal_data` and the
role may see personal data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangol.accounts.models import ApiToken
from dangol.api.choices import one_of
from dangol.api.scopes import ApiProblem, require_scope
from dangol.customers.display import customer_card
from dangol.customers.models import Customer
from dangol.lifecycle import selectors, services
from dangol.lifecycle.models import Channel, IdentityMethod, Kind, SubjectRequest
from dangol.privacy.services import can_see_personal_data
from dangol.reading.text import mask_text

router = Router(tags=["privacy"])

READ, WRITE = "privacy:read", "privacy:write"

if TYPE_CHECKING:
    RequestKind: TypeAlias = str
    RequestKindOrBlank: TypeAlias = str
    StaffChannel: TypeAlias = str
    ChannelOrBlank: TypeAlias = str
    Identity: TypeAlias = str
    IdentityOrBlank: TypeAlias = str
    StatusFilter: TypeAlias = str
else:
    _STAFF_IDENTITY = [m for m in IdentityMethod.values if m != IdentityMethod.PORTAL_CODE]
    RequestKind = one_of(Kind)
    RequestKindOrBlank = one_of(Kind, blank=True)
    # A request over the API was taken by staff: "portal" (verified by the sign-in code) is the portal's own.
    StaffChannel = Literal[tuple(c for c in Channel.values if c != Channel.PORTAL)]
    ChannelOrBlank = one_of(Channel, blank=True)
    Identity = Literal[tuple(_STAFF_IDENTITY)]
    IdentityOrBlank = Literal[("", *_STAFF_IDENTITY)]
    StatusFilter = Literal[("open", "closed", "all", *SubjectRequest.Status.values)]


class RequestIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**62)
    kind: RequestKind
    channel: StaffChannel
    detail: str = Field("", max_length=4000, description="요구 내용(정정 요구는 필수)")
    identity_method: IdentityOrBlank = Field(
        "", description="접수할 때 이미 본인 확인을 했으면 그 방법(처리 권한이 있는 역할만)"
    )


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000, description="고객에게 그대로 안내되는 사유")


class VerifyIn(Schema):
    method: Identity


class CorrectionIn(Schema):
    name: str | None = Field(None, max_length=60)
    preferred_name: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)


class FulfilIn(Schema):
    outcome: str = Field("", max_length=4000, description="처리 결과(설명 요구는 고객에게 드린 설명)")
    changes: CorrectionIn | None = Field(None, description="정정 요구: 고칠 항목")


class CustomerRef(Schema):
    id: int
    name: str
    phone: str


class EventOut(Schema):
    action: str
    at: dt.datetime
    by: str
    note: str


class RequestOut(Schema):
    id: int
    customer: CustomerRef
    kind: str
    channel: str
    status: str
    detail: str
    received_at: dt.datetime
    due_on: dt.date
    extended_until: dt.date | None
    effective_due: dt.date
    overdue: bool
    reason: str
    outcome: str
    identity_method: str
    identity_verified_at: dt.datetime | None
    owner: str
    closed_at: dt.datetime | None


class RequestDetailOut(RequestOut):
    events: list[EventOut]


class RequestPage(Schema):
    items: list[RequestOut]
    next_cursor: int | None


def _unmasked(request: HttpRequest) -> bool:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return ApiToken.Scope.PERSONAL_DATA in token.scopes and can_see_personal_data(token.user)


def _text(value: str, *, unmasked: bool) -> str:
    return value if unmasked else mask_text(value)


def _out(r: SubjectRequest, *, unmasked: bool, today: dt.date) -> dict[str, Any]:
    card = customer_card(r.customer, unmasked=unmasked)
    return {
        "id": r.pk,
        "customer": {"id": r.customer_id, "name": card.name, "phone": card.phone},
        "kind": r.kind,
        "channel": r.channel,
        "status": r.status,
        "detail": _text(r.detail, unmasked=unmasked),
        "received_at": r.received_at,
        "due_on": r.due_on,
        "extended_until": r.extended_until,
        "effective_due": r.effective_due,
        "overdue": not r.is_closed and r.effective_due < today,
        "reason": _text(r.reason, unmasked=unmasked),
        "outcome": _text(r.outcome, unmasked=unmasked),
        "identity_method": r.identity_method,
        "identity_verified_at": r.identity_verified_at,
        "owner": r.owner.get_username() if r.owner is not None else "",
        "closed_at": r.closed_at,
    }


def _detail(request: HttpRequest, r: SubjectRequest) -> dict[str, Any]:
    unmasked = _unmasked(request)
    out = _out(r, unmasked=unmasked, today=selectors.today())
    out["events"] = [
        {
            "action": e.action,
            "at": e.at,
            "by": e.by.get_username() if e.by is not None else "",
            "note": _text(e.note, unmasked=unmasked),
        }
        for e in selectors.subject_request_events(r)
    ]
    return out


def _found(request_id: int) -> SubjectRequest:
    found = (
        SubjectRequest.objects.select_related("customer", "owner").filter(pk=request_id).first()
        if 1 <= request_id <= 2**62
        else None
    )
    if found is None:
        raise ApiProblem(
            404, "not_found", message=_("정보주체 요구를 찾을 수 없습니다."), message_en="Request not found."
        )
    return found


def _handler(request: HttpRequest) -> None:
    if not services.may_handle(request.user):
        raise ApiProblem(
            403,
            "forbidden_scope",
            details={"required": services.HANDLE},
            message=_("정보주체 요구를 처리할 권한이 없습니다(개인정보 보호책임자·관리자·매니저)."),
            message_en="Your role may not act on data-subject requests.",
        )


def _denied(exc: PermissionDenied) -> ApiProblem:
    return ApiProblem(403, "forbidden_scope", message=str(exc) or None)


@router.get("/requests", response=RequestPage)
def requests_list(
    request: HttpRequest,
    status: StatusFilter = "open",
    kind: RequestKindOrBlank = "",
    channel: ChannelOrBlank = "",
    customer_id: int | None = Query(None, ge=1, le=2**62),
    overdue: bool = False,
    cursor: int | None = Query(None, ge=1, le=2**62),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    """Requests, newest first; `status` open (open or extended), closed, all, or one status."""
    require_scope(request, READ)
    qs = SubjectRequest.objects.select_related("customer", "owner").order_by("-id")
    if status == "open":
        qs = qs.filter(status__in=selectors.OPEN_STATUSES)
    elif status == "closed":
        qs = qs.exclude(status__in=selectors.OPEN_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if channel:
        qs = qs.filter(channel=channel)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    today = selectors.today()
    if overdue:  # open and past the (extended) due date
        qs = qs.filter(status__in=selectors.OPEN_STATUSES).filter(
            Q(extended_until__isnull=True, due_on__lt=today) | Q(extended_until__lt=today)
        )
    if cursor:
        qs = qs.filter(id__lt=cursor)
    rows = list(qs[: limit + 1])
    unmasked = _unmasked(request)
    return {
        "items": [_out(r, unmasked=unmasked, today=today) for r in rows[:limit]],
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.post("/requests", response={201: RequestDetailOut})
def requests_create(request: HttpRequest, payload: RequestIn) -> Any:
    """Open a request taken by phone, letter or e-mail; with `identity_method`, the identity check is recorded
    too (a handler's step)."""
    require_scope(request, WRITE)
    customer = Customer.objects.filter(pk=payload.customer_id).first()
    if customer is None:
        raise ApiProblem(
            404, "not_found", message=_("고객을 찾을 수 없습니다."), message_en="Customer not found."
        )
    if payload.identity_method:
        _handler(request)
    try:
        opened = services.subject_request_open(
            customer=customer,
            kind=payload.kind,
            channel=payload.channel,
            detail=payload.detail,
            by=request.user,
        )
        if payload.identity_method:
            opened = services.subject_request_verify(
                request=opened, method=payload.identity_method, by=request.user
            )
    except PermissionDenied as exc:
        raise _denied(exc) from exc
    return 201, _detail(request, _found(opened.pk))


@router.get("/requests/{request_id}", response=RequestDetailOut)
def requests_get(request: HttpRequest, request_id: int) -> Any:
    require_scope(request, READ)
    return _detail(request, _found(request_id))


@router.post("/requests/{request_id}/verify", response=RequestDetailOut)
def requests_verify(request: HttpRequest, request_id: int, payload: VerifyIn) -> Any:
    """Record how the requester was confirmed to be the customer (needed before fulfilling)."""
    require_scope(request, WRITE)
    _handler(request)
    done = services.subject_request_verify(request=_found(request_id), method=payload.method, by=request.user)
    return _detail(request, _found(done.pk))


@router.post("/requests/{request_id}/extend", response=RequestDetailOut)
def requests_extend(request: HttpRequest, request_id: int, payload: ReasonIn) -> Any:
    """Extend the deadline once by 10 more days; the reason is sent to the customer."""
    require_scope(request, WRITE)
    _handler(request)
    done = services.subject_request_extend(request=_found(request_id), reason=payload.reason, by=request.user)
    return _detail(request, _found(done.pk))


@router.post("/requests/{request_id}/refuse", response=RequestDetailOut)
def requests_refuse(request: HttpRequest, request_id: int, payload: ReasonIn) -> Any:
    """Refuse with a reason, which is sent to the customer."""
    require_scope(request, WRITE)
    _handler(request)
    done = services.subject_request_refuse(request=_found(request_id), reason=payload.reason, by=request.user)
    return _detail(request, _found(done.pk))


@router.post("/requests/{request_id}/fulfil", response=RequestDetailOut)
def requests_fulfil(request: HttpRequest, request_id: int, payload: FulfilIn) -> Any:
    """Carry the request out and close it (access: the export is prepared; correction: `changes`; deletion: the
    customer is forgotten; suspension: processing stops; explanation: `outcome` is the explanation)."""
    require_scope(request, WRITE)
    _handler(request)
    changes = payload.changes.dict(exclude_none=True) if payload.changes else None
    done = services.subject_request_complete(
        request=_found(request_id), by=request.user, outcome=payload.outcome, changes=changes
    )
    return _detail(request, _found(done.pk))
