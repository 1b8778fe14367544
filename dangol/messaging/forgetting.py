"""How messages forget a person (registered from MessagingConfig.ready; dangol.customers.forgetting).

The send log stays (channel, kind, template, legal basis, status, times: proof that the advertising rules were
kept) with the address and the text removed. A message not sent yet is cancelled: there is no one to send it to."""

from __future__ import annotations

import datetime as dt

from dangol.customers.forgetting import (
    FORGOTTEN_TEXT,
    ForgetRule,
    forget_rule_register,
    keep_rule,
)
from dangol.messaging.models import ConsentReminder, Message, MessageEvent


def _messages(*, customers: list[int], now: dt.datetime) -> int:
    rows = Message.objects.filter(customer__in=customers)
    rows.filter(status=Message.Status.QUEUED).update(status=Message.Status.CANCELLED)
    MessageEvent.objects.filter(message__customer__in=customers).exclude(detail="").update(detail="")
    return rows.update(recipient="", subject="", body=FORGOTTEN_TEXT, provider_options={})


def register() -> None:
    forget_rule_register(
        ForgetRule(
            Message, "customer", Message._meta.verbose_name_plural, forget=_messages, method="pseudonymised"
        )
    )
    forget_rule_register(
        keep_rule(
            ConsentReminder,
            reason="period and purposes reminded: proof of the two-yearly notice, nothing identifying",
        )
    )
