from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangol.orders.models import Order, Refund


@transaction.atomic
def order_refund(
    *, order: Order, amount: int, reason: str, by: User | None, at: dt.datetime | None = None
) -> Refund:
    """Refund part or all of an order. A conditional update, so two refunds cannot exceed the total."""
    if amount <= 0:
        raise ValidationError({"amount": "환불 금액은 0보다 커야 합니다."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "환불 사유를 입력하세요."})
    changed = Order.objects.filter(pk=order.pk, refunded_amount__lte=F("total_amount") - amount).update(
        refunded_amount=F("refunded_amount") + amount
    )
    if not changed:
        raise ValidationError({"amount": "환불 금액이 남은 결제 금액보다 큽니다."})
    order.refresh_from_db()
    status = (
        Order.Status.REFUNDED
        if order.refunded_amount >= order.total_amount
        else Order.Status.PARTIALLY_REFUNDED
    )
    Order.objects.filter(pk=order.pk).update(status=status)
    order.status = status
    return Refund.objects.create(
        order=order, amount=amount, reason=reason.strip()[:200], refunded_at=at or timezone.now(), by=by
    )
