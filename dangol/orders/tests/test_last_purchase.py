"""Orders answer messaging's 6-month exemption: a customer without marketing consent who bought the same kind of
goods within six months may get an advert for it (정보통신망법 제50조 제1항 제1호); older, or another kind, not."""

from __future__ import annotations

from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from dangol.customers.services import consent_set
from dangol.messaging import providers
from dangol.messaging.models import Message, MessageTemplate
from dangol.messaging.services import message_queue, template_save
from dangol.orders.models import Order, OrderLine, Product, ProductCategory
from dangol.orders.selectors import last_purchase_of_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee_ad(shop: dict[str, Any], settings: Any) -> MessageTemplate:
    settings.DANGOL_SMS_SENDERS = ["1588-0000"]
    return template_save(
        template=None,
        data={
            "code": "coffee-beans-ad",
            "name": "원두 신상품",
            "channels": ["sms"],
            "kind": "advertising",
            "goods_kind": "커피",
            "body": "#{고객명}님, 새 원두가 들어왔습니다.",
            "active": True,
        },
        by=shop["manager"],
    )


@pytest.fixture
def goods() -> dict[str, Product]:
    coffee = ProductCategory.objects.create(code="coffee", name="커피")
    beans = ProductCategory.objects.create(code="beans", name="원두", parent=coffee)
    tea = ProductCategory.objects.create(code="tea", name="차")
    return {
        "beans": Product.objects.create(sku="B-1", name="에티오피아 원두", category=beans, price=18000),
        "tea": Product.objects.create(sku="T-1", name="녹차", category=tea, price=9000),
    }


def bought(customer: Any, product: Product, months_ago: int, *, status: str = "paid") -> Order:
    order = Order.objects.create(
        external_id=f"O-{product.sku}-{months_ago}-{status}",
        customer=customer,
        ordered_at=timezone.now() - relativedelta(months=months_ago),
        status=status,
        total_amount=product.price,
    )
    OrderLine.objects.create(order=order, product=product, product_name=product.name, amount=product.price)
    return order


def advert(customer: Any, ref: str) -> Message:
    return message_queue(customer=customer, template_code="coffee-beans-ad", purpose_ref=ref)


def test_orders_register_the_last_purchase_provider_at_start() -> None:
    assert providers._last_purchase is last_purchase_of_kind


def test_a_purchase_five_months_ago_lets_the_advert_for_the_same_kind_go(shop, goods, coffee_ad) -> None:
    kim = shop["kim"]  # no marketing consent at all
    bought(kim, goods["beans"], 5)  # beans are under coffee, the advert's kind
    message = advert(kim, "ad:5m")
    assert (message.status, message.legal_basis) == ("queued", "transaction_6m")
    assert message.body.startswith("(광고)") and "무료거부" in message.body


def test_seven_months_ago_or_another_kind_is_blocked(shop, goods, coffee_ad) -> None:
    kim = shop["kim"]
    bought(kim, goods["beans"], 7)
    bought(kim, goods["tea"], 1)
    bought(kim, goods["beans"], 2, status="cancelled")
    message = advert(kim, "ad:7m")
    assert (message.status, message.blocked_rule) == ("blocked", "ad_no_consent")


def test_a_refusal_wins_over_a_recent_purchase(shop, goods, coffee_ad) -> None:
    kim = shop["kim"]
    bought(kim, goods["beans"], 1)
    consent_set(customer=kim, purpose="marketing_sms", granted=False, source="고객 요청")
    assert advert(kim, "ad:refused").blocked_rule == "ad_consent_withdrawn"


def test_an_advert_that_names_no_kind_of_goods_gets_no_exemption(shop, goods) -> None:
    bought(shop["kim"], goods["beans"], 1)
    assert last_purchase_of_kind(shop["kim"], "") is None
    assert last_purchase_of_kind(shop["kim"], "원두") is not None
    assert last_purchase_of_kind(shop["kim"], "tea") is None
