"""Hand-written statements on a hot path (the API's token check, a redemption), prepared once per connection on
PostgreSQL.

Django on its own sends every statement with client-side binding and never prepares one (so that a
transaction-mode connection pooler can sit in between): PostgreSQL parses and plans each statement on every
request, and psycopg quotes the parameters into the text in Python. With DANGOL_PG_PREPARED_STATEMENTS, settings
turn on server-side binding for the ORM too, and psycopg prepares an ORM statement from its second use. For the few
statements that run on every request, `cursor()` gives a psycopg server-side-binding cursor on Django's own
connection whose `execute` prepares the statement the first time it is seen on that connection and reuses the plan
afterwards (psycopg keeps up to 100 per connection).
That halves the database's CPU for a redemption (bench/loyalty/RESULTS.md).

The cursor takes part in the same transaction as the ORM (it is the same connection), errors come out as Django's
database exceptions, and a broken transaction is refused as Django refuses it. It is not a Django cursor wrapper:
`CaptureQueriesContext` and `connection.queries` do not see these statements.

Only for statements whose parameters PostgreSQL can type from the statement (no `IN %s` with a tuple, no bare
`SELECT %s`). On SQLite, or with DANGOL_PG_PREPARED_STATEMENTS=false (behind a transaction-mode pooler that does
not support prepared statements), it is Django's ordinary cursor and nothing is prepared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection

# Never prepare on the count alone: only the statements sent through `cursor()` (prepare=True) are prepared.
_NEVER_BY_COUNT = 2**31 - 1


class PreparedCursor:
    """`execute(sql, params)`, `fetchone()`, `fetchall()`, `rowcount` — each statement prepared (PostgreSQL)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PreparedCursor:
        connection.validate_no_broken_transaction()
        with connection.wrap_database_errors:
            self._raw.execute(sql, params, prepare=True)
        return self

    def fetchone(self) -> Any:
        with connection.wrap_database_errors:
            return self._raw.fetchone()

    def fetchall(self) -> list[Any]:
        with connection.wrap_database_errors:
            return self._raw.fetchall()

    @property
    def rowcount(self) -> int:
        return int(self._raw.rowcount)


def prepared_statements() -> bool:
    return connection.vendor == "postgresql" and getattr(settings, "DANGOL_PG_PREPARED_STATEMENTS", True)


@contextmanager
def cursor() -> Iterator[Any]:
    """A cursor for hot-path statements: prepared on PostgreSQL, Django's cursor otherwise."""
    if not prepared_statements():
        with connection.cursor() as django_cursor:
            yield django_cursor
        return
    import psycopg

    connection.ensure_connection()
    raw_connection = connection.connection
    if raw_connection.prepare_threshold is None:  # Django's default: off; prepare=True needs it set
        raw_connection.prepare_threshold = _NEVER_BY_COUNT
    raw = psycopg.Cursor(raw_connection)
    try:
        yield PreparedCursor(raw)
    finally:
        raw.close()
