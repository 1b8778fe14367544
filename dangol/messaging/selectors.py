"""Reads for messaging: who may see which messages, consents as the rules need them, notices, the timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from dangol.accounts.models import Role
from dangol.customers.history import TimelineEntry
from dangol.customers.models import MARKETING_PURPOSES, Consent, Customer
from dangol.messaging.models import ConsentReminder, Message, MessageTemplate, StaffNotice
from dangol.messaging.rules import NIGHT_CONSENT_PURPOSE, ConsentState

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
    row = Consent.objects.filter(customer=customer, purpose=purpose).values("granted", "changed_at").first()
    if row is None:
        return ConsentState(None)
    return ConsentState(row["granted"], row["changed_at"])


def night_consent(customer: Customer) -> bool:
    return bool(consent_state(customer, NIGHT_CONSENT_PURPOSE).granted)


def granted_marketing_consents(customer: Customer) -> list[tuple[str, dt.datetime]]:
    """(purpose, granted at) of each marketing consent the customer holds now, oldest first."""
    return list(
        Consent.objects.filter(customer=customer, purpose__in=MARKETING_PURPOSES, granted=True)
        .order_by("changed_at", "id")
        .values_list("purpose", "changed_at")
    )


def consent_reminder_candidates(cutoff: dt.datetime) -> QuerySet[Any, Any]:
    """Per customer whose oldest marketing consent still held is ≤ cutoff and who had no reminder after the
    cutoff: {"customer_id", "first" (that consent), "last" (the last reminder or None)}."""
    last = (
        ConsentReminder.objects.filter(customer_id=OuterRef("customer_id"))
        .order_by("-reminded_at")
        .values("reminded_at")[:1]
    )
    return (
        Consent.objects.filter(purpose__in=MARKETING_PURPOSES, granted=True)
        .values("customer_id")
        .annotate(first=Min("changed_at"), last=Subquery(last))
        .filter(first__lte=cutoff)
        .filter(Q(last__isnull=True) | Q(last__lte=cutoff))
        .order_by("customer_id")
    )


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


def message_timeline_entries(
    customer: Customer, *, user: User, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Every message to the customer with its status, newest first (one query), for the 360 page."""
    if message_access(user) == "none":
        return []
    qs = Message.objects.filter(customer=customer)
    if before:
        qs = qs.filter(created_at__lt=before)
    entries = []
    for message in qs.order_by("-created_at", "-id")[:limit]:
        first_line = message.body.splitlines()[0] if message.body else ""
        title = message.subject or first_line
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
