"""Reads for the VOC pages: work queues, the board, the silent dissatisfied."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Avg, BooleanField, Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangol.customers.history import TimelineEntry, choice_label, presence_sql, staff_label, staff_name
from dangol.customers.models import Customer
from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.orders.models import Order
from dangol.privacy.masking import mask_name
from dangol.voc.experiences import (  # noqa: F401  (the registry is also reached from here by the apps above)
    DISSATISFACTION_SOURCES,
    DissatisfactionSource,
    bad_experiences,
    dissatisfaction_source_register,
    spoke_up,
)
from dangol.voc.flags import active_flag
from dangol.voc.models import (
    BadCustomerType,
    Case,
    CaseEvent,
    Category,
    CustomerFlag,
    DifficultType,
    Handoff,
    PreventionAction,
)
from dangol.voc.recovery import Recovery, recovery_by_group

OPEN_STATUSES = (Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING)
QUEUES = ("mine", "team", "unassigned", "breaching", "overdue", "all")
DUE_SOON = dt.timedelta(hours=2)


def _open_literal() -> RawSQL:
    """`status IN ('new', 'open', 'waiting')` with the values written into the SQL: SQLite uses a partial index
    (case_open_due, case_open_team_due, case_open_assignee_due) only when the query's terms match the index's
    condition literally, and a bound parameter never does. The values are this module's constants."""
    values = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    return RawSQL(f'"voc_case"."status" IN ({values})', [], output_field=BooleanField())  # noqa: S611


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
        qs = qs.filter(_open_literal())
    if filters.queue == "mine":
        qs = qs.filter(Q(assignee=user) | Q(dedicated_handler=user))
    elif filters.queue == "team":
        qs = qs.filter(team_id=team_id) if team_id else qs.none()
    elif filters.queue == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    elif filters.queue == "breaching":  # due soon: not yet overdue (those are the next queue)
        now = timezone.now()
        qs = qs.filter(resolution_due__gte=now, resolution_due__lt=now + DUE_SOON).order_by("resolution_due")
    elif filters.queue == "overdue":
        qs = qs.filter(resolution_due__lt=timezone.now()).order_by("resolution_due")
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(Q(category_id=filters.category) | Q(category__parent_id=filters.category))
    if filters.q:
        qs = qs.filter(Q(number=filters.q.strip()) | Q(title__contains=filters.q.strip()))
    if filters.queue not in ("breaching", "overdue"):
        qs = (
            qs.order_by("resolution_due", "-id")
            if filters.queue != "all"
            else qs.order_by("-created_at", "-id")
        )
    return qs


def case_queue_page(user: User, filters: QueueFilters, *, offset: int, limit: int) -> list[Case]:
    """`limit` cases of `case_queue` from `offset`: the page's ids first (one query without the joins, which reads
    and sorts index entries only where an index covers it: the overdue queue sorts every open overdue case), then
    those rows with the customer, category, team and assignee the list shows, in the same order."""
    ids = list(case_queue(user, filters).values_list("pk", flat=True)[offset : offset + limit])
    by_id = Case.objects.select_related("customer", "category__parent", "team", "assignee__staff").in_bulk(
        ids
    )
    return [by_id[pk] for pk in ids if pk in by_id]


CategoryGroups = list[tuple[str, list[tuple[int, str]]]]


def category_groups() -> CategoryGroups:
    """Active categories for a choice made parent → child: (parent name, [(id, name), …]) per parent with
    children, the parent itself first (its process in general), and ("", [(id, name)]) for a parent without any."""
    categories = list(Category.objects.filter(is_active=True).select_related("parent").order_by("name", "id"))
    children: dict[int, list[Category]] = {}
    for c in categories:
        if c.parent_id is not None:
            children.setdefault(c.parent_id, []).append(c)
    active = {c.pk for c in categories}
    groups: CategoryGroups = []
    for c in categories:
        if c.parent_id in active:
            continue  # listed under its parent
        kids = children.get(c.pk, [])
        if kids:
            general = _("%(name)s 전반") % {"name": c.name}
            groups.append((c.name, [(c.pk, general), *((k.pk, k.name) for k in kids)]))
        else:
            groups.append(("", [(c.pk, str(c))]))
    return groups


