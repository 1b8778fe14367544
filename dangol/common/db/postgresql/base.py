"""Django's PostgreSQL backend, where a statement with more parameters than PostgreSQL takes (65,535) is sent as
Django sends every statement by default: its values quoted into the text (client-side binding), not prepared.

With DANGOL_PG_PREPARED_STATEMENTS the ORM's statements are sent with server-side binding (OPTIONS
["server_side_binding"], issue 18), where the parameters travel apart from the text and their number is limited:
`filter(pk__in=ids)` with 70,000 ids, or a `bulk_update` of thousands of rows, would fail ("number of parameters
must be between 0 and 65535"); with client-side binding they never had a limit. Without server-side binding this
backend is Django's, unchanged.

Inside `dangol.common.db.plans.planned_per_value()` (a search), statements are sent unprepared, so PostgreSQL
plans each one with its values instead of falling back to a generic plan.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql import base

from dangol.common.db.plans import is_planned_per_value

MAX_PARAMS = 65_535

# psycopg's Cursor with Django's mixin (untyped in the stubs)
_ServerBindingCursor: Any = base.ServerBindingCursor


class ServerBindingCursor(_ServerBindingCursor):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if params is not None and len(params) > MAX_PARAMS:
            # quoted as a client-side-binding cursor of this connection quotes them (its adapters, its time zone)
            text = psycopg.ClientCursor(self.connection).mogrify(query, params)
            return super().execute(text, None, prepare=False)
        if is_planned_per_value():
            # unnamed: PostgreSQL plans it with these values (dangol.common.db.plans)
            kwargs["prepare"] = False
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params
