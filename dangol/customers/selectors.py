"""Reads of customers: search, the 360 summary and the unified timeline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db.models import Case, F, IntegerField, OrderBy, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangol.common.db.plans import planned_per_value
from dangol.common.keys import key_in
from dangol.customers.history import TimelineEntry, presence_sql, staff_label
from dangol.customers.merging import moved_summary
from dangol.customers.models import (
    ADVERTISING_PURPOSES,
    MARKETING_PURPOSES,
    Consent,
    ConsentEvent,
    ConsentPurpose,
    ConsentStage,
    Customer,
    CustomerMerge,
    CustomerSegment,
    Note,
    Preference,
)
from dangol.customers.phone import InvalidPhone, normalize_phone

_DIGITS = re.compile(r"\D")


# Last NPS answer bands (Reichheld): detractors 0-6, passives 7-8, promoters 9-10.
NPS_BANDS: dict[str, tuple[int, int]] = {"detractor": (0, 6), "passive": (7, 8), "promoter": (9, 10)}
# Movement since the previous value run: (current column, previous column, direction).
MOVEMENTS: dict[str, tuple[str, str, int]] = {
    "tier_up": ("value_tier", "previous_tier", 1),
    "tier_down": ("value_tier", "previous_tier", -1),
    "stage_up": ("stage", "previous_stage", 1),
    "stage_down": ("stage", "previous_stage", -1),
}
# Sortable list columns. Phone and e-mail are not: most roles see them masked, and sorting by the
# hidden text would reveal its order.
SORT_KEYS = ("name", "store", "tier", "stage", "rfm", "clv", "alive", "nps", "consent", "joined")


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    tag: str = ""
    consent_stage: str = ""
    store: int | None = None
    joined_from: dt.date | None = None
    joined_to: dt.date | None = None
    tier: str = ""
    stage: str = ""
    rfm_segment: str = ""
    alive_min: float | None = None  # P(alive), 0..1
    alive_max: float | None = None
    clv_min: int | None = None  # won
    clv_max: int | None = None
    movement: str = ""  # a key of MOVEMENTS
    nps: str = ""  # a key of NPS_BANDS: the band of the customer's latest NPS answer
    sort: str = ""  # a SORT_KEYS entry, "-" first for descending; empty: newest first

    def to_json(self) -> dict[str, Any]:
        """The filters that differ from the defaults, JSON-ready (dates as ISO text)."""
        data = {k: v for k, v in asdict(self).items() if v not in ("", None)}
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomerFilters:
        """Back from to_json; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("joined_from", "joined_to"):
            if isinstance(values.get(key), str):
                values[key] = dt.date.fromisoformat(values[key])
        return cls(**values)


# The order of the value columns, lowest first, registered by the app that computes customer value
# (loyalty, from its AppConfig.ready()). customers reads those columns through the reverse relation
# `value` and never imports that app, so it learns which way is "up" from here.
_VALUE_ORDERS: dict[str, tuple[str, ...]] = {}


def value_order_register(*, field: str, order: Sequence[str]) -> None:
    if field not in ("value_tier", "stage"):
        raise ValueError(f"unknown value column: {field}")
    _VALUE_ORDERS[field] = tuple(order)


def _rank(lookup: str, order: Sequence[str]) -> Case:
    return Case(
        *(When(**{lookup: code}, then=Value(i)) for i, code in enumerate(order)),
        default=None,
        output_field=IntegerField(),
    )


def _moved(movement: str) -> Q:
    current, previous, direction = MOVEMENTS[movement]
    order = _VALUE_ORDERS.get(current, ())
    pairs = [
        (low, high) if direction > 0 else (high, low)
        for i, low in enumerate(order)
        for high in order[i + 1 :]
    ]
    moved = Q(pk__in=[])
    for before, after in pairs:
        moved |= Q(**{f"value__{previous}": before, f"value__{current}": after})
    return moved


def last_nps() -> Subquery:
    """The customer's latest NPS answer (0-10), read through the reverse relation `survey_responses`."""
    responses = Customer._meta.get_field("survey_responses").related_model
    latest = (
        responses._default_manager.filter(customer=OuterRef("pk"), nps__isnull=False)
        .order_by("-answered_at", "-id")
        .values("nps")[:1]
    )
    return Subquery(latest, output_field=IntegerField())


