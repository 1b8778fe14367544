"""Reads of the loyalty program for pages, the API and other apps (the 360 page, VOC priority)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.history import TimelineEntry, presence_sql, staff_label
from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.rewards.ledger import add_months
from dangol.rewards.models import (
    AdjustmentRequest,
    CouponIssue,
    EarnRule,
    Membership,
    PointBalance,
    PointEntry,
    PointHold,
    PointLot,
    Program,
    Referral,
    ReferralCode,
    Reward,
    Tier,
    TierChange,
)

Kind = PointEntry.Kind


@dataclass
class TierProgress:
    tier: Tier | None
    next_tier: Tier | None
    spend: int = 0
    visits: int = 0
    spend_needed: int = 0
    visits_needed: int = 0
    percent: int = 0
    grace_until: dt.date | None = None


@dataclass
class RewardsSummary:
    available: int = 0
    pending: int = 0
    held: int = 0
    debt: int = 0
    value_won: int = 0
    expiring_points: int = 0
    expiring_on: dt.date | None = None
    membership: TierProgress | None = None
    coupons: list[CouponIssue] = field(default_factory=list)
    coupon_count: int = 0  # live coupons (the 360 line shows the number, the rewards page the rows)
    referral_code: str = ""
    referrals_rewarded: int = 0
    referrals_pending: int = 0
    referred_by: Referral | None = None

    @property
    def net(self) -> int:
        return self.available - self.debt


def tier_progress(member: Membership | None, tiers: list[Tier] | None = None) -> TierProgress:
    """Where the member stands and what the next tier needs; `tiers` (all, by rank) when already read."""
    tiers = list(Tier.objects.order_by("rank")) if tiers is None else tiers
    if not tiers:
        return TierProgress(tier=None, next_tier=None)
    current = member.tier if member else tiers[0]
    higher = [t for t in tiers if t.rank > current.rank]
    progress = TierProgress(
        tier=current,
        next_tier=higher[0] if higher else None,
        spend=member.spend if member else 0,
        visits=member.visits if member else 0,
        grace_until=member.grace_until if member else None,
    )
    nxt = progress.next_tier
    if nxt is not None:
        progress.spend_needed = max(0, nxt.min_spend - progress.spend)
        progress.visits_needed = max(0, nxt.min_visits - progress.visits)
        ratios = []
        if nxt.min_spend:
            ratios.append(min(1.0, progress.spend / nxt.min_spend))
        if nxt.min_visits:
            ratios.append(min(1.0, progress.visits / nxt.min_visits))
        if ratios:
            progress.percent = int(100 * (max(ratios) if nxt.rule == Tier.Rule.ANY else min(ratios)))
    return progress


def _balance_and_tier(customer: Customer, now: dt.datetime) -> RewardsSummary:
    """Balance, points expiring soon and the membership tier with progress (what every view of it shows)."""
    program = Program.current()
    summary = RewardsSummary()
    balance = PointBalance.objects.filter(pk=customer.pk).first()
    if balance is not None:
        summary.available, summary.pending = balance.available, balance.pending
        summary.held, summary.debt = balance.held, balance.debt
    summary.value_won = int(Decimal(summary.available) * program.point_value_won)
    soon = PointLot.objects.filter(
        customer=customer,
        status=PointLot.Status.ACTIVE,
        remaining__gt=0,
        expires_at__gt=now,
        expires_at__lte=now + dt.timedelta(days=program.expiry_notice_days),
    ).aggregate(points=Sum("remaining"), first=Min("expires_at"))
    summary.expiring_points = soon["points"] or 0
    if summary.expiring_points and soon["first"]:
        summary.expiring_on = timezone.localdate(soon["first"])
    member = Membership.objects.filter(pk=customer.pk).select_related("tier").first()
    summary.membership = tier_progress(member)
    return summary


# The 360 line's numbers in one statement (one round trip, no ORM compilation): the balance and membership
# rows, points expiring soon, live coupons and rewarded referrals. The same conditions as `_balance_and_tier`
# and `customer_rewards_summary` (tests/test_rewards_line.py compares them on the same customers).
_LINE_SQL = """
SELECT b.available, b.pending, b.held, b.debt,
  (SELECT SUM(l.remaining) FROM rewards_pointlot l WHERE l.customer_id = %s AND l.status = %s
     AND l.remaining > 0 AND l.expires_at > %s AND l.expires_at <= %s),
  (SELECT MIN(l.expires_at) FROM rewards_pointlot l WHERE l.customer_id = %s AND l.status = %s
     AND l.remaining > 0 AND l.expires_at > %s AND l.expires_at <= %s),
  (SELECT COUNT(*) FROM rewards_couponissue c WHERE c.customer_id = %s AND c.status = %s AND c.valid_until > %s),
  (SELECT COUNT(*) FROM rewards_referral r WHERE r.referrer_id = %s AND r.status = %s),
  m.tier_id, m.spend, m.visits, m.grace_until
