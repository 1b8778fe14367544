"""Use cases of a VOC case. Each writes its timeline row (CaseEvent) in the same transaction, and
changes the case with a conditional UPDATE on its version, so two agents never lose an update."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.accounts.models import Team
from dangol.common.korean import josa
from dangol.customers.models import Customer
from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.interactions.models import Interaction, Touchpoint
from dangol.privacy.masking import mask_email, mask_name, mask_phone
from dangol.promises.services import promise_make
from dangol.reading.text import mask_text, read_text
from dangol.rewards.coupons import coupon_issue
from dangol.rewards.models import CouponDefinition, CouponIssue
from dangol.rewards.selectors import customer_priority_service
from dangol.rewards.services import points_compensate
from dangol.voc import outreach
from dangol.voc.models import (
    REQUIRED_BEFORE_RESOLVE,
    Case,
    CaseEvent,
    CaseStep,
    Category,
    DifficultType,
    Handoff,
    Priority,
    RootCause,
    Step,
    TextLabel,
)
from dangol.voc.replies import EMOTIONS, INTENTS, reply_suggestion  # noqa: F401 (the case screen's)
from dangol.voc.sla import business_calendar, due_times


class CaseConflict(Exception):
    """The case changed since the caller read it."""


# One step up for a customer whose membership tier carries priority service (case_open).
PRIORITY_RAISED: dict[str, str] = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}


def _event(
    case: Case, kind: str, message: str, *, by: User | None = None, at: dt.datetime | None = None, **data: Any
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=at or timezone.now(), by=by, kind=kind, message=message[:500], data=data
    )


def _save(case: Case, *, expected_version: int | None = None, **fields: Any) -> Case:
    """Apply `fields` only if nobody changed the case since it was read (version check)."""
    version = case.version if expected_version is None else expected_version
    updated = Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1, **fields)
    if not updated:
        raise CaseConflict(_("다른 직원이 먼저 이 건을 수정했습니다. 새로 고친 뒤 다시 시도하세요."))
    case.refresh_from_db()
    return case


# The roles that own cases (the case screen's assignee list); an analyst or viewer looking at a case takes nothing.
CASE_OWNER_ROLES = ("agent", "manager", "admin")


def _staff_name(user: User) -> str:
    return getattr(getattr(user, "staff", None), "display_name", "") or user.get_username()


def _takes_cases(user: User | None) -> bool:
    profile = getattr(user, "staff", None) if user is not None else None
    return profile is not None and profile.role in CASE_OWNER_ROLES


def _taking(case: Case, by: User | None) -> dict[str, Any]:
    """The fields that give an unassigned case to `by`, who is working it ({} if it has an owner)."""
    if by is None or case.assignee_id is not None or not _takes_cases(by):
        return {}
    fields: dict[str, Any] = {"assignee": by}
    team_id = by.staff.team_id
    if case.team_id is None and team_id:
        fields["team_id"] = team_id
    if case.status == Case.Status.NEW:
        fields["status"] = Case.Status.OPEN
    return fields


def _taken_event(case: Case, by: User) -> None:
    _event(
        case, "assigned", f"담당자 지정: {_staff_name(by)}(처리한 상담원)", by=by, assignee=by.pk, taken=True
    )


def _take_if_unassigned(case: Case, by: User | None) -> Case:
    """Whoever works an unassigned case owns it. A conditional UPDATE (… WHERE assignee IS NULL): of two agents
    working the case at once exactly one takes it, and the timeline says who, in the caller's transaction."""
    fields = _taking(case, by)
    if not fields or by is None:
        return case
    taken = Case.objects.filter(pk=case.pk, assignee__isnull=True).update(version=F("version") + 1, **fields)
    case.refresh_from_db()
    if taken:
        _taken_event(case, by)
    return case


def _callback_phone(raw: str) -> str:
    """The number to call the customer back on, in its canonical form ('' for none)."""
    if not (raw or "").strip():
        return ""
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise ValidationError({"callback_phone": str(exc)}) from exc


