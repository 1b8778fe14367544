"""A search's statements are planned for their values on PostgreSQL (issue 18, bench/pages).

With prepared statements on, a statement sent five times on a connection may run on a generic plan, made without
its values. For the search that was a full table read: "is there a name starting with 'ejeon' or a customer
numbered 'ejeon'" (LIMIT 1) planned without the values guesses thousands of matches and scans for the first,
and at a million customers with none it read them all (e-mail prefix and customer number searches 270 ms instead
of 0.03 ms). The search's statements are therefore sent unprepared, and PostgreSQL plans each with its values;
every other statement is still prepared."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from dangol.common.db.plans import is_planned_per_value
from dangol.customers import selectors
from dangol.customers.models import Customer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not connection.features.uses_server_side_binding,
        reason="PostgreSQL with prepared statements (DANGOL_PG_PREPARED_STATEMENTS)",
    ),
]

# the probe's name branch, the page's ids, the count: each a statement on customers_customer by name
SEARCH_TEXT = '"customers_customer"."name" >= $'


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def customers(shop: dict[str, Any]) -> list[Customer]:
    now = timezone.now()
    return [
        Customer.objects.create(
            name=f"ejeon{k}", email=f"ejeon{k}@example.com", joined_at=now - dt.timedelta(days=k)
        )
        for k in range(3)
    ]


def test_the_search_is_never_prepared_while_other_statements_are(customers: list[Customer]) -> None:
    found = {"ejeon": 3, "ejeo": 3, "nobody": 0, "ejeon1": 1, "zzz": 0, "ej": 3, "ejeon2": 1, "ejeon0": 1}
    for q, expected in [*found.items(), ("ejeon", 3)]:
        qs = selectors.customer_search(selectors.CustomerFilters(q=q))
        page = selectors.customer_page(qs, offset=0, limit=26)
        assert len(page) == expected, q
        assert selectors.customer_count(qs, cap=10_000) == (expected, False)
    assert not is_planned_per_value()
    assert [text for text in _prepared() if SEARCH_TEXT in text] == []

    # the same kind of statement outside a search is prepared once it has run twice: the check above can see one
    for _ in range(3):
        list(Customer.objects.filter(name__gte="ejeon", name__lt="ejeon\U0010ffff").values_list("pk"))
    assert len([text for text in _prepared() if SEARCH_TEXT in text]) == 1


def test_the_api_search_is_not_prepared_either(customers: list[Customer]) -> None:
    for q in ["ejeon", "ejeon1", "ejeon", "ejeon2"]:
        qs = selectors.customer_search(selectors.CustomerFilters(q=q)).order_by("-id")
        assert [c.name for c in qs[:10]] == [c.name for c in reversed(customers) if c.name.startswith(q)]
    assert [text for text in _prepared() if SEARCH_TEXT in text] == []
