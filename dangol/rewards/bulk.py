"""Bulk ledger writes for history and seeding: the same rows the services write (entries, lots, consumptions,
balances), computed in memory and inserted with bulk_create, so that the ledger checks
(`services.points_check`) hold afterwards. Only for customers nobody else is writing for at the same time
(demo data, a benchmark's seed); live traffic goes through the services and their balance lock."""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import math
import random
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.rewards.ledger import RewardsError, add_months
from dangol.rewards.models import (
    CouponIssue,
    LotConsumption,
    Membership,
    OrderPoints,
    PointBalance,
    PointEntry,
    PointHold,
    PointLot,
    Program,
    Referral,
    ReferralCode,
    Source,
    Tier,
    TierChange,
)
from dangol.rewards.referrals import CODE_ALPHABET, self_referral_reason
from dangol.rewards.tiers import Standing, qualifying_tier

Kind = PointEntry.Kind


def balances_add(deltas: dict[int, dict[str, int]]) -> None:
    """Add bucket deltas to the customers' balance rows, creating the missing ones."""
    existing = set(PointBalance.objects.filter(pk__in=list(deltas)).values_list("pk", flat=True))
    PointBalance.objects.bulk_create(
        [PointBalance(customer_id=pk, version=1, **d) for pk, d in deltas.items() if pk not in existing],
        batch_size=2000,
    )
    for pk in existing:
        changes = {bucket: F(bucket) + delta for bucket, delta in deltas[pk].items() if delta}
        if changes:
            PointBalance.objects.filter(pk=pk).update(version=F("version") + 1, **changes)


@transaction.atomic
def ledger_bulk_earn(
    rows: Iterable[tuple[int, int]], *, source: str, reason: str, at: dt.datetime, source_ref: str = ""
) -> int:
    """Credit spendable points to many customers at once: (customer_id, points) → one entry and one lot each."""
    rows = [(pk, points) for pk, points in rows if points > 0]
    program = Program.current()
    entries = PointEntry.objects.bulk_create(
        [
            PointEntry(
                customer_id=pk,
                kind=Kind.EARN,
                source=source,
                source_ref=source_ref,
                reason=reason,
                available_delta=points,
                at=at,
            )
            for pk, points in rows
        ],
        batch_size=2000,
    )
    expires = add_months(at, program.expiry_months)
    PointLot.objects.bulk_create(
        [
            PointLot(
                customer_id=e.customer_id,
                entry_id=e.pk,
                source=source,
                points=e.available_delta,
                remaining=e.available_delta,
                status=PointLot.Status.ACTIVE,
                earned_at=at,
                available_at=at,
                expires_at=expires,
            )
            for e in entries
        ],
        batch_size=2000,
    )
    deltas: dict[int, dict[str, int]] = defaultdict(lambda: {"available": 0})
    for pk, points in rows:
        deltas[pk]["available"] += points
    balances_add(dict(deltas))
    return sum(points for _pk, points in rows)


# ---------------------------------------------------------------- a program's history, for demo data


def _seoul_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


