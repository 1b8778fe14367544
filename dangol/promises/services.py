from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.accounts.models import Role, StaffProfile, Team
from dangol.customers.models import Customer
from dangol.messaging.models import StaffNotice
from dangol.messaging.services import staff_notify
from dangol.promises.models import Promise
from dangol.reading.text import mask_text


@transaction.atomic
def promise_make(
    *, customer: Customer, owner: User, text: str, due_at: dt.datetime, by: User | None
) -> Promise:
    text = mask_text((text or "").strip())
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("약속 내용을 입력하세요.")
    if due_at <= timezone.now():
        errors["due_at"] = _("기한은 지금보다 뒤여야 합니다.")
    if errors:
        raise ValidationError(errors)
    profile = getattr(owner, "staff", None)
    return Promise.objects.create(
        customer=customer,
        owner=owner,
        team=profile.team if profile else None,
        text=text[:300],
        due_at=due_at,
        created_by=by,
    )


@transaction.atomic
def can_resolve(user: User, promise: Promise) -> bool:
    """Only the promise's owner, the lead of the owner's team, or a manager says whether it was kept."""
    if user.is_superuser or promise.owner_id == user.pk:
        return True
    profile = getattr(user, "staff", None)
    if profile is not None and profile.role in (Role.MANAGER, Role.ADMIN):
        return True
    owner_profile = StaffProfile.objects.filter(user_id=promise.owner_id).select_related("team").first()
    team_ids = [
        t for t in (promise.team_id, owner_profile.team_id if owner_profile else None) if t is not None
    ]
    return bool(team_ids) and Team.objects.filter(pk__in=team_ids, lead_id=user.pk).exists()


def promise_resolve(*, promise: Promise, kept: bool, by: User, note: str = "") -> Promise:
    """Mark an open promise kept or broken. A conditional update, so two clicks cannot both win."""
    if not can_resolve(by, promise):
        raise PermissionDenied(
            _("약속의 담당자, 담당자 팀의 리더나 매니저만 이행 여부를 기록할 수 있습니다.")
        )
    status = Promise.Status.KEPT if kept else Promise.Status.BROKEN
    if kept and promise.due_at < timezone.now() and promise.status == Promise.Status.OPEN:
        status = Promise.Status.BROKEN  # kept late is not kept
    changed = Promise.objects.filter(pk=promise.pk, status=Promise.Status.OPEN).update(
        status=status,
        resolved_at=timezone.now(),
        resolved_by=by,
        resolution_note=mask_text((note or "").strip())[:300],
    )
    if not changed:
        raise ValidationError(_("이미 처리된 약속입니다."))
    promise.refresh_from_db()
    return promise


def promises_break_overdue(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Open promises past their due time become broken, and each one's owner is told (once: the notice is keyed
    by the promise). Returns how many. Safe to run any time, and in two workers at once."""
    moment = now or timezone.now()
    broken = 0
    overdue = Promise.objects.filter(status=Promise.Status.OPEN, due_at__lt=moment).select_related("owner")
    for promise in overdue.order_by("due_at", "id")[:limit]:
        with transaction.atomic():
            if not Promise.objects.filter(pk=promise.pk, status=Promise.Status.OPEN).update(
                status=Promise.Status.BROKEN, resolved_at=moment, resolution_note="기한 경과(자동)"
            ):
                continue  # resolved meanwhile, or another worker got it
            staff_notify(
                user=promise.owner,
                kind=StaffNotice.Kind.PROMISE_OVERDUE,
                text=f"고객과의 약속이 기한({_when(promise.due_at)})을 넘겼습니다: {promise.text}",
                link=reverse("customers:detail", args=[promise.customer_id]),
                ref=f"promise:{promise.pk}:overdue",
            )
        broken += 1
    return broken


DUE_SOON = dt.timedelta(hours=1)


def promises_notify_due(*, now: dt.datetime | None = None) -> int:
    """The owner of each open promise falling due within the hour is told, once (the notice is keyed by the
    promise: a rerun, or a second worker, adds nothing). Returns how many promises are due soon."""
    moment = now or timezone.now()
    due = Promise.objects.filter(
        status=Promise.Status.OPEN, due_at__gte=moment, due_at__lte=moment + DUE_SOON
    ).select_related("owner")
    count = 0
    for promise in due.order_by("due_at", "id")[:5000]:
        staff_notify(
            user=promise.owner,
            kind=StaffNotice.Kind.PROMISE_DUE,
            text=f"고객과의 약속 기한이 한 시간 안입니다({_when(promise.due_at)}): {promise.text}",
            link=reverse("customers:detail", args=[promise.customer_id]),
            ref=f"promise:{promise.pk}:due",
        )
        count += 1
    return count


def _when(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%m-%d %H:%M}"
