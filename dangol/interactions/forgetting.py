"""How interactions forget a person (registered from InteractionsConfig.ready; dangol.customers.forgetting).

Interactions are append-only: the row stays (type, channel, time, touchpoint) with its text removed."""

from __future__ import annotations

from dangol.customers.forgetting import FORGOTTEN_TEXT, blank_rule, forget_rule_register
from dangol.interactions.models import Interaction


def register() -> None:
    forget_rule_register(
        blank_rule(Interaction, values={"summary": FORGOTTEN_TEXT, "body": "", "text_analysis": None})
    )
