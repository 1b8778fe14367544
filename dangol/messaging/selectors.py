"""Reads for messaging: who may see which messages, consents as the rules need them, notices, the timeline."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from dangol.accounts.models import Role
from dangol.common.keys import key_in
from dangol.customers.history import TimelineEntry, presence_sql
from dangol.customers.models import Customer
from dangol.customers.selectors import (
    advertising_consents_held,
    advertising_consents_held_by_all,
    consent_now,
    consents_now,
)
from dangol.messaging.models import ConsentReminder, Kind, Message, MessageTemplate, StaffNotice
from dangol.messaging.rules import NIGHT_CONSENT_PURPOSE, ConsentState
from dangol.privacy.masking import mask_email, mask_name, mask_phone

Access = Literal["all", "customers", "none"]


def _role(user: User | AnonymousUser) -> str:
    profile = getattr(user, "staff", None)
    return getattr(profile, "role", "")


def message_access(user: User | AnonymousUser) -> Access:
    """Managers and admins see every message; an agent sees the messages of customers they can see."""
    if not user.is_authenticated:
        return "none"
    if user.is_superuser or _role(user) in (Role.ADMIN, Role.MANAGER):
        return "all"
    if _role(user) == Role.AGENT and user.has_perm("customers.view_customer"):
        return "customers"
    return "none"


def can_manage_templates(user: User | AnonymousUser) -> bool:
    return message_access(user) == "all"


def messages_visible_to(user: User | AnonymousUser) -> QuerySet[Message]:
    access = message_access(user)
    qs = Message.objects.select_related("customer", "template")
    if access == "all":
        return qs
    if access == "customers":
        return qs.filter(customer__isnull=False)
    return qs.none()


def templates_all() -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.all()


# ---------------------------------------------------------------- consent (read-only; customers writes it)


def consent_state(customer: Customer, purpose: str) -> ConsentState:
    now = consent_now(customer, purpose)
    return ConsentState(now.granted, now.changed_at)


def night_consent(customer: Customer) -> bool:
    return bool(consent_state(customer, NIGHT_CONSENT_PURPOSE).granted)


def consent_states(customer_ids: list[int], purposes: list[str]) -> dict[tuple[int, str], ConsentState]:
    """consent_state for many customers at once (a campaign); a pair not in the answer was never decided."""
    return {
        key: ConsentState(now.granted, now.changed_at)
        for key, now in consents_now(customer_ids, purposes).items()
    }


def granted_marketing_consents(customer: Customer) -> list[tuple[str, dt.datetime]]:
    """(purpose, granted at) of each advertising consent (every channel and night time) the customer holds now,
    oldest first."""
    return advertising_consents_held(customer)


def consent_reminder_candidates(cutoff: dt.datetime) -> QuerySet[Any, Any]:
    """Per customer whose oldest marketing consent still held is ≤ cutoff and who had no reminder after the
    cutoff: {"customer_id", "first" (that consent), "last" (the last reminder or None)}."""
    last = (
        ConsentReminder.objects.filter(customer_id=OuterRef("customer_id"))
        .order_by("-reminded_at")
        .values("reminded_at")[:1]
    )
    return (
        advertising_consents_held_by_all()
        .values("customer_id")
        .annotate(first=Min("changed_at"), last=Subquery(last))
        .filter(first__lte=cutoff)
        .filter(Q(last__isnull=True) | Q(last__lte=cutoff))
        .order_by("customer_id")
    )


def messages_by_ref(refs: list[str]) -> dict[str, Message]:
    """The messages queued for these purpose_refs (a campaign's callers find theirs), read 900 at a time."""
    found: dict[str, Message] = {}
    for start in range(0, len(refs), 900):
        for message in Message.objects.filter(purpose_ref__in=refs[start : start + 900]).only(
            "pk", "purpose_ref", "status", "channel", "blocked_rule", "blocked_reason"
        ):
            found[message.purpose_ref] = message
    return found


# ---------------------------------------------------------------- replies to our e-mail

_MESSAGE_ID = re.compile(r"<([0-9a-fA-F-]{32,36})@([^<>@\s]+)>")


def message_replied_to(*headers: str) -> Message | None:
    """Our message a customer's e-mail answers: the In-Reply-To and References headers name Message-IDs, and ours
    are `<uid@DANGOL_EMAIL_MESSAGE_ID_DOMAIN>`. The nearest one wins (In-Reply-To first, then References from
    the last); None when the mail answers none of ours."""
    uids: list[uuid.UUID] = []
    for header in headers:
        found = _MESSAGE_ID.findall(header or "")
        for raw, domain in reversed(found):
            if domain.lower() != settings.DANGOL_EMAIL_MESSAGE_ID_DOMAIN.lower():
                continue
            try:
                uids.append(uuid.UUID(raw))
            except ValueError:
                continue
    if not uids:
        return None
    by_uid = {m.uid: m for m in Message.objects.filter(uid__in=uids[:50])}
    return next((by_uid[uid] for uid in uids if uid in by_uid), None)


# ---------------------------------------------------------------- staff notices


def unread_notice_count(user: User) -> int:
    return StaffNotice.objects.filter(user=user, read_at__isnull=True).count()


def notices_of(user: User, *, limit: int = 100) -> list[StaffNotice]:
    return list(StaffNotice.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


# ---------------------------------------------------------------- the 360 timeline

_TONES: dict[str, str] = {
    Message.Status.DELIVERED: "ok",
    Message.Status.SENT: "ok",
    Message.Status.FAILED: "bad",
    Message.Status.BLOCKED: "warn",
    Message.Status.UNKNOWN: "warn",
}


def message_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `message_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(Message)


def message_timeline_entries(
    customer: Customer, *, user: User, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Every message to the customer with its status, newest first (one query), for the 360 page. The customer's
    name, phone and e-mail in a message's text are shown masked (the message page shows them to those allowed)."""
    if message_access(user) == "none":
        return []
    qs = Message.objects.filter(customer=customer)
    if before:
        qs = qs.filter(created_at__lt=before)
    hide = [
        (value, masked(value))
        for value, masked in (
            (customer.name, mask_name),
            (customer.phone, mask_phone),
            (customer.email, mask_email),
        )
        if value
    ]
    entries = []
    for message in qs.order_by("-created_at", "-id")[:limit]:
        first_line = message.body.splitlines()[0] if message.body else ""
        title = message.subject or first_line
        for value, shown in hide:
            title = title.replace(value, shown)
        entries.append(
            TimelineEntry(
                kind="message",
                at=message.created_at,
                title=f"{message.get_channel_display()}: {title}"[:120],
                body=message.blocked_reason or message.provider_reason,
                type=_("메시지"),
                status=message.status,
                status_label=str(message.get_status_display()),
                tone=_TONES.get(message.status, ""),
                url=reverse("messaging:message", args=[message.pk]),
                ref_id=message.pk,
            )
        )
    return entries


# Reads for dangol.campaigns: how many adverts each customer got lately (the frequency cap), and what happened
# to the messages queued under a purpose prefix ("campaign:7:").


NOT_SENT = [Message.Status.BLOCKED, Message.Status.CANCELLED]
_KEYS_PER_QUERY = 5000


def advertising_counts_since(
    customer_ids: Sequence[int], *, since: dt.datetime, at_least: int = 1
) -> dict[int, int]:
    """customer id → advertising messages queued for them since `since` that were not blocked or cancelled (only
    those with at least `at_least`: a campaign's frequency cap asks for the capped alone). 5,000 ids a query,
    bound as they are (a launch over a million customers asks 200 times)."""
    found: dict[int, int] = {}
    ids = list(customer_ids)
    for at in range(0, len(ids), _KEYS_PER_QUERY):
        rows = (
            key_in(
                Message.objects.filter(kind=Kind.ADVERTISING, created_at__gte=since),
                "customer_id",
                ids[at : at + _KEYS_PER_QUERY],
            )
            .exclude(status__in=NOT_SENT)
            .values("customer_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=at_least)
            .values_list("customer_id", "n")
        )
        found.update(rows)
    return found


def outcomes(*, ref_prefix: str) -> dict[str, object]:
    """Messages queued under `ref_prefix`: counts by status, by blocking rule, and those held for the night."""
    qs = Message.objects.filter(purpose_ref__startswith=ref_prefix)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    by_rule = dict(
        qs.filter(status=Message.Status.BLOCKED)
        .values_list("blocked_rule")
        .annotate(n=Count("pk"))
        .order_by()
    )
    night = qs.filter(~Q(not_before=None)).count()
    return {
        "by_status": by_status,
        "blocked_by_rule": by_rule,
        "held_for_night": night,
        "total": sum(by_status.values()),
    }


def statuses_of(purpose_refs: Sequence[str]) -> dict[str, str]:
    """purpose_ref → the status of the message stored under it (refs with no message are left out)."""
    found: dict[str, str] = {}
    refs = list(purpose_refs)
    for at in range(0, len(refs), 900):
        found.update(
            Message.objects.filter(purpose_ref__in=refs[at : at + 900]).values_list("purpose_ref", "status")
        )
    return found
