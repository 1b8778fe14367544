"""수신동의 여부 확인: every two years each customer is told that they consented to marketing messages, when
and to what (정보통신망법 시행령 제62조의3).

A customer is due when their oldest marketing consent still held is at least two years old and they have had
no reminder in the last two years. The period is counted from the later of that consent and the last
reminder, so a consent given after a reminder is confirmed at the next one (never more than two years late).
Each reminder is a ConsentReminder row plus an informational message; both are keyed by the period
(`consent-reminder:<customer>:<anchor>`), so a second run in the same period does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangol.customers.models import ConsentPurpose, Customer
from dangol.messaging import rules, selectors
from dangol.messaging.models import ConsentReminder
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import ALL_MARKETING, message_queue, optout_url

logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = "consent_reminder"
PERIOD = relativedelta(years=2)


def consent_reminders_due(*, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(customer id, anchor) of each customer due a reminder at `now`."""
    cutoff = now - PERIOD
    return [
        (row["customer_id"], max(row["first"], row["last"] or row["first"]))
        for row in selectors.consent_reminder_candidates(cutoff).iterator()
    ]


def consent_reminders_send(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Queue the reminders that are due; returns how many were queued. Each customer in its own transaction."""
    now = now or timezone.now()
    sent = 0
    for customer_id, anchor in consent_reminders_due(now=now)[:limit]:
        try:
            if consent_reminder_send(customer=Customer.objects.get(pk=customer_id), anchor=anchor, now=now):
                sent += 1
        except MessagingError as exc:  # a template problem: logged, the others still go
            logger.warning("consent reminder for customer %s not queued: %s", customer_id, exc.messages[0])
    return sent


@transaction.atomic
def consent_reminder_send(
    *, customer: Customer, anchor: dt.datetime, now: dt.datetime
) -> ConsentReminder | None:
    period_ref = f"consent-reminder:{customer.pk}:{anchor.astimezone(dt.UTC):%Y%m%d%H%M%S}"
    if ConsentReminder.objects.filter(period_ref=period_ref).exists():
        return None
    consents = selectors.granted_marketing_consents(customer)
    if not consents:
        return None
    purposes = [
        {
            "purpose": purpose,
            "label": str(ConsentPurpose(purpose).label),
            "granted_at": granted_at.astimezone(rules.SEOUL).strftime("%Y-%m-%d"),
        }
        for purpose, granted_at in consents
    ]
    message = message_queue(
        customer=customer,
        template_code=REMINDER_TEMPLATE,
        variables={
            "동의일": purposes[0]["granted_at"],
            "동의내역": ", ".join(f"{p['label']}({p['granted_at']})" for p in purposes),
            "수신거부": f"{optout_url(customer, ALL_MARKETING)} (문자: 무료거부 {settings.DANGOL_SMS_OPTOUT_NUMBER})",
        },
        purpose_ref=period_ref,
        now=now,
    )
    return ConsentReminder.objects.create(
        customer=customer,
        period_ref=period_ref,
        anchor_at=anchor,
        purposes=purposes,
        message=message,
        reminded_at=now,
    )
