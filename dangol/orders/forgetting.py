"""How orders forget a person (registered from OrdersConfig.ready; dangol.customers.forgetting).

Contract and payment records are kept 5 years (전자상거래법 제6조): the order stays, linked to the pseudonymised
customer, with amounts, dates, products and status; a refund's free-text reason is removed."""

from __future__ import annotations

import datetime as dt

from dangol.customers.forgetting import FORGOTTEN_TEXT, ForgetRule, forget_rule_register
from dangol.orders.models import Order, Refund


def _refund_reasons(*, customers: list[int], now: dt.datetime) -> int:
    return (
        Refund.objects.filter(order__customer__in=customers).exclude(reason="").update(reason=FORGOTTEN_TEXT)
    )


def register() -> None:
    forget_rule_register(
        ForgetRule(
            Order, "customer", Order._meta.verbose_name_plural, forget=_refund_reasons, method="pseudonymised"
        )
    )
