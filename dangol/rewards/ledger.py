"""The ledger's building blocks, used by every points service inside its transaction.

Every write for a customer starts with `balance_lock`: an UPDATE of the customer's balance row. On PostgreSQL
that row lock queues every other writer for the same customer until commit, so what a service reads next (the
lots, the balance) stays true until it commits; on SQLite the settings' BEGIN IMMEDIATE already runs one writer
at a time. `select_for_update` is not used: SQLite ignores it. The balance itself only changes through
`entry_write`, whose UPDATE is conditional (no bucket may fall below zero), so even a bug elsewhere cannot
overdraw it: the UPDATE matches no row and the whole transaction rolls back.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.rewards.models import LotConsumption, PointBalance, PointEntry, PointHold, PointLot, Program

Kind = PointEntry.Kind
MAX_POINTS = 10**9


class RewardsError(ValidationError):
    """A request the program refuses, with a stable code and both languages; nothing was changed."""

    def __init__(self, message: str, *, code: str, message_en: str = "", details: Any = None) -> None:
        super().__init__(message, code=code)
        self.error_code = code
        self.message_ko = message
        self.message_en = message_en
        self.details = details


class InsufficientPoints(RewardsError):
    def __init__(self, *, available: int, wanted: int) -> None:
        super().__init__(
            _("사용 가능한 포인트(%(available)sP)보다 많은 %(wanted)sP를 쓸 수 없습니다.")
            % {"available": f"{available:,}", "wanted": f"{wanted:,}"},
            code="insufficient_points",
            message_en=f"Only {available:,} points are available; {wanted:,} were asked for.",
            details={"available": available, "requested": wanted},
        )


def survivor(customer: Customer) -> Customer:
    """Points of a merged record belong to the customer it was merged into."""
    for _hop in range(10):
        if customer.status != Customer.Status.MERGED or customer.merged_into_id is None:
            return customer
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def add_months(at: dt.datetime, months: int) -> dt.datetime:
    month_index = at.month - 1 + months
    year, month = at.year + month_index // 12, month_index % 12 + 1
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))


def check_points(points: object, *, field: str = "points", allow_negative: bool = False) -> int:
    if not isinstance(points, int) or isinstance(points, bool):
        raise RewardsError(
            _("포인트는 정수여야 합니다."), code="invalid_points", message_en="Points must be an integer."
        )
    if points == 0 or abs(points) > MAX_POINTS or (points < 0 and not allow_negative):
        raise RewardsError(
            _("포인트는 1 이상 %(max_points)s 이하여야 합니다.") % {"max_points": f"{MAX_POINTS:,}"},
            code="invalid_points",
            message_en=f"Points must be between 1 and {MAX_POINTS:,}.",
            details={"field": field},
        )
    return points


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise RewardsError(
            _("요청 키(idempotency key)는 1~100자여야 합니다."),
            code="invalid_idempotency_key",
            message_en="The idempotency key must be 1–100 characters.",
        )
    return key


def balance_lock(customer_id: int) -> PointBalance:
    """Take the customer's balance for this transaction (creating it on first use) and return it fresh."""
    if not connection.in_atomic_block:
        raise RuntimeError("balance_lock needs a transaction")
    if not PointBalance.objects.filter(pk=customer_id).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                PointBalance.objects.create(customer_id=customer_id, version=1)
        except IntegrityError:  # a concurrent first use created it: wait for its lock like everyone else
            PointBalance.objects.filter(pk=customer_id).update(version=F("version") + 1)
    return PointBalance.objects.get(pk=customer_id)


