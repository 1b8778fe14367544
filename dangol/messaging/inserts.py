"""Inserting many rows of one model fast: a campaign's messages and their first events.

Django's `bulk_create` builds an INSERT of a few dozen rows at a time (SQLite allows 999 parameters) and passes
every value of every field through the field's conversion; for the message table (30-odd columns) that is most
of a campaign's time. Here one single-row INSERT goes to `executemany`, the database driver loops in C, and only
the fields whose Python value is not what the driver takes (datetimes, JSON, UUIDs, dates) are converted, by the
field itself, so the stored values are those `save()` stores on every backend. Defaults, `auto_now_add` and
callables (a message's uid) are filled as `Model()` fills them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.fields import AutoFieldMixin

# Field types whose Python value the drivers do not take as is; the others (text, numbers, booleans, foreign
# keys' ids, None) pass through unchanged, as get_db_prep_save would leave them.
_CONVERTED = frozenset({"DateTimeField", "DateField", "TimeField", "JSONField", "UUIDField", "DecimalField"})
# Of those, the ones whose values repeat across a campaign's rows (the same moment): converted once per value.
_REPEATING = frozenset({"DateTimeField", "DateField", "TimeField"})


class RowInserter:
    """Insert rows given as {attname: value} dicts; missing fields get their defaults."""

    def __init__(self, model: type[models.Model], *, now: Any, using: str = DEFAULT_DB_ALIAS) -> None:
        self.connection = connections[using]
        self.fields = [
            f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, AutoFieldMixin))
        ]
        self.table = model._meta.db_table
        self._fill: list[tuple[str, Any]] = []
        for field in self.fields:
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                self._fill.append((field.attname, now))
            elif field.has_default() and callable(field.default):
                self._fill.append((field.attname, field.default))  # called per row (a uid)
            else:
                self._fill.append((field.attname, field.get_default()))
        self._constant = {attname: default for attname, default in self._fill if not callable(default)}
        self._called = [(attname, default) for attname, default in self._fill if callable(default)]
        self._convert = [field.get_internal_type() in _CONVERTED for field in self.fields]
        self._repeat = [field.get_internal_type() in _REPEATING for field in self.fields]
        self._attnames = [field.attname for field in self.fields]
        self._converted = [index for index, convert in enumerate(self._convert) if convert]
        self._seen: dict[tuple[int, Any], Any] = {}
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Identifiers from the model's own metadata, quoted; every value is a parameter.
        self.sql = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The row as it will be stored (Python values), defaults filled."""
        row = {**self._constant, **values}
        for attname, default in self._called:
            if attname not in values:
                row[attname] = default()
        return row

    def params(self, row: Mapping[str, Any]) -> list[Any]:
        out = [row[attname] for attname in self._attnames]
        for index in self._converted:  # only the few fields whose value the driver does not take as is
            value = out[index]
            if value is None:
                continue
            field = self.fields[index]
            if self._repeat[index]:
                key = (index, value)
                if key not in self._seen:
                    self._seen[key] = field.get_db_prep_save(value, self.connection)
                out[index] = self._seen[key]
            else:
                out[index] = field.get_db_prep_save(value, self.connection)
        return out

    def insert(self, rows: Sequence[Mapping[str, Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, [self.params(row) for row in rows])


def insert_first_events(
    *, message_model: type[models.Model], event_model: type[models.Model], events: Iterable[tuple[Any, ...]]
) -> None:
    """(message uid, at, status, detail) → one event row each, joined to its message by uid in the database (the
    driver's executemany gives no ids back)."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    meta, messages = event_model._meta, message_model._meta
    column = {name: str(_field(meta, name).column) for name in ("message", "at", "status", "detail")}
    uid, at = _field(messages, "uid"), _field(meta, "at")
    into = ", ".join(quote(column[name]) for name in ("message", "at", "status", "detail"))
    # Identifiers from the models' own metadata, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({into}) SELECT {quote(str(messages.pk.column))}, %s, %s, %s "  # noqa: S608
        f"FROM {quote(messages.db_table)} WHERE {quote(str(uid.column))} = %s"
    )
    moments: dict[Any, Any] = {}
    params = []
    for key, when, status, detail in events:
        if when not in moments:
            moments[when] = at.get_db_prep_save(when, connection)
        params.append([moments[when], status, detail, uid.get_db_prep_save(key, connection)])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _field(meta: Any, name: str) -> models.Field[Any, Any]:
    field = meta.get_field(name)
    assert isinstance(field, models.Field)
    return field
