"""VOC endpoints (mounted at /api/voc by dangol.api). Scopes: voc:read, voc:write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from dangol.accounts.models import Team
from dangol.api.scopes import ApiProblem, require_scope
from dangol.customers.models import Customer
from dangol.interactions.models import Touchpoint
from dangol.voc import services
from dangol.voc.models import Case, RootCause

router = Router(tags=["voc"])


class CaseIn(Schema):
    customer_id: int | None = Field(None, ge=1, le=2**62)
    kind: str = Field("complaint", max_length=12)
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=20000)
    channel: str = Field("api", max_length=10)
    touchpoint: str | None = Field(None, max_length=40, description="접점 코드")
    category: str | None = Field(None, max_length=40, description="분류 코드")
    priority: str = Field("normal", max_length=10)
    contact_name: str = Field("", max_length=60)
    contact_info: str = Field("", max_length=120)
    source_ref: str = Field("", max_length=100, description="같은 값이면 한 건만 만들어집니다")


class CasePatch(Schema):
    version: int = Field(..., ge=1, le=2_000_000_000)
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, max_length=20000)
    priority: str | None = Field(None, max_length=10)


class StepIn(Schema):
    step: str = Field(..., max_length=10)
    note: str = Field("", max_length=5000)


class HandoffIn(Schema):
    to_team: str = Field(..., min_length=1, max_length=40, description="팀 코드")
    reason: str = Field(..., min_length=1, max_length=300)
    version: int | None = Field(None, ge=1, le=2_000_000_000)


class ResolutionIn(Schema):
    resolution_type: str = Field(..., max_length=14)
    note: str = Field("", max_length=5000)
    cost: int = Field(0, ge=0, le=10**12)
    points: int = Field(0, ge=0, le=10**9)
    reaction: str = Field("", max_length=12)
    root_cause: str | None = Field(None, max_length=40)
    override_reason: str = Field("", max_length=300)
    version: int | None = Field(None, ge=1, le=2_000_000_000)


class EmailIn(Schema):
    message_id: str = Field(..., min_length=1, max_length=90)
    sender: str = Field(..., min_length=3, max_length=120)
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=50000)


class CaseOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    priority: str
    channel: str
    customer_id: int | None
    title: str
    body: str
    category: str | None
    team: str | None
    assignee: str | None
    created_at: dt.datetime
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    resolved_at: dt.datetime | None
    resolution_type: str
    resolution_cost: int
    steps: list[str]
    version: int


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: int | None


def _out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "status": case.status,
        "priority": case.priority,
        "channel": case.channel,
        "customer_id": case.customer_id,
        "title": case.title,
        "body": case.body,
        "category": case.category.code if case.category else None,
        "team": case.team.code if case.team else None,
        "assignee": case.assignee.get_username() if case.assignee else None,
        "created_at": case.created_at,
        "first_response_due": case.first_response_due,
        "resolution_due": case.resolution_due,
        "resolved_at": case.resolved_at,
        "resolution_type": case.resolution_type,
        "resolution_cost": case.resolution_cost,
        "steps": list(case.steps.values_list("step", flat=True)),
        "version": case.version,
    }


def _case(case_id: int) -> Case:
    if not 1 <= case_id <= 2**62:
        raise Http404
    case = Case.objects.select_related("category", "team", "assignee").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _writable(request: HttpRequest, case: Case) -> Any:

    require_scope(request, "voc:write")
    if not services.can_work_on(request.user, case):  # type: ignore[arg-type]
        raise ApiProblem(403, "forbidden_scope", message="이 건을 처리할 권한이 없습니다.")
    return request.user


def _conflicts(call: Any) -> Any:

    try:
        return call()
    except services.CaseConflict as exc:
        raise ApiProblem(409, "conflict", message=str(exc)) from exc


@router.get("/cases", response=CasePage)
def cases_list(
    request: HttpRequest,
    status: str = Query("", max_length=10),
    cursor: int | None = Query(None, ge=1),
    limit: int = Query(50, ge=1, le=200),
) -> Any:

    require_scope(request, "voc:read")
    qs = Case.objects.select_related("category", "team", "assignee").order_by("-id")
    if status:
        qs = qs.filter(status=status)
    if cursor:
        qs = qs.filter(id__lt=cursor)
    rows = list(qs[: limit + 1])
    return {
        "items": [_out(c) for c in rows[:limit]],
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.post("/cases", response={201: CaseOut})
def cases_create(request: HttpRequest, payload: CaseIn) -> Any:

    require_scope(request, "voc:write")
    customer = Customer.objects.filter(pk=payload.customer_id).first() if payload.customer_id else None
    if payload.customer_id and customer is None:
        raise Http404
    touchpoint = Touchpoint.objects.filter(code=payload.touchpoint).first() if payload.touchpoint else None
    case = services.case_open(
        customer=customer,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        channel=payload.channel,
        touchpoint=touchpoint,
        category_code=payload.category,
        priority=payload.priority,
        by=request.user,  # type: ignore[arg-type]
        contact_name=payload.contact_name,
        contact_info=payload.contact_info,
        source_ref=payload.source_ref,
    )
    return 201, _out(case)


@router.get("/cases/{case_id}", response=CaseOut)
def cases_get(request: HttpRequest, case_id: int) -> Any:

    require_scope(request, "voc:read")
    return _out(_case(case_id))


@router.patch("/cases/{case_id}", response=CaseOut)
def cases_update(request: HttpRequest, case_id: int, payload: CasePatch) -> Any:
    case = _case(case_id)
    user = _writable(request, case)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    case = _conflicts(
        lambda: services.case_update_details(case=case, by=user, expected_version=version, **data)
    )
    return _out(case)


@router.post("/cases/{case_id}/steps", response={201: CaseOut})
def cases_step(request: HttpRequest, case_id: int, payload: StepIn) -> Any:
    case = _case(case_id)
    user = _writable(request, case)
    services.case_record_step(case=case, step=payload.step, by=user, note=payload.note)
    return 201, _out(_case(case_id))


@router.post("/cases/{case_id}/handoffs", response={201: CaseOut})
def cases_handoff(request: HttpRequest, case_id: int, payload: HandoffIn) -> Any:
    case = _case(case_id)
    user = _writable(request, case)
    team = Team.objects.filter(code=payload.to_team).first()
    if team is None:
        raise Http404
    case = _conflicts(
        lambda: services.case_handoff(
            case=case, to_team=team, reason=payload.reason, by=user, expected_version=payload.version
        )
    )
    return 201, _out(case)


@router.post("/cases/{case_id}/resolution", response=CaseOut)
def cases_resolve(request: HttpRequest, case_id: int, payload: ResolutionIn) -> Any:
    case = _case(case_id)
    user = _writable(request, case)
    root = RootCause.objects.filter(code=payload.root_cause).first() if payload.root_cause else None
    case = _conflicts(
        lambda: services.case_resolve(
            case=case,
            by=user,
            resolution_type=payload.resolution_type,
            note=payload.note,
            cost=payload.cost,
            points=payload.points,
            reaction=payload.reaction,
            root_cause=root,
            override_reason=payload.override_reason,
            expected_version=payload.version,
        )
    )
    return _out(case)


@router.post("/inbound-email", response={201: CaseOut})
def inbound_email(request: HttpRequest, payload: EmailIn) -> Any:
    """An e-mail to the VOC mailbox becomes a case (once per Message-ID), linked to the customer by address."""

    require_scope(request, "voc:write")
    address = payload.sender.strip().lower()
    if "<" in address and address.endswith(">"):
        address = address.rsplit("<", 1)[1][:-1]
    customer = Customer.objects.filter(email=address, status=Customer.Status.ACTIVE).first()
    touchpoint = Touchpoint.objects.filter(channel=Touchpoint.Channel.EMAIL).first()
    case = services.case_open(
        customer=customer,
        kind="complaint",
        title=payload.subject,
        body=payload.body,
        channel="email",
        touchpoint=touchpoint,
        contact_info=address,
        source_ref=f"email:{payload.message_id}",
        by=request.user,
    )  # type: ignore[arg-type]
    return 201, _out(case)
