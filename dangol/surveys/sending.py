"""Sending surveys: segment sends, anonymous team links for the employee pulse, reminders, store counter QR
codes, and invitations after the events a survey is triggered by."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.accounts.models import Team
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction, Touchpoint
from dangol.messaging.models import Message
from dangol.orders.models import Order
from dangol.surveys import delivery
from dangol.surveys.models import Invitation, Survey
from dangol.surveys.services import (
    MARKETING_BY_CHANNEL,
    LinkError,
    invitation_create,
    invitation_fields,
    invitation_from_token,
    invitation_token,
)
from dangol.voc.models import Case


@transaction.atomic
def invitations_for_customers(
    *,
    survey: Survey,
    customers: Iterable[Customer],
    channel: str = Invitation.Channel.SMS,
    now: dt.datetime | None = None,
) -> tuple[list[Invitation], int]:
    """A segment send, delivered by message on each customer's preferred consenting channel (messaging's rules
    decide: a promotional survey goes only to customers with marketing consent). Returns (the invitations
    delivered, how many were not: blocked by a rule — shown in the outbox with the rule — or not made)."""
    now = now or timezone.now()
    made: list[Invitation] = []
    skipped = 0
    for customer in customers:
        try:
            values = invitation_fields(
                survey,
                customer=customer,
                touchpoint=None,
                staff=None,
                team=None,
                interaction=None,
                channel=channel,
                now=now,
            )
        except ValidationError as exc:
            if "customer" in exc.message_dict:
                skipped += 1
                continue
            raise
        made.append(Invitation(nonce=secrets.token_hex(16), **values))
    made = Invitation.objects.bulk_create(made, batch_size=1000)
    delivery.invitations_deliver(made, tokens={i.pk: invitation_token(i) for i in made}, now=now)
    delivered = [i for i in made if delivery.delivered(i)]
    return delivered, skipped + len(made) - len(delivered)


# One segment send invites at most this many customers; a larger segment is refused, not cut short.
SEGMENT_SEND_LIMIT = 20_000


def invitations_for_segment(
    *, survey: Survey, customers: QuerySet[Customer], channel: str = Invitation.Channel.SMS
) -> tuple[list[Invitation], int]:
    """Invite the customers a saved audience holds now (`dangol.customers.segments`: a customer-list filter or a
    builder segment; promotional surveys: only those with marketing consent on the channel).
    Returns (invitations, skipped)."""
    customers = customers.order_by("pk")
    if customers[: SEGMENT_SEND_LIMIT + 1].count() > SEGMENT_SEND_LIMIT:
        raise ValidationError(
            {
                "segment": _("세그먼트 고객이 %(limit)s명을 넘습니다. 필터를 좁혀 주세요.")
                % {"limit": f"{SEGMENT_SEND_LIMIT:,}"}
            }
        )
    return invitations_for_customers(survey=survey, customers=customers.iterator(), channel=channel)


@transaction.atomic
def pulse_invitations(*, survey: Survey, team: Team, count: int, now: dt.datetime | None = None) -> list[str]:
    """Anonymous links for one team's staff: only the team is stored, never who received which link."""
    if survey.kind != Survey.Kind.PULSE:
        raise ValidationError({"survey": _("직원 펄스 설문이 아닙니다.")})
    if not 1 <= count <= 1000:
        raise ValidationError({"count": _("링크 수는 1~1000개입니다.")})
    now = now or timezone.now()
    values = invitation_fields(
        survey,
        customer=None,
        touchpoint=None,
        staff=None,
        team=team,
        interaction=None,
        channel=Invitation.Channel.LINK,
        now=now,
    )
    made = Invitation.objects.bulk_create(
        [Invitation(nonce=secrets.token_hex(16), **values) for _n in range(count)]
    )
    if made and made[0].pk is None:  # backends that do not return ids
        made = list(Invitation.objects.filter(nonce__in=[i.nonce for i in made]))
    return [invitation_token(i) for i in made]


@transaction.atomic
def invitations_remind(
    *, survey: Survey, after_days: int = 3, max_reminders: int = 1, now: dt.datetime | None = None
) -> int:
    """Remind unanswered, unexpired invitations older than `after_days` by message, as they were delivered (a
    blocked one never was: it is not reminded). Returns how many were reminded."""
    now = now or timezone.now()
    qs = (
        Invitation.objects.filter(
            survey=survey,
            used_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - dt.timedelta(days=after_days),
            reminders__lt=max_reminders,
            channel__in=list(MARKETING_BY_CHANNEL),
        )
        .exclude(message__status=Message.Status.BLOCKED)
        .select_related("survey", "customer")
        .order_by("pk")
    )
    due = list(qs[:10000])
    for number in sorted({i.reminders + 1 for i in due}):
        batch = [i for i in due if i.reminders + 1 == number]
        delivery.invitations_deliver(
            batch, tokens={i.pk: invitation_token(i) for i in batch}, now=now, reminder=number
        )
    return Invitation.objects.filter(pk__in=[i.pk for i in due]).update(
        reminded_at=now, reminders=F("reminders") + 1
    )


COUNTER_SALT = "dangol.surveys.counter"


def counter_token(*, survey: Survey, touchpoint: Touchpoint) -> str:
    """The link printed as a QR code at a store counter. Scanning it mints a one-time invitation."""
    return signing.dumps([survey.pk, touchpoint.pk], salt=COUNTER_SALT, compress=True)


