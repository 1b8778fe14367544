"""How surveys forget a person (registered from SurveysConfig.ready; dangol.customers.forgetting).

Scores stay (they feed the survey's statistics, which identify no one); comments and free-text answers go."""

from __future__ import annotations

import datetime as dt

from dangol.customers.forgetting import ForgetRule, forget_rule_register, keep_rule
from dangol.surveys.models import Answer, Invitation, Response


def _responses(*, customers: list[int], now: dt.datetime) -> int:
    Answer.objects.filter(response__customer__in=customers).exclude(text="").update(text="")
    return Response.objects.filter(customer__in=customers).update(comment="")


def register() -> None:
    forget_rule_register(
        ForgetRule(
            Response,
            "customer",
            Response._meta.verbose_name_plural,
            forget=_responses,
            method="pseudonymised",
        )
    )
    forget_rule_register(
        keep_rule(Invitation, reason="which survey went when on which channel; nothing identifying")
    )
