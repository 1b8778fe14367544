"""Field types shared by the API's input schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

# Times a business records: nothing before 1900 or after 2999 is a real purchase, call or answer.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


def _instant(value: dt.datetime) -> dt.datetime:
    """Any offset Python accepts comes in; what goes on is UTC, which every database stores.

    PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 and Python allow (up to ±23:59), and a time near
    year 1 overflows when it is moved to UTC, so both are settled here as a 422, never a 500 in the database.
    """
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    if value.utcoffset() is None:
        return value  # a naive time is read in the business's time zone by the service that stores it
    return value.astimezone(dt.UTC)


Instant = Annotated[dt.datetime, AfterValidator(_instant)]
