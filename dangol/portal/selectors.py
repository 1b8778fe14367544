"""What a signed-in customer may read. Every read takes the customer and filters by it, so a case or photo
id typed into the address bar that is not the customer's is simply not found."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangol.customers.models import Customer
from dangol.messaging.models import Message
from dangol.orders.models import Order
from dangol.portal.models import Photo
from dangol.voc.models import Case, Category


def my_cases(customer: Customer) -> QuerySet[Case]:
    return Case.objects.filter(customer=customer).select_related("category").order_by("-created_at", "-id")


def my_case(customer: Customer, pk: int) -> Case | None:
    return my_cases(customer).filter(pk=pk).first()


def my_photo(customer: Customer, uid: str) -> Photo | None:
    try:
        parsed = uuid.UUID(uid)
    except ValueError:  # not a UUID: nobody's photo
        return None
    return Photo.objects.filter(customer=customer, uid=parsed).first()


def photo_for_staff(uid: str) -> Photo | None:
    """Any customer's photo, for staff who may view cases (the view checks the permission and logs the access)."""
    try:
        parsed = uuid.UUID(uid)
    except ValueError:
        return None
    return Photo.objects.select_related("case").filter(uid=parsed).first()


def my_orders(customer: Customer, *, limit: int = 30) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).order_by("-ordered_at", "-id")[:limit]


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("parent_id", "name")


def awaiting_rating(case: Case) -> bool:
    """Resolved (or closed) and not rated since the last resolution: a case reopened and resolved again is
    asked again, like voc's follow-up message."""
    if case.status not in (Case.Status.RESOLVED, Case.Status.CLOSED):
        return False
    last_resolved = (
        case.events.filter(kind="resolved").order_by("-at", "-id").values_list("at", flat=True).first()
    )
    last_rated = (
        case.events.filter(kind="satisfaction").order_by("-at", "-id").values_list("at", flat=True).first()
    )
    if last_rated is None:
        return True
    return last_resolved is not None and last_resolved > last_rated


@dataclass(frozen=True)
class Entry:
    """One line of the history a customer sees: who said it and what."""

    at: dt.datetime
    who: str  # "me", "staff" or "status"
    text: str
    photos: tuple[Photo, ...] = ()


_STATUS_EVENTS = {
    "resolved": gettext_lazy("처리가 완료되었습니다."),
    "closed": gettext_lazy("종결되었습니다."),
    "reopened": gettext_lazy("다시 열렸습니다."),
    "resumed": gettext_lazy("처리를 다시 시작했습니다."),
    "paused": gettext_lazy("고객님의 답변을 기다리고 있습니다."),
}


def _after_colon(text: str) -> str:
    return text.split(": ", 1)[1] if ": " in text else ""


def case_history(case: Case) -> list[Entry]:
    """The customer-visible history: what the customer wrote, the replies actually sent to them through
    messaging (the text as sent), and status changes in plain words. Internal notes, assignments, steps,
    warnings, hand-offs and anything else staff wrote for themselves are never shown: CaseEvent has no
    "shared with the customer" flag, so only these kinds are."""
    entries = [Entry(case.created_at, "me", case.body or case.title)]
    events = list(case.events.order_by("at", "id"))
    message_ids = [e.data.get("message") for e in events if e.kind == "reply" and e.data.get("message")]
    sent = {
        m.pk: m
        for m in Message.objects.filter(pk__in=message_ids).exclude(
            status__in=(Message.Status.BLOCKED, Message.Status.CANCELLED)
        )
    }
    photos_by_event: dict[int, list[Photo]] = {}
    for photo in Photo.objects.filter(case=case).order_by("created_at", "id"):
        photos_by_event.setdefault(photo.event_id or 0, []).append(photo)
    for event in events:
        if event.kind == "reply" and event.data.get("message") in sent:
            message = sent[event.data["message"]]
            body = re.sub(r"^.*?에 대한 답변입니다\.\s*", "", message.body, count=1, flags=re.S)
            entries.append(Entry(event.at, "staff", body.strip() or message.body))
        elif event.kind == "portal_message":
            text = _after_colon(event.message)
            text = re.sub(r"\s*\[사진 \d+장\]$", "", text)
            entries.append(Entry(event.at, "me", text, tuple(photos_by_event.get(event.pk, ()))))
        elif event.kind == "resubmitted":  # the same words sent again through the public form
            entries.append(Entry(event.at, "me", str(event.data.get("body") or _after_colon(event.message))))
        elif event.kind == "customer_replied":
            entries.append(Entry(event.at, "me", _after_colon(event.message)))
        elif event.kind == "satisfaction":
            score = event.data.get("score")
            entries.append(
                Entry(event.at, "status", _("만족도 %(score)s점을 남기셨습니다.") % {"score": score})
            )
        elif event.kind in _STATUS_EVENTS:
            entries.append(Entry(event.at, "status", str(_STATUS_EVENTS[event.kind])))
    if 0 in photos_by_event:  # photos sent with the inquiry itself
        first = entries[0]
        entries[0] = Entry(first.at, first.who, first.text, tuple(photos_by_event[0]))
    return entries