class _Sim:
    """One customer's points, replayed in time order in memory: lots (FIFO by expiry), the four buckets."""

    def __init__(self, customer_id: int) -> None:
        self.customer_id = customer_id
        self.available = self.pending = 0
        self.lots: list[PointLot] = []
        # (time, order among simultaneous events, sequence, kind, payload)
        self.events: list[tuple[dt.datetime, int, int, str, object]] = []
        self.seq = 0

    def push(self, at: dt.datetime, prio: int, kind: str, payload: object) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, prio, self.seq, kind, payload))

    def new_lot(
        self,
        out: _Out,
        entry: PointEntry,
        points: int,
        source: str,
        at: dt.datetime,
        order_id: int | None,
        *,
        program: Program,
        now: dt.datetime,
    ) -> PointLot:
        """A pending lot; its confirmation after the return window and its expiry become events."""
        available_at = at + dt.timedelta(days=program.return_window_days)
        lot = PointLot(
            customer_id=self.customer_id,
            entry=entry,
            source=source,
            points=points,
            remaining=points,
            status=PointLot.Status.PENDING,
            earned_at=at,
            available_at=available_at,
            expires_at=add_months(at, program.expiry_months),
            order_id=order_id,
        )
        out.lots.append(lot)
        self.lots.append(lot)
        if available_at <= now:
            self.push(available_at, 0, "confirm", lot)
        if lot.expires_at <= now:
            self.push(lot.expires_at, 3, "expire", lot)
        return lot

    def entry(self, out: _Out, **fields: object) -> PointEntry:
        entry = PointEntry(customer_id=self.customer_id, **fields)  # type: ignore[arg-type]
        out.entries.append(entry)
        self.available += int(fields.get("available_delta", 0))  # type: ignore[call-overload]
        self.pending += int(fields.get("pending_delta", 0))  # type: ignore[call-overload]
        return entry

    def take(
        self, out: _Out, points: int, entry: PointEntry, hold: PointHold | None, at: dt.datetime
    ) -> None:
        left = points
        active = [lot for lot in self.lots if lot.status == PointLot.Status.ACTIVE and lot.remaining > 0]
        for lot in sorted(active, key=lambda lot: (lot.expires_at, lot.earned_at)):
            n = min(left, lot.remaining)
            lot.remaining -= n
            out.consumptions.append(LotConsumption(lot=lot, entry=entry, hold=hold, points=n))
            left -= n
            if not left:
                return
        raise RuntimeError("bulk history: not enough points in the lots")  # the caller checked the balance


class _Out:
    def __init__(self) -> None:
        self.entries: list[PointEntry] = []
        self.lots: list[PointLot] = []
        self.consumptions: list[LotConsumption] = []
        self.holds: list[PointHold] = []
        self.order_points: list[OrderPoints] = []


def _tier_change(
    changes: list[TierChange],
    customer_id: int,
    standing: Standing,
    at: dt.datetime,
    kind: str,
    old: Tier | None,
    new: Tier,
    until: dt.date | None = None,
) -> None:
    changes.append(
        TierChange(
            customer_id=customer_id,
            kind=kind,
            from_tier=old,
            to_tier=new,
            spend=standing.spend,
            visits=standing.visits,
            grace_until=until,
            at=at,
        )
    )


def _tier_history(
    *,
    orders: dict[int, list[tuple[int, str, dt.datetime, int]]],
    active: set[int],
    tiers: list[Tier],
    program: Program,
    evaluations: list[dt.datetime],
    rng: random.Random,
) -> tuple[dict[int, list[tuple[dt.datetime, Tier]]], list[TierChange], list[Membership], list[CouponIssue]]:
    """Monthly evaluations as tiers.membership_evaluate does them, in memory: per customer the tier from each
    evaluation on, the TierChange rows, the final Membership rows and the upgrade coupons."""
    timeline: dict[int, list[tuple[dt.datetime, Tier]]] = defaultdict(list)
    changes: list[TierChange] = []
    members: dict[int, Membership] = {}
    issued: list[CouponIssue] = []
    grace = program.tier_grace_months
    for at in evaluations:
        window_from = add_months(at, -program.tier_window_months)
        today = _seoul_day(at)
        for customer_id in sorted((set(orders) | set(members)) & active):
            inside = [
                (amount, day)
                for _pk, _ext, when, amount in orders.get(customer_id, ())
                if window_from < when <= at
                for day in [_seoul_day(when)]
            ]
            standing = Standing(sum(a for a, _d in inside), len({d for _a, d in inside}))
            if customer_id not in members and not inside:
                continue
            target = qualifying_tier(tiers, standing)
            member = members.get(customer_id)

            change = functools.partial(_tier_change, changes, customer_id, standing, at)
            if member is None:
                members[customer_id] = Membership(
                    customer_id=customer_id,
                    tier=target,
                    since=at,
                    evaluated_at=at,
                    spend=standing.spend,
                    visits=standing.visits,
                )
                change(TierChange.Kind.INITIAL, None, target)
                timeline[customer_id].append((at, target))
                continue
            member.evaluated_at, member.spend, member.visits = at, standing.spend, standing.visits
            current = member.tier
            if target.rank > current.rank:
                member.tier, member.since, member.grace_until = target, at, None
                change(TierChange.Kind.UPGRADE, current, target)
                timeline[customer_id].append((at, target))
                coupon = target.upgrade_coupon
                if coupon is not None and coupon.active:
                    issued.append(
                        CouponIssue(
                            definition=coupon,
                            customer_id=customer_id,
                            code="".join(rng.choice(CODE_ALPHABET) for _n in range(10)),
                            issued_at=at,
                            valid_until=at + dt.timedelta(days=coupon.valid_days),
                            source_ref=f"tier-upgrade:{customer_id}:{target.code}:{today:%Y-%m}",
                        )
                    )
            elif target.rank == current.rank:
                if member.grace_until:
                    change(TierChange.Kind.RECOVERED, current, current)
                member.grace_until = None
            elif member.grace_until is None and grace:
                member.grace_until = add_months(at, grace).date()
                change(TierChange.Kind.GRACE, current, current, member.grace_until)
            elif member.grace_until is not None and today < member.grace_until:
                pass
            else:
                member.tier, member.since, member.grace_until = target, at, None
                change(TierChange.Kind.DOWNGRADE, current, target)
                timeline[customer_id].append((at, target))
    return timeline, changes, list(members.values()), issued


