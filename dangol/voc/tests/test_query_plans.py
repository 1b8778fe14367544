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


@pytest.mark.parametrize(
    ("queue", "index"), [("team", "case_open_team_due"), ("unassigned", "case_open_assignee_due")]
)
def test_open_queues_walk_a_partial_index_in_due_order(shop: dict[str, Any], queue: str, index: str) -> None:
    # Through case_team_status / case_assignee_status SQLite read every open case of the queue, joined the
    # customer, category, team and staff of each and sorted them all (USE TEMP B-TREE FOR ORDER BY): ~20k rows
    # per request at a million cases. The partial index over open cases gives the page in order: no sort.
    qs = selectors.case_queue(shop["agent"], selectors.QueueFilters(queue=queue))[:31]
    plan = _plan(qs)
    lines = _case_lines(plan)
    assert lines and all(index in line for line in lines), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan


def test_open_queue_lists_only_open_cases_in_due_order(shop: dict[str, Any]) -> None:
    """The literal status condition (written into the SQL so the partial index applies) selects what
    status__in did: open cases only, earliest due first."""
    import datetime as dt

    from django.utils import timezone

    from dangol.voc.models import Case

    now = timezone.now()
    made = []
    for k, status in enumerate(["open", "closed", "new", "waiting", "resolved"]):
        made.append(
            Case.objects.create(
                number=f"VT{k}", title=f"건 {k}", status=status, team=shop["agent"].staff.team, created_at=now,
                resolution_due=now + dt.timedelta(hours=10 - k),
            )
        )  # fmt: skip
    for queue in ("team", "unassigned"):
        got = [c.number for c in selectors.case_queue(shop["agent"], selectors.QueueFilters(queue=queue))]
        mine = [n for n in got if n.startswith("VT")]
        assert mine == ["VT3", "VT2", "VT0"], (queue, got)


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


def test_overdue_page_ids_come_from_a_covering_index_and_keep_the_order(shop: dict[str, Any]) -> None:
    # Joined and sorted, the overdue queue read every open overdue case with its customer, category, team and
    # staff (717 ms at a million cases); its ids alone are a covering-index read.
    import datetime as dt

    from django.utils import timezone

    from dangol.voc.models import Case

    now = timezone.now()
    for k, status in enumerate(["open", "closed", "new", "waiting", "open"]):
        Case.objects.create(
            number=f"VO{k}", title=f"건 {k}", status=status, team=shop["agent"].staff.team, created_at=now,
            resolution_due=now - dt.timedelta(hours=1 + k),
        )  # fmt: skip
    filters = selectors.QueueFilters(queue="overdue")
    ids = selectors.case_queue(shop["agent"], filters).values_list("pk", flat=True)[:31]
    plan = " ".join(_plan(ids))
    assert "COVERING INDEX" in plan, plan
    page = selectors.case_queue_page(shop["agent"], filters, offset=0, limit=31)
    assert [c.number for c in page if c.number.startswith("VO")] == ["VO4", "VO3", "VO2", "VO0"]
    assert [c.pk for c in page] == [c.pk for c in selectors.case_queue(shop["agent"], filters)[:31]]
    second = selectors.case_queue_page(shop["agent"], filters, offset=1, limit=2)
    assert [c.pk for c in second] == [c.pk for c in page[1:3]]
