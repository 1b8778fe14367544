"""How VOC records forget a person (registered from VocConfig.ready; dangol.customers.forgetting).

Consumer complaint records are kept 3 years (전자상거래법 시행령 제6조): a case stays with its category, team,
dates, status and resolution type; the contact details and every free text (the case, its steps, events,
hand-offs and labelled texts) are removed. A flag keeps its type and status, without the evidence."""

from __future__ import annotations

import datetime as dt

from dangol.customers.forgetting import FORGOTTEN_TEXT, ForgetRule, blank_rule, forget_rule_register
from dangol.voc.models import Case, CaseEvent, CaseStep, CustomerFlag, Handoff, TextLabel


def case_texts_scrub(cases: list[int]) -> None:
    CaseStep.objects.filter(case__in=cases).exclude(note="").update(note=FORGOTTEN_TEXT)
    CaseEvent.objects.filter(case__in=cases).update(message=FORGOTTEN_TEXT, data={})
    Handoff.objects.filter(case__in=cases).exclude(reason="").update(reason=FORGOTTEN_TEXT)
    TextLabel.objects.filter(case__in=cases).update(text=FORGOTTEN_TEXT)


def _cases(*, customers: list[int], now: dt.datetime) -> int:
    rows = Case.objects.filter(customer__in=customers)
    case_texts_scrub(list(rows.values_list("pk", flat=True)))
    return rows.update(
        contact_name="",
        contact_info="",
        callback_phone="",
        title=FORGOTTEN_TEXT,
        body="",
        text_analysis=None,
        root_cause_note="",
        resolution_note="",
    )


def register() -> None:
    forget_rule_register(
        ForgetRule(Case, "customer", Case._meta.verbose_name_plural, forget=_cases, method="pseudonymised")
    )
    forget_rule_register(
        blank_rule(
            CustomerFlag,
            values={"evidence": FORGOTTEN_TEXT, "review_note": "", "reversed_reason": "", "history": []},
        )
    )
