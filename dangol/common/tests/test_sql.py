"""dangol.common.sql: the hot path's statements are prepared once per connection on PostgreSQL, take part in the
ORM's transaction, fail as Django's database errors, and are Django's own cursor when switched off."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from dangol.common import sql

STATEMENT = "SELECT id, name FROM customers_customer WHERE id = %s"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_is_prepared_on_postgresql_and_answers_as_the_orm_does(shop):
    hong = shop["hong"]
    for _ in range(3):
        with sql.cursor() as cursor:
            cursor.execute(STATEMENT, [hong.pk])
            assert cursor.fetchone() == (hong.pk, hong.name)
    if connection.vendor == "postgresql":
        assert sum(1 for text in _prepared() if "FROM customers_customer WHERE id = $1" in text) == 1
    else:
        assert not sql.prepared_statements()


@pytest.mark.django_db(transaction=True)
def test_its_writes_belong_to_the_orms_transaction(shop):
    hong = shop["hong"]
    name = hong.name
    with pytest.raises(RuntimeError), transaction.atomic():
        with sql.cursor() as cursor:
            cursor.execute("UPDATE customers_customer SET name = %s WHERE id = %s", ["김철수", hong.pk])
            assert cursor.rowcount == 1
        raise RuntimeError("roll back")
    hong.refresh_from_db()
    assert hong.name == name != "김철수"


@pytest.mark.django_db
def test_a_bad_statement_is_a_django_database_error():
    with pytest.raises(DatabaseError), transaction.atomic(), sql.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM customers_customer WHERE id = %s", [1])


@pytest.mark.django_db
def test_switched_off_it_is_djangos_cursor_and_prepares_nothing(settings, shop):
    settings.DANGOL_PG_PREPARED_STATEMENTS = False
    hong = shop["hong"]
    with CaptureQueriesContext(connection) as seen, sql.cursor() as cursor:
        cursor.execute(STATEMENT + " AND name <> %s", [hong.pk, "x"])
        assert cursor.fetchone() == (hong.pk, hong.name)
    assert any("customers_customer" in q["sql"] for q in seen.captured_queries)
    if connection.vendor == "postgresql":
        assert not any("name <> $2" in text for text in _prepared())
