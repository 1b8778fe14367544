"""VOC endpoints (mounted at /api/voc by dangol.api). Scopes: voc:read, voc:write."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangol.accounts.models import Team
from dangol.api.choices import (
    CaseChannel,
    CaseKind,
    CasePriority,
    CaseReactionOrBlank,
    CaseResolution,
    CaseResolutionOrBlank,
    CaseStatus,
    CaseStatusOrBlank,
    CaseStep,
)
from dangol.api.scopes import ApiProblem, require_scope
from dangol.api.types import Instant
from dangol.common.korean import particle
from dangol.customers.models import Customer
from dangol.interactions.models import Touchpoint
from dangol.voc import outreach, services
from dangol.voc.models import Case, CaseEvent, RootCause

router = Router(tags=["voc"])


class CaseIn(Schema):
    customer_id: int | None = Field(None, ge=1, le=2**62)
    kind: CaseKind = "complaint"
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=20000)
    channel: CaseChannel = "api"
    touchpoint: str | None = Field(None, max_length=40, description="접점 코드")
    category: str | None = Field(None, max_length=40, description="분류 코드")
    priority: CasePriority = "normal"
    contact_name: str = Field("", max_length=60)
    contact_info: str = Field("", max_length=120)
    callback_phone: str = Field("", max_length=30, description="고객이 회신받기를 원하는 전화번호")
    source_ref: str = Field("", max_length=100, description="같은 값이면 한 건만 만들어집니다")
    received_at: Instant | None = Field(
        None,
        description="고객이 접수한 시각(ISO 8601, 시간대 포함). SLA 기한은 이 시각부터 셉니다. 생략하면 지금.",
    )


class CasePatch(Schema):
    version: int = Field(..., ge=1, le=2_000_000_000)
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, max_length=20000)
    priority: CasePriority | None = None


class StepIn(Schema):
    step: CaseStep
    note: str = Field("", max_length=5000)


class HandoffIn(Schema):
    to_team: str = Field(..., min_length=1, max_length=40, description="팀 코드")
    reason: str = Field(..., min_length=1, max_length=300)
    version: int | None = Field(None, ge=1, le=2_000_000_000)


class ResolutionIn(Schema):
    resolution_type: CaseResolution
    note: str = Field("", max_length=5000)
    cost: int = Field(0, ge=0, le=10**12)
    points: int = Field(0, ge=0, le=10**9)
    reaction: CaseReactionOrBlank = ""
    root_cause: str | None = Field(None, max_length=40)
    override_reason: str = Field("", max_length=300)
    version: int | None = Field(None, ge=1, le=2_000_000_000)


class EmailIn(Schema):
    message_id: str = Field(..., min_length=1, max_length=90)
    sender: str = Field(..., min_length=3, max_length=120)
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=50000)
    date: str | None = Field(
        None,
        max_length=100,
        description="메일의 Date: 헤더(RFC 5322, 예: 'Tue, 3 Nov 2026 09:12:00 +0900') 또는 ISO 8601. "
        "SLA 기한은 이 시각부터 셉니다. 생략하면 지금.",
    )
    in_reply_to: str = Field("", max_length=1000, description="메일의 In-Reply-To: 헤더")
    references: str = Field(
        "",
        max_length=10000,
        description="메일의 References: 헤더. 우리가 보낸 메일(Message-ID)에 대한 답장이면 새 건 대신 그 건에 붙습니다.",
    )


class CloseIn(Schema):
    version: int | None = Field(None, ge=1, le=2_000_000_000, description="낙관적 잠금: 읽은 버전")
    override_reason: str = Field(
        "", max_length=300, description="필수 단계를 생략한 채 종결하는 사유(매니저)"
    )


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)
    version: int | None = Field(None, ge=1, le=2_000_000_000, description="낙관적 잠금: 읽은 버전")


class CaseOut(Schema):
    id: int
    number: str
    kind: CaseKind
    status: CaseStatus
    priority: CasePriority
    channel: CaseChannel
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
    resolution_type: CaseResolutionOrBlank
    resolution_cost: int
    steps: list[CaseStep]
    version: int


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: int | None


class CaseEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str = Field(..., description="opened, step, handoff, resolved, closed, reopened, sla_breach, …")
    message: str
    by: str | None
    data: dict[str, Any]


class CaseEventPage(Schema):
    items: list[CaseEventOut]
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
        raise ApiProblem(403, "forbidden_scope", message=_("이 건을 처리할 권한이 없습니다."))
    return request.user


def _conflicts(call: Any) -> Any:

    try:
        return call()
    except services.CaseConflict as exc:
        raise ApiProblem(409, "conflict", message=str(exc)) from exc


def _expect_version(case: Case, version: int | None) -> None:
    """A stale read is a conflict before anything else is judged (the case may have moved on since)."""
    if version is not None and version != case.version:
        raise ApiProblem(409, "conflict", details={"version": case.version})


# A case entered late (a backlog typed in after an outage, a forwarded letter) keeps the time the customer
# reached us, so the delay does not buy it fresh due times. A minute of clock skew between the caller and
# us is forgiven; more than a year back is taken for a typo.
CLOCK_SKEW = dt.timedelta(minutes=1)
OLDEST_RECEIVED_AT = dt.timedelta(days=365)


def _invalid(field: str, ko: str, en: str) -> ApiProblem:
    return ApiProblem(422, "invalid_input", details={field: [ko]}, message=ko, message_en=en)


def _received_at(value: dt.datetime | None, *, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        raise _invalid(
            field,
            _("%(field)s에 시간대(예: +09:00)를 포함하세요.") % {"field": field},
            f"{field} must include a UTC offset (e.g. +09:00).",
        )
    now = timezone.now()
    # 이 or 가, whichever fits the field name; English drops it, so its msgids are not checked as python-format
    subject_particle = particle(field, "이/가")
    if value > now + CLOCK_SKEW:
        raise _invalid(
            field,
            # xgettext:no-python-format
            _("%(field)s%(particle)s 미래 시각입니다.") % {"field": field, "particle": subject_particle},
            f"{field} is in the future.",
        )
    if value < now - OLDEST_RECEIVED_AT:
        raise _invalid(
            field,
            # xgettext:no-python-format
            _("%(field)s%(particle)s 1년보다 이전입니다. 날짜를 확인하세요.")
            % {"field": field, "particle": subject_particle},
            f"{field} is more than a year ago; check the date.",
        )
    return min(value, now).astimezone(dt.UTC)


def _mail_date(raw: str | None) -> dt.datetime | None:
    """The message's own Date: header (RFC 5322), or an ISO 8601 time."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _invalid(
                "date",
                _("date를 읽을 수 없습니다. 메일의 Date: 헤더나 ISO 8601 시각을 보내 주세요."),
                "date is not readable: send the message's Date: header or an ISO 8601 time.",
            ) from None
    return _received_at(value, field="date")


