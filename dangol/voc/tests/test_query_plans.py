"""The VOC queues' queries use the indexes made for them (bench/pages reads the plans at a million cases).

SQLite has no statistics here (the app never runs ANALYZE), so its plan follows from the indexes alone: the
same plan an empty test database gets is the one a production database gets. PostgreSQL plans by statistics,
which a near-empty test database does not have, so these checks run on SQLite only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from dangol.voc import selectors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan follows from the indexes alone"),
]


def _plan(qs: Any) -> list[str]:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


def _case_lines(plan: list[str]) -> list[str]:
    return [line for line in plan if " voc_case " in f" {line} "]


def test_team_queue_reads_the_team_status_index(shop: dict[str, Any]) -> None:
    # With a separate index on team_id, SQLite joined accounts_team first and read every case of the team
    # through it (open or closed), then sorted them all.
    qs = selectors.case_queue(shop["agent"], selectors.QueueFilters(queue="team"))[:31]
    lines = _case_lines(_plan(qs))
    assert lines, _plan(qs)
    assert all("case_team_status" in line for line in lines), lines


def test_mine_queue_reads_the_assignee_and_handler_indexes(shop: dict[str, Any]) -> None:
    qs = selectors.case_queue(shop["agent"], selectors.QueueFilters(queue="mine"))[:31]
    plan = " ".join(_case_lines(_plan(qs)))
    assert "case_assignee_status" in plan and "case_handler_status" in plan, plan


def test_queue_counts_are_answered_from_indexes(shop: dict[str, Any]) -> None:
    """Each count of the board's queue counts names an index and reads no table rows (COVERING)."""
    from dangol.voc.models import Case

    open_ = Case.objects.filter(status__in=selectors.OPEN_STATUSES)
    for qs in (
        open_.filter(assignee=shop["agent"]),
        open_.filter(team_id=shop["agent"].staff.team_id),
        open_.filter(assignee__isnull=True),
        open_,
    ):
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608 (the ORM's SQL)
            plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "COVERING INDEX" in plan, plan
