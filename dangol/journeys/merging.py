"""How journey enrolments and next-best-action decisions follow a customer merge (from JourneysConfig.ready).

Decisions move to the survivor. An enrolment moves unless the survivor already has one for the same journey
and occurrence (the unique key): that one stays with the merged record, so nobody is counted twice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from dangol.customers.merging import MergeRule, fk_rule, merge_rule_register, rows_return
from dangol.customers.models import Customer

from .models import ActionDecision, Enrolment


def _enrolments_move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    taken = Enrolment.objects.filter(
        customer=survivor, journey_id=OuterRef("journey_id"), occurrence=OuterRef("occurrence")
    )
    ids = list(
        Enrolment.objects.filter(customer=merged)
        .exclude(Exists(taken))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Enrolment.objects.filter(pk__in=ids).update(customer=survivor)
    return ids


def _enrolments_back(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    return len(rows_return(Enrolment, field="customer", ids=moved, source=survivor, target=merged))


def register() -> None:
    merge_rule_register(
        MergeRule(Enrolment, "customer", _("여정 참여"), move=_enrolments_move, undo=_enrolments_back)
    )
    merge_rule_register(fk_rule(ActionDecision, label=_("다음 행동 결정")))
