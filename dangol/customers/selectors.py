"""Reads of customers: search, the 360 summary and the unified timeline."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangol.customers.models import Customer, Preference

_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    tag: str = ""
    consent_stage: str = ""
    store: int | None = None
    joined_from: dt.date | None = None
    joined_to: dt.date | None = None
    tier: str = ""
    stage: str = ""


_HANGUL_ONLY = re.compile(r"[가-힣]+")


def _prefix_range(field: str, prefix: str) -> Q:
    # A range instead of LIKE so the b-tree index is used on SQLite and PostgreSQL alike.
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


def customer_search(filters: CustomerFilters) -> QuerySet[Customer]:
    """Active customers matching the filters, newest first (a Korean name prefix: in name order).

    `q` is a name prefix, the last 4 digits of a phone, a whole or partial phone
    number (7+ digits), an email (or its start) or an external id.
    """
    qs = Customer.objects.filter(status=Customer.Status.ACTIVE)
    q = filters.q.strip()
    ordering: tuple[str, ...] = ("-joined_at", "-id")
    if q and _HANGUL_ONLY.fullmatch(q):
        # A Korean name prefix: results in name order, straight off the name index. (Newest first would sort
        # every match: a one-syllable surname such as 김 matches a fifth of all customers.)
        qs = qs.filter(_prefix_range("name", q))
        ordering = ("name", "id")
    elif q:
        digits = _DIGITS.sub("", q)
        if "@" in q:
            qs = qs.filter(_prefix_range("email", q.lower()))
        elif q.isdigit() and len(q) == 4:
            qs = qs.filter(phone_last4=q)
        elif digits and len(digits) >= 7 and len(digits) == len(re.sub(r"[\s\-.()+]", "", q)):
            from dangol.customers.phone import InvalidPhone, normalize_phone

            try:
                qs = qs.filter(phone=normalize_phone(q))
            except InvalidPhone:
                qs = qs.filter(phone_last4=digits[-4:], phone__contains=digits[-4:])
        else:
            qs = qs.filter(_prefix_range("name", q) | Q(external_id=q) | _prefix_range("email", q.lower()))
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.tier:
        qs = qs.filter(value__value_tier=filters.tier)
    if filters.stage:
        qs = qs.filter(value__stage=filters.stage)
    if filters.consent_stage:
        qs = qs.filter(consent_stage=filters.consent_stage)
    if filters.store:
        qs = qs.filter(home_store_id=filters.store)
    tz = timezone.get_current_timezone()
    if filters.joined_from:
        qs = qs.filter(joined_at__gte=dt.datetime.combine(filters.joined_from, dt.time.min, tzinfo=tz))
    if filters.joined_to:
        qs = qs.filter(
            joined_at__lt=dt.datetime.combine(
                filters.joined_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
        )
    return qs.select_related("home_store", "value").order_by(*ordering)


def latest_preferences(customer: Customer) -> list[Preference]:
    """The newest value per key: what the customer has told us."""
    seen: dict[str, Preference] = {}
    for pref in customer.preferences.select_related("recorded_by").order_by("key", "-recorded_at", "-id"):
        seen.setdefault(pref.key, pref)
    return list(seen.values())
