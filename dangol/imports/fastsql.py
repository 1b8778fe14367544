"""Plain multi-row INSERTs for imports.

The ORM's bulk_create spends most of its time compiling each value (profiled: ~85% of a
customer import). Imports already hold validated, typed values, so they are written here with
one prepared statement and executemany, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000
BULK_CACHE_KIB = 256 * 1024  # SQLite page cache while an import writes: its index pages stay in memory


@contextlib.contextmanager
def bulk_session() -> Iterator[None]:
    """Let SQLite keep the pages an import touches in memory (the default cache is 2 MB, and a table of
    a million customers has a few hundred MB of index pages that every INSERT lands in at random).
    The connection's own cache size is restored after; PostgreSQL needs nothing here."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def db_datetime(value: dt.datetime | None) -> Any:
    """An aware datetime as the database column expects it (SQLite: naive UTC text, as Django writes it)."""
    if value is None or connection.vendor != "sqlite":
        return value
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _sqlite_datetime(value: dt.datetime | None) -> Any:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset():
        value = value.astimezone(dt.UTC)
    return str(value.replace(tzinfo=None))


def _sqlite_date(value: dt.date | None) -> Any:
    return None if value is None else value.isoformat()


def _as_is(value: Any) -> Any:
    return value


def converters() -> tuple[Callable[[dt.datetime | None], Any], Callable[[dt.date | None], Any]]:
    """(db_datetime, db_date) for this connection, looked up once for a batch instead of once per value."""
    if connection.vendor == "sqlite":
        return _sqlite_datetime, _sqlite_date
    return _as_is, _as_is


def db_date(value: dt.date | None) -> Any:
    if value is None or connection.vendor != "sqlite":
        return value
    return value.isoformat()


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> int:
    """INSERT rows (tuples in `columns` order); with `conflict`+`update`, an upsert on that unique key."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 (names come from model metadata)
    if conflict:
        target = ", ".join(connection.ops.quote_name(c) for c in conflict)
        if update:
            sets = ", ".join(
                f"{connection.ops.quote_name(c)} = EXCLUDED.{connection.ops.quote_name(c)}" for c in update
            )
            sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
        else:
            sql += f" ON CONFLICT ({target}) DO NOTHING"
    if isinstance(rows, Sequence):
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return len(rows)
    count = 0
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


MULTI_ROWS = 256  # rows per multi-row INSERT statement
MULTI_PARAMS = 30000  # and at most this many parameters in one (SQLite allows 32766, PostgreSQL 65535)


def insert_columns(model: type[models.Model], columns: Sequence[str], values: Sequence[Sequence[Any]]) -> int:
    """INSERT one row per position of the equally long lists in `values` (one list per column).

    The rows go in multi-row statements (`VALUES (…), (…), …`, MULTI_ROWS rows each): SQLite then runs one
    statement per few hundred rows instead of one per row (its per-statement work, the AUTOINCREMENT
    counter and the deferred foreign-key bookkeeping, is paid per statement), which measured 35-50% less
    CPU for 500,000 order lines into the 1M-order base (issue 18). The parameters are flattened from the
    columns in C (zip + chain), with a Python step per statement only. Rows are inserted in list order.

    On SQLite the statements are `INSERT OR FAIL`: a failing row raises as before, but SQLite does not undo
    the rows the same statement already wrote, so it keeps no statement journal (a copy of every page the
    statement is about to change, spilled to a temporary file). With the customer table's random-order
    indexes each 256-row statement changes about 1,500 pages, and that journal was half the CPU of
    inserting 200,000 customers into the 1M base (replayed: 18.5 → 9.8 s, issue 18). Callers must run
    inside a transaction that a failure rolls back as a whole, as every import does (`transaction.atomic`
    around the whole write); PostgreSQL has no such journal and keeps the plain INSERT."""
    if not values or not len(values[0]):
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    verb = "INSERT OR FAIL" if connection.vendor == "sqlite" else "INSERT"
    head = f"{verb} INTO {table} ({cols}) VALUES "  # names come from model metadata
    flat = list(itertools.chain.from_iterable(zip(*values, strict=True)))
    with connection.cursor() as cursor:
        _insert_flat(cursor, head, len(columns), flat)
    return len(values[0])


def _insert_flat(cursor: Any, head: str, width: int, flat: list[Any]) -> None:
    """Run `head` (an `INSERT … VALUES ` prefix) for the rows in `flat` (their values one after another,
    `width` per row) as multi-row statements of MULTI_ROWS rows (at most MULTI_PARAMS parameters)."""
    total = len(flat) // width
    if not total:
        return
    one = "(" + ", ".join(["%s"] * width) + ")"
    per = max(1, min(MULTI_ROWS, MULTI_PARAMS // width, total))
    step = per * width
    full = total // per * per
    if full:
        cursor.executemany(
            head + ", ".join([one] * per),
            (flat[i : i + step] for i in range(0, full * width, step)),
        )
    if full < total:
        cursor.execute(head + ", ".join([one] * (total - full)), flat[full * width :])


def ids_by_key(
    model: type[models.Model], key: str, values: Sequence[str], *, chunk: int = 2000
) -> dict[str, int]:
    """{key value: primary key} for the given key values, without the ORM's per-value lookup preparation."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column or "id")  # type: ignore[union-attr]
    column = connection.ops.quote_name(key)
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = list(values[start : start + chunk])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT {column}, {pk} FROM {table} WHERE {column} IN ({marks})", part)  # noqa: S608
            found.update(cursor.fetchall())
    return found


@contextlib.contextmanager
def temp_table(name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A temporary table `name` (columns as (name, SQL type)) holding `rows`, for set-based writes and key
    lookups by a join; dropped after (on PostgreSQL also at the end of the transaction). Must run inside
    the import's transaction, so that a failure leaves nothing behind."""
    quoted = connection.ops.quote_name(name)
    spec = ", ".join(f"{connection.ops.quote_name(c)} {kind}" for c, kind in columns)
    drop = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quoted}")
        cursor.execute(f"CREATE TEMPORARY TABLE {quoted} ({spec}){drop}")
        # multi-row statements: one statement per row cost about 1 s of CPU for 200,000 rows (issue 18)
        head = f"INSERT INTO {quoted} VALUES "  # noqa: S608 (a name this module gives)
        _insert_flat(cursor, head, len(columns), list(itertools.chain.from_iterable(rows)))
    yield quoted  # on an error the transaction's rollback removes the table (SQLite and PostgreSQL)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {quoted}")


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def execute_many(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)  # type: ignore[arg-type]