def counter_target(*, token: str) -> tuple[Survey, Touchpoint]:
    """The survey and store a counter QR code stands for, or LinkError with a message for the person scanning."""
    try:
        survey_id, touchpoint_id = signing.loads(token, salt=COUNTER_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkError(
            _("QR 코드가 올바르지 않습니다. 매장에 비치된 QR 코드를 다시 찍어 주세요."), code="tampered"
        ) from exc
    survey = Survey.objects.filter(pk=survey_id).first()
    touchpoint = Touchpoint.objects.filter(pk=touchpoint_id).first()
    if survey is None or touchpoint is None:
        raise LinkError(
            _("QR 코드가 올바르지 않습니다. 매장에 비치된 QR 코드를 다시 찍어 주세요."), code="tampered"
        )
    if survey.status != Survey.Status.ACTIVE:
        raise LinkError(_("종료된 설문입니다. 관심 가져 주셔서 감사합니다."), code="closed")
    return survey, touchpoint


@transaction.atomic
def invitation_from_counter(*, token: str, now: dt.datetime | None = None) -> tuple[Invitation, str]:
    """Each scan of a counter QR code gets its own one-time link, with the store as the touchpoint (no customer:
    the person scanning is unknown)."""
    survey, touchpoint = counter_target(token=token)
    return invitation_create(survey=survey, touchpoint=touchpoint, channel=Invitation.Channel.QR, now=now)


def counter_invitation_unused(
    *, link_token: str, survey: Survey, touchpoint: Touchpoint
) -> Invitation | None:
    """The link an earlier scan of this counter QR code got (`link_token`, kept by the browser), while it is
    still unanswered and open; else None."""
    if not link_token:
        return None
    try:
        invitation = invitation_from_token(link_token)
    except LinkError:
        return None
    same_counter = (
        invitation.survey_id == survey.pk
        and invitation.touchpoint_id == touchpoint.pk
        and invitation.channel == Invitation.Channel.QR
    )
    return invitation if same_counter else None


FATIGUE_DAYS = 30  # one invitation per customer per survey per month at most


@transaction.atomic
def invitations_after_events(
    *,
    survey: Survey,
    since: dt.datetime,
    channel: str = Invitation.Channel.SMS,
    now: dt.datetime | None = None,
    limit: int = 5000,
) -> dict[str, int]:
    """Invite the customers of recent events that match the survey's trigger (an interaction at its touchpoint,
    an order, a closed VOC case). Safe to re-run: an event is invited once, a customer at most once a month,
    and promotional surveys skip customers without marketing consent."""
    now = now or timezone.now()
    counts = {"invited": 0, "skipped": 0}
    if survey.status != Survey.Status.ACTIVE or survey.trigger in (
        Survey.Trigger.MANUAL,
        Survey.Trigger.SEGMENT,
    ):
        return counts
    recent = set(
        Invitation.objects.filter(
            survey=survey, created_at__gte=now - dt.timedelta(days=FATIGUE_DAYS), customer__isnull=False
        ).values_list("customer_id", flat=True)
    )
    events: list[dict[str, Any]] = []
    if survey.trigger == Survey.Trigger.INTERACTION:
        qs = Interaction.objects.filter(occurred_at__gte=since, occurred_at__lte=now).select_related(
            "customer", "touchpoint", "staff__staff"
        )
        if survey.touchpoint_id:
            qs = qs.filter(touchpoint_id=survey.touchpoint_id)
        done_interactions = Invitation.objects.filter(survey=survey, interaction__isnull=False).values(
            "interaction_id"
        )
        events = [
            {"interaction": i, "customer": i.customer}
            for i in qs.exclude(pk__in=done_interactions).order_by("occurred_at")[:limit]
        ]
    elif survey.trigger == Survey.Trigger.ORDER:
        qs_orders = Order.objects.filter(ordered_at__gte=since, ordered_at__lte=now).exclude(
            status="cancelled"
        )
        if survey.touchpoint_id:
            qs_orders = qs_orders.filter(touchpoint_id=survey.touchpoint_id)
        done_orders = Invitation.objects.filter(survey=survey, order__isnull=False).values("order_id")
        events = [
            {"order": o, "customer": o.customer}
            for o in qs_orders.exclude(pk__in=done_orders)
            .select_related("customer", "touchpoint")
            .order_by("ordered_at")[:limit]
        ]
    elif survey.trigger == Survey.Trigger.CASE_CLOSED:
        done_cases = Invitation.objects.filter(survey=survey, case__isnull=False).values("case_id")
        events = [
            {"case": c, "customer": c.customer}
            for c in Case.objects.filter(closed_at__gte=since, closed_at__lte=now, customer__isnull=False)
            .exclude(pk__in=done_cases)
            .select_related("customer", "touchpoint", "team", "assignee")
            .order_by("closed_at")[:limit]
        ]
    for event in events:
        customer = event.pop("customer")
        if customer is None or customer.pk in recent:
            counts["skipped"] += 1
            continue
        try:
            invitation_create(survey=survey, customer=customer, channel=channel, now=now, **event)
        except ValidationError:
            counts["skipped"] += 1
            continue
        recent.add(customer.pk)
        counts["invited"] += 1
    return counts
