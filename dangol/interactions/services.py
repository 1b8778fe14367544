from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.interactions.models import Interaction, Touchpoint
from dangol.reading.text import mask_text, read_text


@transaction.atomic
def interaction_log(
    *,
    customer: Customer,
    touchpoint: Touchpoint,
    type: str,
    summary: str,
    body: str = "",
    staff: User | None = None,
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    summary = (summary or "").strip()
    errors: dict[str, str] = {}
    if type not in Interaction.Type.values:
        errors["type"] = _("알 수 없는 상호작용 유형입니다: %(type)s") % {"type": type}
    if not summary:
        errors["summary"] = _("요약을 입력하세요.")
    elif len(summary) > 200:
        errors["summary"] = _("요약은 200자까지 입력할 수 있습니다.")
    when = occurred_at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("미래 시각으로는 기록할 수 없습니다.")
    if customer.status != Customer.Status.ACTIVE:
        errors["customer"] = _("병합된 고객에게는 기록할 수 없습니다. 병합된 고객을 사용하세요.")
    if errors:
        raise ValidationError(errors)
    summary, body = mask_text(summary), mask_text((body or "").strip())
    return Interaction.objects.create(
        customer=customer,
        touchpoint=touchpoint,
        type=type,
        summary=summary,
        body=body,
        staff=staff,
        occurred_at=when,
        text_analysis=read_text(f"{summary}\n{body}"),
    )
