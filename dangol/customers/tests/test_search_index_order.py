"""The search's page of ids comes off an index in the page's order and stops at the page (issue 18, bench/pages).

PostgreSQL's b-tree entries do not carry the id, so with the (name, status) and (email, status) indexes a name
or e-mail prefix read every match (≈ 4,000 rows at a million customers) to sort them by (name, id); the last
4 digits of a phone read every match to sort them by join time. With the id (and the join time) in the index
the page is the first 26 index entries. PostgreSQL plans by statistics, which a near-empty test database does
not have, so its check turns sorting off and asks whether a plan without a sort exists at all."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dangol.customers import selectors
from dangol.customers.models import Customer

pytestmark = pytest.mark.django_db

SEARCHES = [("김민", "customer_name_status_id"), ("kimmin", "customer_email_status_id"), ("5678", "customer_last4_status_joined")]  # fmt: skip


@pytest.fixture
def crowd(shop: dict[str, Any]) -> list[Customer]:
    now = timezone.now()
    made = []
    for k in range(12):
        made.append(
            Customer.objects.create(
                name="김민준" if k % 2 else "김민서", email=f"kimmin{k % 3}@example.com", phone=f"010-12{k:02d}-5678",
                phone_last4="5678", joined_at=now - dt.timedelta(days=k % 5), status="merged" if k == 7 else "active",
            )
        )  # fmt: skip
    return made


def _page_ids(q: str) -> Any:
    return selectors.customer_search(selectors.CustomerFilters(q=q)).values_list("pk", flat=True)[:5]


@pytest.mark.parametrize(("q", "index"), SEARCHES)
def test_the_page_of_ids_is_in_search_order(crowd: list[Customer], q: str, index: str) -> None:
    active = [c for c in crowd if c.status == "active"]
    if q == "김민":
        expected = sorted(active, key=lambda c: (c.name, c.pk))
    elif q == "kimmin":
        expected = sorted(active, key=lambda c: (c.email, c.pk))
    else:
        expected = sorted(active, key=lambda c: (c.joined_at, c.pk), reverse=True)
    assert list(_page_ids(q)) == [c.pk for c in expected[:5]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index entries carry no id")
@pytest.mark.parametrize(("q", "index"), SEARCHES)
def test_postgresql_reads_the_page_off_the_index_without_a_sort(
    crowd: list[Customer], q: str, index: str
) -> None:
    sql, params = _page_ids(q).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_sort", "enable_incremental_sort", "enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using {index} " in plan or f"Index Only Scan Backward using {index} " in plan, (
        plan
    )
    assert "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan follows from the indexes alone")
def test_sqlite_reads_the_last_4_digits_page_off_the_index_without_a_sort(crowd: list[Customer]) -> None:
    # With the one-column phone_last4 index SQLite read every match and sorted them (USE TEMP B-TREE).
    sql, params = _page_ids("5678").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert any("COVERING INDEX customer_last4_status_joined" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan
