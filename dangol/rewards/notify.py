"""What the program tells customers, through messaging's outbox (one place for the wiring).

Notices of expiring points are informational (정보성), so AlimTalk may carry them and they need no marketing
consent. The templates are made after migrate when missing (like messaging's system templates); a manager may
edit their text on the messaging pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.messaging.models import MessageTemplate
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import message_queue
from dangol.rewards.models import PointLot, Program

logger = logging.getLogger(__name__)

EXPIRY_TEMPLATE = "points_expiry_notice"
TEMPLATES = [
    {
        "code": EXPIRY_TEMPLATE,
        "name": "포인트 소멸 사전 안내",
        "channels": ["sms", "email"],  # add AlimTalk once its template is approved
        "subject": "포인트 소멸 예정 안내",
        "body": "#{고객명}님, 보유 포인트 중 #{소멸포인트}P가 #{소멸일}에 소멸될 예정입니다. 기한 안에 사용해 주세요.",
    },
]


def templates_ensure(**_: Any) -> None:
    """post_migrate: create the program's message templates that do not exist yet."""
    for values in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=values["code"], defaults={**values, "kind": "informational", "active": True}
        )


def customer_notify(
    *, customer: Customer, purpose_ref: str, template_code: str, variables: dict[str, object]
) -> bool:
    """Queue one informational message; False (logged) when messaging refuses it. Idempotent per purpose_ref."""
    try:
        message_queue(
            customer=customer, purpose_ref=purpose_ref, template_code=template_code, variables=variables
        )
    except MessagingError as exc:
        logger.warning("rewards message %s not queued: %s", purpose_ref, exc.messages)
        return False
    return True


def points_notify_expiring(*, now: dt.datetime | None = None) -> int:
    """The daily job: tell each customer, once per lot, about points expiring within the notice period (the
    total expiring in that period and the first date). Returns the customers told."""
    now = now or timezone.now()
    program = Program.current()
    horizon = now + dt.timedelta(days=program.expiry_notice_days)
    lots = PointLot.objects.filter(
        status=PointLot.Status.ACTIVE,
        remaining__gt=0,
        expires_at__gt=now,
        expires_at__lte=horizon,
        notified_at__isnull=True,
    )
    by_customer: dict[int, list[int]] = defaultdict(list)
    for lot_id, customer_id in lots.values_list("id", "customer_id")[:50000]:
        by_customer[customer_id].append(lot_id)
    told = 0
    for customer_id, lot_ids in by_customer.items():
        with transaction.atomic():
            due = PointLot.objects.filter(
                customer_id=customer_id,
                status=PointLot.Status.ACTIVE,
                remaining__gt=0,
                expires_at__gt=now,
                expires_at__lte=horizon,
            )
            points = sum(due.values_list("remaining", flat=True))
            first = due.aggregate(first=Min("expires_at"))["first"]
            if not points or first is None:
                continue
            day = timezone.localdate(first)
            customer_notify(
                customer=Customer.objects.get(pk=customer_id),
                purpose_ref=f"points-expiry:{customer_id}:{min(lot_ids)}",
                template_code=EXPIRY_TEMPLATE,
                variables={"소멸포인트": f"{points:,}", "소멸일": f"{day:%Y-%m-%d}"},
            )
            PointLot.objects.filter(pk__in=lot_ids).update(notified_at=now)
            told += 1
    return told
