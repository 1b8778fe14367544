from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from dangol.api.choices import (
    CustomerChannel,
    CustomerChannelOrBlank,
    CustomerConsentStage,
    CustomerGender,
    CustomerStatus,
    ErrorCode,
    InteractionType,
    OrdersOnError,
)
from dangol.api.types import Instant


class ErrorOut(Schema):
    code: ErrorCode
    message: str
    message_en: str
    details: list[dict] | dict | None = None


class CustomerIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    preferred_name: str = Field("", max_length=60)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    birth_date: dt.date | None = None
    gender: CustomerGender = ""
    address: str = Field("", max_length=200)
    external_id: str | None = Field(None, max_length=64)
    joined_at: Instant | None = None
    acquisition_channel: CustomerChannel = "other"
    tags: list[str] = Field(default_factory=list, max_length=50)


class CustomerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    preferred_name: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    birth_date: dt.date | None = None
    gender: CustomerGender | None = None
    address: str | None = Field(None, max_length=200)
    external_id: str | None = Field(None, max_length=64)
    acquisition_channel: CustomerChannel | None = None
    version: int | None = Field(None, ge=1, le=2_000_000_000, description="낙관적 잠금: 읽은 버전")


class CustomerOut(Schema):
    id: int
    external_id: str | None
    name: str
    preferred_name: str
    phone: str
    email: str
    birth_date: str
    gender: CustomerGender
    address: str
    joined_at: dt.datetime
    acquisition_channel: CustomerChannelOrBlank
    consent_stage: CustomerConsentStage
    tags: list[str]
    status: CustomerStatus
    version: int
    masked: bool


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class InteractionIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**62)
    touchpoint: str = Field(..., min_length=1, max_length=40, description="접점 코드")
    type: InteractionType
    summary: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=20000)
    occurred_at: Instant | None = None


class InteractionOut(Schema):
    id: int
    customer_id: int
    touchpoint: str
    type: InteractionType
    summary: str
    body: str
    occurred_at: dt.datetime
    staff: str | None


class InteractionPage(Schema):
    items: list[InteractionOut]
    next_cursor: str | None


class OrderLineIn(Schema):
    sku: str = Field("", max_length=40)
    product_name: str = Field(..., min_length=1, max_length=200)
    category: str = Field("", max_length=100)
    quantity: int = Field(1, ge=1, le=1_000_000)
    unit_price: int = Field(..., ge=0, le=10**12)


class OrderIn(Schema):
    order_id: str = Field(..., min_length=1, max_length=64)
    customer_external_id: str = Field(..., min_length=1, max_length=64)
    ordered_at: Instant
    store: str = Field("", max_length=40)
    lines: list[OrderLineIn] = Field(..., min_length=1, max_length=500)
    refunded_amount: int = Field(0, ge=0, le=10**13)


class OrdersBulkIn(Schema):
    orders: list[OrderIn] = Field(..., min_length=1, max_length=5000)
    on_error: OrdersOnError = "abort"


class OrdersBulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[dict]
    written: bool
