"""Data-subject requests: open, verify, assign, extend, refuse, carry out (issue 17).

Each service runs in one transaction and writes a SubjectRequestEvent; a refused action raises LifecycleError (a
Korean message) and changes nothing. Correction goes through customers.services.customer_update (the same path
as a staff edit), deletion through customers.forgetting.customer_forget (the same path as retention), so history
stays consistent. Extensions and refusals carry a reason that is sent to the customer (informational message).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.forgetting import customer_forget
from dangol.customers.models import Customer
from dangol.customers.services import ConflictError, customer_update
from dangol.lifecycle.deadlines import period_end, request_due
from dangol.lifecycle.models import (
    Channel,
    DestructionLog,
    IdentityMethod,
    Kind,
    SubjectRequest,
    SubjectRequestEvent,
)
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import message_queue

logger = logging.getLogger(__name__)

HANDLE = "lifecycle.handle_subjectrequest"
OPEN = "lifecycle.add_subjectrequest"
MAX_DETAIL = 4000
MAX_REASON = 2000

Action = SubjectRequestEvent.Action
Status = SubjectRequest.Status

EXTENDED_TEMPLATE = "subject_request_extended"
REFUSED_TEMPLATE = "subject_request_refused"
DONE_TEMPLATE = "subject_request_done"
TEMPLATES = [
    {
        "code": EXTENDED_TEMPLATE,
        "name": "개인정보 요구 처리 기한 연장 안내",
        "channels": ["sms", "email"],
        "subject": "개인정보 요구 처리 기한 연장 안내",
        "body": "#{고객명}님, 접수하신 개인정보 #{요구종류} 요구(#{접수번호})의 처리 기한을 #{기한}까지 연장합니다. "
        "사유: #{사유}",
    },
    {
        "code": REFUSED_TEMPLATE,
        "name": "개인정보 요구 거절 안내",
        "channels": ["sms", "email"],
        "subject": "개인정보 요구 처리 결과 안내",
        "body": "#{고객명}님, 접수하신 개인정보 #{요구종류} 요구(#{접수번호})를 처리할 수 없습니다. 사유: #{사유} "
        "이의가 있으시면 고객센터로 알려 주세요.",
    },
    {
        "code": DONE_TEMPLATE,
        "name": "개인정보 요구 처리 완료 안내",
        "channels": ["sms", "email"],
        "subject": "개인정보 요구 처리 완료 안내",
        "body": "#{고객명}님, 접수하신 개인정보 #{요구종류} 요구(#{접수번호})를 처리했습니다.",
    },
]


class LifecycleError(ValidationError):
    """Bad input or a step not allowed now: a Korean message for the person who asked."""


def may_handle(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(HANDLE)


def _require_handler(by: Any) -> None:
    if by is not None and not may_handle(by):
        raise PermissionDenied(
            _("정보주체 요구를 처리할 권한이 없습니다(개인정보 보호책임자·관리자·매니저).")
        )


def _event(request: SubjectRequest, action: str, *, by: Any, at: dt.datetime, note: str = "") -> None:
    SubjectRequestEvent.objects.create(request=request, action=action, by=by, at=at, note=note)


def _locked(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)


def _open_check(request: SubjectRequest) -> None:
    if request.is_closed:
        raise LifecycleError(
            _("이미 종결된 요구입니다(%(status)s).") % {"status": request.get_status_display()}
        )


def _survivor(customer: Customer) -> Customer:
    seen = 0
    while customer.status == Customer.Status.MERGED and customer.merged_into_id and seen < 20:
        customer = Customer.objects.get(pk=customer.merged_into_id)
        seen += 1
    return customer


@transaction.atomic
def subject_request_open(
    *,
    customer: Customer,
    kind: str,
    channel: str,
    detail: str,
    by: Any = None,
    now: dt.datetime | None = None,
) -> SubjectRequest:
    """Record a request with its legal due date. From the portal the customer has signed in with a one-time code,
    so the identity is recorded as verified; from a phone call, a letter or an e-mail staff verify it next."""
    if kind not in Kind.values:
        raise LifecycleError(_("알 수 없는 요구 종류입니다: %(kind)s") % {"kind": kind})
    if channel not in Channel.values:
        raise LifecycleError(_("알 수 없는 접수 경로입니다: %(channel)s") % {"channel": channel})
    detail = (detail or "").strip()
    if len(detail) > MAX_DETAIL:
        raise LifecycleError(_("요구 내용은 %(n)s자 이내로 적어 주세요.") % {"n": MAX_DETAIL})
    if kind == Kind.CORRECTION and not detail:
        raise LifecycleError(_("정정 요구는 무엇을 어떻게 고칠지 적어 주세요."))
    if by is not None and not (by.has_perm(OPEN) or may_handle(by)):
        raise PermissionDenied(_("정보주체 요구를 접수할 권한이 없습니다."))
    customer = _survivor(customer)
    if customer.status == Customer.Status.FORGOTTEN:
        raise LifecycleError(_("이미 파기된 고객입니다."))
    now = now or timezone.now()
    portal = channel == Channel.PORTAL
    request = SubjectRequest.objects.create(
        customer=customer,
        kind=kind,
        channel=channel,
        detail=detail,
        received_at=now,
        due_on=request_due(now),
        opened_by=by,
        identity_method=IdentityMethod.PORTAL_CODE if portal else "",
        identity_verified_at=now if portal else None,
    )
    _event(request, Action.OPENED, by=by, at=now)
    if portal:
        _event(request, Action.VERIFIED, by=None, at=now, note=str(IdentityMethod.PORTAL_CODE.label))
    return request


@transaction.atomic
def subject_request_verify(
    *, request: SubjectRequest, method: str, by: Any, now: dt.datetime | None = None
) -> SubjectRequest:
    """Record how and by whom the requester was confirmed to be the customer."""
    _require_handler(by)
    request = _locked(request)
    _open_check(request)
    if method not in IdentityMethod.values:
        raise LifecycleError(_("본인 확인 방법을 고르세요."))
    now = now or timezone.now()
    SubjectRequest.objects.filter(pk=request.pk).update(
        identity_method=method, identity_verified_at=now, identity_verified_by=by, version=F("version") + 1
    )
    _event(request, Action.VERIFIED, by=by, at=now, note=str(IdentityMethod(method).label))
    request.refresh_from_db()
    return request


@transaction.atomic
def subject_request_assign(
    *, request: SubjectRequest, owner: Any, by: Any, now: dt.datetime | None = None
) -> SubjectRequest:
    _require_handler(by)
    request = _locked(request)
    _open_check(request)
    if not may_handle(owner):
        raise LifecycleError(_("담당자는 정보주체 요구를 처리할 수 있는 직원이어야 합니다."))
    now = now or timezone.now()
    SubjectRequest.objects.filter(pk=request.pk).update(owner=owner, version=F("version") + 1)
    _event(request, Action.ASSIGNED, by=by, at=now, note=owner.get_username())
    request.refresh_from_db()
    return request


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError(_("사유를 적어 주세요. 사유는 고객에게 그대로 안내됩니다."))
    if len(reason) > MAX_REASON:
        raise LifecycleError(_("사유는 %(n)s자 이내로 적어 주세요.") % {"n": MAX_REASON})
    return reason


def _notify(request: SubjectRequest, template_code: str, *, by: Any, now: dt.datetime, **extra: str) -> bool:
    """Queue the informational notice; False (recorded on the request) when messaging refuses it."""
    variables = {
        "요구종류": str(Kind(request.kind).label),
        "접수번호": f"#{request.pk}",
        **extra,
    }
    try:
        message_queue(
            customer=request.customer,
            purpose_ref=f"subject-request:{request.pk}:{template_code}",
            template_code=template_code,
            variables=variables,
            by=by,
            now=now,
        )
    except MessagingError as exc:
        logger.warning("subject request %s notice not queued: %s", request.pk, exc.messages)
        _event(
            request, Action.NOTIFIED, by=by, at=now, note=_("안내 실패: %(why)s") % {"why": exc.messages[0]}
        )
        return False
    _event(request, Action.NOTIFIED, by=by, at=now, note=template_code)
    return True


@transaction.atomic
def subject_request_extend(
    *, request: SubjectRequest, reason: str, by: Any, now: dt.datetime | None = None
) -> SubjectRequest:
    """Extend once by another 10 days with a stated reason, which is sent to the customer."""
    _require_handler(by)
    reason = _reason(reason)
    request = _locked(request)
    _open_check(request)
    if request.extended_until:
        raise LifecycleError(_("기한은 한 번만 연장할 수 있습니다."))
    now = now or timezone.now()
    until = period_end(request.due_on)
    SubjectRequest.objects.filter(pk=request.pk).update(
        status=Status.EXTENDED, extended_until=until, reason=reason, version=F("version") + 1
    )
    _event(request, Action.EXTENDED, by=by, at=now, note=reason)
    request.refresh_from_db()
    _notify(request, EXTENDED_TEMPLATE, by=by, now=now, 기한=until.strftime("%Y-%m-%d"), 사유=reason)
    return request


@transaction.atomic
def subject_request_refuse(
    *, request: SubjectRequest, reason: str, by: Any, now: dt.datetime | None = None
) -> SubjectRequest:
    """Refuse with a stated reason (e.g. a law requires the records to be kept), which is sent to the customer."""
    _require_handler(by)
    reason = _reason(reason)
    request = _locked(request)
    _open_check(request)
    now = now or timezone.now()
    SubjectRequest.objects.filter(pk=request.pk).update(
        status=Status.REFUSED, reason=reason, closed_at=now, version=F("version") + 1
    )
    _event(request, Action.REFUSED, by=by, at=now, note=reason)
    request.refresh_from_db()
    _notify(request, REFUSED_TEMPLATE, by=by, now=now, 사유=reason)
    return request


def destruction_log_write(
    counts: list[tuple[str, str, str, int]],
    *,
    rule: str,
    at: dt.datetime,
    run_for: dt.datetime,
    request: Any = None,
) -> int:
    """One log row per kind of record: (key, label, method, count). Never the data."""
    rows = [
        DestructionLog(
            rule=rule,
            record_kind=str(label)[:100],
            count=n,
            method=method,
            at=at,
            run_for=run_for,
            request=request,
        )
        for _key, label, method, n in counts
        if n
    ]
    DestructionLog.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def subject_request_complete(
    *,
    request: SubjectRequest,
    by: Any,
    outcome: str = "",
    changes: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> SubjectRequest:
    """Carry out the request and close it. The identity must have been verified.

    access: the data export is prepared (the staff page and the portal offer it as a download);
    correction: `changes` (profile fields) go through customers.services.customer_update;
    deletion: the person is forgotten through every app's forgetting rule, logged without the data;
    suspension: advertising and the analytics snapshot leave the customer out until it is lifted;
    explanation: `outcome` is the explanation given (the page offers one built from the customer's tier and
    segment)."""
    _require_handler(by)
    request = _locked(request)
    _open_check(request)
    if not request.identity_verified_at:
        raise LifecycleError(_("본인 확인을 먼저 기록하세요."))
    now = now or timezone.now()
    outcome = (outcome or "").strip()
    customer = request.customer
    notify = True
    if request.kind == Kind.ACCESS:
        _event(request, Action.EXPORTED, by=by, at=now)
    elif request.kind == Kind.CORRECTION:
        if not changes:
            raise LifecycleError(_("정정할 항목을 입력하세요."))
        try:
            customer_update(customer=customer, data=changes)
        except ConflictError as exc:
            raise LifecycleError(str(exc)) from exc
        _event(request, Action.CORRECTED, by=by, at=now, note=", ".join(sorted(changes)))
    elif request.kind == Kind.DELETION:
        result = customer_forget(customer, now=now)
        n = destruction_log_write(list(result.rows()), rule="request", at=now, run_for=now, request=request)
        _event(request, Action.DELETED, by=by, at=now, note=_("%(n)s종류의 기록 파기") % {"n": n})
        notify = False  # the person's contact details are gone with the rest
        outcome = ""  # nothing written about the person is kept after their deletion
    elif request.kind == Kind.SUSPENSION:
        Customer.objects.filter(pk=customer.pk).update(processing_suspended_at=now)
        _event(request, Action.SUSPENDED, by=by, at=now)
    elif request.kind == Kind.EXPLANATION:
        if not outcome:
            raise LifecycleError(_("고객에게 드린 설명을 적어 주세요."))
        _event(request, Action.EXPLAINED, by=by, at=now)
    SubjectRequest.objects.filter(pk=request.pk).update(
        status=Status.DONE, outcome=outcome, closed_at=now, version=F("version") + 1
    )
    _event(request, Action.DONE, by=by, at=now, note=outcome[:200])
    request.refresh_from_db()
    if notify:
        _notify(request, DONE_TEMPLATE, by=by, now=now)
    return request


@transaction.atomic
def suspension_lift(*, request: SubjectRequest, by: Any, now: dt.datetime | None = None) -> SubjectRequest:
    """End a suspension of processing (the customer asked, or consented again)."""
    _require_handler(by)
    request = _locked(request)
    if request.kind != Kind.SUSPENSION or request.status != Status.DONE or request.suspension_lifted_at:
        raise LifecycleError(_("진행 중인 처리정지가 아닙니다."))
    now = now or timezone.now()
    SubjectRequest.objects.filter(pk=request.pk).update(suspension_lifted_at=now, version=F("version") + 1)
    still = SubjectRequest.objects.filter(
        customer=request.customer, kind=Kind.SUSPENSION, status=Status.DONE, suspension_lifted_at__isnull=True
    ).exists()
    if not still:
        Customer.objects.filter(pk=request.customer_id).update(processing_suspended_at=None)
    _event(request, Action.LIFTED, by=by, at=now)
    request.refresh_from_db()
    return request
