"""Reads for the segment and campaign pages, the API and the report (incremental effect against the control)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangol.analytics.uplift import Lift, RevenueLift, lift, revenue_uplift
from dangol.campaigns.conditions import (
    customers_matching,
    eligible_customers,
    snapshot_count,
    snapshot_count_among,
    snapshot_ids,
    snapshot_members,
)
from dangol.campaigns.models import Campaign, CampaignMember, Segment
from dangol.campaigns.services import segment_member_ids
from dangol.campaigns.snapshot import snapshot_info
from dangol.customers.models import Customer
from dangol.loyalty.selectors import value_tiers_of
from dangol.orders.selectors import orders_in_window
from dangol.privacy.masking import mask_name, mask_phone
from dangol.rewards.selectors import offer_costs

SAMPLE = 20
ID_CHUNK = 50_000  # ids re-checked per query (an id range, not an IN list)
EXPORT_CHUNK = 1000  # CSV rows read per query
COUNT_CAP = 10_000_000


def segments() -> QuerySet[Segment]:
    return (
        Segment.objects.select_related("owner__staff")
        .annotate(n_campaigns=Count("campaigns"))
        .order_by("name")
    )


def segment_count(segment: Segment) -> int:
    return segment_member_ids(segment).count()


@dataclass
class MemberRow:
    id: int
    name: str
    phone: str
    value_tier: str


def segment_sample(segment: Segment, *, limit: int = SAMPLE) -> list[MemberRow]:
    """A few of the segment's customers, masked for every role as on the customer list: the unmasked view is the
    customer 360's logged reveal (only the roles that may see the segment at all get this far)."""
    ids = list(segment_member_ids(segment)[:limit])
    return member_rows(ids)


@dataclass
class SegmentOverview:
    count: int
    sample: list[MemberRow]
    as_of: dt.datetime | None  # when the snapshot the count was read from was taken; None: counted live


def _alive_chunks(ids: list[int], *, chunk: int = ID_CHUNK) -> Iterator[list[int]]:
    """These ids (sorted) in chunks, less those no longer active customers (merged, forgotten, deleted): one
    query per id range, never an IN list of a million ids."""
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        alive = set(
            eligible_customers().filter(pk__gte=part[0], pk__lte=part[-1]).values_list("pk", flat=True)
        )
        yield [pk for pk in part if pk in alive]


def _first_alive(ids: list[int], limit: int) -> list[int]:
    kept: list[int] = []
    for part in _alive_chunks(ids, chunk=limit * 3):
        kept += part
        if len(kept) >= limit:
            break
    return kept[:limit]


def segment_overview(
    segment: Segment, *, limit: int = SAMPLE, now: dt.datetime | None = None
) -> SegmentOverview:
    """The segment page's count and sample. While a segment snapshot younger than
    DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS exists, the count is read from it (as the builder's is, with its time):
    a dynamic segment's definition evaluated there, a frozen segment's stored members that the snapshot holds
    (when it was taken after the freeze).
    The sample's ids come from the same source and are re-checked live as active customers, then their rows
    are read live by id (masked). Without a usable snapshot both are live."""
    info = snapshot_info()
    frozen = segment.kind == Segment.Kind.FROZEN
    members = sorted(int(pk) for pk in segment.member_ids or []) if frozen else []
    if frozen and info is not None and segment.frozen_at and info["built_at"] < segment.frozen_at:
        info = None  # a snapshot older than the list would miss members who joined in between: count live
    if info is None:
        if frozen:
            count = sum(len(part) for part in _alive_chunks(members))
            return SegmentOverview(count, member_rows(_first_alive(members, limit)), None)
        return SegmentOverview(segment_count(segment), segment_sample(segment, limit=limit), None)
    if frozen:
        count = snapshot_count_among(members, path=info["path"])
        return SegmentOverview(count, member_rows(_first_alive(members, limit)), info["built_at"])
    count = snapshot_count(segment.definition, path=info["path"], now=now)
    candidates = snapshot_ids(segment.definition, path=info["path"], now=now, limit=limit * 3)
    return SegmentOverview(count, member_rows(_first_alive(candidates, limit)), info["built_at"])


