"""Statements planned for their values: on PostgreSQL with prepared statements (DANGOL_PG_PREPARED_STATEMENTS),
psycopg prepares a statement once the connection has run it twice, and after five runs of the prepared statement
PostgreSQL may switch it to a generic plan, one made without its values. That suits the pages whose values do
not change the plan (a customer's id, a user's id), and halves PostgreSQL's CPU for them. It does not suit a
search: how many customers a name or e-mail prefix matches (none, or a fifth of a million) decides the plan, and
a generic plan for "the first match of a prefix" reads the whole table when there is none (270 ms at a million
customers, against 0.03 ms planned for the value).

Inside `planned_per_value()`, the statements are sent without preparing them, so PostgreSQL plans each one with
its values (still with server-side binding). Elsewhere, and on SQLite, nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_PER_VALUE: ContextVar[bool] = ContextVar("dangol_planned_per_value", default=False)


@contextmanager
def planned_per_value() -> Iterator[None]:
    token = _PER_VALUE.set(True)
    try:
        yield
    finally:
        _PER_VALUE.reset(token)


def is_planned_per_value() -> bool:
    return _PER_VALUE.get()
