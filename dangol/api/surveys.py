"""Survey endpoints (mounted at /api/surveys by dangol.api). Scopes: surveys:read, surveys:write."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dangol.api.choices import (
    CaseStatus,
    InvitationChannel,
    QuestionAspect,
    QuestionDimension,
    QuestionKind,
    SurveyKind,
    SurveyStatus,
    SurveyTrigger,
)
from dangol.api.scopes import ApiProblem, require_scope
from dangol.api.types import Instant
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction, Touchpoint
from dangol.surveys import analysis, services
from dangol.surveys.models import Question, Response, Survey

SEOUL = ZoneInfo("Asia/Seoul")
router = Router(tags=["surveys"])
ID = Field(None, ge=1, le=2**62)
# A survey or question code as dangol.surveys.services.CODE_RE takes it (before lower-casing).
CODE = "^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"


class QuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=300)
    text_en: str = Field("", max_length=300)
    code: str = Field("", max_length=40, pattern=f"^$|{CODE}", description="비우면 q1, q2, …")
    aspect: QuestionAspect = "overall"
    dimension: QuestionDimension = ""
    choices: list[str] = Field(default_factory=list, max_length=50)
    required: bool = True
    stated_importance: int | None = Field(None, ge=1, le=5)


class SurveyIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, pattern=CODE)
    title: str = Field(..., min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    intro: str = Field("", max_length=2000)
    kind: SurveyKind = "customer"
    trigger: SurveyTrigger = "manual"
    touchpoint: str | None = Field(None, max_length=40, description="접점 코드")
    anonymous: bool = False
    promotional: bool = False
    link_days: int = Field(14, ge=1, le=365)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=100)
    activate: bool = True


class QuestionOut(Schema):
    code: str
    kind: QuestionKind
    text: str
    aspect: QuestionAspect
    dimension: QuestionDimension
    choices: list[str]
    required: bool


class SurveyOut(Schema):
    id: int
    code: str
    title: str
    kind: SurveyKind
    status: SurveyStatus
    anonymous: bool
    touchpoint: str | None
    current_wave: str
    questions: list[QuestionOut]


class InvitationIn(Schema):
    customer_id: int | None = ID
    touchpoint: str | None = Field(None, max_length=40)
    staff: str | None = Field(None, max_length=150, description="직원 아이디")
    interaction_id: int | None = ID
    channel: InvitationChannel = "link"


class InvitationOut(Schema):
    id: int
    url: str
    expires_at: dt.datetime


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description="문항 코드 → 답 (gap: 코드__expectation, kano: 코드__functional/…)"
    )
    comment: str = Field("", max_length=4000)
    answered_at: Instant | None = None
    customer_id: int | None = ID
    touchpoint: str | None = Field(None, max_length=40)
    staff: str | None = Field(None, max_length=150)
    source_ref: str = Field("", max_length=90, description="같은 값이면 한 번만 저장됩니다")


class ResponseOut(Schema):
    id: int
    survey_id: int
    answered_at: dt.datetime
    customer_id: int | None
    touchpoint: str | None
    team: str | None
    csat: int | None
    nps: int | None
    ces: int | None
    wave: str
    followup_case: str | None
    followup_status: CaseStatus | None


class ResponsePage(Schema):
    items: list[ResponseOut]
    next_cursor: int | None


def _scope(request: HttpRequest, scope: str, perm: str | None = None) -> User:

    require_scope(request, scope)
    user: User = request.user  # type: ignore[assignment]
    if perm and not user.has_perm(perm):
        raise ApiProblem(403, "forbidden_scope", message=_("이 작업을 할 권한(역할)이 없습니다."))
    return user


def _survey(survey_id: int) -> Survey:
    if not 1 <= survey_id <= 2**62:
        raise Http404
    survey = Survey.objects.select_related("touchpoint").filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


def _touchpoint(code: str | None) -> Touchpoint | None:
    if not code:
        return None
    touchpoint = Touchpoint.objects.filter(code=code).first()
    if touchpoint is None:
        raise ApiProblem(
            422,
            "invalid_input",
            details={"touchpoint": code},
            message=_("알 수 없는 접점 코드입니다: %(code)s") % {"code": code},
        )
    return touchpoint


def _lookup(model: Any, label: str, **filters: Any) -> Any:
    obj = model.objects.filter(**filters).first()
    if obj is None:
        raise ApiProblem(
            422,
            "invalid_input",
            details={label: str(next(iter(filters.values())))},
            message=_("%(field)s을(를) 찾을 수 없습니다.") % {"field": label},
        )
    return obj


def _survey_out(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "code": survey.code,
        "title": survey.title,
        "kind": survey.kind,
        "status": survey.status,
        "anonymous": survey.anonymous,
        "touchpoint": survey.touchpoint.code if survey.touchpoint else None,
        "current_wave": survey.current_wave,
        "questions": [
            {
                "code": q.code,
                "kind": q.kind,
                "text": q.text,
                "aspect": q.aspect,
                "dimension": q.dimension,
                "choices": q.choices,
                "required": q.required,
            }
            for q in survey.questions.all()
        ],
    }


def _response_out(r: Response) -> dict[str, Any]:
    case = r.followup_case
    return {
        "id": r.pk,
        "survey_id": r.survey_id,
        "answered_at": r.answered_at,
        "customer_id": r.customer_id,
        "touchpoint": r.touchpoint.code if r.touchpoint else None,
        "team": r.team.code if r.team else None,
        "csat": r.csat,
        "nps": r.nps,
        "ces": r.ces,
        "wave": r.wave,
        "followup_case": case.number if case else None,
        "followup_status": case.status if case else None,
    }


@router.get("", response=list[SurveyOut])
def surveys_list(request: HttpRequest) -> Any:
    _scope(request, "surveys:read")
    return [
        _survey_out(s)
        for s in Survey.objects.select_related("touchpoint").prefetch_related("questions")[:500]
    ]


@router.post("", response={201: SurveyOut})
def surveys_create(request: HttpRequest, payload: SurveyIn) -> Any:
    user = _scope(request, "surveys:write", "surveys.add_survey")
    with transaction.atomic():
        survey = services.survey_create(
            code=payload.code,
            title=payload.title,
            title_en=payload.title_en,
            intro=payload.intro,
            kind=payload.kind,
            trigger=payload.trigger,
            touchpoint=_touchpoint(payload.touchpoint),
            anonymous=payload.anonymous,
            promotional=payload.promotional,
            link_days=payload.link_days,
            by=user,
        )
        for q in payload.questions:
            services.question_add(
                survey=survey,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                code=q.code,
                aspect=q.aspect,
                dimension=q.dimension,
                choices=q.choices,
                required=q.required,
                stated_importance=q.stated_importance,
            )
        if payload.activate and payload.questions:
            services.survey_set_status(survey=survey, status=Survey.Status.ACTIVE)
    return 201, _survey_out(_survey(survey.pk))


@router.get("/{survey_id}", response=SurveyOut)
def surveys_get(request: HttpRequest, survey_id: int) -> Any:
    _scope(request, "surveys:read")
    return _survey_out(_survey(survey_id))


@router.post("/{survey_id}/invitations", response={201: InvitationOut})
def invitations_create(request: HttpRequest, survey_id: int, payload: InvitationIn) -> Any:
    _scope(request, "surveys:write", "surveys.add_invitation")
    survey = _survey(survey_id)
    customer = _lookup(Customer, "customer_id", pk=payload.customer_id) if payload.customer_id else None
    staff = _lookup(User, "staff", username=payload.staff) if payload.staff else None
    interaction = (
        _lookup(Interaction, "interaction_id", pk=payload.interaction_id) if payload.interaction_id else None
    )
    invitation, _token = services.invitation_create(
        survey=survey,
        customer=customer,
        staff=staff,
        interaction=interaction,
        touchpoint=_touchpoint(payload.touchpoint),
        channel=payload.channel,
    )
    url = request.build_absolute_uri(services.invitation_path(invitation))
    return 201, {"id": invitation.pk, "url": url, "expires_at": invitation.expires_at}


@router.get("/{survey_id}/responses", response=ResponsePage)
def responses_list(
    request: HttpRequest,
    survey_id: int,
    cursor: int | None = Query(None, ge=1, le=2**62),
    limit: int = Query(100, ge=1, le=500),
) -> Any:
    _scope(request, "surveys:read")
    survey = _survey(survey_id)
    qs = survey.responses.select_related("touchpoint", "team", "followup_case").order_by("-id")
    if cursor:
        qs = qs.filter(id__lt=cursor)
    rows = list(qs[: limit + 1])
    return {
        "items": [_response_out(r) for r in rows[:limit]],
        "next_cursor": rows[limit - 1].pk if len(rows) > limit else None,
    }


@router.post("/{survey_id}/responses", response={201: ResponseOut, 200: ResponseOut})
def responses_create(request: HttpRequest, survey_id: int, payload: ResponseIn) -> Any:
    """A response collected elsewhere (kiosk, partner app). Idempotent on `source_ref`."""
    _scope(request, "surveys:write", "surveys.add_response")
    survey = _survey(survey_id)
    if survey.status != Survey.Status.ACTIVE:
        raise ApiProblem(422, "invalid_input", message=_("진행 중인 설문에만 응답을 저장할 수 있습니다."))
    customer = _lookup(Customer, "customer_id", pk=payload.customer_id) if payload.customer_id else None
    staff = _lookup(User, "staff", username=payload.staff) if payload.staff else None
    data = {**payload.answers, "comment": payload.comment}
    answered_at = payload.answered_at
    if answered_at is not None and timezone.is_naive(answered_at):
        answered_at = answered_at.replace(tzinfo=SEOUL)
    response, created = services.response_record(
        survey=survey,
        data=data,
        answered_at=answered_at,
        customer=customer,
        staff=staff,
        touchpoint=_touchpoint(payload.touchpoint),
        source=Response.Source.API,
        source_ref=f"api:{survey.pk}:{payload.source_ref}" if payload.source_ref else "",
    )
    response = Response.objects.select_related("touchpoint", "team", "followup_case").get(pk=response.pk)
    return (201 if created else 200), _response_out(response)


@router.get("/{survey_id}/kano")
def kano_result(request: HttpRequest, survey_id: int) -> Any:
    """Per attribute (and per wave): counts A, O, M, I, R, Q, category, better, worse — as `dangol kano`."""
    _scope(request, "surveys:read")
    survey = _survey(survey_id)
    if not survey.questions.filter(kind=Question.Kind.KANO).exists():
        raise Http404
    return analysis.kano_study(survey_id=survey.pk)
