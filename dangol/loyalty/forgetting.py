"""How customer value forgets a person (registered from LoyaltyConfig.ready; dangol.customers.forgetting).

A value row is derived (the next run recomputes it from orders, which stay pseudonymised): it is deleted."""

from __future__ import annotations

from dangol.customers.forgetting import delete_rule, forget_rule_register
from dangol.loyalty.models import CustomerValue


def register() -> None:
    forget_rule_register(delete_rule(CustomerValue))