def with_last_nps(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """`qs` with each customer's `last_nps` (None when they never answered an NPS question)."""
    if "last_nps" in qs.query.annotations:
        return qs
    return qs.annotate(last_nps=last_nps())


def _sort_expression(key: str) -> Any:
    columns: dict[str, Any] = {
        "name": F("name"),
        "store": F("home_store__name"),
        "rfm": F("value__rfm_segment"),
        "clv": F("value__clv"),
        "alive": F("value__probability_alive"),
        "nps": F("last_nps"),
        "joined": F("joined_at"),
        "tier": _rank("value__value_tier", _VALUE_ORDERS.get("value_tier", ())),
        "stage": _rank("value__stage", _VALUE_ORDERS.get("stage", ())),
        "consent": _rank("consent_stage", ConsentStage.values),
    }
    return columns[key]


def _ordering(sort: str) -> tuple[OrderBy, str] | None:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return None
    expression = _sort_expression(key)
    # Customers without the value (not yet computed) go last either way; the id keeps pages stable.
    if descending:
        return expression.desc(nulls_last=True), "-id"
    return expression.asc(nulls_last=True), "id"


_HANGUL_ONLY = re.compile(r"[가-힣]+")
_EMAIL_LOCAL = re.compile(r"[a-z0-9._%+\-]+")


def _prefix_range(field: str, prefix: str) -> Q:
    # A range instead of LIKE so the b-tree index is used on SQLite and PostgreSQL alike.
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


class SearchQuerySet(QuerySet[Customer]):
    """Customers a search found. Its statements are planned for their values on PostgreSQL: a prefix matching
    nothing and one matching a fifth of the table want different plans (`dangol.common.db.plans`)."""

    def _fetch_all(self) -> None:
        with planned_per_value():
            super()._fetch_all()

    def count(self) -> int:
        with planned_per_value():
            return super().count()

    def exists(self) -> bool:
        with planned_per_value():
            return super().exists()


def customer_search(filters: CustomerFilters) -> QuerySet[Customer]:
    """Active customers matching the filters, newest first (a Korean name prefix: in name order; the start of
    an e-mail address that no name starts with and no customer number equals: in e-mail order).

    `q` is a name prefix, the last 4 digits of a phone, a whole or partial phone
    number (7+ digits), an email (or its start) or an external id.
    """
    qs: QuerySet[Customer] = SearchQuerySet(Customer).filter(status=Customer.Status.ACTIVE)
    q = filters.q.strip()
    ordering: tuple[str, ...] = ("-joined_at", "-id")
    if q and _HANGUL_ONLY.fullmatch(q):
        # A Korean name prefix: results in name order, straight off the name index. (Newest first would sort
        # every match: a one-syllable surname such as 김 matches a fifth of all customers.)
        qs = qs.filter(_prefix_range("name", q))
        ordering = ("name", "id")
    elif q:
        digits = _DIGITS.sub("", q)
        if "@" in q:
            qs = qs.filter(_prefix_range("email", q.lower()))
        elif q.isdigit() and len(q) == 4:
            qs = qs.filter(phone_last4=q)
        elif digits and len(digits) >= 7 and len(digits) == len(re.sub(r"[\s\-.()+]", "", q)):
            try:
                qs = qs.filter(phone=normalize_phone(q))
            except InvalidPhone:
                qs = qs.filter(phone_last4=digits[-4:], phone__contains=digits[-4:])
        else:
            other = _prefix_range("name", q) | Q(external_id=q)
            if _EMAIL_LOCAL.fullmatch(q.lower()) and not qs.filter(other).exists():
                # The start of an e-mail address (no name starts with it, no customer number is it): in e-mail
                # order, straight off the e-mail index. Newest first would read and sort every match: a
                # four-letter prefix matches thousands of customers at a million.
                qs = qs.filter(_prefix_range("email", q.lower()))
                ordering = ("email", "id")
            else:
                qs = qs.filter(other | _prefix_range("email", q.lower()))
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.tier:
        qs = qs.filter(value__value_tier=filters.tier)
    if filters.stage:
        qs = qs.filter(value__stage=filters.stage)
    if filters.rfm_segment:
        qs = qs.filter(value__rfm_segment=filters.rfm_segment)
    if filters.alive_min is not None or filters.alive_max is not None:
        # BG/NBD gives everyone without a repeat purchase P(alive) = 1 by construction, so the value page
        # shows it only from the second purchase day (loyalty's P_ALIVE_MIN_PURCHASES); the filter agrees.
        qs = qs.filter(value__frequency__gte=1)
    if filters.alive_min is not None:
        qs = qs.filter(value__probability_alive__gte=filters.alive_min)
    if filters.alive_max is not None:
        qs = qs.filter(value__probability_alive__lte=filters.alive_max)
    if filters.clv_min is not None:
        qs = qs.filter(value__clv__gte=filters.clv_min)
    if filters.clv_max is not None:
        qs = qs.filter(value__clv__lte=filters.clv_max)
    if filters.movement in MOVEMENTS:
        qs = qs.filter(_moved(filters.movement))
    if filters.nps in NPS_BANDS or filters.sort.removeprefix("-") == "nps":
        qs = with_last_nps(qs)
    if filters.nps in NPS_BANDS:
        low, high = NPS_BANDS[filters.nps]
        qs = qs.filter(Q(last_nps__gte=low) & Q(last_nps__lte=high))
    if filters.consent_stage:
        qs = qs.filter(consent_stage=filters.consent_stage)
    if filters.store:
        qs = qs.filter(home_store_id=filters.store)
    tz = timezone.get_current_timezone()
    if filters.joined_from:
        qs = qs.filter(joined_at__gte=dt.datetime.combine(filters.joined_from, dt.time.min, tzinfo=tz))
    if filters.joined_to:
        qs = qs.filter(
            joined_at__lt=dt.datetime.combine(
                filters.joined_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
        )
    qs = qs.select_related("home_store", "value")
    sorted_by = _ordering(filters.sort) if filters.sort else None
    return qs.order_by(*sorted_by) if sorted_by else qs.order_by(*ordering)


def customer_page(
    qs: QuerySet[Customer], *, offset: int, limit: int, related: Sequence[str] = ()
) -> list[Customer]:
    """`limit` customers of `qs` from `offset`, in its order, each with its store, value, `last_nps` and the
    `related` relations. The page's ids first (one query without the joins and the last-NPS subquery: the
    name and e-mail searches read them off the search index alone and stop at the page), then those rows by
    primary key: the joins and the subquery run for the page's rows only, and a cold cache reads only them."""
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    rows = (
        with_last_nps(Customer.objects.select_related("home_store", "value", *related))
        .order_by()
        .in_bulk(ids)
    )
    return [rows[pk] for pk in ids if pk in rows]


def customer_count(qs: QuerySet[Customer], *, cap: int) -> tuple[int, bool]:
    """How many customers `qs` holds, counting at most `cap`; (count, whether there are more)."""
    counted = qs.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def segments() -> QuerySet[CustomerSegment]:
    return CustomerSegment.objects.select_related("created_by__staff").order_by("name")


def segment_customers(segment: CustomerSegment) -> QuerySet[Customer]:
    """The active customers a saved segment holds now (the filters are re-run, not a frozen list)."""
    return customer_search(CustomerFilters.from_json(segment.filters))


def preference_presence() -> str:
    """One placeholder (the customer's id): a row `latest_preferences` may show. The 360 page probes it."""
    return presence_sql(Preference)


def tag_presence() -> str:
    """One placeholder (the customer's id): a tag of the customer. The 360 page probes it."""
    return presence_sql(Customer.tags.through)


def merge_presence() -> str:
    """Two placeholders (the customer's id twice): a merge `customer_merges` may show, the customer on either
    side. The 360 page probes it."""
    survivor, merged = presence_sql(CustomerMerge, "survivor"), presence_sql(CustomerMerge, "merged")
    return f"{survivor} UNION ALL {merged}"


def latest_preferences(customer: Customer) -> list[Preference]:
    """The newest value per key: what the customer has told us."""
    seen: dict[str, Preference] = {}
    for pref in customer.preferences.select_related("recorded_by__staff").order_by(
        "key", "-recorded_at", "-id"
    ):
        seen.setdefault(pref.key, pref)
    return list(seen.values())


def note_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `note_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(Note)


def note_timeline_entries(
    customer: Customer, *, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Staff notes on the customer, newest first (one query)."""
    qs = Note.objects.filter(customer=customer).select_related("author__staff")
    if before:
        qs = qs.filter(created_at__lt=before)
    return [
        TimelineEntry(
            kind="note", at=n.created_at, title="", body=n.body, type=_("메모"), staff=staff_label(n.author)
        )
        for n in qs.order_by("-created_at", "-id")[:limit]
    ]


_MARKETING_CHANNELS: dict[str, str] = {
    ConsentPurpose.MARKETING_SMS: "SMS",
    ConsentPurpose.MARKETING_EMAIL: gettext_noop("이메일"),
    ConsentPurpose.MARKETING_PUSH: gettext_noop("앱 푸시"),
    ConsentPurpose.MARKETING_KAKAO: gettext_noop("카카오톡"),
}


def _consent_title(event: ConsentEvent) -> str:
    if event.purpose in MARKETING_PURPOSES:
        channel = _(_MARKETING_CHANNELS[event.purpose])
        if event.granted:
            return _("마케팅 수신 동의 (%(channel)s)") % {"channel": channel}
        return _("마케팅 수신 동의 철회 (%(channel)s)") % {"channel": channel}
    purpose = event.get_purpose_display()
    if event.granted:
        return _("%(purpose)s 동의") % {"purpose": purpose}
    return _("%(purpose)s 동의 철회") % {"purpose": purpose}


def consent_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `consent_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(ConsentEvent)


def consent_timeline_entries(
    customer: Customer, *, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Every consent given or withdrawn (the append-only ConsentEvent history), newest first (one query)."""
    qs = ConsentEvent.objects.filter(customer=customer).select_related("recorded_by__staff")
    if before:
        qs = qs.filter(occurred_at__lt=before)
    entries = []
    for event in qs.order_by("-occurred_at", "-id")[:limit]:
        how = [_("경로: %(source)s") % {"source": event.source}] if event.source else []
        if event.version:
            how.append(_("버전 %(version)s") % {"version": event.version})
        entries.append(
            TimelineEntry(
                kind="consent",
                at=event.occurred_at,
                title=_consent_title(event),
                body=" · ".join(how),
                type=_("동의"),
                staff=staff_label(event.recorded_by),
                status="granted" if event.granted else "withdrawn",
                status_label=_("동의") if event.granted else _("철회"),
                tone="ok" if event.granted else "warn",
                ref_id=event.pk,
            )
        )
    return entries


def merge_undo_refusal(merge: CustomerMerge) -> str | None:
    """Why `merge` cannot be undone now, in Korean; None when it can."""
    if merge.undone_at is not None:
        return _("이미 취소된 병합입니다.")
    if "ids" not in merge.moved:
        return _("옮긴 기록의 목록이 없는 예전 병합이라 취소할 수 없습니다.")
    pair = (merge.survivor_id, merge.merged_id)
    later = CustomerMerge.objects.filter(pk__gt=merge.pk, undone_at__isnull=True).filter(
        Q(survivor_id__in=pair) | Q(merged_id__in=pair)
    )
    if later.exists():
        return _("이후에 이 고객이 다른 병합에 포함되었습니다. 나중 병합을 먼저 취소하세요.")
    return None


def customer_merges(customer: Customer, *, limit: int = 20) -> list[dict[str, Any]]:
    """The merges this customer took part in, newest first, each with what moved and whether it can
    be undone (and if not, why)."""
    # Most customers took part in none: the ids alone (no joins to build) answer that in one cheap query.
    ids = list(
        CustomerMerge.objects.filter(Q(survivor=customer) | Q(merged=customer))
        .order_by("-at", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return []
    merges = (
        CustomerMerge.objects.filter(pk__in=ids)
        .select_related("merged", "survivor", "by__staff", "undone_by__staff")
        .order_by("-at", "-id")
    )
    return [{"merge": m, "summary": moved_summary(m.moved), "refusal": merge_undo_refusal(m)} for m in merges]


# ---------------------------------------------------------------- consents as they stand now
# Messaging's advertising rules read consents through these (never the Consent table), one customer at a time
# or, for a campaign, many at once.


@dataclass(frozen=True)
class ConsentNow:
    """One consent as it stands: granted True or False, or None when the customer never decided."""

    granted: bool | None
    changed_at: dt.datetime | None = None


def consent_now(customer: Customer, purpose: str) -> ConsentNow:
    row = Consent.objects.filter(customer=customer, purpose=purpose).values("granted", "changed_at").first()
    return ConsentNow(None) if row is None else ConsentNow(row["granted"], row["changed_at"])


_IDS_PER_QUERY = 900  # below SQLite's old limit of 999 bound parameters


def consents_now(customer_ids: Iterable[int], purposes: Iterable[str]) -> dict[tuple[int, str], ConsentNow]:
    """`consent_now` for many customers at once: (customer id, purpose) → state, one query per 900 ids. A pair
    missing from the answer was never decided."""
    ids, wanted = list(dict.fromkeys(customer_ids)), list(dict.fromkeys(purposes))
    found: dict[tuple[int, str], ConsentNow] = {}
    for start in range(0, len(ids), _IDS_PER_QUERY):
        rows = key_in(
            Consent.objects.filter(purpose__in=wanted), "customer_id", ids[start : start + _IDS_PER_QUERY]
        )
        rows = rows.values_list("customer_id", "purpose", "granted", "changed_at")
        for customer_id, purpose, granted, changed_at in rows:
            found[(customer_id, purpose)] = ConsentNow(granted, changed_at)
    return found


def advertising_consents_held(customer: Customer) -> list[tuple[str, dt.datetime]]:
    """(purpose, granted at) of each advertising consent (channels and night time) the customer holds now,
    oldest first."""
    return list(
        Consent.objects.filter(customer=customer, purpose__in=ADVERTISING_PURPOSES, granted=True)
        .order_by("changed_at", "id")
        .values_list("purpose", "changed_at")
    )


def advertising_consents_held_by_all() -> QuerySet[Consent]:
    """Every advertising consent held now, of every customer (the two-yearly reminder groups them)."""
    return Consent.objects.filter(purpose__in=ADVERTISING_PURPOSES, granted=True)


# Reads for dangol.campaigns: customers by a consent's current state.


def customer_ids_consenting(purpose: str) -> QuerySet[Any, Any]:
    """`customer_id` of customers whose consent to `purpose` currently stands (granted)."""
    return Consent.objects.filter(purpose=purpose, granted=True).values("customer_id")