FROM (SELECT 1 AS here) AS one
LEFT JOIN rewards_pointbalance b ON b.customer_id = %s
LEFT JOIN rewards_membership m ON m.customer_id = %s
"""


def _as_datetime(value: Any) -> dt.datetime | None:
    """A timestamp from a raw aggregate: PostgreSQL gives an aware datetime, SQLite the stored UTC text."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return timezone.make_aware(parsed, dt.UTC) if timezone.is_naive(parsed) else parsed


def _as_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if isinstance(value, str) else value


def customer_rewards_line(customer: Customer, *, now: dt.datetime | None = None) -> RewardsSummary:
    """What the 360 page's loyalty line shows (rewards/_summary.html): balance, points expiring soon, the
    membership tier with progress, how many live coupons and rewarded referrals. Counts only: the coupon rows,
    the referral code and who referred the customer stay at their defaults (customer_rewards_summary reads
    them for the rewards pages). Three queries: the program, the tiers, and `_LINE_SQL` for the customer."""
    now = now or timezone.now()
    program = Program.current()
    tiers = list(Tier.objects.order_by("rank"))
    adapt = connection.ops.adapt_datetimefield_value
    lots = [
        customer.pk,
        PointLot.Status.ACTIVE,
        adapt(now),
        adapt(now + dt.timedelta(days=program.expiry_notice_days)),
    ]
    params: list[Any] = [
        *lots,
        *lots,
        *(customer.pk, CouponIssue.Status.ISSUED, adapt(now)),
        *(customer.pk, Referral.Status.REWARDED),
        customer.pk,
        customer.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_LINE_SQL, params)
        row = cursor.fetchone()
    available, pending, held, debt, expiring, first, coupons, referrals, tier_id, spend, visits, grace = row
    summary = RewardsSummary(
        available=available or 0,
        pending=pending or 0,
        held=held or 0,
        debt=debt or 0,
        expiring_points=expiring or 0,
        coupon_count=coupons,
        referrals_rewarded=referrals,
    )
    summary.value_won = int(Decimal(summary.available) * program.point_value_won)
    first_at = _as_datetime(first)
    if summary.expiring_points and first_at:
        summary.expiring_on = timezone.localdate(first_at)
    member = None
    if tier_id is not None:
        member = Membership(
            customer_id=customer.pk, tier_id=tier_id, spend=spend, visits=visits, grace_until=_as_date(grace)
        )
        member.tier = next(t for t in tiers if t.pk == tier_id)
    summary.membership = tier_progress(member, tiers)
    return summary


def customer_rewards_summary(customer: Customer, *, now: dt.datetime | None = None) -> RewardsSummary:
    """Balance, points expiring soon, membership tier with progress to the next, coupons and referrals."""
    now = now or timezone.now()
    summary = _balance_and_tier(customer, now)
    summary.coupons = list(
        CouponIssue.objects.filter(customer=customer, status=CouponIssue.Status.ISSUED, valid_until__gt=now)
        .select_related("definition")
        .order_by("valid_until")[:10]
    )
    summary.coupon_count = len(summary.coupons)
    code = ReferralCode.objects.filter(customer=customer).values_list("code", flat=True).first()
    summary.referral_code = code or ""
    made = Referral.objects.filter(referrer=customer).aggregate(
        rewarded=Count("id", filter=Q(status=Referral.Status.REWARDED)),
        pending=Count("id", filter=Q(status=Referral.Status.REGISTERED)),
    )
    summary.referrals_rewarded, summary.referrals_pending = made["rewarded"], made["pending"]
    summary.referred_by = (
        Referral.objects.filter(referee=customer)
        .exclude(status=Referral.Status.REJECTED)
        .select_related("referrer")
        .first()
    )
    return summary


