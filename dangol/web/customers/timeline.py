"""What the 360 page shows: a summary and one timeline of everything the customer lived through.

It reads several apps' records, so it lives above them all (the apps never import it). Each app answers for
its own part of the timeline from its selectors (`*_timeline_entries`), role checks included; this module only
merges them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.utils.translation import gettext_lazy

from dangol.customers.history import TimelineEntry
from dangol.customers.models import Customer
from dangol.customers.selectors import (
    consent_timeline_entries,
    consent_timeline_presence,
    merge_presence,
    note_timeline_entries,
    note_timeline_presence,
    preference_presence,
    tag_presence,
)
from dangol.interactions.models import Interaction
from dangol.interactions.selectors import interaction_timeline_entries, interaction_timeline_presence
from dangol.loyalty.selectors import value_timeline_entries, value_timeline_presence
from dangol.messaging.selectors import message_access, message_timeline_entries, message_timeline_presence
from dangol.orders.selectors import (
    OrderTotals,
    customer_order_totals,
    order_timeline_entries,
    order_timeline_presence,
    refund_timeline_entries,
    refund_timeline_presence,
)
from dangol.promises.models import Promise
from dangol.promises.selectors import promise_timeline_entries, promise_timeline_presence
from dangol.rewards.selectors import points_timeline_entries, points_timeline_presence
from dangol.surveys.selectors import response_timeline_entries, response_timeline_presence
from dangol.voc.selectors import (
    case_timeline_entries,
    case_timeline_presence,
    flag_timeline_entries,
    flag_timeline_presence,
)


@dataclass
class Summary:
    lifetime_spend: int
    order_count: int
    last_contact: dt.datetime | None
    open_promises: list[Any]


def customer_summary(
    customer: Customer,
    *,
    present: Collection[str] | None = None,
    last_interaction_at: dt.datetime | None = None,
) -> Summary:
    """The cards at the top of the 360 page: at most three queries whatever the customer's history (orders'
    totals in one aggregate, the last interaction's time, the open promises). `present` is the page's probe
    (`sources_with_rows`): a table it found empty for the customer is not read again; None reads all three.
    `last_interaction_at`: the customer's newest interaction when the caller already knows it (the first page
    of the timeline shows it: `newest_interaction_at`), else it is read."""
    orders = (
        customer_order_totals(customer.pk)
        if present is None or "order" in present
        else OrderTotals(spend=0, count=0, last_ordered_at=None)
    )
    last_interaction = last_interaction_at
    if last_interaction is None and (present is None or "interaction" in present):
        last_interaction = (
            Interaction.objects.filter(customer=customer)
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
    last = max([t for t in (last_interaction, orders.last_ordered_at) if t is not None], default=None)
    open_promises = []
    if present is None or "promise" in present:
        open_promises = list(
            Promise.objects.filter(customer=customer, status=Promise.Status.OPEN)
            .select_related("owner__staff")
            .order_by("due_at")
        )
    return Summary(
        lifetime_spend=orders.spend,
        order_count=orders.count,
        last_contact=last,
        open_promises=open_promises,
    )


# What the timeline can show, in tab order. Sources without a touchpoint drop out when one is chosen.
TIMELINE_KINDS = (
    "interaction",
    "order",
    "case",
    "survey",
    "refund",
    "note",
    "promise",
    "consent",
    "flag",
    "value",
    "message",
    "points",
)
TIMELINE_KIND_LABELS = {
    "interaction": gettext_lazy("상호작용"),
    "order": gettext_lazy("주문"),
    "case": gettext_lazy("VOC"),
    "survey": gettext_lazy("설문"),
    "refund": gettext_lazy("환불"),
    "note": gettext_lazy("메모"),
    "promise": gettext_lazy("약속"),
    "consent": gettext_lazy("동의"),
    "flag": gettext_lazy("불량고객"),
    "value": gettext_lazy("가치 변화"),
    "message": gettext_lazy("메시지"),
    "points": gettext_lazy("포인트"),
}
WITHOUT_TOUCHPOINT = frozenset({"note", "promise", "consent", "flag", "value", "message", "points"})
# The same checks the sources make; here only to leave out tabs that would always be empty.
KIND_PERMISSIONS = {
    "case": "voc.view_case",
    "flag": "voc.view_customerflag",
    "points": "rewards.view_pointbalance",
}


# Messages are seen by role (managers all, agents those to customers), as messaging's own pages decide.
KIND_CHECKS: dict[str, Callable[[User], bool]] = {"message": lambda user: message_access(user) != "none"}


def timeline_kinds_for(user: User) -> list[tuple[str, str]]:
    """(kind, label) of the tabs this member of staff may use."""
    return [
        (kind, str(TIMELINE_KIND_LABELS[kind]))
        for kind in TIMELINE_KINDS
        if (kind not in KIND_PERMISSIONS or user.has_perm(KIND_PERMISSIONS[kind]))
        and (kind not in KIND_CHECKS or KIND_CHECKS[kind](user))
    ]


@dataclass(frozen=True)
class _Window:
    user: User
    before: dt.datetime | None
    limit: int
    touchpoint_id: int | None
    interaction_type: str


# Each app reads its own tables (and applies its own role checks) in its selectors.
_SOURCES: dict[str, Callable[[Customer, _Window], list[TimelineEntry]]] = {
    "interaction": lambda c, w: interaction_timeline_entries(
        c, before=w.before, limit=w.limit, touchpoint_id=w.touchpoint_id, type=w.interaction_type
    ),
    "order": lambda c, w: order_timeline_entries(
        c, before=w.before, limit=w.limit, touchpoint_id=w.touchpoint_id
    ),
    "case": lambda c, w: case_timeline_entries(
        c, user=w.user, before=w.before, limit=w.limit, touchpoint_id=w.touchpoint_id
    ),
    "survey": lambda c, w: response_timeline_entries(
        c, user=w.user, before=w.before, limit=w.limit, touchpoint_id=w.touchpoint_id
    ),
    "refund": lambda c, w: refund_timeline_entries(
        c, before=w.before, limit=w.limit, touchpoint_id=w.touchpoint_id
    ),
    "note": lambda c, w: note_timeline_entries(c, before=w.before, limit=w.limit),
    "promise": lambda c, w: promise_timeline_entries(c, before=w.before, limit=w.limit),
    "consent": lambda c, w: consent_timeline_entries(c, before=w.before, limit=w.limit),
    "flag": lambda c, w: flag_timeline_entries(c, user=w.user, before=w.before, limit=w.limit),
    "value": lambda c, w: value_timeline_entries(c, before=w.before, limit=w.limit),
    "message": lambda c, w: message_timeline_entries(c, user=w.user, before=w.before, limit=w.limit),
    "points": lambda c, w: (
        points_timeline_entries(c, before=w.before, limit=w.limit)
        if w.user.has_perm("rewards.view_pointbalance")
        else []
    ),
}


# Each source's probe, from the app that owns it (`*_timeline_presence`: a statement with one placeholder, the
# customer's id, that is a superset of what the source reads). Most customers have nothing in most sources.
_PRESENCE: dict[str, Callable[[], str]] = {
    "interaction": interaction_timeline_presence,
    "order": order_timeline_presence,
    "case": case_timeline_presence,
    "survey": response_timeline_presence,
    "refund": refund_timeline_presence,
    "note": note_timeline_presence,
    "promise": promise_timeline_presence,
    "consent": consent_timeline_presence,
    "flag": flag_timeline_presence,
    "value": value_timeline_presence,
    "message": message_timeline_presence,
    "points": points_timeline_presence,
}


# The 360 page's other sections that read a table of their own (not a timeline source), probed in the same
# statement: "preference" (what the customer told us), "tag", "merge" (either side). Most customers have none.
_PAGE_PRESENCE: dict[str, Callable[[], str]] = {
    "preference": preference_presence,
    "tag": tag_presence,
    "merge": merge_presence,
}


@cache
def _presence_statement(sources: tuple[str, ...]) -> tuple[str, int]:
    """The statement of EXISTS probes and how many times it takes the customer's id (a probe may take it more
    than once)."""
    probes = [(_PRESENCE | _PAGE_PRESENCE)[source]() for source in sources]
    return "SELECT " + ", ".join(f"EXISTS ({probe})" for probe in probes), sum(p.count("%s") for p in probes)


def _sources_with_rows(customer_id: int, sources: list[str]) -> set[str]:
    """Which of these sources hold anything for the customer, in one statement (one round trip) of EXISTS
    probes on each table's customer index. Reading an empty source costs as much Python as a full one (the ORM
    builds and compiles its query): skipping the empty ones is what keeps the 360 page's cost near its
    customer's history rather than near the number of apps."""
    statement, placeholders = _presence_statement(tuple(sources))
    with connection.cursor() as cursor:
        cursor.execute(statement, [customer_id] * placeholders)
        row = cursor.fetchone()
    return {source for source, present in zip(sources, row, strict=True) if present}


