from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
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
# The same for orders rewritten in place (an import's upsert may move an existing order to another customer,
# re-date or re-price it): apps that keep figures over past orders (surveys' repurchase roll-up) register here.
_REWRITE_HOOKS: list[Callable[..., Any]] = []


def orders_rewritten_hook_register(hook: Callable[..., Any]) -> None:
    if hook not in _REWRITE_HOOKS:
        _REWRITE_HOOKS.append(hook)


def orders_rewritten(*, customer_ids: Iterable[int]) -> None:
    """Tell the registered apps that existing orders of these customers (their owners before and after) were
    rewritten. Runs in the caller's transaction, so a rolled-back import tells nobody."""
    ids = sorted({pk for pk in customer_ids if pk is not None})
    if ids:
        for hook in _REWRITE_HOOKS:
            hook(customer_ids=ids)


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
