"""Hand-made customers whose every signal is set on purpose, and messaging set up to store (never send)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.customers.services import consent_set, customer_create
from dangol.loyalty.models import CustomerValue
from dangol.messaging import services as messaging
from dangol.orders.models import Order, OrderLine, Product, ProductCategory

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _messaging_settings(settings: Any) -> None:
    settings.DANGOL_MESSAGING_EMAIL_VIA = "outbox"
    settings.DANGOL_MESSAGING_TEXT_VIA = "outbox"
    settings.DANGOL_SMS_SENDERS = ["02-1234-5678"]
    settings.DANGOL_MESSAGING_SENDER_NAME = "단골상점"
    settings.DANGOL_MESSAGING_SENDER_CONTACT = "02-1234-5678"
    settings.DANGOL_SMS_OPTOUT_NUMBER = "080-123-4567"
    settings.DANGOL_PUBLIC_URL = "https://dangol.example.com"
    settings.DEFAULT_FROM_EMAIL = "단골상점 <shop@dangol.example.com>"
    settings.DANGOL_CAMPAIGN_CAP_MESSAGES = 2
    settings.DANGOL_CAMPAIGN_CAP_DAYS = 7


def make_customer(name: str, *, phone: str | None = None, consent: bool = False, **value: Any) -> Customer:
    n = next(_numbers)
    customer = customer_create(
        data={
            "name": name,
            "phone": phone or f"010{n:08d}",
            "joined_at": timezone.now() - dt.timedelta(days=500),
        }
    )
    if consent:
        consent_set(customer=customer, purpose="marketing_sms", granted=True, source="테스트")
    if value:
        CustomerValue.objects.create(customer=customer, computed_at=timezone.now(), **value)
    return customer


def category(code: str, name: str) -> ProductCategory:
    return ProductCategory.objects.get_or_create(code=code, defaults={"name": name})[0]


def order(
    customer: Customer,
    *,
    at: dt.datetime,
    amount: int = 10_000,
    cat: ProductCategory | None = None,
    status: str = Order.Status.PAID,
) -> Order:
    n = next(_numbers)
    o = Order.objects.create(
        external_id=f"T{n}", customer=customer, ordered_at=at, total_amount=amount, status=status
    )
    if cat is not None:
        product = Product.objects.get_or_create(
            sku=f"SKU-{cat.code}", defaults={"name": cat.name, "category": cat}
        )[0]
        OrderLine.objects.create(
            order=o, product=product, product_name=product.name, amount=amount, unit_price=amount
        )
    return o


@pytest.fixture
def promo(shop: dict[str, Any]) -> Any:
    """An SMS advert as a manager would write it (the offer is a variable the campaign fills)."""
    return messaging.template_save(
        template=None,
        data={
            "code": "winback_promo",
            "name": "다시 만나요",
            "channels": ["sms"],
            "kind": "advertising",
            "subject": "",
            "body": "#{고객명}님, 오랜만이에요. 이번 주에 들러 주세요.",
            "active": True,
        },
        by=shop["manager"],
    )