def export_id_chunks(segment: Segment, *, now: dt.datetime | None = None) -> Iterator[list[int]]:
    """The segment's member ids for the CSV export, exact and current, in id order and in chunks of EXPORT_CHUNK:
    a frozen segment's stored members, re-checked as active; a dynamic segment from the segment snapshot only
    while it is younger than DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES (the age a launch accepts: an export
    is a list to act on elsewhere, so it may be no staler than the app's own sends), each id re-checked live as
    an active customer; otherwise evaluated on the live tables in one query read as a stream."""
    if segment.kind == Segment.Kind.FROZEN:
        ids = sorted(int(pk) for pk in segment.member_ids or [])
        for part in _alive_chunks(ids):
            yield from _split(part)
        return
    fresh = dt.timedelta(minutes=settings.DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES)
    info = snapshot_info(max_age=fresh)
    if info is not None:
        ids, _tiers = snapshot_members(segment.definition, path=info["path"], now=now)
        for part in _alive_chunks(ids):
            yield from _split(part)
        return
    buffer: list[int] = []
    for pk in (
        customers_matching(segment.definition, now=now)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=EXPORT_CHUNK)
    ):
        buffer.append(pk)
        if len(buffer) >= EXPORT_CHUNK:
            yield buffer
            buffer = []
    if buffer:
        yield buffer


def _split(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield ids[start : start + EXPORT_CHUNK]


def member_rows(ids: list[int]) -> list[MemberRow]:
    tiers = value_tiers_of(ids)
    # the two columns shown, not whole customer rows (an export reads every member)
    found = {
        pk: (name, phone)
        for pk, name, phone in Customer.objects.filter(pk__in=ids).values_list("pk", "name", "phone")
    }
    rows = []
    for pk in ids:
        c = found.get(pk)
        if c is None:
            continue
        rows.append(
            MemberRow(id=pk, name=mask_name(c[0]), phone=mask_phone(c[1]), value_tier=tiers.get(pk, ""))
        )
    return rows


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("segment", "template", "created_by__staff").order_by(
        "-created_at", "-id"
    )


@dataclass
class Arm:
    n: int = 0
    converted: int = 0
    revenue: int = 0

    @property
    def rate(self) -> float | None:
        return self.converted / self.n if self.n else None

    @property
    def revenue_per_customer(self) -> float | None:
        return self.revenue / self.n if self.n else None


@dataclass
class Report:
    campaign: Campaign
    start: dt.datetime | None
    end: dt.datetime | None
    complete: bool  # the conversion window has ended
    treated: Arm = field(default_factory=Arm)
    control: Arm = field(default_factory=Arm)
    conversion: Lift | None = None
    revenue: RevenueLift | None = None
    costs: dict[str, int] = field(default_factory=dict)
    offer_cost: int = 0
    incremental_conversions: float | None = None
    incremental_revenue: float | None = None
    incremental_revenue_low: float | None = None
    incremental_revenue_high: float | None = None
    roi: float | None = None
    by_stratum: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)


