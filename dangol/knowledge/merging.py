"""How the knowledge base's records follow a customer merge and a customer's forgetting (registered from
KnowledgeConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangol.customers.forgetting import blank_rule, forget_rule_register
from dangol.customers.merging import fk_rule, merge_rule_register
from dangol.knowledge.models import Deflection


def register() -> None:
    merge_rule_register(fk_rule(Deflection, label=_("FAQ로 해결한 문의")))
    # The count of answered questions stays (per article); what the person typed and the link to them go.
    forget_rule_register(
        blank_rule(Deflection, values={"query": "", "customer": None}, label=_("FAQ로 해결한 문의"))
    )
