"""The customer search counts its matches (up to a cap) from an index alone (bench/pages reads the plans at a
million customers: a one-syllable surname matches a fifth of them, and reading each row to check its status
made the count the slowest part of the search).

SQLite has no statistics here (the app never runs ANALYZE), so its plan follows from the indexes alone; these
checks run on SQLite only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from dangol.customers import selectors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan follows from the indexes alone"),
]


def _count_plan(q: str) -> str:
    qs = selectors.customer_search(selectors.CustomerFilters(q=q)).order_by().values("pk")[:100_001]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608 (the ORM's SQL)
        return " ".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("q", "index"),
    [("김", "customer_name_status"), ("gildong@ex", "customer_email_status")],
)
def test_search_count_reads_only_the_index(shop: dict[str, Any], q: str, index: str) -> None:
    plan = _count_plan(q)
    assert f"COVERING INDEX {index}" in plan, plan


def test_name_search_pages_in_index_order(shop: dict[str, Any]) -> None:
    qs = selectors.customer_search(selectors.CustomerFilters(q="홍"))[:26]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert any("customer_name_status" in line for line in plan), plan
    assert [c.name for c in qs] == ["홍길동"]


def test_email_prefix_pages_in_email_order_off_the_email_index(shop: dict[str, Any]) -> None:
    # Newest first, SQLite gathered every match of the three-way OR (name, customer number, e-mail) and
    # sorted them all; a four-letter prefix matches thousands of customers at a million.
    qs = selectors.customer_search(selectors.CustomerFilters(q="gildong"))[:26]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert any("customer_email_status" in line for line in plan), plan
    assert not any("MULTI-INDEX OR" in line or "FOR ORDER BY" in line for line in plan), plan


def test_email_prefix_order_and_the_name_and_number_fallback(shop: dict[str, Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    from dangol.customers.models import Customer

    now = timezone.now()
    for k, email in enumerate(["zqa2@example.com", "zqa1@example.com", "zqa3@example.com"]):  # newest first
        Customer.objects.create(name=f"고객{k}", email=email, joined_at=now - dt.timedelta(days=k))
    found = selectors.customer_search(selectors.CustomerFilters(q="zqa"))
    assert [c.email for c in found] == ["zqa1@example.com", "zqa2@example.com", "zqa3@example.com"]
    # A Latin name starting with the text, or a customer number equal to it, is still found beside the e-mails
    # (then newest first, as before).
    latin = Customer.objects.create(name="zqa Lee", joined_at=now + dt.timedelta(days=1))
    Customer.objects.create(name="번호고객", external_id="ZQA", joined_at=now - dt.timedelta(days=9))
    found = list(selectors.customer_search(selectors.CustomerFilters(q="zqa")))
    assert found[0] == latin and len(found) == 4
    by_number = [
        c.email or c.external_id for c in selectors.customer_search(selectors.CustomerFilters(q="ZQA"))
    ]
    assert by_number == ["zqa2@example.com", "zqa1@example.com", "zqa3@example.com", "ZQA"]  # newest first