@dataclass(frozen=True)
class CaseFormDefaults:
    touchpoint_id: int | None
    channel: str | None


# How a case reaches us at each kind of touchpoint.
_TOUCHPOINT_CHANNEL = {
    "store": Case.Channel.STORE,
    "call_center": Case.Channel.PHONE,
    "visit": Case.Channel.STORE,
    "website": Case.Channel.WEB,
    "app": Case.Channel.APP,
    "sns": Case.Channel.SNS,
    "email": Case.Channel.EMAIL,
}


def case_form_defaults(user: User, *, days: int = 90) -> CaseFormDefaults:
    """Where a member of staff usually takes cases: the touchpoint and channel of the last case they opened, else
    the touchpoint their team opened most cases at lately. Two small queries from the index on created_by."""
    last = (
        Case.objects.filter(created_by=user, touchpoint__isnull=False)
        .select_related("touchpoint")
        .order_by("-created_at", "-id")
        .only("channel", "touchpoint__channel", "touchpoint_id")
        .first()
    )
    if last is not None:
        return CaseFormDefaults(last.touchpoint_id, last.channel)
    team_id = getattr(getattr(user, "staff", None), "team_id", None)
    if team_id is None:
        return CaseFormDefaults(None, None)
    usual = (
        Case.objects.filter(
            created_by__staff__team_id=team_id,
            touchpoint__isnull=False,
            created_at__gte=timezone.now() - dt.timedelta(days=days),
        )
        .values("touchpoint_id", "touchpoint__channel")
        .annotate(n=Count("id"))
        .order_by("-n", "touchpoint_id")
        .first()
    )
    if usual is None:
        return CaseFormDefaults(None, None)
    return CaseFormDefaults(usual["touchpoint_id"], _TOUCHPOINT_CHANNEL.get(usual["touchpoint__channel"]))


def link_suggestions(case: Case) -> list[Customer]:
    """Active customers whose phone or e-mail is an unlinked case's contact. Staff decide whether to link: a
    contact typed into the public form proves nothing, so nothing links by itself."""
    if case.customer_id or not case.contact_info:
        return []
    same = Q()
    for part in (p.strip() for p in case.contact_info.split(",")):
        if "@" in part:
            same |= Q(email__iexact=part)
        elif part:
            try:
                same |= Q(phone=normalize_phone(part))
            except InvalidPhone:
                continue
    if not same:
        return []
    return list(Customer.objects.filter(same, status=Customer.Status.ACTIVE).order_by("joined_at", "id")[:5])


