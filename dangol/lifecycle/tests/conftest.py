"""A customer with a life in every app (the constructed history the deletion and destruction tests walk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

SEOUL = dt.timezone(dt.timedelta(hours=9))

# Everything that identifies 홍길동 (the shared `shop` fixture's customer) or that he or staff wrote about him.
HONG_MARKERS = (
    "홍길동",
    "길동",
    "01012345678",
    "010-1234-5678",
    "gildong",
    "테헤란로",
    "비밀메모",
    "환불사유메모",
)


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


@pytest.fixture
def ad_template(shop: dict[str, Any]) -> Any:
    from dangol.messaging.services import template_save

    return template_save(
        template=None,
        data={
            "code": "coffee_promo",
            "name": "커피 신메뉴",
            "channels": ["sms", "email"],
            "kind": "advertising",
            "goods_kind": "커피",
            "subject": "겨울 신메뉴",
            "body": "#{고객명}님, 겨울 신메뉴가 나왔습니다.",
            "active": True,
        },
        by=shop["manager"],
    )


@pytest.fixture
def history(shop: dict[str, Any], ad_template: Any) -> dict[str, Any]:
    """홍길동's records in every app, written through the apps' own services where they have one."""
    from dangol.customers.services import note_add, preference_set
    from dangol.interactions.services import interaction_log
    from dangol.messaging.services import message_queue
    from dangol.orders.models import Order, OrderLine, Product, ProductCategory, Refund
    from dangol.promises.services import promise_make
    from dangol.voc.services import case_open

    hong = shop["hong"]
    note_add(customer=hong, body="비밀메모: 홍길동 고객은 010-1234-5678로만 연락", by=shop["agent"])
    preference_set(customer=hong, key="연락", value="홍길동 본인 휴대폰 저녁", by=shop["agent"])
    interaction_log(
        customer=hong,
        touchpoint=shop["call"],
        type="call",
        summary="홍길동 고객 배송 문의",
        body="01012345678로 회신 요청, gildong@example.com",
        staff=shop["agent"],
    )
    case = case_open(
        customer=hong,
        kind="complaint",
        title="홍길동 배송 지연 불만",
        body="테헤란로 1로 배송이 안 왔어요. 연락처 010-1234-5678",
        channel="phone",
        contact_name="홍길동",
        contact_info="gildong@example.com",
        callback_phone="01012345678",
        by=shop["agent"],
    )
    promise = promise_make(
        customer=hong,
        owner=shop["agent"],
        text="홍길동님께 내일 전화",
        due_at=timezone.now() + dt.timedelta(days=1),
        by=shop["agent"],
    )
    info = message_queue(
        customer=hong,
        purpose_ref="test:hong:info",
        template_code="subject_request_done",
        variables={"요구종류": "열람", "접수번호": "#0"},
    )
    advert = message_queue(customer=hong, purpose_ref="test:hong:ad", template=ad_template)
    category = ProductCategory.objects.create(code="coffee", name="커피")
    product = Product.objects.create(sku="CF-1", name="원두", category=category, price=15000)
    order = Order.objects.create(
        external_id="ORD-HONG-1",
        customer=hong,
        ordered_at=timezone.now() - dt.timedelta(days=30),
        total_amount=15000,
        refunded_amount=5000,
        status="partially_refunded",
    )
    OrderLine.objects.create(
        order=order, product=product, product_name="원두", quantity=1, unit_price=15000, amount=15000
    )
    Refund.objects.create(
        order=order, amount=5000, reason="환불사유메모: 홍길동 변심", refunded_at=timezone.now()
    )
    return {"hong": hong, "case": case, "promise": promise, "info": info, "advert": advert, "order": order}


def text_values(obj: Any) -> list[str]:
    """Every text-like value of a row (char, text, JSON as text)."""
    import json

    from django.db import models

    out = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(field, (models.CharField, models.TextField, models.EmailField)) and value:
            out.append(str(value))
        elif isinstance(field, models.JSONField) and value:
            out.append(json.dumps(value, ensure_ascii=False))
    return out
