"""The shape in which each app reports what a customer lived through, for the 360 timeline.

Every app that keeps part of a customer's history offers a `*_timeline_entries(customer, *, before, limit, ...)`
read in its own selectors.py and answers with these entries; the 360 page (dangol.web) merges them. So no
app's tables are read from outside the app, and this module (below all of them) is the only shared piece."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.utils.encoding import force_str


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # one of dangol.web.customers.timeline.TIMELINE_KINDS
    at: dt.datetime
    title: str
    body: str = ""
    touchpoint: str = ""
    touchpoint_id: int | None = None
    type: str = ""  # the kind's badge label (상담 유형, 메모, VOC, 설문…)
    staff: str = ""
    amount: int | None = None
    status: str = ""  # the record's raw status value
    status_label: str = ""  # the status badge, when the record has one
    tone: str = ""  # "ok" | "warn" | "bad" | "": the status badge's colour
    url: str = ""  # the record's own page, when there is one the viewer may open
    ref_id: int | None = None
    analysis: dict[str, Any] | None = None


def presence_sql(model: Any, field: str = "customer") -> str:
    """A statement with one placeholder (the customer's id) that finds a row of `model` for the customer.

    Each app's `*_timeline_presence()` answers with one of these (or its own, for a table reached through a
    join): the 360 page asks every source at once, in one statement of EXISTS probes, which of them have
    anything for the customer, and reads only those. The probe must be a superset of its source's read
    (no role, date or touchpoint filter): a false "present" costs a query, a false "absent" would hide a row."""
    column = model._meta.get_field(field).column
    return f'SELECT 1 FROM "{model._meta.db_table}" WHERE "{column}" = %s'  # noqa: S608 (the model's own names)


@functools.cache
def _choice_labels(model: Any, field: str) -> dict[Any, Any]:
    return dict(model._meta.get_field(field).flatchoices)  # value -> lazy label, built once per process


def choice_label(model: Any, field: str, value: Any) -> Any:
    """What `<row>.get_<field>_display()` returns for `value`, in the current language, for reads that label many
    rows: Django's method builds a dict of the field's choices on every call, hashing every lazy label (each hash
    a translation lookup, ~0.1 ms per call under load, issue 18); here that dict is built once."""
    return force_str(_choice_labels(model, field).get(value, value), strings_only=True)


def staff_label(user: Any) -> str:
    """The staff member's display name; pair with select_related("<field>__staff") to avoid a query per row."""
    if user is None:
        return ""
    profile = getattr(user, "staff", None)
    return staff_name(user.get_username(), profile.display_name if profile else None)


def staff_name(username: str | None, display_name: str | None) -> str:
    """`staff_label` from a row's values (`"<field>__username"`, `"<field>__staff__display_name"`) rather than
    its models: no user (None), a user without a staff profile (the name is None) or one with a profile."""
    if username is None:
        return ""
    return username if display_name is None else display_name
