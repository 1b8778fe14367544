"""Journeys on a simulated clock: orders and model values placed at chosen times."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.journeys.models import Journey
from dangol.journeys.services import journeys_ensure
from dangol.loyalty.models import CustomerValue
from dangol.orders.models import Order

SEOUL = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL)
_numbers = itertools.count(1)


def place_order(customer: Customer, when: dt.datetime, amount: int = 30_000) -> Order:
    return Order.objects.create(
        external_id=f"J-{next(_numbers)}", customer=customer, ordered_at=when, total_amount=amount
    )


def set_value(customer: Customer, **fields: Any) -> CustomerValue:
    defaults: dict[str, Any] = {"computed_at": timezone.now(), "frequency": 3, "stage": "regular"}
    value, _ = CustomerValue.objects.update_or_create(customer=customer, defaults={**defaults, **fields})
    return value


@pytest.fixture
def journeys(db: Any) -> dict[str, Journey]:
    journeys_ensure()
    Journey.objects.update(control_share=0.0)  # each test sets the share it needs
    return {j.kind: j for j in Journey.objects.all()}