def _rate_at(timeline: list[tuple[dt.datetime, Tier]], at: dt.datetime, default: Decimal) -> Decimal:
    rate = default
    for since, tier in timeline:
        if since > at:
            break
        rate = tier.earn_rate_percent
    return rate


@transaction.atomic
def program_history(*, start: dt.datetime, now: dt.datetime, seed: int = 2026) -> dict[str, int]:
    """Two years (start → now) of the program over the orders already in the database, written in bulk:
    earn (pending for the return window, then confirmed), redemptions at checkout (oldest lots first), expiry
    of lots at their date, referrals (the referee's first qualifying purchase rewards both), monthly tier
    evaluations with grace and upgrade coupons. Seeded: the same database and seed give the same history.
    For a database whose program has no history yet (refused otherwise)."""
    if PointEntry.objects.exists() or Membership.objects.exists() or Referral.objects.exists():
        raise RewardsError(
            _("이미 포인트 내역이 있어 데모 이력을 만들 수 없습니다."),
            code="history_exists",
            message_en="The program already has a history.",
        )
    rng = random.Random(seed)
    Program.current()
    Program.objects.filter(pk=1).update(
        started_at=start, expiry_months=12, tiers_evaluated_for=f"{_seoul_day(now):%Y-%m}"
    )
    program = Program.current()
    tiers = list(Tier.objects.select_related("upgrade_coupon").order_by("rank"))
    default_rate = tiers[0].earn_rate_percent if tiers else Decimal(1)
    orders: dict[int, list[tuple[int, str, dt.datetime, int]]] = defaultdict(list)
    for pk, ext, customer_id, when, total, refunded in (
        Order.objects.filter(ordered_at__gte=start, ordered_at__lte=now)
        .order_by("ordered_at", "id")
        .values_list("pk", "external_id", "customer_id", "ordered_at", "total_amount", "refunded_amount")
    ):
        orders[customer_id].append((pk, ext, when, max(0, total - refunded)))
    active = set(Customer.objects.filter(status=Customer.Status.ACTIVE).values_list("pk", flat=True))
    evaluations = []
    k = 1
    while (at := add_months(start, k)) < now:
        evaluations.append(at)
        k += 1
    evaluations.append(now)
    timeline, changes, members, issued = (
        _tier_history(
            orders=orders, active=active, tiers=tiers, program=program, evaluations=evaluations, rng=rng
        )
        if tiers
        else ({}, [], [], [])
    )

    # Referrals: customers who came by referral name an earlier customer; their first purchase of at least
    # the minimum after joining rewards both (capped per referrer per month).
    earlier = list(Customer.objects.filter(joined_at__lt=start).order_by("pk").values_list("pk", flat=True))
    codes: dict[int, ReferralCode] = {}
    referrals: list[Referral] = []
    bonuses: dict[int, list[tuple[dt.datetime, int, Referral, str]]] = defaultdict(list)
    rewarded: dict[tuple[int, str], int] = defaultdict(int)
    people = {c.pk: c for c in Customer.objects.filter(acquisition_channel="referral", joined_at__gte=start)}
    if earlier:
        referees = sorted(people.values(), key=lambda c: (c.joined_at, c.pk))
        referrer_ids = [rng.choice(earlier) for _c in referees]
        referrers = Customer.objects.in_bulk(set(referrer_ids))
        for referee, referrer_id in zip(referees, referrer_ids, strict=True):
            referrer = referrers[referrer_id]
            if referrer_id not in codes:
                codes[referrer_id] = ReferralCode(
                    customer_id=referrer_id,
                    code="".join(rng.choice(CODE_ALPHABET) for _n in range(8)),
                    created_at=referee.joined_at,
                )
            reason = self_referral_reason(referrer, referee)
            referral = Referral(
                referrer_id=referrer_id,
                referee_id=referee.pk,
                code=codes[referrer_id].code,
                status=Referral.Status.REJECTED if reason else Referral.Status.REGISTERED,
                reject_reason=reason,
                created_at=referee.joined_at,
            )
            referrals.append(referral)
            if reason:
                continue
            first = next(
                (
                    o
                    for o in orders.get(referee.pk, ())
                    if o[2] >= referee.joined_at and o[3] >= program.referral_min_order_won
                ),
                None,
            )
            if first is None:
                continue
            month = f"{timezone.localtime(first[2]):%Y-%m}"
            capped = rewarded[(referrer_id, month)] >= program.referral_monthly_cap
            if not capped:
                rewarded[(referrer_id, month)] += 1
            referral.status, referral.rewarded_at = Referral.Status.REWARDED, first[2]
            referral.qualifying_order_id, referral.referrer_capped = first[0], capped
            if program.referral_referee_points:
                bonuses[referee.pk].append((first[2], program.referral_referee_points, referral, "referee"))
            if program.referral_referrer_points and not capped:
                bonuses[referrer_id].append(
                    (first[2], program.referral_referrer_points, referral, "referrer")
                )

    out = _Out()
    redemptions = expired = 0
    for customer_id in sorted(set(orders) | set(bonuses)):
        sim = _Sim(customer_id)
        # (time, order, kind, payload): earn and bonuses create lots; confirm and expire events follow from them
        for order in orders.get(customer_id, ()):
            sim.push(order[2], 1, "order", order)
        for bonus in bonuses.get(customer_id, ()):
            sim.push(bonus[0], 2, "bonus", bonus)
        events = sim.events

        while events:
            at, _prio, _n, kind, payload = heapq.heappop(events)
            if kind == "confirm":
                lot = payload  # type: ignore[assignment]
                assert isinstance(lot, PointLot)
                sim.entry(
                    out,
                    kind=Kind.CONFIRM,
                    source=lot.source,
                    source_ref=lot.entry.source_ref,
                    reason="반품 기간 경과로 적립 확정",
                    available_delta=lot.remaining,
                    pending_delta=-lot.remaining,
                    order_id=lot.order_id,
                    at=at,
                )
                lot.status = PointLot.Status.ACTIVE
            elif kind == "expire":
                lot = payload  # type: ignore[assignment]
                assert isinstance(lot, PointLot)
                if lot.status == PointLot.Status.ACTIVE:
                    if lot.remaining:
                        entry = sim.entry(
                            out,
                            kind=Kind.EXPIRE,
                            source=lot.source,
                            reason=f"유효기간 만료({timezone.localtime(lot.expires_at):%Y-%m-%d})",
                            available_delta=-lot.remaining,
                            at=at,
                        )
                        expired += lot.remaining
                        out.consumptions.append(LotConsumption(lot=lot, entry=entry, points=lot.remaining))
                        lot.remaining = 0
                    lot.status = PointLot.Status.EXPIRED
            elif kind == "bonus":
                _at, points, referral, side = cast(tuple[dt.datetime, int, Referral, str], payload)
                entry = sim.entry(
                    out,
                    kind=Kind.EARN_PENDING,
                    source=Source.REFERRAL,
                    source_ref="",
                    reason="추천으로 가입한 첫 구매 보상"
                    if side == "referee"
                    else "추천한 고객의 첫 구매 보상",
                    pending_delta=points,
                    at=at,
                )
                entry._referral = (referral, side)  # type: ignore[attr-defined]
                sim.new_lot(out, entry, points, Source.REFERRAL, at, None, program=program, now=now)
            else:
                pk, ext, when, amount = cast(tuple[int, str, dt.datetime, int], payload)
                # a redemption at the checkout of some orders, from the spendable points
                if sim.available >= 3000 and rng.random() < 0.3:
                    points = min(sim.available, rng.choice([1000, 2000, 3000, 5000]))
                    hold = PointHold(
                        customer_id=customer_id,
                        idempotency_key=f"demo-{ext}",
                        points=points,
                        order_ref=ext,
                        order_amount=amount,
                        status=PointHold.Status.CAPTURED,
                        created_at=when,
                        expires_at=when + dt.timedelta(minutes=program.hold_minutes),
                        settled_at=when,
                    )
                    out.holds.append(hold)
                    entry = sim.entry(
                        out,
                        kind=Kind.HOLD,
                        source=Source.ORDER,
                        source_ref=ext,
                        reason="포인트 사용 보류",
                        available_delta=-points,
                        held_delta=points,
                        hold=hold,
                        at=when,
                    )
                    sim.take(out, points, entry, hold, when)
                    sim.entry(
                        out,
                        kind=Kind.CAPTURE,
                        source=Source.ORDER,
                        source_ref=ext,
                        reason="포인트 사용",
                        held_delta=-points,
                        hold=hold,
                        at=when,
                    )
                    redemptions += 1
                rate = _rate_at(timeline.get(customer_id, []), when, default_rate)
                points = max(0, math.floor(Decimal(amount) * rate / 100))
                record = OrderPoints(
                    order_id=pk,
                    amount=amount,
                    points=points,
                    created_at=when,
                    refunded_base=0,
                    refunded_seen=0,
                )
                out.order_points.append(record)
                if points:
                    entry = sim.entry(
                        out,
                        kind=Kind.EARN_PENDING,
                        source=Source.ORDER,
                        source_ref=f"order:{ext}",
                        reason=f"구매 적립 (₩{amount:,})",
                        pending_delta=points,
                        order_id=pk,
                        dedupe_key=f"earn:order:{pk}",
                        at=when,
                    )
                    record.lot = sim.new_lot(
                        out, entry, points, Source.ORDER, when, pk, program=program, now=now
                    )

    # Write: referral codes and referrals, holds, entries (their ids), lots, consumptions, order records.
    ReferralCode.objects.bulk_create(codes.values(), batch_size=2000)
    Referral.objects.bulk_create(referrals, batch_size=2000)
    PointHold.objects.bulk_create(out.holds, batch_size=2000)
    for entry in out.entries:  # bulk_create takes the ids of the related rows saved before
        referral_side = getattr(entry, "_referral", None)
        if referral_side:
            referral, side = referral_side
            entry.source_ref = f"referral:{referral.pk}"
            entry.dedupe_key = f"referral:{referral.pk}:{side}"
    PointEntry.objects.bulk_create(out.entries, batch_size=2000)
    PointLot.objects.bulk_create(out.lots, batch_size=2000)
    LotConsumption.objects.bulk_create(out.consumptions, batch_size=5000)
    refunds = dict(Order.objects.filter(refunded_amount__gt=0).values_list("pk", "refunded_amount"))
    for record in out.order_points:
        record.refunded_base = record.refunded_seen = refunds.get(record.order_id, 0)
    OrderPoints.objects.bulk_create(out.order_points, batch_size=2000)
    # The entries' sums are the balances.
    sums: dict[int, dict[str, int]] = defaultdict(
        lambda: {"available": 0, "pending": 0, "held": 0, "debt": 0}
    )
    for entry in out.entries:
        s = sums[entry.customer_id]
        s["available"] += entry.available_delta
        s["pending"] += entry.pending_delta
        s["held"] += entry.held_delta
        s["debt"] += entry.debt_delta
    balances_add(dict(sums))
    Membership.objects.bulk_create(members, batch_size=2000)
    TierChange.objects.bulk_create(changes, batch_size=2000)
    CouponIssue.objects.bulk_create(issued, batch_size=2000)
    return {
        "points_entries": len(out.entries),
        "orders_earned": len(out.order_points),
        "redemptions": redemptions,
        "points_expired": expired,
        "referrals": len(referrals),
        "members": len(members),
        "tier_changes": len(changes),
    }