def customer_priority_service(customer_id: int) -> bool:
    """Whether the customer's membership tier carries priority service (for VOC to raise a case's priority)."""
    return Membership.objects.filter(pk=customer_id, tier__priority_service=True).exists()


def customer_points_page(customer: Customer, *, limit: int = 100) -> dict[str, Any]:
    return {
        "entries": list(
            PointEntry.objects.filter(customer=customer)
            .select_related("by__staff")
            .order_by("-at", "-id")[:limit]
        ),
        "lots": list(
            PointLot.objects.filter(
                customer=customer, status__in=[PointLot.Status.ACTIVE, PointLot.Status.PENDING]
            )
            .filter(remaining__gt=0)
            .order_by("expires_at")
        ),
        "holds": list(PointHold.objects.filter(customer=customer).order_by("-created_at")[:20]),
        "requests": list(
            AdjustmentRequest.objects.filter(customer=customer).select_related(
                "requested_by__staff", "decided_by__staff"
            )[:20]
        ),
        "tier_changes": list(
            TierChange.objects.filter(customer=customer).select_related("from_tier", "to_tier")[:20]
        ),
        "coupons": list(CouponIssue.objects.filter(customer=customer).select_related("definition")[:30]),
        "referrals_made": list(Referral.objects.filter(referrer=customer).select_related("referee")[:30]),
    }


def pending_adjustments() -> list[AdjustmentRequest]:
    return list(
        AdjustmentRequest.objects.filter(status=AdjustmentRequest.Status.PENDING)
        .select_related("customer", "requested_by__staff")
        .order_by("requested_at")[:100]
    )


def _month_key(at: dt.datetime | dt.date) -> str:
    return f"{at:%Y-%m}"


