"""The program as a shop runs it: three tiers, a program started a year ago, orders placed at chosen times."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.orders.models import Order, OrderLine, Product, ProductCategory
from dangol.rewards import services
from dangol.rewards.models import PointEntry, Program, Source, Tier

SEOUL = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=SEOUL)
_numbers = itertools.count(1)


def at(days: float = 0, *, base: dt.datetime = NOW) -> dt.datetime:
    """A moment `days` after NOW (negative: before)."""
    return base + dt.timedelta(days=days)


@pytest.fixture
def program(db: Any) -> Program:
    program = Program.current()
    program.started_at = NOW - dt.timedelta(days=730)
    program.min_redeem_points = 100
    program.max_redeem_points = 100_000
    program.max_redeem_percent = 100
    program.save()
    return program


@pytest.fixture
def tiers(program: Program) -> dict[str, Tier]:
    return {
        "welcome": Tier.objects.create(code="welcome", name="웰컴", rank=0, earn_rate_percent=Decimal("1")),
        "silver": Tier.objects.create(
            code="silver",
            name="실버",
            rank=1,
            min_spend=300_000,
            min_visits=6,
            earn_rate_percent=Decimal("2"),
        ),
        "gold": Tier.objects.create(
            code="gold",
            name="골드",
            rank=2,
            min_spend=1_000_000,
            min_visits=12,
            rule=Tier.Rule.ALL,
            earn_rate_percent=Decimal("3"),
            discount_percent=5,
            priority_service=True,
        ),
    }


def place_order(
    customer: Customer,
    amount: int,
    *,
    when: dt.datetime = NOW,
    refunded: int = 0,
    lines: list[tuple[int, ProductCategory | None]] | None = None,
    external_id: str | None = None,
) -> Order:
    order = Order.objects.create(
        external_id=external_id or f"T-{next(_numbers):06d}",
        customer=customer,
        ordered_at=when,
        total_amount=amount,
        refunded_amount=refunded,
        status="paid" if not refunded else "partially_refunded",
    )
    for n, (line_amount, category) in enumerate(lines or [(amount, None)], start=1):
        product = None
        if category is not None:
            product = Product.objects.create(sku=f"SKU-{order.pk}-{n}", name="상품", category=category)
        OrderLine.objects.create(
            order=order,
            line_no=n,
            product=product,
            product_name="상품",
            quantity=1,
            unit_price=line_amount,
            amount=line_amount,
        )
    return order


def give(customer: Customer, points: int, *, when: dt.datetime = NOW, ref: str = "") -> PointEntry:
    """Spendable points from a campaign, earned at `when` (so they expire 24 months later)."""
    return services.points_earn(
        customer=customer,
        points=points,
        source=Source.CAMPAIGN,
        source_ref=ref or f"campaign:{next(_numbers)}",
        reason="테스트 적립",
        by=None,
        earned_at=when,
        now=when,
    )


def available(customer: Customer) -> int:
    from dangol.rewards.models import PointBalance

    return PointBalance.objects.filter(pk=customer.pk).values_list("available", flat=True).first() or 0


@pytest.fixture
def now() -> dt.datetime:
    return timezone.localtime(NOW)