def entry_write(
    *,
    customer_id: int,
    kind: str,
    source: str,
    source_ref: str = "",
    reason: str = "",
    available: int = 0,
    pending: int = 0,
    held: int = 0,
    debt: int = 0,
    order_id: int | None = None,
    hold: PointHold | None = None,
    dedupe_key: str | None = None,
    by: User | None = None,
    at: dt.datetime | None = None,
) -> PointEntry:
    """Append an entry and apply its deltas to the balance in one conditional UPDATE."""
    entry = PointEntry.objects.create(
        customer_id=customer_id,
        kind=kind,
        source=source,
        source_ref=source_ref[:120],
        reason=reason[:300],
        available_delta=available,
        pending_delta=pending,
        held_delta=held,
        debt_delta=debt,
        order_id=order_id,
        hold=hold,
        dedupe_key=dedupe_key,
        by=by if by is not None and by.is_authenticated else None,
        at=at or timezone.now(),
    )
    deltas = {"available": available, "pending": pending, "held": held, "debt": debt}
    if any(deltas.values()):
        guard = Q(pk=customer_id)
        for bucket, delta in deltas.items():
            if delta < 0:
                guard &= Q(**{f"{bucket}__gte": -delta})
        changes = {bucket: F(bucket) + delta for bucket, delta in deltas.items() if delta}
        if not PointBalance.objects.filter(guard).update(**changes):
            current = PointBalance.objects.filter(pk=customer_id).values_list("available", flat=True).first()
            raise InsufficientPoints(available=current or 0, wanted=-available)
    return entry


def entry_exists(dedupe_key: str) -> PointEntry | None:
    return PointEntry.objects.filter(dedupe_key=dedupe_key).first()


def lot_create(
    *,
    entry: PointEntry,
    points: int,
    pending: bool,
    earned_at: dt.datetime,
    available_at: dt.datetime,
    program: Program,
    order_id: int | None = None,
) -> PointLot:
    return PointLot.objects.create(
        customer_id=entry.customer_id,
        entry=entry,
        source=entry.source,
        points=points,
        remaining=points,
        status=PointLot.Status.PENDING if pending else PointLot.Status.ACTIVE,
        earned_at=earned_at,
        available_at=available_at,
        expires_at=add_months(earned_at, program.expiry_months),
        order_id=order_id,
    )


def lot_take(lot: PointLot, points: int, *, entry: PointEntry, hold: PointHold | None = None) -> None:
    if not PointLot.objects.filter(pk=lot.pk, remaining__gte=points).update(
        remaining=F("remaining") - points
    ):
        raise RuntimeError(
            f"lot {lot.pk} has fewer than {points} points left"
        )  # the lock makes this impossible
    lot.remaining -= points
    LotConsumption.objects.create(lot=lot, entry=entry, hold=hold, points=points)


def lots_consume(
    *,
    customer_id: int,
    points: int,
    entry: PointEntry,
    hold: PointHold | None = None,
    skip_lot: int | None = None,
) -> int:
    """Take `points` from the active lots, the ones expiring first first (FIFO); returns how many were taken."""
    left = points
    lots = PointLot.objects.filter(customer_id=customer_id, status=PointLot.Status.ACTIVE, remaining__gt=0)
    if skip_lot:
        lots = lots.exclude(pk=skip_lot)
    for lot in lots.order_by("expires_at", "earned_at", "id").iterator(chunk_size=100):
        take = min(left, lot.remaining)
        lot_take(lot, take, entry=entry, hold=hold)
        left -= take
        if not left:
            break
    return points - left


def lots_restore(
    taken: dict[int, int], points: int, *, entry: PointEntry, hold: PointHold | None, now: dt.datetime
) -> int:
    """Give `points` back to the lots they were taken from (`taken`: lot id → points), the longest-lived first.
    A lot that has expired since keeps nothing; returns how many points could not go back."""
    left = points
    lots = PointLot.objects.filter(pk__in=[lot_id for lot_id, n in taken.items() if n > 0])
    for lot in lots.order_by("-expires_at", "-id"):
        if not left:
            break
        if lot.status != PointLot.Status.ACTIVE or lot.expires_at <= now:
            continue
        give = min(left, taken[lot.pk])
        PointLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") + give)
        LotConsumption.objects.create(lot=lot, entry=entry, hold=hold, points=-give)
        left -= give
    return left


