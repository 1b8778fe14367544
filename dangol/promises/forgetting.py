"""How promises forget a person (registered from PromisesConfig.ready; dangol.customers.forgetting)."""

from __future__ import annotations

from dangol.customers.forgetting import FORGOTTEN_TEXT, blank_rule, forget_rule_register
from dangol.promises.models import Promise


def register() -> None:
    forget_rule_register(blank_rule(Promise, values={"text": FORGOTTEN_TEXT, "resolution_note": ""}))
