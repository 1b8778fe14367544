"""Use cases of satisfaction measurement: build a survey, invite, answer (with the closed loop), record."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.accounts.models import Team
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction, Touchpoint
from dangol.reading.text import mask_text
from dangol.surveys import answering
from dangol.surveys.answering import TOKEN_SALT
from dangol.surveys.answering import (
    LinkError as LinkError,  # re-exported: views, sending and tests catch it here
)
from dangol.surveys.delivery import invitation_deliver
from dangol.surveys.followups import followup_open
from dangol.surveys.models import Answer, Aspect, Dimension, Invitation, Question, Response, Survey

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# The invitation channels that are messages to the customer (the others are a QR code or a link handed over).
MARKETING_BY_CHANNEL = {"sms": "marketing_sms", "email": "marketing_email", "kakao": "marketing_kakao"}
MAX_TEXT = 4000


# ---------------------------------------------------------------- building surveys


@transaction.atomic
def survey_create(
    *,
    code: str,
    title: str,
    kind: str = Survey.Kind.CUSTOMER,
    by: User | None = None,
    title_en: str = "",
    intro: str = "",
    trigger: str = Survey.Trigger.MANUAL,
    touchpoint: Touchpoint | None = None,
    owner_team: Team | None = None,
    anonymous: bool = False,
    promotional: bool = False,
    link_days: int = 14,
) -> Survey:
    errors: dict[str, str] = {}
    code = (code or "").strip().lower()
    title = (title or "").strip()
    if not CODE_RE.match(code):
        errors["code"] = _("코드는 영문 소문자, 숫자, -, _ 로 40자 이내여야 합니다.")
    elif Survey.objects.filter(code=code).exists():
        errors["code"] = _("이미 쓰는 코드입니다: %(code)s") % {"code": code}
    if not title:
        errors["title"] = _("제목을 입력하세요.")
    if kind not in Survey.Kind.values:
        errors["kind"] = _("알 수 없는 설문 종류입니다: %(kind)s") % {"kind": kind}
    if trigger not in Survey.Trigger.values:
        errors["trigger"] = _("알 수 없는 발송 시점입니다: %(trigger)s") % {"trigger": trigger}
    if not 1 <= link_days <= 365:
        errors["link_days"] = _("링크 유효 기간은 1~365일이어야 합니다.")
    if errors:
        raise ValidationError(errors)
    return Survey.objects.create(
        code=code,
        title=title[:200],
        title_en=title_en[:200],
        intro=intro,
        kind=kind,
        trigger=trigger,
        touchpoint=touchpoint,
        owner_team=owner_team,
        anonymous=anonymous or kind == Survey.Kind.PULSE,
        promotional=promotional,
        link_days=link_days,
        created_by=by,
    )


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    kind: str,
    text: str,
    code: str = "",
    aspect: str = Aspect.OVERALL,
    dimension: str = "",
    choices: list[str] | None = None,
    required: bool = True,
    text_en: str = "",
    stated_importance: int | None = None,
) -> Question:
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if kind not in Question.Kind.values:
        errors["kind"] = _("알 수 없는 문항 유형입니다: %(kind)s") % {"kind": kind}
    if not text:
        errors["text"] = _("질문을 입력하세요.")
    if aspect not in Aspect.values:
        errors["aspect"] = _("알 수 없는 구분입니다: %(aspect)s") % {"aspect": aspect}
    if dimension not in Dimension.values:
        errors["dimension"] = _("알 수 없는 차원입니다: %(dimension)s") % {"dimension": dimension}
    clean_choices = [c.strip()[:100] for c in (choices or []) if c and c.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(clean_choices) < 2:
        errors["choices"] = _("선택지를 두 개 이상 입력하세요.")
    if stated_importance is not None and not 1 <= stated_importance <= 5:
        errors["stated_importance"] = _("명시적 중요도는 1~5입니다.")
    if survey.responses.exists():
        errors["__all__"] = _("응답이 있는 설문에는 문항을 추가할 수 없습니다. 새 설문을 만드세요.")
    position = survey.questions.count() + 1
    code = (code or "").strip().lower() or f"q{position}"
    if not CODE_RE.match(code):
        errors["code"] = _("문항 코드는 영문 소문자, 숫자, -, _ 로 40자 이내여야 합니다.")
    elif survey.questions.filter(code=code).exists():
        errors["code"] = _("이 설문에 이미 있는 문항 코드입니다: %(code)s") % {"code": code}
    if errors:
        raise ValidationError(errors)
    return Question.objects.create(
        survey=survey,
        position=position,
        code=code,
        kind=kind,
        text=text[:300],
        text_en=text_en[:300],
        aspect=aspect,
        dimension=dimension,
        choices=clean_choices,
        required=required,
        stated_importance=stated_importance,
    )


@transaction.atomic
def survey_set_status(*, survey: Survey, status: str) -> Survey:
    if status not in Survey.Status.values:
        raise ValidationError({"status": _("알 수 없는 상태입니다: %(status)s") % {"status": status}})
    if status == Survey.Status.ACTIVE and not survey.questions.exists():
        raise ValidationError({"status": _("문항이 없는 설문은 시작할 수 없습니다.")})
    Survey.objects.filter(pk=survey.pk).update(status=status)
    survey.status = status
    return survey


@transaction.atomic
def survey_start_wave(*, survey: Survey, wave: str) -> Survey:
    """A Kano study is repeated over time; answers from now on count towards the new wave."""
    wave = (wave or "").strip()
    if not wave or len(wave) > 20:
        raise ValidationError({"wave": _("차수 이름을 20자 이내로 입력하세요.")})
    Survey.objects.filter(pk=survey.pk).update(current_wave=wave)
    survey.current_wave = wave
    return survey


# ---------------------------------------------------------------- invitations and signed links


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=TOKEN_SALT, compress=True)


def invitation_path(invitation: Invitation) -> str:
    from django.urls import reverse

    return reverse("surveys:answer", args=[invitation_token(invitation)])


def invitation_fields(
    survey: Survey,
    *,
    customer: Customer | None,
    touchpoint: Touchpoint | None,
    staff: User | None,
    team: Team | None,
    interaction: Interaction | None,
    channel: str,
    now: dt.datetime,
) -> dict[str, Any]:
    if survey.status != Survey.Status.ACTIVE:
        raise ValidationError({"survey": _("진행 중인 설문에만 초대를 만들 수 있습니다.")})
    if channel not in Invitation.Channel.values:
        raise ValidationError(
            {"channel": _("알 수 없는 발송 채널입니다: %(channel)s") % {"channel": channel}}
        )
    if team is None and staff is not None:
        profile = getattr(staff, "staff", None)
        team = profile.team if profile else None
    if survey.anonymous:  # the answer must not be traceable to a person: keep only where it happened
        customer, staff, interaction = None, None, None
    return {
        "survey": survey,
        "customer": customer,
        "touchpoint": touchpoint or survey.touchpoint,
        "staff": staff,
        "team": team or survey.owner_team,
        "interaction": interaction,
        "channel": channel,
        "created_at": now,
        "expires_at": now + dt.timedelta(days=survey.link_days),
        "sent_at": None,  # set when its message is queued (dangol.surveys.delivery)
    }


@transaction.atomic
def invitation_create(
    *,
    survey: Survey,
    customer: Customer | None = None,
    touchpoint: Touchpoint | None = None,
    staff: User | None = None,
    team: Team | None = None,
    interaction: Interaction | None = None,
    order: Any = None,
    case: Any = None,
    channel: str = Invitation.Channel.LINK,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """One one-time link. After an interaction, order or closed case, the customer, touchpoint and staff
    member come from it. Returns the invitation and its signed token."""
    if interaction is not None:
        customer = customer or interaction.customer
        touchpoint = touchpoint or interaction.touchpoint
        staff = staff or interaction.staff
    if order is not None:
        customer = customer or order.customer
        touchpoint = touchpoint or order.touchpoint
    if case is not None:
        customer = customer or case.customer
        touchpoint = touchpoint or case.touchpoint
        team = team or case.team
        staff = staff or case.assignee
    values = invitation_fields(
        survey,
        customer=customer,
        touchpoint=touchpoint,
        staff=staff,
        team=team,
        interaction=interaction,
        channel=channel,
        now=now or timezone.now(),
    )
    if survey.anonymous:
        order, case = None, None
    invitation = Invitation.objects.create(nonce=secrets.token_hex(16), order=order, case=case, **values)
    token = invitation_token(invitation)
    # By message in this transaction, on the customer's preferred consenting channel (messaging's rules decide; a
    # promotional survey without consent is stored blocked, the invitation closed).
    invitation_deliver(invitation, token=token, now=values["created_at"])
    return invitation, token


def invitation_from_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The invitation a link stands for, or LinkError with a message for the respondent (the same checks and
    words as the answer page's `answering.link_from_token`, as a model instance for the QR and API paths)."""
    invitation_id, nonce = answering.token_read(token)
    # One indexed row and its survey; no ordering (`.first()` would add one). The view only needs ids.
    found = list(
        Invitation.objects.select_related("survey").filter(pk=invitation_id, nonce=nonce).order_by()[:1]
    )
    invitation = found[0] if found else None
    if invitation is None:
        raise answering.tampered()
    if invitation.used_at is not None:
        raise answering.used()
    if (now or timezone.now()) >= invitation.expires_at:
        raise answering.expired()
    if invitation.survey.status != Survey.Status.ACTIVE:
        raise answering.closed()
    return invitation


