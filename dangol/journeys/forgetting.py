"""How journeys forget a person (registered from JourneysConfig.ready; dangol.customers.forgetting).

Enrolments are the measurement of each journey (treated vs control): they stay linked to the pseudonymised
customer with their dates and arm; the free-text detail (a messaging error) is removed. Next-best-action
decisions keep the action, the decision and the reason built from segment labels, nothing identifying."""

from __future__ import annotations

from dangol.customers.forgetting import blank_rule, forget_rule_register, keep_rule

from .models import ActionDecision, Enrolment


def register() -> None:
    forget_rule_register(blank_rule(Enrolment, values={"detail": ""}))
    forget_rule_register(
        keep_rule(ActionDecision, reason="action code, decision and a reason made of segment labels only")
    )