def case_open(
    *,
    customer: Customer | None,
    kind: str,
    title: str,
    body: str = "",
    channel: str = "web",
    touchpoint: Touchpoint | None = None,
    category_code: str | None = None,
    category: Category | None = None,
    priority: str = "normal",
    by: User | None = None,
    source_ref: str = "",
    interaction: Interaction | None = None,
    contact_name: str = "",
    contact_info: str = "",
    opened_at: dt.datetime | None = None,
    team: Team | None = None,
    origin: str = Case.Origin.CUSTOMER,
    callback_phone: str = "",
) -> Case:
    """Open a case and route it to the team that owns the category's process (else to `team`, e.g. the
    team that ran the survey).

    Idempotent on a non-empty `source_ref` (a survey answer, an e-mail id): the second call returns the first case.
    The input is checked and the text read before the write transaction: the reading model can take a moment and
    SQLite has one writer at a time.
    """
    if source_ref:
        existing = Case.objects.filter(source_ref=source_ref).first()
        if existing:
            return existing
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("제목을 입력하세요.")
    if kind not in Case.Kind.values:
        errors["kind"] = _("알 수 없는 VOC 유형입니다: %(kind)s") % {"kind": kind}
    if priority not in Priority.values:
        errors["priority"] = _("알 수 없는 우선순위입니다: %(priority)s") % {"priority": priority}
    if channel not in Case.Channel.values:
        errors["channel"] = _("알 수 없는 접수 채널입니다: %(channel)s") % {"channel": channel}
    if category is None and category_code:
        category = Category.objects.filter(code=category_code, is_active=True).first()
        if category is None:
            errors["category"] = _("알 수 없는 분류입니다: %(category_code)s") % {
                "category_code": category_code
            }
    if customer is None and not (contact_name or contact_info):
        errors["customer"] = _("고객을 선택하거나 연락처를 입력하세요.")
    if origin not in Case.Origin.values:
        errors["origin"] = _("알 수 없는 접수 주체입니다: %(origin)s") % {"origin": origin}
    try:
        callback_phone = _callback_phone(callback_phone)
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    title, body = mask_text(title), mask_text((body or "").strip())
    reading = read_text(f"{title}\n{body}")
    # The priority, the SLA clocks (business hours) and the owning team are read before the write transaction too:
    # on SQLite it holds the one write lock, which every survey answer and the other writers wait for (issue 18).
    now = opened_at or timezone.now()
    # A member whose tier carries priority service (rewards) gets one step up, with the reason on the timeline.
    asked_priority = priority
    if customer is not None and customer_priority_service(customer.pk):
        priority = PRIORITY_RAISED.get(priority, priority)
    first_due, resolution_due = due_times(opened_at=now, priority=priority, category=category, kind=kind)
    team = (category.owner() if category else None) or team
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=f"TMP-{uuid.uuid4().hex[:12]}",
                    kind=kind,
                    priority=priority,
                    channel=channel,
                    origin=origin,
                    customer=customer,
                    contact_name=contact_name[:60],
                    contact_info=contact_info[:120],
                    callback_phone=callback_phone,
                    touchpoint=touchpoint,
                    interaction=interaction,
                    category=category,
                    team=team,
                    title=title[:200],
                    body=body,
                    text_analysis=reading,
                    source_ref=source_ref or None,
                    created_at=now,
                    created_by=by,
                    first_response_due=first_due,
                    resolution_due=resolution_due,
                )
        except IntegrityError:
            if source_ref:  # a concurrent call with the same source won the race
                return Case.objects.get(source_ref=source_ref)
            raise
        Case.objects.filter(pk=case.pk).update(number=f"VOC-{timezone.localtime(now):%y%m%d}-{case.pk:06d}")
        case.refresh_from_db()
        route = f" → {team.name}" if team else ""
        system = " (시스템 자동 접수)" if origin == Case.Origin.SYSTEM else ""
        # The customer hears that we have it, with its number (queued in this transaction: the outbox).
        received = outreach.case_received_queue(case, by=by)
        _event(
            case,
            "opened",
            f"{josa(str(case.get_channel_display()), '로/으로')} 접수{system}{route}",
            by=by,
            at=now,
            origin=origin,
            received_message=received.pk if received else None,
            first_response_due=first_due.isoformat() if first_due else None,
            resolution_due=resolution_due.isoformat() if resolution_due else None,
        )
        if priority != asked_priority:
            _event(
                case,
                "priority_raised",
                f"우선 상담 멤버십 고객: 우선순위 {Priority(asked_priority).label} → {Priority(priority).label}",
                by=by,
                at=now,
                reason="membership_priority_service",
                from_priority=asked_priority,
                to_priority=priority,
            )
        return case


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, by: User, expected_version: int | None = None) -> Case:
    profile = getattr(assignee, "staff", None) if assignee else None
    fields: dict[str, Any] = {"assignee": assignee}
    if case.status == Case.Status.NEW:
        fields["status"] = Case.Status.OPEN
    if profile and profile.team_id and case.team_id is None:
        fields["team_id"] = profile.team_id
    case = _save(case, expected_version=expected_version, **fields)
    name = (profile.display_name if profile else assignee.get_username()) if assignee else "없음"
    event = _event(
        case, "assigned", f"담당자 지정: {name}", by=by, assignee=assignee.pk if assignee else None
    )
    outreach.notify_assigned(case, assignee=assignee, by=by, ref=f"assigned:{event.pk}")
    return case


def cases_bulk_assign(*, cases: list[Case], assignee: User, by: User) -> int:
    done = 0
    for case in cases:
        try:
            case_assign(case=case, assignee=assignee, by=by)
            done += 1
        except CaseConflict:
            continue
    return done


