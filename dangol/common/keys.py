"""`column IN (…)` for a few thousand plain keys (ids, refs) without the ORM preparing each value.

`filter(pk__in=ids)` passes every value through the field's `get_prep_value` and the lookup's expression
resolution: for the 2,000-id batches of a campaign that was a tenth of a launch's CPU (bench/campaigns/
RESULTS-launch.md). Keys that are already ints or strings are bound as they are; the queryset's own
converters still apply to what it returns. Keep a batch below SQLite's 32,766 bound parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections


def key_in(queryset: Any, column: str, values: Sequence[int | str]) -> Any:
    """queryset rows whose `column` (a column of the queryset's own table) is one of `values`."""
    if not values:
        return queryset.none()
    quote = connections[queryset.db].ops.quote_name
    marks = ", ".join(["%s"] * len(values))
    name = f"{quote(queryset.model._meta.db_table)}.{quote(column)}"
    # Identifiers from the model's own metadata, quoted; every value is a parameter.
    return queryset.extra(where=[f"{name} IN ({marks})"], params=list(values))  # noqa: S610
