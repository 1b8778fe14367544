"""SLA due times in business hours, and the scheduled check that warns and escalates."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangol.customers.history import staff_label
from dangol.voc import outreach
from dangol.voc.business_time import BusinessCalendar, korean_public_holidays
from dangol.voc.models import (
    KINDS_WITH_DEFAULT_SLA,
    BusinessHours,
    Case,
    CaseEvent,
    Category,
    CompanyHoliday,
    SlaPolicy,
)

# Used when no policy matches: minutes of business time (first response, resolution).
DEFAULT_TARGETS = {"urgent": (60, 240), "high": (120, 960), "normal": (240, 1920), "low": (480, 4800)}


def business_calendar() -> BusinessCalendar:
    hours = BusinessHours.objects.first()
    holidays = frozenset(CompanyHoliday.objects.values_list("date", flat=True))
    if hours is None:
        return BusinessCalendar(holidays=holidays, public_holidays=korean_public_holidays)
    lunch = (hours.lunch_start, hours.lunch_end) if hours.lunch_start and hours.lunch_end else None
    workdays = frozenset(int(d) for d in hours.workdays.split(",") if d.strip().isdigit())
    return BusinessCalendar(
        opens=hours.opens,
        closes=hours.closes,
        workdays=workdays,
        holidays=holidays,
        lunch=lunch,
        public_holidays=korean_public_holidays,
    )


def _policy(priority: str, category: Category | None, kind: str) -> SlaPolicy | None:
    """The narrowest policy: for this kind before one without a kind (complaints and inquiries only), the
    category before its parents before none."""
    candidates = SlaPolicy.objects.filter(priority=priority)
    kinds = [kind, ""] if kind in KINDS_WITH_DEFAULT_SLA else [kind]
    for k in kinds:
        cat = category
        while cat is not None:  # the category, then its parents
            chosen = candidates.filter(kind=k, category=cat).first()
            if chosen:
                return chosen
            cat = cat.parent
        chosen = candidates.filter(kind=k, category__isnull=True).first()
        if chosen:
            return chosen
    return None


def targets_for(priority: str, category: Category | None, kind: str) -> tuple[int, int, int] | None:
    """(first response, resolution, warn-before) minutes for a case of this kind, or None when it has no
    targets: praise and suggestions wait for nobody unless a policy for their kind says so."""
    chosen = _policy(priority, category, kind)
    if chosen:
        return chosen.first_response_minutes, chosen.resolution_minutes, chosen.warn_before_minutes
    if kind not in KINDS_WITH_DEFAULT_SLA:
        return None
    first, resolve = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["normal"])
    return first, resolve, 60


def policy_for(priority: str, category: Category | None) -> tuple[int, int, int]:
    """(first response, resolution, warn-before) minutes of a complaint; a category policy beats the
    priority default."""
    first, resolve = DEFAULT_TARGETS["normal"]
    return targets_for(priority, category, Case.Kind.COMPLAINT) or (first, resolve, 60)


def due_times(
    *,
    opened_at: dt.datetime,
    priority: str,
    category: Category | None,
    kind: str = Case.Kind.COMPLAINT,
    calendar: BusinessCalendar | None = None,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First-response and resolution due times; (None, None) for a case whose kind has no targets."""
    targets = targets_for(priority, category, kind)
    if targets is None:
        return None, None
    cal = calendar or business_calendar()
    first, resolve, _ = targets
    return cal.add(opened_at, dt.timedelta(minutes=first)), cal.add(opened_at, dt.timedelta(minutes=resolve))


OPEN = Q(status__in=[Case.Status.NEW, Case.Status.OPEN])  # waiting for the customer pauses the clock


def sla_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn before a breach, and on breach escalate to the team lead. Idempotent: each happens once per case."""
    moment = now or timezone.now()
    counts = {"warned": 0, "response_breached": 0, "resolution_breached": 0}
    for case in Case.objects.filter(
        OPEN, warned_at__isnull=True, resolution_due__isnull=False
    ).select_related("category"):
        targets = targets_for(case.priority, case.category, case.kind)
        warn = targets[2] if targets else 60
        if (
            case.resolution_due
            and case.resolution_due - dt.timedelta(minutes=warn) <= moment < case.resolution_due
        ):
            with transaction.atomic():
                if Case.objects.filter(pk=case.pk, warned_at__isnull=True).update(warned_at=moment):
                    CaseEvent.objects.create(
                        case=case,
                        at=moment,
                        kind="sla_warning",
                        message=f"해결 기한 {warn}분 전입니다.",
                        data={"due": case.resolution_due.isoformat()},
                    )
                    outreach.notify_sla_warning(case, minutes=warn)
                    counts["warned"] += 1
    for case in Case.objects.filter(
        OPEN,
        first_responded_at__isnull=True,
        response_breached_at__isnull=True,
        first_response_due__lt=moment,
    ):
        with transaction.atomic():
            if Case.objects.filter(pk=case.pk, response_breached_at__isnull=True).update(
                response_breached_at=moment
            ):
                CaseEvent.objects.create(
                    case=case,
                    at=moment,
                    kind="sla_breach",
                    message="첫 응답 기한을 넘겼습니다.",
                    data={"target": "first_response"},
                )
                outreach.notify_response_breach(case)
                counts["response_breached"] += 1
    for case in Case.objects.filter(
        OPEN, resolution_breached_at__isnull=True, resolution_due__lt=moment
    ).select_related("team__lead"):
        with transaction.atomic():
            lead = case.team.lead if case.team else None
            updated = Case.objects.filter(pk=case.pk, resolution_breached_at__isnull=True).update(
                resolution_breached_at=moment,
                escalated_at=moment,
                **({"assignee": lead} if lead else {}),
            )
            if updated:
                who = staff_label(lead) if lead else "팀장 미지정"  # the name staff know the lead by
                CaseEvent.objects.create(
                    case=case,
                    at=moment,
                    kind="escalated",
                    message=f"해결 기한을 넘겨 팀장에게 올렸습니다({who}).",
                    data={"target": "resolution", "lead": lead.pk if lead else None},
                )
                outreach.notify_escalated(case, lead=lead, previous=case.assignee)
                counts["resolution_breached"] += 1
    return counts