@transaction.atomic
def case_set_category(
    *, case: Case, category: Category, by: User, expected_version: int | None = None
) -> Case:
    """Re-classify; the case follows the new category's owner team (a hand-off if that changes)."""
    team = category.owner() if category else None
    case = _save(case, expected_version=expected_version, category=category)
    _event(case, "categorised", f"분류: {category}", by=by, category=category.code)
    if team and team.pk != case.team_id:
        case = case_handoff(
            case=case, to_team=team, reason=f"분류 변경({category})에 따른 담당 프로세스 이관", by=by
        )
    return case


@transaction.atomic
def case_handoff(
    *, case: Case, to_team: Team, reason: str, by: User, expected_version: int | None = None
) -> Case:
    """Hand the case to another team, with an internal service level in business hours."""
    reason = mask_text((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("이관 사유를 입력하세요.")})
    if case.team_id == to_team.pk:
        raise ValidationError({"to_team": _("이미 이 팀이 담당하고 있습니다.")})
    now = timezone.now()
    hours = case.category.internal_sla_hours if case.category else 8
    due = business_calendar().add(now, dt.timedelta(hours=hours))
    from_team = case.team
    handoff = Handoff.objects.create(
        case=case,
        from_team=from_team,
        to_team=to_team,
        reason=reason[:300],
        by=by,
        at=now,
        due_at=due,
    )
    case = _save(case, expected_version=expected_version, team=to_team, assignee=None)
    _event(
        case,
        "handoff",
        f"{from_team.name if from_team else '미지정'} → {to_team.name}: {reason}",
        by=by,
        to_team=to_team.pk,
        due=due.isoformat(),
    )
    outreach.notify_handoff(handoff)
    return case


@transaction.atomic
def handoff_accept(*, handoff: Handoff, by: User) -> Handoff:
    now = timezone.now()
    if Handoff.objects.filter(pk=handoff.pk, accepted_at__isnull=True).update(
        accepted_at=now, accepted_by=by
    ):
        handoff.refresh_from_db()
        met = "기준 내" if handoff.met else "기준 초과"
        _event(handoff.case, "handoff_accepted", f"{handoff.to_team.name} 인수({met})", by=by)
    return handoff


@transaction.atomic
def case_record_step(*, case: Case, step: str, by: User, note: str = "") -> CaseStep:
    """Record one handling step (apologise → listen → confirm → resolve → follow up), once, in order."""
    if step not in Step.values:
        raise ValidationError({"step": _("알 수 없는 단계입니다: %(step)s") % {"step": step}})
    if not case.is_open and step != Step.FOLLOW_UP:
        raise ValidationError(_("종결된 건입니다."))
    note = mask_text((note or "").strip())
    if step == Step.LISTEN and not note:
        raise ValidationError({"note": _("고객이 한 말을 그대로 기록하세요.")})
    if step == Step.CONFIRM and not note:
        raise ValidationError({"note": _("고객에게 다시 말한 내용(요약)과 고객의 동의를 기록하세요.")})
    order = [s.value for s in Step]
    done = set(case.steps.values_list("step", flat=True))
    missing = [s for s in order[: order.index(step)] if s not in done and s != Step.RESOLVE]
    if missing and step in (Step.LISTEN, Step.CONFIRM):
        labels = ", ".join(str(Step(s).label) for s in missing)
        raise ValidationError(_("앞 단계를 먼저 기록하세요: %(labels)s") % {"labels": labels})
    now = timezone.now()
    try:
        with transaction.atomic():
            record = CaseStep.objects.create(case=case, step=step, note=note, done_at=now, by=by)
    except IntegrityError as exc:
        raise ValidationError(_("이미 기록된 단계입니다.")) from exc
    case = _take_if_unassigned(case, by)
    fields: dict[str, Any] = {}
    if case.status == Case.Status.NEW:
        fields["status"] = Case.Status.OPEN
    if step == Step.APOLOGISE and case.first_responded_at is None:
        fields["first_responded_at"] = now
    if fields:
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1, **fields)
        case.refresh_from_db()
    _event(case, "step", f"{Step(step).label}" + (f": {note}" if note else ""), by=by, step=step)
    return record


def missing_required_steps(case: Case) -> list[str]:
    done = set(case.steps.values_list("step", flat=True))
    return [s.value for s in REQUIRED_BEFORE_RESOLVE if s.value not in done]


