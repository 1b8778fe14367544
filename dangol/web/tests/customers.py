"""Customers for the list-page tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangol.customers.models import Customer


def name_matches(prefix: str, n: int) -> list[Customer]:
    """`n` customers named `prefix` + a two-digit number, newest with the highest number; in name order."""
    now = timezone.now()
    return [
        Customer.objects.create(name=f"{prefix}{k:02d}", joined_at=now - dt.timedelta(days=n - k))
        for k in range(n)
    ]