# ---------------------------------------------------------------- answers


def survey_questions(survey: Survey) -> list[Question]:
    """A survey's questions, kept per process until the survey or a question changes (`answering.kit`)."""
    return answering.kit(survey.pk).questions


def survey_caches_clear(*, sender: Any = None, instance: Any = None, **_: Any) -> None:
    """Signal receiver (apps.py): a saved or deleted survey or question gives its survey a new stamp, so every
    process draws the answer form again (`answering.survey_changed`)."""
    survey_id = instance.pk if isinstance(instance, Survey) else getattr(instance, "survey_id", None)
    if survey_id is not None:
        answering.survey_changed(survey_id)


@dataclass
class CleanAnswer:
    question: Question
    value: int | None = None
    expectation: int | None = None
    functional: int | None = None
    dysfunctional: int | None = None
    selected: list[str] | None = None
    text: str = ""


@dataclass
class CleanResponse:
    answers: list[CleanAnswer] = field(default_factory=list)
    comment: str = ""
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None


def _nul_message() -> str:
    return _("허용되지 않는 문자(NUL)가 들어 있습니다. 지우고 다시 보내 주세요.")


def _values(data: Mapping[str, Any], key: str) -> list[str]:
    raw = data.get(key)
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [str(v).strip() for v in raw if v is not None and str(v).strip() != ""]
    text = str(raw).strip()
    return [text] if text else []


