"""Bad customers (001 고객의 퇴출): a flag with evidence, an exit proposal reviewed by a manager,
advance notice to the customer, a dedicated handler, and reversal with a reason. Never silent:
the status shows on the customer's pages and on every case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.reading.text import mask_text
from dangol.voc import outreach
from dangol.voc.models import BadCustomerType, CustomerFlag

ACTIVE = (CustomerFlag.Status.FLAGGED, CustomerFlag.Status.EXIT_PROPOSED, CustomerFlag.Status.EXIT_APPROVED)


def _history(flag: CustomerFlag, by: User | None, action: str, note: str = "") -> list[dict[str, Any]]:
    return [
        *flag.history,
        {
            "at": timezone.now().isoformat(),
            "by": by.get_username() if by else None,
            "action": action,
            "note": note,
        },
    ]


def _move(flag: CustomerFlag, old: tuple[str, ...], **fields: Any) -> CustomerFlag:
    if not CustomerFlag.objects.filter(pk=flag.pk, status__in=old).update(**fields):
        raise ValidationError(_("이미 다른 단계로 처리된 기록입니다."))
    flag.refresh_from_db()
    return flag


@transaction.atomic
def customer_flag(*, customer: Customer, type: str, evidence: str, by: User) -> CustomerFlag:
    if type not in BadCustomerType.values:
        raise ValidationError({"type": _("알 수 없는 불량고객 유형입니다.")})
    evidence = mask_text((evidence or "").strip())
    if len(evidence) < 10:
        raise ValidationError({"evidence": _("근거를 구체적으로(10자 이상) 기록하세요.")})
    if CustomerFlag.objects.filter(customer=customer, status__in=ACTIVE).exists():
        raise ValidationError(_("이미 진행 중인 기록이 있습니다."))
    flag = CustomerFlag.objects.create(
        customer=customer, type=type, evidence=evidence, flagged_by=by, flagged_at=timezone.now()
    )
    CustomerFlag.objects.filter(pk=flag.pk).update(history=_history(flag, by, "flagged", evidence))
    flag.refresh_from_db()
    return flag


@transaction.atomic
def exit_propose(*, flag: CustomerFlag, by: User, handler: User, note: str) -> CustomerFlag:
    """Propose an exit; a dedicated handler is assigned at once and the customer must be told the process."""
    note = mask_text((note or "").strip())
    if not note:
        raise ValidationError({"note": _("퇴출을 제안하는 이유를 기록하세요.")})
    return _move(
        flag,
        (CustomerFlag.Status.FLAGGED,),
        status=CustomerFlag.Status.EXIT_PROPOSED,
        proposed_by=by,
        proposed_at=timezone.now(),
        dedicated_handler=handler,
        history=_history(flag, by, "exit_proposed", note),
    )


@transaction.atomic
def exit_notify_customer(*, flag: CustomerFlag, by: User, how: str = "", send: bool = False) -> CustomerFlag:
    """Tell the customer, before anything is decided, that an exit is under review and whom to talk to. With
    `send` the notice goes by message on the customer's channel, and the message (kept unchanged in the outbox
    with its delivery status) is named in the flag's history as evidence; otherwise `how` records the other way
    (registered mail, a call). The managers who may decide then hear that the exit awaits their review."""
    how = mask_text((how or "").strip())
    if not send and not how:
        raise ValidationError({"how": _("어떻게 안내했는지 기록하세요(예: 등기우편, 전화).")})
    evidence: dict[str, Any] = {}
    if send:
        if flag.status != CustomerFlag.Status.EXIT_PROPOSED:
            raise ValidationError(_("이미 다른 단계로 처리된 기록입니다."))
        handler = flag.dedicated_handler
        message = outreach.exit_notice_queue(
            flag,
            by=by,
            handler_name=getattr(getattr(handler, "staff", None), "display_name", "") or "고객센터 담당자",
            contact=settings.DANGOL_MESSAGING_SENDER_CONTACT or "고객센터",
        )
        evidence = {"message": message.pk, "message_uid": str(message.uid), "channel": message.channel}
        how = how or f"안내문 발송({message.get_channel_display()})"
    history = _history(flag, by, "customer_notified", how)
    history[-1].update(evidence)
    flag = _move(
        flag,
        (CustomerFlag.Status.EXIT_PROPOSED,),
        customer_notified_at=timezone.now(),
        history=history,
    )
    outreach.notify_exit_review(flag)
    return flag


@transaction.atomic
def exit_review(*, flag: CustomerFlag, by: User, approve: bool, note: str) -> CustomerFlag:
    """A manager decides. Approval needs the customer to have been told of the process in advance."""
    if not by.has_perm("voc.review_exit"):
        raise ValidationError(_("퇴출 검토는 매니저만 할 수 있습니다."))
    if flag.proposed_by_id == by.pk:
        raise ValidationError(_("제안한 사람이 아닌 다른 매니저가 검토해야 합니다."))
    note = mask_text((note or "").strip())
    if not note:
        raise ValidationError({"note": _("검토 의견을 기록하세요.")})
    if approve and flag.customer_notified_at is None:
        raise ValidationError(_("고객에게 절차를 먼저 안내한 뒤 승인할 수 있습니다."))
    status = CustomerFlag.Status.EXIT_APPROVED if approve else CustomerFlag.Status.EXIT_REJECTED
    return _move(
        flag,
        (CustomerFlag.Status.EXIT_PROPOSED,),
        status=status,
        reviewed_by=by,
        reviewed_at=timezone.now(),
        review_note=note[:300],
        history=_history(flag, by, status, note),
    )


@transaction.atomic
def flag_reverse(*, flag: CustomerFlag, by: User, reason: str) -> CustomerFlag:
    reason = mask_text((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("해제 사유를 기록하세요.")})
    return _move(
        flag,
        ACTIVE,
        status=CustomerFlag.Status.REVERSED,
        reversed_reason=reason[:300],
        history=_history(flag, by, "reversed", reason),
    )


def active_flag(customer_id: int | None) -> CustomerFlag | None:
    if customer_id is None:
        return None
    return (
        CustomerFlag.objects.filter(customer_id=customer_id, status__in=ACTIVE)
        .select_related("dedicated_handler")
        .first()
    )


def flags_follow_merge(*, survivor: Customer, merged: Customer, by: User | None) -> list[int]:
    """Every flag, open or closed, follows the person to the surviving record: a bad customer does not
    lose the flag by being merged. If both records carry a flag, both are kept (each has its evidence)."""
    moved = []
    for flag in CustomerFlag.objects.filter(customer=merged).order_by("pk"):
        note = f"고객 #{merged.pk} → #{survivor.pk} 병합"
        CustomerFlag.objects.filter(pk=flag.pk).update(
            customer=survivor, history=_history(flag, by, "customer_merged", note)
        )
        moved.append(flag.pk)
    return moved


def flags_return_after_unmerge(
    *, survivor: Customer, merged: Customer, by: User | None, moved: list[int]
) -> int:
    returned = 0
    for flag in CustomerFlag.objects.filter(pk__in=moved, customer=survivor):
        note = f"고객 #{merged.pk} ← #{survivor.pk} 병합 취소"
        returned += CustomerFlag.objects.filter(pk=flag.pk).update(
            customer=merged, history=_history(flag, by, "customer_unmerged", note)
        )
    return returned