def sources_with_rows(customer_id: int) -> frozenset[str]:
    """Every timeline source (`TIMELINE_KINDS`) and every other table of the 360 page (`_PAGE_PRESENCE`:
    preferences, tags, merges) that holds anything for the customer, in one statement. The 360 page asks once
    and hands the answer to the timeline and to its other sections that read the same tables (summary cards,
    notes, VOC block, value, preferences, tags, merges), which skip the tables found empty. A probe is a
    superset of what each of them reads (the customer's rows, no other filter), so nothing the page shows is
    skipped. (Not the consents: the "consent" source is their change history, another table.)"""
    return frozenset(_sources_with_rows(customer_id, [*_SOURCES, *_PAGE_PRESENCE]))


def customer_timeline(
    customer: Customer,
    *,
    user: User,
    kind: str = "",
    touchpoint_id: int | None = None,
    limit: int = 50,
    before: dt.datetime | None = None,
    interaction_type: str = "",
    present: Collection[str] | None = None,
) -> list[TimelineEntry]:
    """One time-ordered list of everything the customer lived through (newest first), older than `before`.

    Each source is read with its own index-backed, limited query, when the probe of all sources (one
    statement; `present` when the caller already has its answer) says it holds anything for the customer; the
    merge is in memory.
    """
    if interaction_type:
        kind = "interaction"
    window = _Window(user, before, limit, touchpoint_id, interaction_type)
    sources = [
        source
        for source in _SOURCES
        if kind in ("", source) and not (touchpoint_id and source in WITHOUT_TOUCHPOINT)
    ]
    # One probe for all of them (unless the caller has its answer); a single tab reads its source directly.
    if present is None and len(sources) > 1:
        present = _sources_with_rows(customer.pk, sources)
    if present is not None:
        sources = [source for source in sources if source in present]
    entries: list[TimelineEntry] = []
    for source in sources:
        entries.extend(_SOURCES[source](customer, window))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    older_before: dt.datetime | None  # `before` for the next, older page; None on the last page


