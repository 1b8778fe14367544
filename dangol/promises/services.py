from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.accounts.models import Role, StaffProfile, Team
from dangol.customers.models import Customer
from dangol.promises.models import Promise
from dangol.reading.text import mask_text


@transaction.atomic
def promise_make(
    *, customer: Customer, owner: User, text: str, due_at: dt.datetime, by: User | None
) -> Promise:
    text = mask_text((text or "").strip())
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "약속 내용을 입력하세요."
    if due_at <= timezone.now():
        errors["due_at"] = "기한은 지금보다 뒤여야 합니다."
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
    team_ids = [t for t in (promise.team_id, owner_profile.team_id if owner_profile else None) if t is not None]
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
        raise ValidationError("이미 처리된 약속입니다.")
    promise.refresh_from_db()
    return promise


def promises_break_overdue(*, now: dt.datetime | None = None) -> int:
    """Open promises past their due time become broken. Returns how many. Safe to run any time."""
    moment = now or timezone.now()
    return Promise.objects.filter(status=Promise.Status.OPEN, due_at__lt=moment).update(
        status=Promise.Status.BROKEN, resolved_at=moment, resolution_note="기한 경과(자동)"
    )
