"""Reads for dangol.campaigns: customers by a consent's current state."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dangol.customers.models import Consent


def customer_ids_consenting(purpose: str) -> QuerySet[Any, Any]:
    """`customer_id` of customers whose consent to `purpose` currently stands (granted)."""
    return Consent.objects.filter(purpose=purpose, granted=True).values("customer_id")