def _event_out(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "message": event.message,
        "by": event.by.get_username() if event.by else None,
        "data": event.data or {},
    }


@router.get("/cases", response=CasePage)
def cases_list(
    request: HttpRequest,
    status: CaseStatusOrBlank = "",
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
        callback_phone=payload.callback_phone,
        source_ref=payload.source_ref,
        opened_at=_received_at(payload.received_at, field="received_at"),
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


@router.post("/cases/{case_id}/close", response=CaseOut)
def cases_close(request: HttpRequest, case_id: int, payload: CloseIn) -> Any:
    """Close a resolved case (the timeline gets a `closed` event)."""
    case = _case(case_id)
    user = _writable(request, case)
    _expect_version(case, payload.version)
    case = _conflicts(
        lambda: services.case_close(
            case=case, by=user, override_reason=payload.override_reason, expected_version=payload.version
        )
    )
    return _out(case)


@router.post("/cases/{case_id}/reopen", response=CaseOut)
def cases_reopen(request: HttpRequest, case_id: int, payload: ReopenIn) -> Any:
    """Open a resolved or closed case again, with a reason; the resolution clock restarts."""
    case = _case(case_id)
    user = _writable(request, case)
    _expect_version(case, payload.version)
    case = _conflicts(
        lambda: services.case_reopen(
            case=case, by=user, reason=payload.reason, expected_version=payload.version
        )
    )
    return _out(_case(case.pk))


@router.get("/cases/{case_id}/events", response=CaseEventPage)
def cases_events(
    request: HttpRequest,
    case_id: int,
    cursor: int | None = Query(None, ge=1, le=2**62, description="앞 페이지의 마지막 이벤트 id"),
    limit: int = Query(100, ge=1, le=500),
) -> Any:
    """The case's timeline, oldest first."""
    require_scope(request, "voc:read")
    case = _case(case_id)
    qs = CaseEvent.objects.filter(case=case).select_related("by").order_by("id")
    if cursor:
        qs = qs.filter(id__gt=cursor)
    rows = list(qs[: limit + 1])
    return {
        "items": [_event_out(e) for e in rows[:limit]],
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.post("/inbound-email", response={200: CaseOut, 201: CaseOut})
def inbound_email(request: HttpRequest, payload: EmailIn) -> Any:
    """An e-mail to the VOC mailbox becomes a case (201, once per Message-ID), linked to the customer by address.
    A reply to one of our e-mails (In-Reply-To / References naming our Message-ID) joins that case instead (200)."""

    require_scope(request, "voc:write")
    address = payload.sender.strip().lower()
    if "<" in address and address.endswith(">"):
        address = address.rsplit("<", 1)[1][:-1]
    thread = outreach.case_replied_to(payload.in_reply_to, payload.references)
    if thread is not None:
        services.case_customer_replied(
            case=thread,
            message_id=payload.message_id,
            sender=address,
            subject=payload.subject,
            body=payload.body,
            at=_mail_date(payload.date),
            by=request.user,  # type: ignore[arg-type]
        )
        return 200, _out(_case(thread.pk))
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
        opened_at=_mail_date(payload.date),
        by=request.user,  # type: ignore[arg-type]
    )
    return 201, _out(case)