def newest_interaction_at(
    page: TimelinePage,
    *,
    kind: str,
    touchpoint_id: int | None,
    interaction_type: str,
    before: dt.datetime | None,
) -> dt.datetime | None:
    """The customer's newest interaction time, when this page of the timeline tells it; None when it cannot.

    It can on the newest page (no `before`) of a view that reads every interaction (all kinds or the
    interaction tab, no touchpoint or type filter): the interaction source has no role filter, and the page is
    the newest entries of all sources merged, so an interaction on it is preceded by no newer one. A page
    without one (the customer has none, or newer entries of other kinds filled it) tells nothing."""
    if before or touchpoint_id or interaction_type or kind not in ("", "interaction"):
        return None
    return next((e.at for e in page.entries if e.kind == "interaction"), None)


def customer_timeline_page(
    customer: Customer,
    *,
    user: User,
    kind: str = "",
    touchpoint_id: int | None = None,
    before: dt.datetime | None = None,
    interaction_type: str = "",
    size: int = 50,
    present: Collection[str] | None = None,
) -> TimelinePage:
    """A page of the timeline and where the next (older) one starts. One entry more is read to know whether
    there is an older page. Entries at the same moment as the page's last one stay on this page (the next page
    asks for entries strictly before it), so a tier and a stage change of one run are never split."""
    entries = customer_timeline(
        customer,
        user=user,
        kind=kind,
        touchpoint_id=touchpoint_id,
        before=before,
        interaction_type=interaction_type,
        limit=size + 1,
        present=present,
    )
    if len(entries) <= size:
        return TimelinePage(entries, None)
    boundary = entries[size - 1].at
    return TimelinePage([e for e in entries if e.at >= boundary], boundary)
