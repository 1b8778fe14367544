"""How data-subject requests follow a merge and forget a person (registered from LifecycleConfig.ready).

A request is the record that the person's right was answered: it stays (kind, channel, dates, status, who
handled it), with the person's own words and the staff's free text removed."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from dangol.customers.forgetting import FORGOTTEN_TEXT, ForgetRule, forget_rule_register
from dangol.customers.merging import fk_rule, merge_rule_register
from dangol.lifecycle.models import SubjectRequest, SubjectRequestEvent


def _requests(*, customers: list[int], now: dt.datetime) -> int:
    rows = SubjectRequest.objects.filter(customer__in=customers)
    SubjectRequestEvent.objects.filter(request__customer__in=customers).exclude(note="").update(note="")
    return rows.update(detail=FORGOTTEN_TEXT, reason="", outcome="")


def register() -> None:
    merge_rule_register(fk_rule(SubjectRequest, label=_("정보주체 요구")))
    forget_rule_register(
        ForgetRule(SubjectRequest, "customer", _("정보주체 요구"), forget=_requests, method="pseudonymised")
    )