def liability_report(*, now: dt.datetime | None = None, months: int = 12) -> dict[str, Any]:
    """For finance: outstanding points × their value, the expected breakage from history, by month.

    Breakage rate = points expired / (points expired + points redeemed net of returns), over the whole ledger:
    the share of points that, once earned, were never used. Expected breakage = outstanding × that rate; the
    liability is what is expected to be redeemed: (available + pending) × (1 − rate) × point value."""
    now = now or timezone.now()
    program = Program.current()
    totals = PointBalance.objects.aggregate(
        available=Sum("available"), pending=Sum("pending"), held=Sum("held"), debt=Sum("debt")
    )
    totals = {k: v or 0 for k, v in totals.items()}
    by_kind = dict(
        PointEntry.objects.values("kind")
        .annotate(change=Sum("available_delta") + Sum("pending_delta") + Sum("held_delta"))
        .values_list("kind", "change")
    )
    expired = -(by_kind.get(Kind.EXPIRE) or 0)
    redeemed = -(by_kind.get(Kind.CAPTURE) or 0) - (by_kind.get(Kind.RETURN) or 0)
    redeemed += -(by_kind.get(Kind.REDEEM) or 0)
    closed = expired + redeemed
    breakage = Decimal(expired) / closed if closed > 0 else Decimal(0)
    value = program.point_value_won
    outstanding = totals["available"] + totals["pending"] + totals["held"]
    start = add_months(
        timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0), -(months - 1)
    )
    monthly = (
        PointEntry.objects.filter(at__gte=start)
        .annotate(month=TruncMonth("at", tzinfo=timezone.get_current_timezone()))
        .values("month", "kind")
        .annotate(
            available=Sum("available_delta"),
            pending=Sum("pending_delta"),
            held=Sum("held_delta"),
        )
    )
    before = PointEntry.objects.filter(at__lt=start).aggregate(
        a=Sum("available_delta"), p=Sum("pending_delta"), h=Sum("held_delta")
    )
    running = sum(v or 0 for v in before.values())
    rows: dict[str, dict[str, int]] = {}
    for i in range(months):
        key = _month_key(add_months(start, i))
        rows[key] = {"earned": 0, "redeemed": 0, "expired": 0, "clawed_back": 0, "outstanding": 0}
    for row in monthly:
        key = _month_key(
            timezone.localtime(row["month"]) if isinstance(row["month"], dt.datetime) else row["month"]
        )
        if key not in rows:
            continue
        change = (row["available"] or 0) + (row["pending"] or 0) + (row["held"] or 0)
        target = rows[key]
        kind = row["kind"]
        if kind in (Kind.EARN, Kind.EARN_PENDING) or (kind == Kind.ADJUST and change > 0):
            target["earned"] += change
        elif kind in (Kind.CAPTURE, Kind.REDEEM, Kind.RETURN):
            target["redeemed"] -= change
        elif kind == Kind.EXPIRE:
            target["expired"] -= change
        elif kind in (Kind.CLAWBACK, Kind.SETTLE) or (kind == Kind.ADJUST and change < 0):
            target["clawed_back"] -= change
        target["outstanding"] += change
    for key in rows:
        running += rows[key]["outstanding"]
        rows[key]["outstanding"] = running
        rows[key]["liability_won"] = int(Decimal(running) * (1 - breakage) * value)
    expiring: dict[str, int] = {}
    for at, remaining in PointLot.objects.filter(
        status__in=[PointLot.Status.ACTIVE, PointLot.Status.PENDING], remaining__gt=0
    ).values_list("expires_at", "remaining"):
        key = _month_key(timezone.localtime(at))
        expiring[key] = expiring.get(key, 0) + remaining
    return {
        **totals,
        "outstanding": outstanding,
        "point_value_won": value,
        "outstanding_won": int(Decimal(outstanding) * value),
        "breakage_rate": float(breakage),
        "expected_breakage_points": int(Decimal(outstanding) * breakage),
        "liability_won": int(Decimal(outstanding) * (1 - breakage) * value),
        "expired_total": expired,
        "redeemed_total": redeemed,
        "months": [{"month": k, **v} for k, v in rows.items()],
        "expiring_by_month": sorted(expiring.items())[:24],
    }


def referral_funnel() -> dict[str, int]:
    counts = dict(Referral.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "codes": ReferralCode.objects.count(),
        "registered": sum(counts.values()) - counts.get(Referral.Status.REJECTED, 0),
        "rewarded": counts.get(Referral.Status.REWARDED, 0) + counts.get(Referral.Status.REVERSED, 0),
        "kept": counts.get(Referral.Status.REWARDED, 0),
        "reversed": counts.get(Referral.Status.REVERSED, 0),
        "rejected": counts.get(Referral.Status.REJECTED, 0),
        "capped": Referral.objects.filter(referrer_capped=True).count(),
    }