def taken_by_hold(hold: PointHold) -> dict[int, int]:
    """What the hold still has from each lot (taken minus given back)."""
    taken: dict[int, int] = defaultdict(int)
    for lot_id, points in LotConsumption.objects.filter(hold=hold).values_list("lot_id", "points"):
        taken[lot_id] += points
    return dict(taken)


def lots_expire_due(customer_id: int, *, now: dt.datetime) -> int:
    """Expire the customer's lots whose date has passed (the balance must be locked); returns points expired."""
    expired = 0
    due = PointLot.objects.filter(customer_id=customer_id, status=PointLot.Status.ACTIVE, expires_at__lte=now)
    for lot in due.order_by("expires_at", "id"):
        if lot.remaining:
            entry = entry_write(
                customer_id=customer_id,
                kind=Kind.EXPIRE,
                source=lot.source,
                source_ref=f"lot:{lot.pk}",
                reason=f"유효기간 만료({timezone.localtime(lot.expires_at):%Y-%m-%d})",
                available=-lot.remaining,
                dedupe_key=f"expire:lot:{lot.pk}",
                at=now,
            )
            expired += lot.remaining
            lot_take(lot, lot.remaining, entry=entry)
        PointLot.objects.filter(pk=lot.pk).update(status=PointLot.Status.EXPIRED)
    return expired


def debt_settle(customer_id: int, *, by: User | None = None, now: dt.datetime | None = None) -> int:
    """Points that arrive while the customer owes clawed-back points pay the debt first (oldest lots first)."""
    balance = PointBalance.objects.get(pk=customer_id)
    points = min(balance.debt, balance.available)
    if points <= 0:
        return 0
    entry = entry_write(
        customer_id=customer_id,
        kind=Kind.SETTLE,
        source="system",
        reason="환불로 회수하지 못한 포인트를 새 포인트에서 정산",
        available=-points,
        debt=-points,
        by=by,
        at=now,
    )
    lots_consume(customer_id=customer_id, points=points, entry=entry)
    return points


def lot_clawback(
    *,
    lot: PointLot | None,
    customer_id: int,
    points: int,
    source: str,
    source_ref: str,
    reason: str,
    dedupe_key: str,
    order_id: int | None = None,
    by: User | None = None,
    now: dt.datetime,
) -> PointEntry:
    """Take back `points` that `lot` earned: from the lot itself while it has them (pending or spendable), then
    from the customer's other spendable lots, and what the customer has already spent becomes debt — the only
    way a balance goes below zero, with this entry's reason."""
    balance = PointBalance.objects.get(pk=customer_id)
    from_pending = from_lot = 0
    if lot is not None:
        lot.refresh_from_db()
        if lot.status == PointLot.Status.PENDING:
            from_pending = min(points, lot.remaining)
        elif lot.status == PointLot.Status.ACTIVE:
            from_lot = min(points, lot.remaining)
    from_others = max(0, min(points - from_pending - from_lot, balance.available - from_lot))
    debt = points - from_pending - from_lot - from_others
    entry = entry_write(
        customer_id=customer_id,
        kind=Kind.CLAWBACK,
        source=source,
        source_ref=source_ref,
        reason=reason + (f" (이미 사용한 {debt:,}P는 미결로 기록)" if debt else ""),
        available=-(from_lot + from_others),
        pending=-from_pending,
        debt=debt,
        order_id=order_id,
        dedupe_key=dedupe_key,
        by=by,
        at=now,
    )
    if lot is not None and from_pending + from_lot:
        lot_take(lot, from_pending + from_lot, entry=entry)
    if from_others:
        lots_consume(
            customer_id=customer_id, points=from_others, entry=entry, skip_lot=lot.pk if lot else None
        )
    return entry


def ledger_sums(customer_id: int) -> dict[str, int]:
    sums = PointEntry.objects.filter(customer_id=customer_id).aggregate(
        available=Sum("available_delta"),
        pending=Sum("pending_delta"),
        held=Sum("held_delta"),
        debt=Sum("debt_delta"),
    )
    return {bucket: value or 0 for bucket, value in sums.items()}
