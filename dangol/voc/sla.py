"""SLA due times in business hours, and the scheduled check that warns and escalates."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangol.voc.business_time import BusinessCalendar, korean_public_holidays
from dangol.voc.models import BusinessHours, Case, CaseEvent, Category, CompanyHoliday, SlaPolicy

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


def policy_for(priority: str, category: Category | None) -> tuple[int, int, int]:
    """(first response, resolution, warn-before) minutes; a category policy beats the priority default."""
    candidates = SlaPolicy.objects.filter(priority=priority)
    chosen = None
    cat = category
    while cat is not None and chosen is None:  # the category, then its parents
        chosen = candidates.filter(category=cat).first()
        cat = cat.parent
    chosen = chosen or candidates.filter(category__isnull=True).first()
    if chosen:
        return chosen.first_response_minutes, chosen.resolution_minutes, chosen.warn_before_minutes
    first, resolve = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["normal"])
    return first, resolve, 60


def due_times(
    *,
    opened_at: dt.datetime,
    priority: str,
    category: Category | None,
    calendar: BusinessCalendar | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    cal = calendar or business_calendar()
    first, resolve, _ = policy_for(priority, category)
    return cal.add(opened_at, dt.timedelta(minutes=first)), cal.add(opened_at, dt.timedelta(minutes=resolve))


OPEN = Q(status__in=[Case.Status.NEW, Case.Status.OPEN])  # waiting for the customer pauses the clock


def sla_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Warn before a breach, and on breach escalate to the team lead. Idempotent: each happens once per case."""
    moment = now or timezone.now()
    counts = {"warned": 0, "response_breached": 0, "resolution_breached": 0}
    for case in Case.objects.filter(
        OPEN, warned_at__isnull=True, resolution_due__isnull=False
    ).select_related("category"):
        _, _, warn = policy_for(case.priority, case.category)
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
                who = lead.get_username() if lead else "팀장 미지정"
                CaseEvent.objects.create(
                    case=case,
                    at=moment,
                    kind="escalated",
                    message=f"해결 기한을 넘겨 팀장에게 올렸습니다({who}).",
                    data={"target": "resolution", "lead": lead.pk if lead else None},
                )
                counts["resolution_breached"] += 1
    return counts