def program_page(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The managers' page; the ledger-wide sums are cached for five minutes (the cache is shared by workers)."""
    liability = cache.get("rewards:liability")
    if liability is None:
        liability = liability_report(now=now)
        cache.set("rewards:liability", liability, 300)
    tiers = list(Tier.objects.annotate(n=Count("members")).order_by("rank").select_related("birthday_coupon"))
    return {
        "program": Program.current(),
        "tiers": tiers,
        "rules": list(EarnRule.objects.select_related("category", "touchpoint")),
        "rewards": list(Reward.objects.select_related("coupon")),
        "liability": liability,
        "funnel": referral_funnel(),
        "pending_adjustments": pending_adjustments(),
    }


def points_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `points_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(PointEntry)


def points_timeline_entries(
    customer: Customer, *, before: dt.datetime | None = None, limit: int = 50, **_filters: Any
) -> list[TimelineEntry]:
    """The customer's points movements for the 360 timeline, newest first."""
    qs = PointEntry.objects.filter(customer=customer).select_related("by__staff")
    if before:
        qs = qs.filter(at__lt=before)
    entries = []
    for e in qs.order_by("-at", "-id")[:limit]:
        points = e.points if e.kind not in (Kind.HOLD, Kind.RELEASE, Kind.CAPTURE) else -e.held_delta
        entries.append(
            TimelineEntry(
                kind="points",
                at=e.at,
                title=_("포인트 %(kind)s %(points)s")
                % {"kind": e.get_kind_display(), "points": f"{points:+,}P"},
                body=e.reason,
                type=_("포인트"),
                staff=staff_label(e.by),
                status=e.kind,
                tone="bad" if e.kind in (Kind.EXPIRE, Kind.CLAWBACK) else "",
                ref_id=e.pk,
            )
        )
    return entries


def tier_choices() -> list[tuple[str, str]]:
    """(code, name) of the membership tiers, lowest first: for a filter."""
    return list(Tier.objects.order_by("rank").values_list("code", "name"))


def customers_in_tier(qs: QuerySet[Customer], code: str) -> QuerySet[Customer]:
    """The customers of `qs` whose current membership tier has this code."""
    return qs.filter(pk__in=Membership.objects.filter(tier__code=code).values("customer_id"))


def referral_measure(*, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """The 3R referral figures for the analytics (loyalty reads them): referrals rewarded in the period (the
    referee's first qualifying purchase), the referrers behind them, and the net revenue of those referred
    customers up to `until`."""
    rewarded = Referral.objects.filter(
        status=Referral.Status.REWARDED, rewarded_at__gte=since, rewarded_at__lte=until
    )
    referees = rewarded.values("referee_id")
    revenue = Order.objects.filter(customer_id__in=referees, ordered_at__lte=until).aggregate(
        total=Sum("total_amount"), refunded=Sum("refunded_amount")
    )
    return {
        "count": rewarded.count(),
        "referrers": rewarded.values("referrer_id").distinct().count(),
        "revenue": int((revenue["total"] or 0) - (revenue["refunded"] or 0)),
    }


def referrer_ids(*, since: dt.datetime, until: dt.datetime) -> set[int]:
    """Customers who brought a new customer (a rewarded referral) in the period: advocates on the ladder."""
    return set(
        Referral.objects.filter(
            status=Referral.Status.REWARDED, rewarded_at__gte=since, rewarded_at__lte=until
        ).values_list("referrer_id", flat=True)
    )


# Reads for dangol.campaigns: customers by membership tier, and what a campaign's offers cost.


def customer_ids_in_tiers(codes: Sequence[str]) -> QuerySet[Any, Any]:
    """`customer_id` of the members of these tiers (by code)."""
    return Membership.objects.filter(tier__code__in=list(codes)).values("customer_id")


def offer_costs(*, ref_prefix: str) -> dict[str, int]:
    """What the coupons and points issued under `ref_prefix` ("campaign:7:") cost: coupons issued and redeemed,
    the discount given on redeemed ones (won), points credited and their value (won, at today's point value)."""
    coupons = CouponIssue.objects.filter(source_ref__startswith=ref_prefix).aggregate(
        issued=Count("pk"),
        redeemed=Count("pk", filter=Q(status=CouponIssue.Status.REDEEMED)),
        discount=Sum("discount_won", filter=Q(status=CouponIssue.Status.REDEEMED)),
    )
    points = PointEntry.objects.filter(dedupe_key__startswith=ref_prefix).aggregate(
        n=Count("pk"), points=Sum("available_delta"), pending=Sum("pending_delta")
    )
    credited = int(points["points"] or 0) + int(points["pending"] or 0)
    value = Program.current().point_value_won
    return {
        "coupons_issued": int(coupons["issued"] or 0),
        "coupons_redeemed": int(coupons["redeemed"] or 0),
        "coupon_discount_won": int(coupons["discount"] or 0),
        "points_customers": int(points["n"] or 0),
        "points": credited,
        "points_won": int(Decimal(credited) * Decimal(value)),
    }
