"""On PostgreSQL, DANGOL_PG_PREPARED_STATEMENTS also governs the ORM's statements: on, they are sent with
server-side binding and a statement sent again on a connection is prepared; off, they are sent as before
(client-side binding, nothing prepared). Checked in a fresh process, where the settings are read from the
environment as in production. Switched on, a statement with more values than server-side binding takes (65,535)
is still sent, quoted as before (dangol.common.db.postgresql)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from dangol.customers.models import Tag

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")

# three times the same ORM statement, then what the connection did with it
PROBE = """
    import json, django, psycopg
    django.setup()
    from django.conf import settings
    from django.db import connection
    from dangol.customers.models import Customer
    for pk in (1, 2, 3):
        list(Customer.objects.filter(pk=pk).values_list("pk"))
    with connection.cursor() as cursor:
        client_side = isinstance(cursor.cursor, psycopg.ClientCursor)
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    print(json.dumps({"options": settings.DATABASES["default"].get("OPTIONS", {}), "client_side": client_side,
                      "prepared": prepared}))
"""


def _probe(switch: str) -> dict:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangol.settings",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DANGOL_PG_PREPARED_STATEMENTS": switch,
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PROBE)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _customer_by_pk(prepared: list[str]) -> list[str]:
    return [
        text for text in prepared if 'FROM "customers_customer" WHERE "customers_customer"."id" = $1' in text
    ]


@pytest.mark.django_db
def test_switched_on_the_orms_repeated_statement_is_prepared_with_server_side_binding():
    seen = _probe("true")
    assert seen["options"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert not seen["client_side"]
    assert len(_customer_by_pk(seen["prepared"])) == 1


@pytest.mark.django_db
def test_switched_off_the_orm_binds_on_the_client_and_prepares_nothing():
    seen = _probe("false")
    assert seen["options"] == {}
    assert seen["client_side"]
    assert seen["prepared"] == []


server_side = pytest.mark.skipif(
    connection.vendor != "postgresql" or not connection.features.uses_server_side_binding,
    reason="switched off: values are quoted into the text, with no limit on their number",
)


@server_side
@pytest.mark.django_db
def test_a_bulk_create_of_more_values_than_server_side_binding_takes_is_quoted_as_before():
    # one value each, more than 65,535 in all; as expressions, so that Django sends them as rows of values (one
    # parameter each) rather than as one array per column (UNNEST), the path of any field or value it cannot unnest
    names = [f"태그{i}" for i in range(70_000)]
    made = Tag.objects.bulk_create([Tag(name=Value(name)) for name in names])
    assert all(tag.pk for tag in made)
    assert Tag.objects.filter(name__startswith="태그").count() == len(names)


@server_side
@pytest.mark.django_db
def test_a_statement_with_more_values_than_server_side_binding_takes_is_quoted_as_before():
    tags = Tag.objects.bulk_create([Tag(name=f"태그{i}") for i in range(3)])
    ids = [tag.pk for tag in tags] + [-i for i in range(1, 70_001)]  # 70,003 values in one IN list
    assert Tag.objects.filter(pk__in=ids).count() == 3
    marks = ", ".join(["%s"] * len(ids))
    statement = f"SELECT count(*) FROM customers_tag WHERE name LIKE '태그%%' AND id IN ({marks})"  # noqa: S608
    with connection.cursor() as cursor:  # hand-written SQL too; a literal % stays as it is
        cursor.execute(statement, ids)
        assert cursor.fetchone() == (3,)


@server_side
@pytest.mark.django_db(transaction=True)
def test_hand_written_statements_are_prepared_and_belong_to_the_orms_transaction(shop):
    # the hot path's own SQL (API token check, redemption, survey answer) goes through Django's cursor
    hong = shop["hong"]
    statement = "SELECT id, name FROM customers_customer WHERE id = %s AND name <> %s"
    for _ in range(3):
        with CaptureQueriesContext(connection) as seen, connection.cursor() as cursor:
            cursor.execute(statement, [hong.pk, "x"])
            assert cursor.fetchone() == (hong.pk, hong.name)
        assert len(seen.captured_queries) == 1  # counted like any other statement
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert sum(1 for text in prepared if "WHERE id = $1 AND name <> $2" in text) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        with connection.cursor() as cursor:
            for _ in range(3):  # prepared from the third
                cursor.execute("UPDATE customers_customer SET name = %s WHERE id = %s", ["김철수", hong.pk])
                assert cursor.rowcount == 1
        raise RuntimeError("roll back")
    hong.refresh_from_db()
    assert hong.name != "김철수"