def _score(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) <= 4 and text.isascii() and text.lstrip("-").isdigit() and low <= int(text) <= high:
        return int(text)
    return None


def clean_answers(
    survey: Survey, data: Mapping[str, Any], questions: list[Question] | None = None
) -> CleanResponse:
    """Validate answers keyed by question code (`<code>`; gap items `<code>` = perception and
    `<code>__expectation`; Kano `<code>__functional` and `<code>__dysfunctional`; `comment`).
    Raises ValidationError {code: Korean message}."""
    questions = questions if questions is not None else survey_questions(survey)
    errors: dict[str, str] = {}
    out = CleanResponse()
    for q in questions:
        if q.kind in Question.RANGES:
            low, high = Question.RANGES[q.kind]  # type: ignore[index]
            pairs = [(q.code, "value")] + (
                [(f"{q.code}__expectation", "expectation")] if q.kind == "gap" else []
            )
            answer = CleanAnswer(q)
            for key, attr in pairs:
                given = _values(data, key)
                if not given:
                    if q.required:
                        errors[key] = _("답을 골라 주세요.")
                    continue
                score = _score(given[0], low, high)
                if score is None:
                    errors[key] = _("%(low)s~%(high)s 사이에서 골라 주세요.") % {"low": low, "high": high}
                    continue
                setattr(answer, attr, score)
            if answer.value is not None or answer.expectation is not None:
                out.answers.append(answer)
                if answer.value is not None and q.aspect == Aspect.OVERALL:
                    if q.kind == "csat" and out.csat is None:
                        out.csat = answer.value
                    elif q.kind == "nps" and out.nps is None:
                        out.nps = answer.value
                    elif q.kind == "ces" and out.ces is None:
                        out.ces = answer.value
        elif q.kind == Question.Kind.KANO:
            answer = CleanAnswer(q)
            for key, attr in (
                (f"{q.code}__functional", "functional"),
                (f"{q.code}__dysfunctional", "dysfunctional"),
            ):
                given = _values(data, key)
                if not given:
                    if q.required:
                        errors[key] = _("답을 골라 주세요.")
                    continue
                score = _score(given[0], 1, 5)
                if score is None:
                    errors[key] = _("1~5 사이에서 골라 주세요.")
                    continue
                setattr(answer, attr, score)
            if answer.functional is not None and answer.dysfunctional is not None:
                out.answers.append(answer)
            elif (answer.functional is None) != (answer.dysfunctional is None) and not any(
                k in errors for k in (f"{q.code}__functional", f"{q.code}__dysfunctional")
            ):
                missing = "dysfunctional" if answer.dysfunctional is None else "functional"
                errors[f"{q.code}__{missing}"] = _("두 질문에 모두 답해 주세요.")
        elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            given = _values(data, q.code)
            if not given:
                if q.required:
                    errors[q.code] = _("하나 이상 골라 주세요.")
                continue
            unknown = [g for g in given if g not in q.choices]
            if unknown:
                errors[q.code] = _("목록에 있는 선택지만 고를 수 있습니다.")
            elif q.kind == Question.Kind.SINGLE and len(given) > 1:
                errors[q.code] = _("하나만 골라 주세요.")
            else:
                out.answers.append(CleanAnswer(q, selected=list(dict.fromkeys(given))))
        else:  # free text
            given = _values(data, q.code)
            text = given[0] if given else ""
            if not text:
                if q.required:
                    errors[q.code] = _("의견을 입력해 주세요.")
                continue
            if len(text) > MAX_TEXT:
                errors[q.code] = _("%(max_length)s자 이내로 입력해 주세요.") % {"max_length": MAX_TEXT}
                continue
            if "\x00" in text:  # a multipart post passes RejectNulBytes; PostgreSQL cannot store NUL
                errors[q.code] = _nul_message()
                continue
            out.answers.append(CleanAnswer(q, text=mask_text(text)))
    comment = (_values(data, "comment") or [""])[0]
    if len(comment) > MAX_TEXT:
        errors["comment"] = _("%(max_length)s자 이내로 입력해 주세요.") % {"max_length": MAX_TEXT}
    elif "\x00" in comment:
        errors["comment"] = _nul_message()
    out.comment = mask_text(comment)
    if errors:
        raise ValidationError(errors)
    return out


