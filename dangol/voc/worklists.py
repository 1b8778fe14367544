"""Reads for the home page: an agent's cases for the day and a team lead's view of the team. Short lists, each
from an index (case_assignee_status, case_team_status, case_status_due), never a scan of the case table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from dangol.voc.models import Case, CaseEvent

OPEN_STATUSES = (Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING)
JUST_ASSIGNED = dt.timedelta(hours=24)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    overdue: bool


@dataclass(frozen=True)
class CaseList:
    rows: list[CaseRow]
    total: int


def _rows(qs: QuerySet[Case], *, now: dt.datetime, limit: int) -> CaseList:
    cases = list(qs[:limit])
    total = len(cases) if len(cases) < limit else qs.count()
    return CaseList(
        [CaseRow(c, bool(c.resolution_due and c.resolution_due < now and c.is_open)) for c in cases], total
    )


def _by_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    # Overdue first (the earliest due), cases without a due time last.
    return qs.select_related("category__parent", "customer").order_by(
        F("resolution_due").asc(nulls_last=True), "id"
    )


def my_open_cases(user: User, *, now: dt.datetime | None = None, limit: int = 8) -> CaseList:
    """The open cases the user is assigned to or is the dedicated handler of, by due time, overdue first."""
    moment = now or timezone.now()
    qs = Case.objects.filter(Q(assignee=user) | Q(dedicated_handler=user), status__in=OPEN_STATUSES)
    return _rows(_by_due(qs), now=moment, limit=limit)


def my_callbacks(user: User, *, now: dt.datetime | None = None, limit: int = 5) -> CaseList:
    """My open cases whose customer left a number to be called back on (Case.callback_phone)."""
    moment = now or timezone.now()
    qs = Case.objects.filter(assignee=user, status__in=OPEN_STATUSES).exclude(callback_phone="")
    return _rows(_by_due(qs), now=moment, limit=limit)


def my_new_assignments(user: User, *, now: dt.datetime | None = None, limit: int = 5) -> CaseList:
    """Open cases someone else gave me in the last 24 hours (a case I took by working it is not news to me)."""
    moment = now or timezone.now()
    given = (
        CaseEvent.objects.filter(kind="assigned", at__gte=moment - JUST_ASSIGNED, data__assignee=user.pk)
        .exclude(by=user)
        .values("case_id")
    )
    qs = Case.objects.filter(pk__in=given, assignee=user, status__in=OPEN_STATUSES)
    return _rows(_by_due(qs), now=moment, limit=limit)


@dataclass(frozen=True)
class TeamLoad:
    name: str
    open: int
    overdue: int


@dataclass(frozen=True)
class TeamBoard:
    team_id: int | None
    open: int
    overdue: int
    unassigned: int
    due_soon: int
    overdue_cases: CaseList
    unassigned_cases: CaseList
    load: list[TeamLoad]


def team_board(team_id: int | None, *, now: dt.datetime | None = None, limit: int = 6) -> TeamBoard:
    """A team lead's start of the day: the team's open cases, the overdue and the unassigned ones, and who carries
    how many. Without a team, the whole company."""
    moment = now or timezone.now()
    open_ = Case.objects.filter(status__in=OPEN_STATUSES)
    if team_id is not None:
        open_ = open_.filter(team_id=team_id)
    overdue = open_.filter(resolution_due__lt=moment)
    unassigned = open_.filter(assignee__isnull=True)
    load = [
        TeamLoad(r["assignee__staff__display_name"] or r["assignee__username"], r["n"], r["late"])
        for r in open_.filter(assignee__isnull=False)
        .values("assignee_id", "assignee__staff__display_name", "assignee__username")
        .annotate(n=Count("id"), late=Count("id", filter=Q(resolution_due__lt=moment)))
        .order_by("-late", "-n", "assignee__staff__display_name")[:12]
    ]
    return TeamBoard(
        team_id=team_id,
        open=open_.count(),
        overdue=overdue.count(),
        unassigned=unassigned.count(),
        due_soon=open_.filter(
            resolution_due__gte=moment, resolution_due__lt=moment + dt.timedelta(hours=2)
        ).count(),
        overdue_cases=_rows(_by_due(overdue.select_related("assignee__staff")), now=moment, limit=limit),
        unassigned_cases=_rows(_by_due(unassigned), now=moment, limit=limit),
        load=load,
    )
