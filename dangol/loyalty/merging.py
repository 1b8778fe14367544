"""How a customer's value follows a merge (registered from LoyaltyConfig.ready)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from dangol.customers.merging import MergeRule, merge_rule_register
from dangol.customers.models import Customer
from dangol.loyalty.models import CustomerValue


def value_follow_merge(*, survivor: Customer, merged: Customer, by: User | None) -> list[int]:
    """One value per customer: the survivor keeps its own, or takes the merged one if it has none.
    Either way the survivor's numbers no longer match its orders, so the value is marked stale and the
    next value_refresh recomputes it. The merged record's value stays with it when not moved."""
    if CustomerValue.objects.filter(customer=survivor).update(stale=True):
        return []
    # The customer is the primary key: the row moves by changing its key.
    if CustomerValue.objects.filter(customer=merged).update(customer=survivor, stale=True):
        return [merged.pk]
    return []


def value_return_after_unmerge(
    *, survivor: Customer, merged: Customer, by: User | None, moved: list[int]
) -> int:
    returned = 0
    if moved and not CustomerValue.objects.filter(customer=merged).exists():
        returned = CustomerValue.objects.filter(customer=survivor).update(customer=merged, stale=True)
    CustomerValue.objects.filter(customer=survivor).update(stale=True)
    return returned


def register() -> None:
    merge_rule_register(
        MergeRule(
            CustomerValue,
            "customer",
            _("고객 가치"),
            move=value_follow_merge,
            undo=value_return_after_unmerge,
        )
    )
