"""The customer list reads the page's ids first, then only those rows with what the list shows (bench/pages: at
a million customers a four-letter e-mail prefix matches ~8,000 customers, and PostgreSQL joined each of them to
its store, value and membership and ran the last-NPS subquery for each before keeping 26; on SQLite a name
search read every matching customer row it sorted, from a cold cache hundreds of milliseconds)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangol.web.customers import views
from dangol.web.tests.customers import name_matches

pytestmark = pytest.mark.django_db


def _listed_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/customers/(\d+)/" class="customer-link"', html)]


def test_pages_keep_the_search_order_and_the_next_link(as_agent: Client, shop: dict[str, Any]) -> None:
    matches = name_matches("홍가", views.PAGE_SIZE + 5)
    first = as_agent.get("/customers/", {"q": "홍가"}).content.decode()
    assert _listed_ids(first) == [c.pk for c in matches[: views.PAGE_SIZE]]  # name order
    assert "page=2" in first
    second = as_agent.get("/customers/", {"q": "홍가", "page": 2}).content.decode()
    assert _listed_ids(second) == [c.pk for c in matches[views.PAGE_SIZE :]]
    assert "page=3" not in second
    newest = as_agent.get("/customers/", {"q": "홍가", "sort": "-joined"}).content.decode()
    assert _listed_ids(newest) == [c.pk for c in reversed(matches)][: views.PAGE_SIZE]
    assert f"총 {views.PAGE_SIZE + 5}명" in first


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan follows from the indexes alone")
def test_a_name_search_reads_customer_rows_of_the_page_only(as_agent: Client, shop: dict[str, Any]) -> None:
    name_matches("홍가", views.PAGE_SIZE + 5)
    with CaptureQueriesContext(connection) as captured:
        assert as_agent.get("/customers/", {"q": "홍가"}).status_code == 200
    reads = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if query["sql"].startswith("SELECT") and "customers_customer" in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                reads += [row[-1] for row in cursor.fetchall() if " customers_customer " in f"{row[-1]} "]
    assert reads
    # Matches are found (and counted) in the name index alone; rows are read by primary key, the page's only.
    # Before, the page's query read each matching row through the name index to sort and join it.
    for line in reads:
        assert "COVERING INDEX customer_name_status" in line or "INTEGER PRIMARY KEY" in line, reads