def _write(survey: Survey, clean: CleanResponse, **fields: Any) -> Response:
    response = Response.objects.create(
        survey=survey, csat=clean.csat, nps=clean.nps, ces=clean.ces, comment=clean.comment, **fields
    )
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=a.question,
                value=a.value,
                expectation=a.expectation,
                functional=a.functional,
                dysfunctional=a.dysfunctional,
                selected=a.selected,
                text=a.text,
            )
            for a in clean.answers
        ]
    )
    return response


def answer_clean(invitation: Invitation, data: Mapping[str, Any]) -> CleanResponse:
    """The answers to an invitation's survey, validated (ValidationError {code: Korean message}); only reads."""
    return clean_answers(invitation.survey, data, survey_questions(invitation.survey))


def followup_due(survey: Survey, clean: CleanResponse) -> bool:
    """Whether these validated answers open a follow-up case (a customer survey's detractor or unhappy customer)."""
    return survey.kind == Survey.Kind.CUSTOMER and (
        (clean.nps is not None and clean.nps <= 6) or (clean.csat is not None and clean.csat <= 2)
    )


def response_submit(*, token: str, data: Mapping[str, Any], now: dt.datetime | None = None) -> Response:
    """Answer through a one-time link. The link is spent by a conditional UPDATE, so a double submit (two
    taps, two tabs, a retry after a lost reply) stores one response and opens at most one follow-up case; the
    loser gets LinkError.

    Checking the link and the answers only reads, so it happens before the write transaction. The transaction
    holds the UPDATE, the inserts and, for a detractor, the job row that opens the follow-up case: one short write
    (SQLite has one writer at a time). The job worker opens the case (`followups.open_followup`: reading the text,
    routing, SLA), so a kill -9 after the commit loses nothing; should the job itself be lost,
    `open_missing_followups` (every minute) opens the case, once, since cases are keyed to their response."""
    now = now or timezone.now()
    link = answering.link_from_token(token, now=now)
    made = answering.kit(link.survey_id, link.form_stamp)
    clean = clean_answers(made.survey, data, made.questions)
    response_id = answering.answer_store(
        link=link, survey=made.survey, clean=clean, now=now, followup=followup_due(made.survey, clean)
    )
    return Response.objects.get(pk=response_id)


