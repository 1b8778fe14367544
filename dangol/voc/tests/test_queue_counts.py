"""The board's queue counts: one statement, the same numbers as one COUNT per queue (issue 18: on PostgreSQL each
statement is a round trip that costs more than one of these small index counts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangol.voc import selectors
from dangol.voc.models import Case

pytestmark = pytest.mark.django_db


def _cases(shop: dict[str, Any]) -> None:
    """Open and closed cases spread over the queues so that every count differs from the others."""
    now = timezone.now()
    team, other = shop["agent"].staff.team, shop["clerk"].staff.team
    rows = [
        # status, assignee, dedicated handler, team, due
        ("open", "agent", None, team, now - dt.timedelta(hours=3)),
        ("new", "agent", None, team, now + dt.timedelta(minutes=30)),
        ("waiting", "manager", "agent", team, now + dt.timedelta(days=3)),
        ("open", "agent", "agent", other, now - dt.timedelta(hours=1)),
        ("open", None, None, team, now + dt.timedelta(minutes=20)),
        ("new", None, None, other, now - dt.timedelta(days=2)),
        ("open", None, "agent", other, None),
        ("open", "clerk", None, other, now + dt.timedelta(days=5)),
        ("closed", "agent", None, team, now - dt.timedelta(days=1)),
        ("resolved", None, None, team, now - dt.timedelta(days=1)),
    ]
    for k, (status, assignee, handler, owner, due) in enumerate(rows):
        Case.objects.create(
            number=f"QC{k}", title=f"건 {k}", status=status, team=owner, created_at=now, resolution_due=due,
            assignee=shop[assignee] if assignee else None,
            dedicated_handler=shop[handler] if handler else None,
        )  # fmt: skip


def _one_count_per_queue(user: Any) -> dict[str, int]:
    """What queue_counts returned before: one COUNT per queue."""
    team_id = getattr(getattr(user, "staff", None), "team_id", None)
    open_ = Case.objects.filter(status__in=selectors.OPEN_STATUSES)
    now = timezone.now()
    return {
        "mine": open_.filter(assignee=user).count()
        + open_.filter(dedicated_handler=user).exclude(assignee=user).count(),
        "team": open_.filter(team_id=team_id).count() if team_id else 0,
        "unassigned": open_.filter(assignee__isnull=True).count(),
        "breaching": open_.filter(
            resolution_due__gte=now, resolution_due__lt=now + selectors.DUE_SOON
        ).count(),
        "overdue": open_.filter(resolution_due__lt=now).count(),
        "all": open_.count(),
    }


@pytest.mark.parametrize("who", ["agent", "manager", "clerk", "analyst"])
def test_queue_counts_are_one_statement_with_the_numbers_of_one_count_per_queue(
    shop: dict[str, Any], who: str
) -> None:
    _cases(shop)
    user = shop[who]
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.queue_counts(user)
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert counts == _one_count_per_queue(user)


def test_queue_counts_by_hand(shop: dict[str, Any]) -> None:
    _cases(shop)
    # agent: assigned QC0, QC1, QC3 (open); handler of QC2 (assigned to the manager) and QC6 (unassigned);
    # QC3 is both and counts once; QC8 is closed.
    assert selectors.queue_counts(shop["agent"]) == {
        "mine": 5, "team": 4, "unassigned": 3, "breaching": 2, "overdue": 3, "all": 8,
    }  # fmt: skip
    assert selectors.queue_counts(shop["analyst"])["team"] == 0  # no team: no team queue


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan follows from the indexes alone")
def test_the_one_statement_still_reads_only_indexes(shop: dict[str, Any]) -> None:
    """Each count in the statement searches its own index, as each COUNT did on its own (the subqueries are
    flattened, not materialised): no scan of the cases."""
    sent: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        selectors.queue_counts(shop["agent"])
    [(sql, params)] = sent
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plans = [row[-1] for row in cursor.fetchall()]
    case_lines = [line for line in plans if "voc_case" in line]
    assert len(case_lines) == 7 and all(line.startswith("SEARCH voc_case USING ") for line in case_lines), (
        plans
    )
    # the handler's count checks the assignee in the row, as it did on its own; every other count reads no row
    assert [line for line in case_lines if "COVERING INDEX" not in line] == [
        "SEARCH voc_case USING INDEX case_handler_status (dedicated_handler_id=? AND status=?)"
    ], plans