def _counts(querysets: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """`qs.count()` of each queryset, in one statement: `SELECT (SELECT COUNT(*) FROM (…)), …`. Each count
    still reads its own index (the subquery is flattened as `count()`'s is), but the page makes one round
    trip instead of one per count (on PostgreSQL a round trip costs more than one of these counts)."""
    parts: list[str] = []
    params: list[Any] = []
    for qs in querysets.values():
        sql, part_params = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 (the ORM's SQL, placeholders)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, (int(n) for n in row), strict=True))


def queue_counts(user: User) -> dict[str, int]:
    """One small COUNT per queue, each answered from its own composite index (one query with FILTER
    clauses would read every open case), all sent as one statement."""
    team_id = getattr(getattr(user, "staff", None), "team_id", None)
    open_ = Case.objects.filter(status__in=OPEN_STATUSES)
    now = timezone.now()
    queues = {
        "mine": open_.filter(assignee=user),
        "handled": open_.filter(dedicated_handler=user).exclude(assignee=user),
        "unassigned": open_.filter(assignee__isnull=True),
        "breaching": open_.filter(resolution_due__gte=now, resolution_due__lt=now + DUE_SOON),
        "overdue": open_.filter(resolution_due__lt=now),
        "all": open_,
    }
    if team_id:
        queues["team"] = open_.filter(team_id=team_id)
    counts = _counts(queues)
    return {
        "mine": counts["mine"] + counts["handled"],
        "team": counts.get("team", 0),
        "unassigned": counts["unassigned"],
        "breaching": counts["breaching"],
        "overdue": counts["overdue"],
        "all": counts["all"],
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
    recovery: Recovery | None = None


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
        recovery=_recovery(moment),
    )


# What a case the system opened says when the customer wrote nothing (dangol.surveys.followups.followup_open).
NO_WORDS = "(의견 없음)"
NO_CUSTOMER_WORDS = frozenset({"", NO_WORDS})


def customer_words(*, origin: str, title: str, body: str) -> str:
    """The customer's own words in a case: its title and body when the customer raised it; only the body (their
    comment) when the system opened it for them — its title ("설문 불만족 응답 후속 조치: … NPS 3") is ours."""
    said = (body or "").strip()
    if origin == Case.Origin.SYSTEM:
        return "" if said in NO_CUSTOMER_WORDS else said
    return f"{title}\n{said}".strip()


def rising_issues(*, now: dt.datetime | None = None, weeks: int = 8, limit: int = 10) -> list[Any]:
    """Terms in the customers' own words rising this week against their own baseline
    (dangol.textmining.rising_terms)."""
    try:
        from dangol.textmining import rising_terms
    except ImportError:
        return []
    moment = now or timezone.now()
    since = moment - dt.timedelta(weeks=weeks + 1)
    records = [
        (timezone.localtime(at).date(), text)
        for at, origin, title, body in Case.objects.filter(created_at__gte=since, created_at__lte=moment)
        .values_list("created_at", "origin", "title", "body")
        .iterator(chunk_size=5000)
        if (text := customer_words(origin=origin, title=title, body=body))
    ]
    if not records:
        return []
    return list(rising_terms(records, now=timezone.localtime(moment).date(), weeks=weeks))[:limit]


BOARD_CACHE_KEY = "voc:board:v2"
RECOVERY_CACHE_KEY = "voc:recovery:v1"


def _recovery(moment: dt.datetime) -> Recovery:
    """Repurchase after a bad experience (dangol.voc.recovery), recomputed hourly rather than with every board
    refresh: it reads every buyer's orders, and its customers are those whose 90 days ended, so an hour changes
    next to nothing."""
    from django.core.cache import cache

    cached = cache.get(RECOVERY_CACHE_KEY)
    if cached is None:
        cached = recovery_by_group(now=moment)
        cache.set(RECOVERY_CACHE_KEY, cached, 3600)
    return cached


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


def silent_dissatisfied(*, days: int = 90, limit: int = 100) -> list[SilentCustomer]:
    """Customers whose recent experience was bad (a broken promise, a refunded order, a low survey score)
    but who never complained: the ones who leave without a word (001: only a third come back)."""
    since = timezone.now() - dt.timedelta(days=days)
    signals = bad_experiences(since=since)
    if not signals:
        return []
    complained = spoke_up(signals, since=since)
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


def customer_voc(customer_id: int, *, with_flag: bool = True, with_cases: bool = True) -> dict[str, Any]:
    """What the customer's 360 page shows of VOC: the active bad-customer flag and the latest cases.
    `with_flag` / `with_cases` False: the caller knows the customer has no flag / no case row at all (the 360
    page's probe), so that table is not read."""
    return {
        "flag": active_flag(customer_id) if with_flag else None,
        "bad_types": BadCustomerType.choices,
        "cases": (
            # (the page shows each case's number, title and status: not its category, so no join for it)
            list(Case.objects.filter(customer_id=customer_id).order_by("-created_at")[:5])
            if with_cases
            else []
        ),
    }


# The case events that mark a milestone on the customer's timeline (the rest stay on the case page).
CASE_MILESTONES = {
    "opened": gettext_lazy("VOC 접수: %(title)s"),
    "resolved": gettext_lazy("VOC 해결: %(title)s"),
    "closed": gettext_lazy("VOC 종결: %(title)s"),
    "reopened": gettext_lazy("VOC 재오픈: %(title)s"),
}
_CASE_TONES: dict[str, str] = {
    Case.Status.NEW: "warn",
    Case.Status.OPEN: "warn",
    Case.Status.WAITING: "warn",
    Case.Status.RESOLVED: "ok",
    Case.Status.CLOSED: "ok",
}


def case_timeline_presence() -> str:
    """One placeholder (the customer's id): a case of the customer (a superset of the milestone events that
    `case_timeline_entries` shows). The 360 page probes it."""
    return presence_sql(Case)


def case_timeline_entries(
    customer: Customer,
    *,
    user: User,
    before: dt.datetime | None = None,
    limit: int = 50,
    touchpoint_id: int | None = None,
) -> list[TimelineEntry]:
    """The customer's cases opened, resolved, closed and reopened, from the case events, newest first.

    Only for staff who may view cases. One query: the customer's cases through case_customer_time, their
    events through the case foreign key. Titles and bodies are stored masked and shown as stored."""
    if not user.has_perm("voc.view_case"):
        return []
    qs = CaseEvent.objects.filter(case__customer=customer, kind__in=list(CASE_MILESTONES))
    if touchpoint_id:
        qs = qs.filter(case__touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(at__lt=before)
    # Read as values, not models: an event, its case, the case's touchpoint and the staff user and profile
    # a row cost more CPU than the query.
    rows = qs.order_by("-at", "-id").values_list(
        "at",
        "kind",
        "message",
        "case_id",
        "case__number",
        "case__title",
        "case__body",
        "case__kind",
        "case__status",
        "case__touchpoint__name",
        "case__touchpoint_id",
        "by__username",
        "by__staff__display_name",
    )[:limit]
    entries = []
    for (
        at,
        event_kind,
        message,
        case_id,
        number,
        title,
        body,
        case_kind,
        status,
        touchpoint_name,
        case_touchpoint_id,
        username,
        display_name,
    ) in rows:
        said = body if event_kind == "opened" and body else message
        entries.append(
            TimelineEntry(
                kind="case",
                at=at,
                title=CASE_MILESTONES[event_kind] % {"title": title},
                body=f"{number} · {said}",
                touchpoint=touchpoint_name or "",
                touchpoint_id=case_touchpoint_id,
                type=f"VOC {choice_label(Case, 'kind', case_kind)}",
                staff=staff_name(username, display_name),
                status=status,
                status_label=choice_label(Case, "status", status),
                tone=_CASE_TONES.get(status, ""),
                url=reverse("voc:case", args=[case_id]),
                ref_id=case_id,
            )
        )
    return entries


FLAG_ACTIONS = {
    "flagged": gettext_lazy("불량고객 지정 검토: %(type)s"),
    "exit_proposed": gettext_lazy("불량고객 퇴출 제안: %(type)s"),
    "customer_notified": gettext_lazy("퇴출 절차 고객 안내: %(type)s"),
    CustomerFlag.Status.EXIT_APPROVED: gettext_lazy("불량고객 퇴출 승인: %(type)s"),
    CustomerFlag.Status.EXIT_REJECTED: gettext_lazy("불량고객 퇴출 반려: %(type)s"),
    "reversed": gettext_lazy("불량고객 지정 해제: %(type)s"),
}
_FLAG_TONES: dict[str, str] = {
    CustomerFlag.Status.FLAGGED: "warn",
    CustomerFlag.Status.EXIT_PROPOSED: "bad",
    CustomerFlag.Status.EXIT_APPROVED: "bad",
    CustomerFlag.Status.EXIT_REJECTED: "ok",
    CustomerFlag.Status.REVERSED: "ok",
}


# A flag's history steps as the review list names them.
FLAG_STEP_LABELS = {
    "flagged": gettext_lazy("주의 지정"),
    "exit_proposed": gettext_lazy("퇴출 제안"),
    "customer_notified": gettext_lazy("고객에게 절차 안내"),
    CustomerFlag.Status.EXIT_APPROVED: gettext_lazy("퇴출 승인"),
    CustomerFlag.Status.EXIT_REJECTED: gettext_lazy("퇴출 반려"),
    "reversed": gettext_lazy("해제"),
    "customer_merged": gettext_lazy("고객 기록 병합"),
    "customer_unmerged": gettext_lazy("고객 기록 병합 취소"),
}


@dataclass(frozen=True)
class FlagStep:
    at: dt.datetime
    by: str
    action: str
    note: str
    message: int | None = None  # the notice sent to the customer (dangol.messaging), when there was one


@dataclass(frozen=True)
class FlagRow:
    flag: CustomerFlag
    customer_name: str
    steps: list[FlagStep]


def _history_time(raw: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(raw)
    return timezone.make_aware(at, dt.UTC) if timezone.is_naive(at) else at


def flag_rows(*, limit: int = 200) -> list[FlagRow]:
    """The bad-customer flags for the review page: the customer's name (masked) and each history step with its time
    and the staff member's name, not the username the history keeps. Two queries."""
    flags = list(
        CustomerFlag.objects.select_related(
            "customer",
            "flagged_by__staff",
            "dedicated_handler__staff",
            "proposed_by__staff",
            "reviewed_by__staff",
        )[:limit]
    )
    usernames = {step.get("by") for f in flags for step in f.history if step.get("by")}
    names = {
        u.username: staff_label(u)
        for u in User.objects.filter(username__in=usernames).select_related("staff")
    }
    return [
        FlagRow(
            flag,
            mask_name(flag.customer.name),
            [
                FlagStep(
                    at=_history_time(step["at"]),
                    by=names.get(step.get("by") or "", step.get("by") or ""),
                    action=str(FLAG_STEP_LABELS.get(step.get("action", ""), step.get("action", ""))),
                    note=step.get("note") or "",
                    message=step.get("message"),
                )
                for step in flag.history
                if step.get("at")
            ],
        )
        for flag in flags
    ]


def flag_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `flag_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(CustomerFlag)


def flag_timeline_entries(
    customer: Customer, *, user: User, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Each step of the customer's bad-customer flags (flagged, exit proposed, notified, reviewed, reversed),
    from the flag's own history, newest first. Only for staff who may view flags. One query: the customer's
    flags are few (one active at a time), their steps are read from the history column."""
    if not user.has_perm("voc.view_customerflag"):
        return []
    qs = CustomerFlag.objects.filter(customer=customer)
    if before:
        qs = qs.filter(flagged_at__lt=before)
    link = reverse("voc:flags")
    entries = []
    for flag in qs.order_by("-flagged_at", "-id")[:limit]:
        steps = flag.history or [
            {"at": flag.flagged_at.isoformat(), "action": "flagged", "note": flag.evidence}
        ]
        for step in steps:
            at = dt.datetime.fromisoformat(step["at"])
            if timezone.is_naive(at):
                at = timezone.make_aware(at, dt.UTC)
            if before and at >= before:
                continue
            title = FLAG_ACTIONS.get(step.get("action", ""), gettext_lazy("불량고객 기록: %(type)s"))
            entries.append(
                TimelineEntry(
                    kind="flag",
                    at=at,
                    title=title % {"type": flag.get_type_display()},
                    body=step.get("note") or "",
                    type=_("불량고객"),
                    staff=step.get("by") or "",  # a username until replaced below
                    status=flag.status,
                    status_label=flag.get_status_display(),
                    tone=_FLAG_TONES.get(flag.status, ""),
                    url=link,
                    ref_id=flag.pk,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    entries = entries[:limit]
    # The history keeps usernames; one more query turns them into the names staff know each other by.
    names = {
        u.username: staff_label(u)
        for u in User.objects.filter(username__in={e.staff for e in entries if e.staff}).select_related(
            "staff"
        )
    }
    return [replace(e, staff=names.get(e.staff, e.staff)) for e in entries]


# Reads for dangol.campaigns: customers with an open case, a recently recovered complaint, or a flag.


OPEN = [Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING]
ACTIVE_FLAGS = [
    CustomerFlag.Status.FLAGGED,
    CustomerFlag.Status.EXIT_PROPOSED,
    CustomerFlag.Status.EXIT_APPROVED,
]


def customer_ids_with_open_case() -> QuerySet[Any, Any]:
    return Case.objects.filter(status__in=OPEN, customer__isnull=False).values("customer_id")


def customer_ids_recovered(*, since: dt.datetime) -> QuerySet[Any, Any]:
    """Customers whose case was resolved since `since` and who were not left dissatisfied (a recovery)."""
    return (
        Case.objects.filter(
            customer__isnull=False,
            status__in=[Case.Status.RESOLVED, Case.Status.CLOSED],
            resolved_at__gte=since,
        )
        .exclude(customer_reaction=Case.Reaction.DISSATISFIED)
        .values("customer_id")
    )


def customer_ids_flagged() -> QuerySet[Any, Any]:
    """Customers with a bad-customer flag that stands (flagged, exit proposed or approved)."""
    return CustomerFlag.objects.filter(status__in=ACTIVE_FLAGS).values("customer_id")
