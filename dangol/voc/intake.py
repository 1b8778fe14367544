"""The public VOC form (no login): anyone may write there, so nothing typed into it is trusted.

- The case is never linked to a customer by the phone or e-mail typed in: a stranger could put words on someone's
  record. It keeps them as the contact, and staff link it; the case page suggests the customers with that phone
  or e-mail (selectors.link_suggestions).
- The same complaint again from the same contact within minutes joins the first case as an event.
- Each contact may write a few times an hour (the view limits each client IP).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import secrets
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangol.interactions.models import Touchpoint
from dangol.privacy.throttle import Rule, hit
from dangol.reading.text import mask_text
from dangol.voc import services
from dangol.voc.models import Case, CaseEvent, Category

SIMILAR = 0.8  # difflib's ratio above which two messages say the same thing
OPEN = (Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING)


def intake_submit(
    *,
    kind: str,
    name: str,
    phone: str,
    email: str,
    title: str,
    body: str,
    category: Category | None = None,
    now: dt.datetime | None = None,
) -> tuple[Case, bool]:
    """A message from the public form, `phone` already in its canonical form: the new case and False, or the
    recent case it repeats and True. The case goes to the team that owns the chosen category's process.
    RateLimited when the phone or e-mail has written too often."""
    contacts = [part for part in (phone.strip(), email.strip().lower()) if part]
    hit("voc-intake-contact", contacts, [Rule(settings.DANGOL_INTAKE_PER_CONTACT_PER_HOUR, 3600)], now=now)
    now = now or timezone.now()
    masked_title, masked_body = mask_text(title.strip()), mask_text(body.strip())
    first = _same_recent_case(contacts, f"{masked_title}\n{masked_body}", now=now)
    if first is not None:
        _note_resubmission(first, title=masked_title, body=masked_body, at=now)
        return first, True
    case = services.case_open(
        customer=None,
        kind=kind,
        title=title,
        body=body,
        channel=Case.Channel.WEB,
        category=category,
        touchpoint=Touchpoint.objects.filter(channel=Touchpoint.Channel.WEBSITE).first(),
        contact_name=name,
        contact_info=", ".join(contacts),
        opened_at=now,
    )
    return case, False


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _same_recent_case(contacts: list[str], text: str, *, now: dt.datetime) -> Case | None:
    """The first open case from the public form in the last minutes with one of these contacts and a similar text."""
    if not contacts:
        return None
    same_contact = Q()
    for part in contacts:  # contact_info is "phone", "e-mail" or "phone, e-mail"
        same_contact |= (
            Q(contact_info=part)
            | Q(contact_info__startswith=f"{part},")
            | Q(contact_info__endswith=f", {part}")
        )
    since = now - dt.timedelta(minutes=settings.DANGOL_INTAKE_DUPLICATE_MINUTES)
    recent = Case.objects.filter(
        same_contact,
        channel=Case.Channel.WEB,
        created_by__isnull=True,
        created_at__gte=since,
        status__in=OPEN,
    ).order_by("created_at", "id")[:20]
    plain = _plain(text)
    for case in recent:
        earlier = _plain(f"{case.title}\n{case.body}")
        if earlier == plain or difflib.SequenceMatcher(None, earlier, plain).ratio() >= SIMILAR:
            return case
    return None


@transaction.atomic
def _note_resubmission(case: Case, *, title: str, body: str, at: dt.datetime) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at,
        kind="resubmitted",
        message=f"같은 내용 재접수: {title}"[:500],
        data={"title": title, "body": body[:2000]},
    )


def client_rules() -> list[Rule]:
    """How often one client (IP) may send the form."""
    return [
        Rule(settings.DANGOL_INTAKE_PER_IP_PER_MINUTE, 60),
        Rule(settings.DANGOL_INTAKE_PER_IP_PER_HOUR, 3600),
    ]


def decoy_case_number(now: dt.datetime | None = None) -> str:
    """A case number in the real format for a bot caught by the hidden field, which must not learn it was caught."""
    return f"VOC-{timezone.localtime(now or timezone.now()):%y%m%d}-{secrets.randbelow(900000) + 100000:06d}"


# A link that shows the one case to whoever filed it without signing in. The self-service portal (above voc)
# makes the signed link and registers the maker from its AppConfig.ready(); without it there is no link.
_case_link_maker: list[Callable[[str], str]] = []


def case_link_register(maker: Callable[[str], str]) -> None:
    """`maker(case number) -> URL path` of the page that shows that one case."""
    _case_link_maker[:] = [maker]


def case_link(number: str) -> str:
    return _case_link_maker[0](number) if _case_link_maker and number else ""
