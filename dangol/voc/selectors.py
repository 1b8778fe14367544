"""Reads for the VOC pages: work queues, the board, the silent dissatisfied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from dangol.voc.models import Case, DifficultType, Handoff, PreventionAction

OPEN_STATUSES = (Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING)
QUEUES = ("mine", "team", "unassigned", "breaching", "all")


@dataclass(frozen=True)
class QueueFilters:
    queue: str = "mine"
    status: str = ""
    priority: str = ""
    kind: str = ""
    category: int | None = None
    q: str = ""


def case_queue(user: User, filters: QueueFilters) -> QuerySet[Case]:
    qs = Case.objects.select_related("customer", "category__parent", "team", "assignee__staff")
    team_id = getattr(getattr(user, "staff", None), "team_id", None)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif filters.queue != "all":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.queue == "mine":
        qs = qs.filter(Q(assignee=user) | Q(dedicated_handler=user))
    elif filters.queue == "team":
        qs = qs.filter(team_id=team_id) if team_id else qs.none()
    elif filters.queue == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif filters.queue == "breaching":
        qs = qs.filter(resolution_due__lt=timezone.now() + dt.timedelta(hours=2)).order_by("resolution_due")
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(Q(category_id=filters.category) | Q(category__parent_id=filters.category))
    if filters.q:
        qs = qs.filter(Q(number=filters.q.strip()) | Q(title__contains=filters.q.strip()))
    if filters.queue != "breaching":
        qs = (
            qs.order_by("resolution_due", "-id")
            if filters.queue != "all"
            else qs.order_by("-created_at", "-id")
        )
    return qs


def queue_counts(user: User) -> dict[str, int]:
    """One small COUNT per queue, each answered from its own composite index (one query with FILTER
    clauses would read every open case)."""
    team_id = getattr(getattr(user, "staff", None), "team_id", None)
    open_ = Case.objects.filter(status__in=OPEN_STATUSES)
    soon = timezone.now() + dt.timedelta(hours=2)
    mine = (
        open_.filter(assignee=user).count()
        + open_.filter(dedicated_handler=user).exclude(assignee=user).count()
    )
    return {
        "mine": mine,
        "team": open_.filter(team_id=team_id).count() if team_id else 0,
        "unassigned": open_.filter(assignee__isnull=True).count(),
        "breaching": open_.filter(resolution_due__lt=soon).count(),
        "all": open_.count(),
    }


@dataclass
class Board:
    open_by_status: dict[str, int]
    breached_open: int
    opened_30d: int
    resolved_30d: int
    satisfaction_avg: float | None
    would_continue_rate: float | None
    recovery_cost_30d: int
    reopened_30d: int
    by_category: list[Any]
    by_team: list[Any]
    weekly: list[dict[str, Any]]
    handoffs_met_rate: float | None
    prevention: list[PreventionAction]
    difficult: list[Any] = field(default_factory=list)
    rising: list[Any] = field(default_factory=list)


def voc_board(*, now: dt.datetime | None = None) -> Board:
    moment = now or timezone.now()
    since = moment - dt.timedelta(days=30)
    open_by_status = dict(
        Case.objects.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("id")).order_by()
    )
    recent = Case.objects.filter(created_at__gte=since)
    resolved = Case.objects.filter(resolved_at__gte=since)
    sat = Case.objects.filter(resolved_at__gte=since, satisfaction_score__isnull=False).aggregate(
        avg=Avg("satisfaction_score"),
        n=Count("id"),
        keep=Count("id", filter=Q(would_continue=True)),
        answered=Count("id", filter=Q(would_continue__isnull=False)),
    )
    handoffs = Handoff.objects.filter(at__gte=since, accepted_at__isnull=False)
    met = sum(1 for h in handoffs.only("accepted_at", "due_at") if h.met)
    total_handoffs = handoffs.count()
    weekly = []
    start = timezone.localtime(moment).date() - dt.timedelta(weeks=12)
    start -= dt.timedelta(days=start.weekday())
    tz = timezone.get_current_timezone()
    buckets: dict[dt.date, dict[str, int]] = {}
    for k in range(13):  # one index range per week: no per-row date function
        week = start + dt.timedelta(weeks=k)
        lo = dt.datetime.combine(week, dt.time.min, tzinfo=tz)
        buckets[week] = dict(
            Case.objects.filter(created_at__gte=lo, created_at__lt=lo + dt.timedelta(weeks=1))
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
    for k in range(13):
        week = start + dt.timedelta(weeks=k)
        weekly.append(
            {
                "week": week.isoformat(),
                **{kind: buckets.get(week, {}).get(kind, 0) for kind in Case.Kind.values},
            }
        )
    labels = dict(DifficultType.choices)
    difficult = [
        {**row, "label": labels.get(row["difficult_type"], row["difficult_type"])}
        for row in Case.objects.filter(created_at__gte=moment - dt.timedelta(days=90))
        .exclude(difficult_type="")
        .values("difficult_type", "team__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:12]
    ]
    return Board(
        open_by_status={s: open_by_status.get(s, 0) for s in OPEN_STATUSES},
        breached_open=Case.objects.filter(status__in=OPEN_STATUSES, resolution_due__lt=moment).count(),
        opened_30d=recent.count(),
        resolved_30d=resolved.count(),
        satisfaction_avg=sat["avg"],
        would_continue_rate=(sat["keep"] / sat["answered"]) if sat["answered"] else None,
        recovery_cost_30d=resolved.aggregate(s=Sum("resolution_cost"))["s"] or 0,
        reopened_30d=recent.filter(reopened_count__gt=0).count(),
        by_category=list(
            recent.values("category__parent__name", "category__name")
            .annotate(n=Count("id"))
            .order_by("-n")[:10]
        ),
        by_team=list(
            Case.objects.filter(status__in=OPEN_STATUSES)
            .values("team__name")
            .annotate(n=Count("id"), late=Count("id", filter=Q(resolution_due__lt=moment)))
            .order_by("-n")
        ),
        weekly=weekly,
        handoffs_met_rate=(met / total_handoffs) if total_handoffs else None,
        prevention=list(
            PreventionAction.objects.filter(status=PreventionAction.Status.OPEN).select_related(
                "category", "owner_team", "product", "touchpoint"
            )[:10]
        ),
        difficult=difficult,
        rising=rising_issues(now=moment),
    )


def rising_issues(*, now: dt.datetime | None = None, weeks: int = 8, limit: int = 10) -> list[Any]:
    """Terms in case texts rising this week against their own baseline (dangol.textmining.rising_terms)."""
    try:
        from dangol.textmining import rising_terms
    except ImportError:
        return []
    moment = now or timezone.now()
    since = moment - dt.timedelta(weeks=weeks + 1)
    records = [
        (timezone.localtime(at).date(), f"{title}\n{body}")
        for at, title, body in Case.objects.filter(created_at__gte=since, created_at__lte=moment)
        .values_list("created_at", "title", "body")
        .iterator(chunk_size=5000)
    ]
    if not records:
        return []
    return list(rising_terms(records, now=timezone.localtime(moment).date(), weeks=weeks))[:limit]


BOARD_CACHE_KEY = "voc:board:v1"


def voc_board_snapshot() -> tuple[Board, dt.datetime]:
    """The board as last computed by the scheduled job (or now, if there is none yet).

    The board aggregates the whole case table; with a million cases that is a job, not a page request.
    """
    from django.core.cache import cache

    cached = cache.get(BOARD_CACHE_KEY)
    if cached is None:
        cached = (voc_board(), timezone.now())
        cache.set(BOARD_CACHE_KEY, cached, 600)
    return cached


def voc_board_refresh() -> dt.datetime:
    from django.core.cache import cache

    computed_at = timezone.now()
    cache.set(BOARD_CACHE_KEY, (voc_board(now=computed_at), computed_at), 600)
    return computed_at


@dataclass(frozen=True)
class SilentCustomer:
    customer_id: int
    name: str
    reasons: list[str]
    lifetime_spend: int
    last_signal: dt.datetime


@dataclass(frozen=True)
class DissatisfactionSource:
    """A sign of a bad experience kept by an app above VOC (e.g. a low survey score).

    Apps above register theirs from their AppConfig.ready(), so VOC never imports them."""

    label: str
    customers: Callable[..., Iterable[tuple[int, dt.datetime]]]


DISSATISFACTION_SOURCES: list[DissatisfactionSource] = []


def dissatisfaction_source_register(source: DissatisfactionSource) -> None:
    if all(s.label != source.label for s in DISSATISFACTION_SOURCES):
        DISSATISFACTION_SOURCES.append(source)


def silent_dissatisfied(*, days: int = 90, limit: int = 100) -> list[SilentCustomer]:
    """Customers whose recent experience was bad (a broken promise, a refunded order, a low survey score)
    but who never complained: the ones who leave without a word (001: only a third come back)."""
    from dangol.customers.models import Customer
    from dangol.orders.models import Order
    from dangol.promises.models import Promise

    since = timezone.now() - dt.timedelta(days=days)
    signals: dict[int, list[tuple[dt.datetime, str]]] = {}
    for cid, at in Promise.objects.filter(status=Promise.Status.BROKEN, due_at__gte=since).values_list(
        "customer_id", "due_at"
    ):
        signals.setdefault(cid, []).append((at, "약속 불이행"))
    for cid, at in Order.objects.filter(ordered_at__gte=since, refunded_amount__gt=0).values_list(
        "customer_id", "ordered_at"
    ):
        signals.setdefault(cid, []).append((at, "환불/반품"))
    for source in DISSATISFACTION_SOURCES:
        for cid, at in source.customers(since=since):
            signals.setdefault(cid, []).append((at, source.label))
    if not signals:
        return []
    complained = set(
        Case.objects.filter(
            customer_id__in=list(signals), created_at__gte=since, kind=Case.Kind.COMPLAINT
        ).values_list("customer_id", flat=True)
    )
    from dangol.interactions.models import Interaction

    complained |= set(
        Interaction.objects.filter(
            customer_id__in=list(signals), occurred_at__gte=since, type="complaint"
        ).values_list("customer_id", flat=True)
    )
    candidates = [cid for cid in signals if cid not in complained]
    spend = dict(
        Order.objects.filter(customer_id__in=candidates)
        .values("customer_id")
        .annotate(s=Sum("total_amount") - Sum("refunded_amount"))
        .values_list("customer_id", "s")
    )
    names = dict(Customer.objects.filter(pk__in=candidates).values_list("pk", "name"))
    out = [
        SilentCustomer(
            cid,
            names.get(cid, ""),
            sorted({r for _, r in signals[cid]}),
            int(spend.get(cid) or 0),
            max(at for at, _ in signals[cid]),
        )
        for cid in candidates
    ]
    out.sort(key=lambda s: (-len(s.reasons), -s.lifetime_spend))
    return out[:limit]


def customer_voc(customer_id: int) -> dict[str, Any]:
    """What the customer's 360 page shows of VOC: the active bad-customer flag and the latest cases."""
    from dangol.voc.flags import active_flag
    from dangol.voc.models import BadCustomerType

    return {
        "flag": active_flag(customer_id),
        "bad_types": BadCustomerType.choices,
        "cases": list(
            Case.objects.filter(customer_id=customer_id)
            .select_related("category")
            .order_by("-created_at")[:5]
        ),
    }
