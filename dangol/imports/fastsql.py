"""Plain multi-row INSERTs for imports.

The ORM's bulk_create spends most of its time compiling each value (profiled: ~85% of a
customer import). Imports already hold validated, typed values, so they are written here with
one prepared statement and executemany, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def db_datetime(value: dt.datetime | None) -> Any:
    """An aware datetime as the database column expects it (SQLite: naive UTC text, as Django writes it)."""
    if value is None or connection.vendor != "sqlite":
        return value
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


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