def campaign_report(campaign: Campaign, *, now: dt.datetime | None = None) -> Report:
    """Conversion (a standing order within `window_days` after the send) and revenue per customer, treated vs
    control, with the lift and its 95% interval, the offer's cost, the incremental revenue and ROI. Every
    member counts in the arm they were assigned to (intention to treat): a treated customer whose message a
    rule stopped still counts as treated, so the lift is the effect of running the campaign on this segment."""
    now = now or timezone.now()
    start = campaign.sent_at
    if start is None:
        return Report(campaign=campaign, start=None, end=None, complete=False)
    end = start + dt.timedelta(days=campaign.window_days)
    members = list(
        CampaignMember.objects.filter(campaign=campaign).values_list("customer_id", "arm", "stratum")
    )
    arm_of = {cid: arm for cid, arm, _s in members}
    stratum_of = {cid: s for cid, _a, s in members}
    first_order: dict[int, dt.datetime] = {}
    revenue: dict[int, int] = {}
    for cid, at, amount in orders_in_window(list(arm_of), start=start, end=min(end, now)):
        revenue[cid] = revenue.get(cid, 0) + amount
        if cid not in first_order or at < first_order[cid]:
            first_order[cid] = at
    report = Report(campaign=campaign, start=start, end=end, complete=now >= end)
    arms: dict[str, Arm] = {"treated": report.treated, "control": report.control}
    strata: dict[str, dict[str, Arm]] = {}
    for cid, arm in arm_of.items():
        a = arms[arm]
        a.n += 1
        s = strata.setdefault(stratum_of[cid], {"treated": Arm(), "control": Arm()})[arm]
        s.n += 1
        if cid in first_order:
            a.converted += 1
            s.converted += 1
        a.revenue += revenue.get(cid, 0)
        s.revenue += revenue.get(cid, 0)
    report.conversion = lift(
        treated_n=report.treated.n,
        treated_conv=report.treated.converted,
        control_n=report.control.n,
        control_conv=report.control.converted,
    )
    report.revenue = revenue_uplift(
        [revenue.get(cid, 0) for cid, arm in arm_of.items() if arm == CampaignMember.Arm.TREATED],
        [revenue.get(cid, 0) for cid, arm in arm_of.items() if arm == CampaignMember.Arm.CONTROL],
    )
    report.costs = offer_costs(ref_prefix=campaign.ref_prefix)
    report.offer_cost = report.costs["coupon_discount_won"] + report.costs["points_won"]
    if report.conversion.diff is not None:
        report.incremental_conversions = report.conversion.diff * report.treated.n
    r = report.revenue
    if r.diff is not None:
        report.incremental_revenue = r.diff * report.treated.n
        if r.diff_low is not None and r.diff_high is not None:
            report.incremental_revenue_low = r.diff_low * report.treated.n
            report.incremental_revenue_high = r.diff_high * report.treated.n
        if report.offer_cost > 0:
            report.roi = (report.incremental_revenue - report.offer_cost) / report.offer_cost
    report.by_stratum = [
        {"stratum": key, "treated": arms_["treated"], "control": arms_["control"]}
        for key, arms_ in sorted(strata.items())
    ]
    report.chart = _cumulative(first_order, arm_of, start=start, days=campaign.window_days, now=now)
    return report


def _cumulative(
    first_order: dict[int, dt.datetime],
    arm_of: dict[int, str],
    *,
    start: dt.datetime,
    days: int,
    now: dt.datetime,
) -> dict[str, Any]:
    """Cumulative conversion rate (%) of each arm by day since the send: day d counts first orders up to d×24 h
    after it (days not yet reached are left out)."""
    sizes = {"treated": 0, "control": 0}
    for arm in arm_of.values():
        sizes[arm] += 1
    by_day: dict[str, list[int]] = {"treated": [0] * (days + 1), "control": [0] * (days + 1)}
    for cid, at in first_order.items():
        day = min(days, max(0, math.ceil((at - start).total_seconds() / 86400)))
        by_day[arm_of[cid]][day] += 1
    reached = min(days, max(0, math.ceil((now - start).total_seconds() / 86400)))
    out: dict[str, Any] = {"days": list(range(reached + 1))}
    for arm in ("treated", "control"):
        total, series = 0, []
        for day in range(reached + 1):
            total += by_day[arm][day]
            series.append(round(100 * total / sizes[arm], 2) if sizes[arm] else None)
        out[arm] = series
    return out


def launch_counts(campaign: Campaign) -> dict[str, Any]:
    """What the launch did: members per arm, capped, and the messages by status and by blocking rule."""
    results = dict(campaign.results or {})
    messages = results.get("messages") or {}
    return {
        "segment": results.get("segment", 0),
        "capped": results.get("capped", 0),
        "treated": results.get("treated", 0),
        "control": results.get("control", 0),
        "errors": results.get("errors", 0),
        "error_examples": results.get("error_examples", []),
        "offers": results.get("offers", 0),
        "by_status": messages.get("by_status", {}),
        "blocked_by_rule": messages.get("blocked_by_rule", {}),
        "held_for_night": messages.get("held_for_night", 0),
    }


def arm_counts(campaign: Campaign) -> dict[str, int]:
    rows = CampaignMember.objects.filter(campaign=campaign).aggregate(
        treated=Count("pk", filter=Q(arm=CampaignMember.Arm.TREATED)),
        control=Count("pk", filter=Q(arm=CampaignMember.Arm.CONTROL)),
    )
    return {k: int(v or 0) for k, v in rows.items()}