@transaction.atomic
def case_resolve(
    *,
    case: Case,
    by: User,
    resolution_type: str,
    note: str = "",
    cost: int = 0,
    points: int = 0,
    reaction: str = "",
    root_cause: RootCause | None = None,
    root_cause_note: str = "",
    override_reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Resolve without excuses. Apologise, listen and confirm must be done first — unless a manager overrides
    with a reason, which is recorded."""
    if resolution_type not in Case.Resolution.values:
        raise ValidationError({"resolution_type": _("해결 방법을 선택하세요.")})
    if reaction and reaction not in Case.Reaction.values:
        raise ValidationError({"reaction": _("고객 반응 값이 올바르지 않습니다.")})
    if cost < 0 or points < 0:
        raise ValidationError({"cost": _("보상 비용과 포인트는 0 이상이어야 합니다.")})
    if not case.is_open:
        raise ValidationError(_("이미 해결되었거나 종결된 건입니다."))
    note, root_cause_note = mask_text((note or "").strip()), mask_text((root_cause_note or "").strip())
    override_reason = mask_text((override_reason or "").strip())
    missing = missing_required_steps(case) if case.kind == Case.Kind.COMPLAINT else []
    if missing:
        _require_override(by, override_reason, missing)
    now = timezone.now()
    # Whoever resolves an unassigned case owns it; the version check makes this as safe as the take of a step.
    taking = {k: v for k, v in _taking(case, by).items() if k != "status"}
    case = _save(
        case,
        expected_version=expected_version,
        **taking,
        status=Case.Status.RESOLVED,
        resolved_at=now,
        resolution_type=resolution_type,
        resolution_note=note,
        resolution_cost=cost,
        compensation_points=points,
        customer_reaction=reaction,
        root_cause=root_cause,
        root_cause_note=root_cause_note[:300],
        first_responded_at=case.first_responded_at or now,
        paused_at=None,
    )
    if taking:
        _taken_event(case, by)
    if not case.steps.filter(step=Step.RESOLVE).exists():
        CaseStep.objects.create(case=case, step=Step.RESOLVE, note=note, done_at=now, by=by)
    if missing:
        _event(case, "override", f"필수 단계 생략 승인: {override_reason}", by=by, skipped=missing)
    cost_text = f", 비용 ₩{cost:,}" if cost else ""
    points_text = f", 포인트 {points:,}" if points else ""
    follow_up = outreach.case_follow_up_queue(case, by=by)  # the satisfaction check, to the customer
    resolved = _event(
        case,
        "resolved",
        f"해결: {case.get_resolution_type_display()}{cost_text}{points_text}",
        by=by,
        resolution=resolution_type,
        cost=cost,
        points=points,
        reaction=reaction,
        follow_up_message=follow_up.pk if follow_up else None,
    )
    if points and case.customer is not None:
        # Compensation in points goes to the customer's ledger with this resolution as its source (once).
        points_compensate(
            customer=case.customer, points=points, case_ref=f"{case.number}#{resolved.pk}", by=by
        )
    return case


@transaction.atomic
def case_recovery_coupon(*, case: Case, by: User) -> tuple[CouponIssue, bool]:
    """A recovery gesture (불만 회복): the program's recovery coupon to the case's customer, once per case, on the
    timeline. Returns the coupon and whether it was issued now (False: this case had already sent it)."""
    if case.customer is None:
        raise ValidationError(_("고객이 연결된 건에만 쿠폰을 보낼 수 있습니다."))
    source_ref = f"recovery:{case.number}"
    done = CouponIssue.objects.filter(source_ref=source_ref).first()
    if done is not None:
        return done, False
    definition = (
        CouponDefinition.objects.filter(trigger=CouponDefinition.Trigger.RECOVERY, active=True)
        .order_by("value", "id")
        .first()
    )
    if definition is None:
        raise ValidationError(
            _("사용 중인 불만 회복 쿠폰이 없습니다. 포인트 프로그램 관리에서 먼저 만드세요.")
        )
    issue = coupon_issue(definition=definition, customer=case.customer, by=by, source_ref=source_ref)
    _event(
        case,
        "recovery_coupon",
        f"불만 회복 쿠폰 발급: {definition.name} (쿠폰 번호 {issue.code}, {issue.valid_until:%Y-%m-%d}까지)",
        by=by,
        coupon=issue.code,
    )
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    return issue, True


def _require_override(by: User, reason: str, missing: list[str]) -> None:
    labels = ", ".join(str(Step(s).label) for s in missing)
    if not by.has_perm("voc.override_case_step"):
        raise ValidationError(
            _("필수 단계를 먼저 기록하세요: %(labels)s. 생략하려면 매니저의 승인이 필요합니다.")
            % {"labels": labels}
        )
    if not (reason or "").strip():
        raise ValidationError(
            {"override_reason": _("필수 단계(%(labels)s)를 생략하는 사유를 입력하세요.") % {"labels": labels}}
        )


@transaction.atomic
def case_close(
    *, case: Case, by: User, override_reason: str = "", expected_version: int | None = None
) -> Case:
    """Close a resolved case. A complaint closes once its follow-up (the satisfaction check, step 5) is recorded —
    closing first would leave step 5 undone for good. A manager may close without it (the customer cannot be
    reached), with a reason that goes on the timeline."""
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("이미 종결된 건입니다."))
    if case.status != Case.Status.RESOLVED:
        raise ValidationError(_("해결 처리한 뒤에 종결할 수 있습니다."))
    skipped: list[str] = []
    if case.kind == Case.Kind.COMPLAINT:
        missing = missing_required_steps(case)
        if missing and not case.events.filter(kind="override").exists():
            skipped += missing
        if not case.steps.filter(step=Step.FOLLOW_UP).exists():
            skipped.append(Step.FOLLOW_UP.value)
    if skipped:
        override_reason = mask_text((override_reason or "").strip())
        follow_up_only = skipped == [Step.FOLLOW_UP.value]
        if follow_up_only and not by.has_perm("voc.override_case_step"):
            raise ValidationError(
                _(
                    "사후 확인(고객 만족도)을 기록한 뒤에 종결할 수 있습니다. 고객과 연락이 닿지 않으면 매니저가 "
                    "사유를 적고 종결합니다."
                )
            )
        if follow_up_only and not override_reason:
            raise ValidationError({"override_reason": _("사후 확인 없이 종결하는 사유를 입력하세요.")})
        _require_override(by, override_reason, skipped)
        label = "사후 확인 없이 종결 승인" if follow_up_only else "필수 단계 생략 승인"
        _event(case, "override", f"{label}: {override_reason}", by=by, skipped=skipped)
    case = _save(case, expected_version=expected_version, status=Case.Status.CLOSED, closed_at=timezone.now())
    _event(case, "closed", "종결", by=by)
    return case


REOPEN_RESOLUTION_HOURS = 8


def _reopened(*, now: dt.datetime) -> dict[str, Any]:
    """The fields of a case opened again: a fresh resolution clock (business hours from now) and the
    warning/breach marks cleared, so the SLA check watches it again."""
    return {
        "status": Case.Status.OPEN,
        "closed_at": None,
        "resolved_at": None,
        "reopened_count": F("reopened_count") + 1,
        "resolution_breached_at": None,
        "warned_at": None,
        "resolution_due": business_calendar().add(now, dt.timedelta(hours=REOPEN_RESOLUTION_HOURS)),
    }


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, expected_version: int | None = None) -> Case:
    """Open a resolved or closed case again (the fix did not hold, the customer came back). The resolution
    clock restarts as for a dissatisfied follow-up; the assignee stays."""
    reason = mask_text((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("다시 여는 사유를 입력하세요.")})
    reopenable = (Case.Status.RESOLVED, Case.Status.CLOSED)
    if case.status not in reopenable:
        raise ValidationError(_("해결되었거나 종결된 건만 다시 열 수 있습니다."))
    version = case.version if expected_version is None else expected_version
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=version, status__in=reopenable).update(
        version=F("version") + 1, **_reopened(now=now)
    )
    if not updated:
        raise CaseConflict(_("다른 직원이 먼저 이 건을 수정했습니다. 새로 고친 뒤 다시 시도하세요."))
    was = case.get_status_display()
    case.refresh_from_db()
    _event(
        case,
        "reopened",
        f"재오픈({was} → {case.get_status_display()}): {reason}",
        by=by,
        at=now,
        reason=reason[:300],
        resolution_due=case.resolution_due.isoformat() if case.resolution_due else None,
    )
    return case


@transaction.atomic
def case_record_satisfaction(
    *, case: Case, score: int, would_continue: bool | None, by: User | None = None, comment: str = ""
) -> Case:
    """The closed-loop check after resolution. A dissatisfied answer reopens the case to the team lead (see
    `reopen_owner`)."""
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("만족도는 1~5 사이여야 합니다.")})
    if case.status not in (Case.Status.RESOLVED, Case.Status.CLOSED):
        raise ValidationError(_("해결된 건에만 만족도를 기록할 수 있습니다."))
    comment = mask_text((comment or "").strip())
    dissatisfied = score <= 2 or would_continue is False
    fields: dict[str, Any] = {"satisfaction_score": score, "would_continue": would_continue}
    owner, owner_is = reopen_owner(case) if dissatisfied else (None, "")
    if dissatisfied:
        fields.update(_reopened(now=timezone.now()), assignee=owner)
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1, **fields)
    case.refresh_from_db()
    if not case.steps.filter(step=Step.FOLLOW_UP).exists():
        CaseStep.objects.create(
            case=case, step=Step.FOLLOW_UP, note=comment[:500], done_at=timezone.now(), by=by
        )
    keep = {True: "계속 이용", False: "이용 중단 의향", None: "무응답"}[would_continue]
    _event(
        case,
        "satisfaction",
        f"사후 만족도 {score}/5, {keep}" + (f": {comment}" if comment else ""),
        by=by,
        score=score,
        would_continue=would_continue,
    )
    if dissatisfied:
        name = _staff_name(owner) if owner else ""
        message = {
            "lead": f"불만족 응답으로 재오픈되어 팀장 {name}에게 배정되었습니다.",
            "manager": f"불만족 응답으로 재오픈되어 팀 매니저 {name}에게 배정되었습니다(팀장 미지정).",
            "assignee": f"불만족 응답으로 재오픈되었습니다. 팀장이 지정되지 않아 담당자가 그대로 맡습니다({name}).",
        }.get(owner_is, "불만족 응답으로 재오픈되었습니다. 팀장도 담당자도 없습니다: 팀장을 지정하세요.")
        event = _event(case, "reopened", message, by=by, assignee=owner.pk if owner else None, owner=owner_is)
        outreach.notify_assigned(case, assignee=owner, by=by, ref=f"reopened:{event.pk}")
    return case


def reopen_owner(case: Case) -> tuple[User | None, str]:
    """Who takes a case whose customer was dissatisfied after the fix, and as what: the lead of the case's team
    ("lead"; README: the follow-up reopens the case to the team lead), else the lead of the nearest parent team
    (the department), else a manager of the team ("manager"), else the agent already on it ("assignee") — the
    same fallback as the SLA escalation, which keeps the assignee when no lead is set. (None, "") if nobody."""
    team = case.team if case.team_id else None
    seen: set[int] = set()
    while team is not None and team.pk not in seen:
        seen.add(team.pk)
        if team.lead_id and team.lead and team.lead.is_active:
            return team.lead, "lead"
        team = team.parent
    if case.team_id:
        manager = (
            User.objects.filter(is_active=True, staff__team_id=case.team_id, staff__role="manager")
            .select_related("staff")
            .order_by("id")
            .first()
        )
        if manager is not None:
            return manager, "manager"
    if case.assignee_id and case.assignee:
        return case.assignee, "assignee"
    return None, ""


@transaction.atomic
def case_pause(*, case: Case, by: User) -> Case:
    """Waiting for the customer: the resolution clock stops."""
    if case.status not in (Case.Status.NEW, Case.Status.OPEN):
        raise ValidationError(_("처리 중인 건만 대기로 바꿀 수 있습니다."))
    case = _save(case, status=Case.Status.WAITING, paused_at=timezone.now())
    _event(case, "paused", "고객 응답 대기(기한 정지)", by=by)
    return case


@transaction.atomic
def case_resume(*, case: Case, by: User) -> Case:
    if case.status != Case.Status.WAITING or case.paused_at is None:
        raise ValidationError(_("대기 중인 건이 아닙니다."))
    now = timezone.now()
    calendar = business_calendar()
    paused = calendar.between(case.paused_at, now)
    due = calendar.add(case.resolution_due, paused) if case.resolution_due else None
    case = _save(case, status=Case.Status.OPEN, paused_at=None, resolution_due=due)
    _event(case, "resumed", f"처리 재개(업무시간 {int(paused.total_seconds() // 60)}분만큼 기한 연장)", by=by)
    return case


@transaction.atomic
def case_mark_difficult(*, case: Case, difficult_type: str, by: User) -> Case:
    if difficult_type not in DifficultType.values:
        raise ValidationError({"difficult_type": _("알 수 없는 유형입니다.")})
    case = _save(case, difficult_type=difficult_type)
    _event(
        case,
        "difficult",
        f"까다로운 고객 유형: {DifficultType(difficult_type).label}",
        by=by,
        type=difficult_type,
    )
    return case


@transaction.atomic
def case_polite_warning(*, case: Case, by: User, text: str) -> CaseEvent:
    text = mask_text((text or "").strip())
    if not text:
        raise ValidationError({"text": _("고객에게 한 경고 문구를 기록하세요.")})
    count = case.events.filter(kind="warning").count() + 1
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    return _event(case, "warning", f"정중한 경고 {count}차: {text}", by=by, n=count)


@transaction.atomic
def case_end_contact(*, case: Case, by: User, reason: str, handler: User) -> Case:
    """An agent ends an abusive contact and hands the case to a dedicated handler (산업안전보건법 제41조).

    Recorded to protect the agent: who, when, why; the agent is offered rest time.
    """
    reason = mask_text((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("상담을 종료한 이유를 기록하세요.")})
    if handler.pk == by.pk:
        raise ValidationError({"handler": _("다른 직원(전담자)에게 넘겨야 합니다.")})
    case = _save(case, dedicated_handler=handler, assignee=handler)
    _event(
        case,
        "contact_ended",
        f"상담 종료(직원 보호): {reason}",
        by=by,
        handler=handler.pk,
        agent=by.pk,
        rest_minutes=30,
    )
    name = getattr(getattr(handler, "staff", None), "display_name", handler.get_username())
    _event(
        case,
        "dedicated_handler",
        f"전담자 지정: {name}. 상담 직원에게 휴식 30분과 상담 지원을 안내했습니다.",
        by=by,
    )
    outreach.notify_assigned(case, assignee=handler, by=by, ref=f"handler:{handler.pk}:{case.version}")
    return case


@transaction.atomic
def case_update_details(*, case: Case, by: User, expected_version: int, **fields: Any) -> Case:
    """Edit title, body, priority (used by the API); the version check stops lost updates."""
    allowed = {k: v for k, v in fields.items() if k in ("title", "body", "priority") and v is not None}
    if "priority" in allowed and allowed["priority"] not in Priority.values:
        raise ValidationError({"priority": _("알 수 없는 우선순위입니다.")})
    if "title" in allowed and not str(allowed["title"]).strip():
        raise ValidationError({"title": _("제목을 입력하세요.")})
    if "title" in allowed:
        allowed["title"] = mask_text(str(allowed["title"]).strip())[:200]
    if "body" in allowed:
        allowed["body"] = mask_text(str(allowed["body"]).strip())
    case = _save(case, expected_version=expected_version, **allowed)
    _event(case, "edited", "내용 수정: " + ", ".join(sorted(allowed)), by=by)
    return case


def can_work_on(user: User, case: Case) -> bool:
    """Managers and admins work on any case; agents on their team's, those assigned to them or that they took
    (the front desk that received the call keeps apologising and listening while the owner team fixes it)."""
    if user.has_perm("voc.override_case_step"):
        return True
    if not user.has_perm("voc.change_case"):
        return False
    team_id = getattr(getattr(user, "staff", None), "team_id", None)
    return (
        case.assignee_id == user.pk
        or case.team_id in (None, team_id)
        or case.dedicated_handler_id == user.pk
        or case.created_by_id == user.pk
    )


def require_work_on(user: User, case: Case) -> None:
    if not can_work_on(user, case):
        raise PermissionDenied(_("이 건을 처리할 권한이 없습니다(다른 팀 담당)."))


@transaction.atomic
def case_link_customer(*, case: Case, customer: Customer, by: User) -> Case:
    """An unknown contact turns out to be a known customer: link the case (and keep the contact details)."""
    if case.customer_id:
        raise ValidationError(_("이미 고객과 연결된 건입니다."))
    if customer.status != Customer.Status.ACTIVE:
        raise ValidationError(_("병합된 고객에게는 연결할 수 없습니다."))
    case = _save(case, customer=customer)
    who = f"고객 {mask_name(customer.name)}"  # the timeline names people (masked), never by row number
    _event(case, "linked", f"{josa(who, '와/과')} 연결", by=by, customer=customer.pk)
    return case


@transaction.atomic
def case_set_callback_phone(*, case: Case, phone: str, by: User, expected_version: int | None = None) -> Case:
    """Record (or clear, with '') the number the customer asked to be called back on. The timeline shows it
    masked: the number itself is personal data, seen only through a logged reveal."""
    phone = _callback_phone(phone)
    case = _save(case, expected_version=expected_version, callback_phone=phone)
    message = f"회신 전화번호: {mask_phone(phone)}" if phone else "회신 전화번호 삭제"
    _event(case, "callback_phone", message, by=by)
    return case


@transaction.atomic
def case_make_promise(*, case: Case, by: User, text: str, due_at: dt.datetime) -> Any:
    """A promise made during the case ("refund by Thursday") becomes a tracked promise on the customer."""
    if case.customer is None:
        raise ValidationError(_("고객과 연결된 건에서만 약속을 기록할 수 있습니다."))
    promise = promise_make(customer=case.customer, owner=by, text=text, due_at=due_at, by=by)
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    _event(
        case,
        "promise",
        f"약속: {promise.text} (기한 {timezone.localtime(due_at):%Y-%m-%d %H:%M})",
        by=by,
        promise=promise.pk,
    )
    return promise


@transaction.atomic
def case_record_reply(*, case: Case, by: User, text: str) -> CaseEvent:
    """What the agent said or sent to the customer (often the suggested empathetic reply, edited). The first reply
    is the first response; whoever replies to an unassigned case owns it."""
    text = mask_text((text or "").strip())
    if not text:
        raise ValidationError({"text": _("고객에게 한 답변을 적으세요.")})
    if not case.is_open:
        raise ValidationError(_("종결되었거나 해결된 건입니다. 다시 연 뒤에 답변을 기록하세요."))
    case = _take_if_unassigned(case, by)
    now = timezone.now()
    fields: dict[str, Any] = {}
    if case.status == Case.Status.NEW:
        fields["status"] = Case.Status.OPEN
    if case.first_responded_at is None:
        fields["first_responded_at"] = now
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1, **fields)
    case.refresh_from_db()
    return _event(case, "reply", f"답변: {text}", by=by, at=now)


@transaction.atomic
def case_reply_send(*, case: Case, by: User, text: str) -> CaseEvent:
    """The agent's reply sent to the customer from the case page, by the channel the customer used (e-mail for a
    case that came by e-mail, else a text message), and recorded on the timeline as the reply — the first
    response, like a reply given on the phone. The timeline keeps the text masked; the customer gets it whole.
    Nothing is recorded when it cannot go (no address, a character a phone cannot show, too long)."""
    raw = (text or "").strip()
    event = case_record_reply(case=case, by=by, text=raw)
    message = outreach.case_reply_queue(case, ref=f"reply:{event.pk}", text=raw, by=by)
    said = event.message.removeprefix("답변: ")
    CaseEvent.objects.filter(pk=event.pk).update(
        message=f"답변 보냄({message.get_channel_display()}): {said}"[:500],
        data={**event.data, "message": message.pk, "channel": message.channel},
    )
    event.refresh_from_db()
    return event


@transaction.atomic
def case_customer_replied(
    *,
    case: Case,
    message_id: str,
    sender: str,
    subject: str,
    body: str,
    by: User,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """A customer's e-mail that answers one of ours (In-Reply-To / References) joins its case instead of opening
    a new one: on the timeline (masked), the clock running again if we were waiting for them, and a notice to
    whoever has the case. Once per e-mail (its Message-ID)."""
    ref = f"email:{message_id}"
    earlier = case.events.filter(kind="customer_replied", data__source_ref=ref).first()
    if earlier is not None:
        return earlier
    text = mask_text(f"{(subject or '').strip()}\n{(body or '').strip()}".strip())
    event = _event(
        case,
        "customer_replied",
        f"고객 답장(이메일): {text}",
        at=at or timezone.now(),
        source_ref=ref,
        sender=mask_email(sender),
    )
    if case.status == Case.Status.WAITING:
        case_resume(case=case, by=by)
    else:
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    outreach.notify_customer_replied(case, ref=message_id[:60])
    return event


@transaction.atomic
def case_correct_reading(*, case: Case, intent: str, emotion: str, by: User) -> Case:
    """An agent corrects the intent/emotion read from the text; the correction becomes training data."""
    if intent not in INTENTS or emotion not in EMOTIONS:
        raise ValidationError(_("의도와 감정을 목록에서 고르세요."))
    analysis = dict(case.text_analysis or {})
    analysis.update(intent=intent, emotion=emotion, corrected_by=by.get_username())
    TextLabel.objects.create(
        text=f"{case.title}\n{case.body}", intent=intent, emotion=emotion, case=case, by=by
    )
    Case.objects.filter(pk=case.pk).update(text_analysis=analysis, version=F("version") + 1)
    case.refresh_from_db()
    _event(case, "reading_corrected", f"의도/감정 수정: {intent}/{emotion}", by=by)
    return case


# ---------------------------------------------------------------- the customer's own actions (the self-service portal)

CUSTOMER_REOPEN_DAYS = 14  # a customer may reopen their case for this long after it was resolved


@transaction.atomic
def case_customer_message(
    *,
    case: Case,
    text: str,
    photos: int = 0,
    photo_links: list[str] | None = None,
    notify: bool = True,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """A message the customer wrote on their case in the self-service portal (text and/or photos): on the
    timeline (masked), the clock running again if we were waiting for them, and a notice to whoever has it.
    `photo_links` are the staff pages of the photos (the portal serves them; the case page links them)."""
    text = mask_text((text or "").strip())
    if not text and not photos:
        raise ValidationError({"text": _("내용을 입력하거나 사진을 첨부해 주세요.")})
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("종결된 건입니다. 다시 열기를 누른 뒤에 내용을 보내 주세요."))
    said = text or "(사진)"
    extra = f" [사진 {photos}장]" if photos else ""
    event = _event(
        case,
        "portal_message",
        f"고객 메시지(셀프서비스): {said}{extra}",
        at=at,
        photos=photos,
        photo_links=list(photo_links or []),
    )
    if case.status == Case.Status.WAITING and case.paused_at is not None:
        now = timezone.now()
        calendar = business_calendar()
        due = (
            calendar.add(case.resolution_due, calendar.between(case.paused_at, now))
            if case.resolution_due
            else None
        )
        case = _save(case, status=Case.Status.OPEN, paused_at=None, resolution_due=due)
        _event(case, "resumed", "고객 응답으로 처리 재개", at=now)
    else:
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1)
    if notify:
        outreach.notify_customer_replied(case, ref=f"portal:{event.pk}")
    return event


@transaction.atomic
def case_customer_reopen(*, case: Case, reason: str, now: dt.datetime | None = None) -> Case:
    """The customer reopens their resolved or closed case within CUSTOMER_REOPEN_DAYS of its resolution (the
    same fresh resolution clock as a staff reopen); the owner hears of it."""
    now = now or timezone.now()
    reason = mask_text((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("다시 여는 이유를 적어 주세요.")})
    reopenable = (Case.Status.RESOLVED, Case.Status.CLOSED)
    if case.status not in reopenable:
        raise ValidationError(_("해결되었거나 종결된 건만 다시 열 수 있습니다."))
    resolved = case.resolved_at or case.closed_at
    if resolved is None or now - resolved > dt.timedelta(days=CUSTOMER_REOPEN_DAYS):
        raise ValidationError(
            _("해결된 지 %(days)s일이 지나 다시 열 수 없습니다. 새 문의로 접수해 주세요.")
            % {"days": CUSTOMER_REOPEN_DAYS}
        )
    updated = Case.objects.filter(pk=case.pk, version=case.version, status__in=reopenable).update(
        version=F("version") + 1, **_reopened(now=now)
    )
    if not updated:
        raise CaseConflict(_("이 건의 상태가 방금 바뀌었습니다. 새로 고친 뒤 다시 시도해 주세요."))
    case.refresh_from_db()
    event = _event(
        case, "reopened", f"고객이 다시 엶(셀프서비스): {reason}", at=now, reason=reason[:300], customer=True
    )
    outreach.notify_customer_replied(case, ref=f"portal-reopen:{event.pk}")
    return case