@transaction.atomic
def response_record(
    *,
    survey: Survey,
    data: Mapping[str, Any],
    answered_at: dt.datetime | None = None,
    customer: Customer | None = None,
    touchpoint: Touchpoint | None = None,
    staff: User | None = None,
    team: Team | None = None,
    source: str = Response.Source.API,
    source_ref: str = "",
    wave: str = "",
    followup: bool = True,
) -> tuple[Response, bool]:
    """A response that arrives without a link (API, field-survey import). Idempotent on `source_ref`:
    returns (response, created)."""
    if source_ref:
        existing = Response.objects.filter(source_ref=source_ref).first()
        if existing:
            return existing, False
    clean = clean_answers(survey, data)
    if team is None and staff is not None:
        profile = getattr(staff, "staff", None)
        team = profile.team if profile else None
    if survey.anonymous:
        customer, staff = None, None
    when = answered_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"answered_at": _("응답일시가 미래입니다.")})
    try:
        with transaction.atomic():
            response = _write(
                survey,
                clean,
                customer=customer,
                touchpoint=touchpoint or survey.touchpoint,
                staff=staff,
                team=team or survey.owner_team,
                answered_at=when,
                source=source,
                source_ref=source_ref or None,
                wave=wave or (survey.current_wave if survey.kind == Survey.Kind.KANO else ""),
            )
    except IntegrityError:
        if source_ref:
            return Response.objects.get(source_ref=source_ref), False
        raise
    if followup:
        followup_open(response=response)
    return response, True


# ---------------------------------------------------------------- closed loop


def answers_need_followup(*, survey: Survey, data: Mapping[str, Any]) -> bool:
    """Whether these answers, once stored, would open a follow-up case (answers that do not validate never do)."""
    if survey.kind != Survey.Kind.CUSTOMER:
        return False
    try:
        clean = clean_answers(survey, data)
    except ValidationError:
        return False
    return Response(survey=survey, nps=clean.nps, csat=clean.csat).needs_followup
