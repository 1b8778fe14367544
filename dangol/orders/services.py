from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.orders.models import Order, Refund

# What apps above orders do when an order is refunded (rewards claws back points), registered from their
# AppConfig.ready(): orders never imports them. Each hook runs in the refund's transaction.
_REFUND_HOOKS: list[Callable[..., Any]] = []


def order_refund_hook_register(hook: Callable[..., Any]) -> None:
    if hook not in _REFUND_HOOKS:
        _REFUND_HOOKS.append(hook)


@transaction.atomic
def order_refund(
    *, order: Order, amount: int, reason: str, by: User | None, at: dt.datetime | None = None
) -> Refund:
    """Refund part or all of an order. A conditional update, so two refunds cannot exceed the total."""
    if amount <= 0:
        raise ValidationError({"amount": _("환불 금액은 0보다 커야 합니다.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("환불 사유를 입력하세요.")})
    changed = Order.objects.filter(pk=order.pk, refunded_amount__lte=F("total_amount") - amount).update(
        refunded_amount=F("refunded_amount") + amount
    )
    if not changed:
        raise ValidationError({"amount": _("환불 금액이 남은 결제 금액보다 큽니다.")})
    order.refresh_from_db()
    status = (
        Order.Status.REFUNDED
        if order.refunded_amount >= order.total_amount
        else Order.Status.PARTIALLY_REFUNDED
    )
    Order.objects.filter(pk=order.pk).update(status=status)
    order.status = status
    refund = Refund.objects.create(
        order=order, amount=amount, reason=reason.strip()[:200], refunded_at=at or timezone.now(), by=by
    )
    for hook in _REFUND_HOOKS:
        hook(order=order, by=by)
    return refund
