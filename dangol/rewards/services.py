"""Points use cases: earn, compensate, hold → capture/release, redeem, expire, adjust, rebuild and check.

Orders (earning and refunds) are in earning.py, tiers in tiers.py, referrals in referrals.py, coupons and the
rewards catalogue in coupons.py. Each service runs in one transaction that starts by locking the customer's
balance (ledger.balance_lock); a refused request raises RewardsError and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.rewards.ledger import (
    InsufficientPoints,
    RewardsError,
    balance_lock,
    check_key,
    check_points,
    debt_settle,
    entry_exists,
    entry_write,
    ledger_sums,
    lot_create,
    lots_consume,
    lots_expire_due,
    lots_restore,
    survivor,
    taken_by_hold,
)
from dangol.rewards.models import (
    AdjustmentRequest,
    LotConsumption,
    PointBalance,
    PointEntry,
    PointHold,
    PointLot,
    Program,
    Source,
)

Kind = PointEntry.Kind


# ---------------------------------------------------------------- earning


@transaction.atomic
def points_earn(
    *,
    customer: Customer,
    points: int,
    source: str,
    source_ref: str,
    reason: str,
    by: User | None,
    dedupe_key: str | None = None,
    pending_until: dt.datetime | None = None,
    earned_at: dt.datetime | None = None,
    order_id: int | None = None,
    now: dt.datetime | None = None,
) -> PointEntry:
    """Credit a lot of points. Pending (not spendable) until `pending_until` if that is still ahead; the same
    `dedupe_key` twice credits once and returns the first entry."""
    check_points(points)
    if source not in Source.values:
        raise RewardsError(
            _("알 수 없는 적립 출처입니다."), code="invalid_source", message_en="Unknown source."
        )
    now = now or timezone.now()
    customer = survivor(customer)
    balance_lock(customer.pk)
    if dedupe_key and (done := entry_exists(dedupe_key)) is not None:
        return done
    program = Program.current()
    earned_at = earned_at or now
    pending = pending_until is not None and pending_until > now
    entry = entry_write(
        customer_id=customer.pk,
        kind=Kind.EARN_PENDING if pending else Kind.EARN,
        source=source,
        source_ref=source_ref,
        reason=reason,
        available=0 if pending else points,
        pending=points if pending else 0,
        order_id=order_id,
        dedupe_key=dedupe_key,
        by=by,
        at=now,
    )
    lot_create(
        entry=entry,
        points=points,
        pending=pending,
        earned_at=earned_at,
        available_at=pending_until if pending and pending_until else now,
        program=program,
        order_id=order_id,
    )
    if not pending:
        debt_settle(customer.pk, by=by, now=now)
    return entry


def points_compensate(*, customer: Customer, points: int, case_ref: str, by: User | None) -> PointEntry:
    """VOC compensation in points, spendable at once, with the case as its source. One credit per `case_ref`."""
    if not (case_ref or "").strip():
        raise RewardsError(
            _("VOC 건 참조가 필요합니다."), code="invalid_input", message_en="A case reference is needed."
        )
    return points_earn(
        customer=customer,
        points=points,
        source=Source.CASE,
        source_ref=case_ref,
        reason="VOC 보상",
        by=by,
        dedupe_key=f"case:{case_ref}"[:120],
    )


def points_confirm_due(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Pending lots whose return window has passed become spendable (a job; safe to run twice)."""
    now = now or timezone.now()
    confirmed = 0
    due = PointLot.objects.filter(status=PointLot.Status.PENDING, available_at__lte=now)
    for customer_id in due.values_list("customer_id", flat=True).distinct()[:limit]:
        with transaction.atomic():
            balance_lock(customer_id)
            for lot in due.filter(customer_id=customer_id).order_by("available_at", "id"):
                if lot.remaining:
                    entry_write(
                        customer_id=customer_id,
                        kind=Kind.CONFIRM,
                        source=lot.source,
                        source_ref=lot.entry.source_ref,
                        reason="반품 기간 경과로 적립 확정",
                        available=lot.remaining,
                        pending=-lot.remaining,
                        order_id=lot.order_id,
                        dedupe_key=f"confirm:lot:{lot.pk}",
                        at=now,
                    )
                    confirmed += lot.remaining
                status = PointLot.Status.ACTIVE if lot.remaining else PointLot.Status.VOID
                PointLot.objects.filter(pk=lot.pk).update(status=status)
            debt_settle(customer_id, now=now)
    return confirmed


# ---------------------------------------------------------------- redemption


def _redeem_limits(*, program: Program, points: int, order_amount: int | None) -> None:
    if points < program.min_redeem_points:
        raise RewardsError(
            _("포인트는 한 번에 %(min_redeem_points)sP 이상부터 쓸 수 있습니다.")
            % {"min_redeem_points": f"{program.min_redeem_points:,}"},
            code="below_minimum",
            message_en=f"At least {program.min_redeem_points:,} points per redemption.",
            details={"minimum": program.min_redeem_points},
        )
    if program.max_redeem_points and points > program.max_redeem_points:
        raise RewardsError(
            _("주문 한 건에 %(max_redeem_points)sP까지 쓸 수 있습니다.")
            % {"max_redeem_points": f"{program.max_redeem_points:,}"},
            code="above_maximum",
            message_en=f"At most {program.max_redeem_points:,} points per order.",
            details={"maximum": program.max_redeem_points},
        )
    if order_amount is not None:
        limit = int(Decimal(order_amount) * program.max_redeem_percent / 100 / program.point_value_won)
        if points > limit:
            raise RewardsError(
                _("주문 금액의 %(max_redeem_percent)s%%(%(limit)sP)까지만 포인트로 낼 수 있습니다.")
                % {"max_redeem_percent": program.max_redeem_percent, "limit": f"{limit:,}"},
                code="above_order_share",
                message_en=f"Points may pay at most {program.max_redeem_percent}% of the order ({limit:,} points).",
                details={"maximum": limit},
            )


def _replay(existing: PointHold, *, customer: Customer, points: int, order_ref: str) -> PointHold:
    if existing.customer_id == customer.pk and existing.points == points and existing.order_ref == order_ref:
        existing.replayed = True  # type: ignore[attr-defined]  # the API answers 200, not 201
        return existing
    raise RewardsError(
        _("이 요청 키는 이미 다른 내용의 포인트 사용에 쓰였습니다. 새 요청이면 새 키를 쓰세요."),
        code="idempotency_key_reused",
        message_en="This idempotency key was already used for a different redemption; use a new key.",
        details={"points": existing.points, "order_ref": existing.order_ref},
    )


@transaction.atomic
def points_hold(
    *,
    customer: Customer,
    points: int,
    idempotency_key: str,
    by: User | None,
    order_ref: str = "",
    order_amount: int | None = None,
    source: str = Source.ORDER,
    capture: bool = False,
    now: dt.datetime | None = None,
) -> PointHold:
    """Reserve points for a checkout (or, with capture=True, redeem them at once: one REDEEM entry, the hold
    captured as it is made). The same key twice returns the first result (with `replayed` set); the same key
    with a different amount, customer or order is refused. A new one carries `available_after`.

    The usual case runs as a few hand-written statements (`_hold_fast`: no ORM query compiled per request);
    what it does not handle (a customer's first balance row, lots that are due to expire, too few points)
    continues with the ORM building blocks in the same transaction, so the answers and errors are the same."""
    check_points(points)
    key = check_key(idempotency_key)
    order_ref = (order_ref or "").strip()[:64]
    if order_amount is not None and (order_amount < 0 or order_amount > 10**13):
        raise RewardsError(
            _("주문 금액이 올바르지 않습니다."), code="invalid_input", message_en="Invalid order amount."
        )
    now = now or timezone.now()
    customer = survivor(customer)
    return _hold_fast(
        customer=customer,
        points=points,
        key=key,
        by=by,
        order_ref=order_ref,
        order_amount=order_amount,
        source=source,
        capture=capture,
        now=now,
    )


# The redemption path by hand (the same SQL on SQLite and PostgreSQL). Each runs inside points_hold's
# transaction; the balance UPDATE is the lock every writer for the customer takes first (ledger.balance_lock).
_PROGRAM_SQL = (
    "SELECT min_redeem_points, max_redeem_points, max_redeem_percent, point_value_won, hold_minutes "
    "FROM rewards_program WHERE id = 1"
)
# Claims the key: a concurrent request with the same key waits for this transaction, then finds it taken.
_HOLD_SQL = (
    "INSERT INTO rewards_pointhold (customer_id, idempotency_key, points, order_ref, order_amount, source, "
    "status, returned_points, created_at, expires_at, settled_at, by_id) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, 0, %s, %s, %s, %s) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)
# Lock and take in one statement; no row: no balance yet or too few points (the ORM path tells which).
_BALANCE_TAKE_SQL = (
    "UPDATE rewards_pointbalance SET version = version + 1, available = available - %s, held = held + %s "
    "WHERE customer_id = %s AND available >= %s RETURNING available"
)
_BALANCE_GIVE_BACK_SQL = (
    "UPDATE rewards_pointbalance SET available = available + %s, held = held - %s WHERE customer_id = %s"
)
# The spendable lots, the ones expiring first first (FIFO, as ledger.lots_consume); `due` flags a lot whose
# date has passed (it sorts first), which the ORM path expires before anything is taken.
_LOTS_SQL = (
    "SELECT id, remaining, CASE WHEN expires_at <= %s THEN 1 ELSE 0 END FROM rewards_pointlot "
    "WHERE customer_id = %s AND status = 'active' AND remaining > 0 ORDER BY expires_at, earned_at, id LIMIT 50"
)
_ENTRY_SQL = (
    "INSERT INTO rewards_pointentry (customer_id, kind, source, source_ref, reason, available_delta, "
    "pending_delta, held_delta, debt_delta, order_id, hold_id, dedupe_key, by_id, at) "
    "VALUES (%s, %s, %s, %s, %s, %s, 0, %s, 0, NULL, %s, NULL, %s, %s) RETURNING id"
)
_LOT_TAKE_SQL = "UPDATE rewards_pointlot SET remaining = remaining - %s WHERE id = %s AND remaining >= %s"
_CONSUMPTION_SQL = (
    "INSERT INTO rewards_lotconsumption (lot_id, entry_id, hold_id, points) VALUES (%s, %s, %s, %s)"
)


def _program_limits() -> Program:
    # prepared once it has run twice on a PostgreSQL connection (settings)
    with connection.cursor() as cursor:
        cursor.execute(_PROGRAM_SQL)
        row = cursor.fetchone()
    if row is None:
        return Program.current()
    return Program(
        pk=1,
        min_redeem_points=row[0],
        max_redeem_points=row[1],
        max_redeem_percent=row[2],
        point_value_won=Decimal(str(row[3])),
        hold_minutes=row[4],
    )


def _hold_fast(
    *,
    customer: Customer,
    points: int,
    key: str,
    by: User | None,
    order_ref: str,
    order_amount: int | None,
    source: str,
    capture: bool,
    now: dt.datetime,
) -> PointHold:
    program = _program_limits()
    status = PointHold.Status.CAPTURED if capture else PointHold.Status.HELD
    by_id = by.pk if by is not None and by.is_authenticated else None
    adapt = connection.ops.adapt_datetimefield_value
    expires_at = now + dt.timedelta(minutes=program.hold_minutes)
    with connection.cursor() as cursor:
        cursor.execute(
            _HOLD_SQL,
            [
                customer.pk,
                key,
                points,
                order_ref,
                order_amount,
                source,
                status,
                adapt(now),
                adapt(expires_at),
                adapt(now) if capture else None,
                by_id,
            ],
        )
        row = cursor.fetchone()
    if row is None:  # the key was used before (or by a concurrent request that has committed since)
        return _replay(
            PointHold.objects.get(idempotency_key=key), customer=customer, points=points, order_ref=order_ref
        )
    hold = PointHold(
        pk=row[0],
        customer=customer,
        idempotency_key=key,
        points=points,
        order_ref=order_ref,
        order_amount=order_amount,
        source=source,
        status=status,
        returned_points=0,
        created_at=now,
        expires_at=expires_at,
        settled_at=now if capture else None,
        by_id=by_id,
    )
    hold._state.adding, hold._state.db = False, connection.alias
    if source == Source.ORDER:
        _redeem_limits(program=program, points=points, order_amount=order_amount)  # refused: all rolls back
    held = 0 if capture else points
    with connection.cursor() as cursor:
        cursor.execute(_BALANCE_TAKE_SQL, [points, held, customer.pk, points])
        taken = cursor.fetchone()
        lots: list[tuple[int, int, int]] = []
        if taken is not None:
            cursor.execute(_LOTS_SQL, [adapt(now), customer.pk])
            lots = cursor.fetchall()
            if (
                lots and lots[0][2]
            ):  # lots due to expire first: give the points back, the ORM path expires them
                cursor.execute(_BALANCE_GIVE_BACK_SQL, [points, held, customer.pk])
                taken = None
    if taken is None:
        return _hold_rest(hold, customer=customer, points=points, capture=capture, by=by, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            _ENTRY_SQL,
            [
                customer.pk,
                Kind.REDEEM if capture else Kind.HOLD,
                source,
                (order_ref or key)[:120],
                "포인트 사용" if capture else "포인트 사용 보류",
                -points,
                held,
                hold.pk,
                by_id,
                adapt(now),
            ],
        )
        entry_id = cursor.fetchone()[0]
        left = points
        for lot_id, remaining, _due in lots:
            take = min(left, remaining)
            cursor.execute(_LOT_TAKE_SQL, [take, lot_id, take])
            if cursor.rowcount != 1:
                raise RuntimeError(f"lot {lot_id} has fewer than {take} points left")  # the lock prevents it
            cursor.execute(_CONSUMPTION_SQL, [lot_id, entry_id, hold.pk, take])
            left -= take
            if not left:
                break
    if left:  # more than 50 lots: the rest as ledger.lots_consume does it
        entry = PointEntry(pk=entry_id, customer_id=customer.pk)
        left -= lots_consume(customer_id=customer.pk, points=left, entry=entry, hold=hold)
    if left:  # the active lots hold less than the balance says: refuse (rolls back) rather than overdraw
        raise RuntimeError(f"customer {customer.pk}: lots short of the balance by {left} points")
    hold.available_after = taken[0]  # type: ignore[attr-defined]
    return hold


def _hold_rest(
    hold: PointHold, *, customer: Customer, points: int, capture: bool, by: User | None, now: dt.datetime
) -> PointHold:
    """The ORM path after the key is claimed: creates a missing balance row, expires lots that are due,
    refuses too few points, then the entry and the lots."""
    balance = balance_lock(customer.pk)
    if lots_expire_due(customer.pk, now=now):
        balance.refresh_from_db()
    if balance.available < points:
        raise InsufficientPoints(available=balance.available, wanted=points)
    # A direct redemption is one entry (the hold is born captured): three statements fewer than hold + capture.
    entry = entry_write(
        customer_id=customer.pk,
        kind=Kind.REDEEM if capture else Kind.HOLD,
        source=hold.source,
        source_ref=hold.order_ref or hold.idempotency_key,
        reason="포인트 사용" if capture else "포인트 사용 보류",
        available=-points,
        held=0 if capture else points,
        hold=hold,
        by=by,
        at=now,
    )
    lots_consume(customer_id=customer.pk, points=points, entry=entry, hold=hold)
    hold.available_after = balance.available - points  # type: ignore[attr-defined]
    return hold


def points_redeem(**kwargs: Any) -> PointHold:
    """Redeem at once: a hold captured in the same transaction."""
    return points_hold(**kwargs, capture=True)


def _capture(hold: PointHold, *, by: User | None, now: dt.datetime) -> None:
    PointHold.objects.filter(pk=hold.pk, status=PointHold.Status.HELD).update(
        status=PointHold.Status.CAPTURED, settled_at=now
    )
    entry_write(
        customer_id=hold.customer_id,
        kind=Kind.CAPTURE,
        source=hold.source,
        source_ref=hold.order_ref or hold.idempotency_key,
        reason="포인트 사용",
        held=-hold.points,
        hold=hold,
        dedupe_key=f"capture:hold:{hold.pk}",
        by=by,
        at=now,
    )
    hold.status, hold.settled_at = PointHold.Status.CAPTURED, now


@transaction.atomic
def points_capture(*, hold: PointHold, by: User | None, now: dt.datetime | None = None) -> PointHold:
    """Turn a hold into a redemption. Capturing twice is harmless; a released or lapsed hold is refused."""
    now = now or timezone.now()
    balance_lock(hold.customer_id)
    hold.refresh_from_db()
    if hold.status == PointHold.Status.CAPTURED:
        return hold
    if hold.status == PointHold.Status.RELEASED:
        raise RewardsError(
            _("이미 해제된 사용 보류입니다. 새로 보류하세요."),
            code="hold_released",
            message_en="This hold was released; place a new one.",
        )
    if hold.expires_at <= now:
        raise RewardsError(
            _("사용 보류 시간이 지났습니다. 새로 보류하세요."),
            code="hold_expired",
            message_en="The hold has lapsed; place a new one.",
        )
    _capture(hold, by=by, now=now)
    return hold


@transaction.atomic
def points_release(
    *, hold: PointHold, by: User | None, reason: str = "", now: dt.datetime | None = None
) -> PointHold:
    """Give held points back to the lots they came from (a failed checkout). Releasing twice is harmless."""
    now = now or timezone.now()
    balance_lock(hold.customer_id)
    hold.refresh_from_db()
    if hold.status == PointHold.Status.RELEASED:
        return hold
    if hold.status == PointHold.Status.CAPTURED:
        raise RewardsError(
            _("이미 사용 처리된 포인트입니다. 주문을 환불하면 쓴 포인트가 돌아갑니다."),
            code="hold_captured",
            message_en="These points were already redeemed; refunding the order returns them.",
        )
    PointHold.objects.filter(pk=hold.pk, status=PointHold.Status.HELD).update(
        status=PointHold.Status.RELEASED, settled_at=now
    )
    entry = entry_write(
        customer_id=hold.customer_id,
        kind=Kind.RELEASE,
        source=hold.source,
        source_ref=hold.order_ref or hold.idempotency_key,
        reason=(reason or "사용 보류 해제")[:300],
        available=hold.points,
        held=-hold.points,
        hold=hold,
        dedupe_key=f"release:hold:{hold.pk}",
        by=by,
        at=now,
    )
    lost = lots_restore(taken_by_hold(hold), hold.points, entry=entry, hold=hold, now=now)
    _expire_lost(hold, lost, reason="보류 중 유효기간이 지난 포인트 소멸", now=now)
    debt_settle(hold.customer_id, by=by, now=now)
    hold.status, hold.settled_at = PointHold.Status.RELEASED, now
    return hold


def _expire_lost(hold: PointHold, lost: int, *, reason: str, now: dt.datetime) -> None:
    """Points that came back to lots which expired meanwhile expire at once, recorded against the hold."""
    if lost:
        entry_write(
            customer_id=hold.customer_id,
            kind=Kind.EXPIRE,
            source=hold.source,
            source_ref=f"hold:{hold.pk}",
            reason=reason,
            available=-lost,
            hold=hold,
            at=now,
        )


@transaction.atomic
def points_return_spent(
    *, hold: PointHold, points: int, reason: str, dedupe_key: str, by: User | None, now: dt.datetime
) -> int:
    """Give back `points` of a redemption (its order was refunded) to the lots they came from; points of lots that
    have expired since are not returned (they would have expired anyway). Returns the points restored."""
    balance_lock(hold.customer_id)
    if entry_exists(dedupe_key):
        return 0
    hold.refresh_from_db()
    points = min(points, hold.points - hold.returned_points)
    if points <= 0 or hold.status != PointHold.Status.CAPTURED:
        return 0
    PointHold.objects.filter(pk=hold.pk).update(returned_points=F("returned_points") + points)
    entry = entry_write(
        customer_id=hold.customer_id,
        kind=Kind.RETURN,
        source=hold.source,
        source_ref=hold.order_ref or hold.idempotency_key,
        reason=reason,
        available=points,
        hold=hold,
        dedupe_key=dedupe_key,
        by=by,
        at=now,
    )
    lost = lots_restore(taken_by_hold(hold), points, entry=entry, hold=hold, now=now)
    _expire_lost(hold, lost, reason="환원 대상 포인트의 유효기간이 이미 지나 소멸", now=now)
    debt_settle(hold.customer_id, by=by, now=now)
    return points - lost


def points_release_lapsed(*, now: dt.datetime | None = None) -> int:
    """Release holds whose checkout never completed (a job)."""
    now = now or timezone.now()
    released = 0
    for hold in PointHold.objects.filter(status=PointHold.Status.HELD, expires_at__lte=now).order_by("id")[
        :5000
    ]:
        points_release(hold=hold, by=None, reason="사용 보류 시간 경과로 자동 해제", now=now)
        released += 1
    return released


def points_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every lot whose date has passed (a daily job; an expired lot is never expired twice)."""
    now = now or timezone.now()
    due = PointLot.objects.filter(status=PointLot.Status.ACTIVE, expires_at__lte=now)
    total = 0
    for customer_id in list(due.values_list("customer_id", flat=True).distinct()[:20000]):
        with transaction.atomic():
            balance_lock(customer_id)
            total += lots_expire_due(customer_id, now=now)
    return total


# ---------------------------------------------------------------- adjustments


@dataclass
class AdjustResult:
    entry: PointEntry | None = None
    request: AdjustmentRequest | None = None


def _adjust_apply(
    *, customer: Customer, points: int, reason: str, by: User | None, now: dt.datetime, ref: str = ""
) -> PointEntry:
    balance = balance_lock(customer.pk)
    if points > 0:
        return points_earn(
            customer=customer,
            points=points,
            source=Source.MANUAL,
            source_ref=ref,
            reason=reason,
            by=by,
            now=now,
        )
    lots_expire_due(customer.pk, now=now)
    balance.refresh_from_db()
    if balance.available < -points:
        raise InsufficientPoints(available=balance.available, wanted=-points)
    entry = entry_write(
        customer_id=customer.pk,
        kind=Kind.ADJUST,
        source=Source.MANUAL,
        source_ref=ref,
        reason=reason,
        available=points,
        by=by,
        at=now,
    )
    lots_consume(customer_id=customer.pk, points=-points, entry=entry)
    return entry


@transaction.atomic
def points_adjust(
    *, customer: Customer, points: int, reason: str, by: User, now: dt.datetime | None = None
) -> AdjustResult:
    """An agent's correction (±) with a reason. Above the program's limit it waits for a manager's approval."""
    if not by.has_perm("rewards.adjust_points"):
        raise PermissionDenied(_("포인트를 조정할 권한이 없습니다."))
    check_points(points, allow_negative=True)
    reason = (reason or "").strip()
    if not reason:
        raise RewardsError(_("조정 사유를 입력하세요."), code="reason_required", message_en="Give a reason.")
    customer = survivor(customer)
    now = now or timezone.now()
    if abs(points) > Program.current().adjust_approval_limit and not by.has_perm(
        "rewards.approve_adjustment"
    ):
        request = AdjustmentRequest.objects.create(
            customer=customer, points=points, reason=reason[:300], requested_by=by, requested_at=now
        )
        return AdjustResult(request=request)
    return AdjustResult(entry=_adjust_apply(customer=customer, points=points, reason=reason, by=by, now=now))


@transaction.atomic
def adjustment_decide(
    *, request: AdjustmentRequest, approve: bool, by: User, note: str = "", now: dt.datetime | None = None
) -> AdjustmentRequest:
    if not by.has_perm("rewards.approve_adjustment"):
        raise PermissionDenied(_("포인트 조정을 승인할 권한이 없습니다."))
    if request.requested_by_id == by.pk:
        raise PermissionDenied(_("자신이 요청한 조정은 승인할 수 없습니다."))
    now = now or timezone.now()
    status = AdjustmentRequest.Status.APPROVED if approve else AdjustmentRequest.Status.REJECTED
    if not AdjustmentRequest.objects.filter(pk=request.pk, status=AdjustmentRequest.Status.PENDING).update(
        status=status, decided_by=by, decided_at=now, decision_note=(note or "").strip()[:300]
    ):
        raise RewardsError(
            _("이미 처리된 요청입니다."), code="already_decided", message_en="Already decided."
        )
    request.refresh_from_db()
    if approve:
        entry = _adjust_apply(
            customer=survivor(request.customer),
            points=request.points,
            reason=f"{request.reason} (승인: {by.get_username()})",
            by=by,
            now=now,
            ref=f"adjustment:{request.pk}",
        )
        AdjustmentRequest.objects.filter(pk=request.pk).update(entry=entry)
        request.entry = entry
    return request


# ---------------------------------------------------------------- checks


@transaction.atomic
def points_rebuild(customer: Customer) -> PointBalance:
    """Recompute the balance row from the ledger (after a merge, or to repair)."""
    balance_lock(customer.pk)
    sums = ledger_sums(customer.pk)
    PointBalance.objects.filter(pk=customer.pk).update(**sums)
    return PointBalance.objects.get(pk=customer.pk)


def points_check(customer: Customer) -> list[str]:
    """What is wrong with the customer's points, in words ([] when the ledger, the balance and the lots agree)."""
    problems = []
    sums = ledger_sums(customer.pk)
    found = PointBalance.objects.filter(pk=customer.pk).first() or PointBalance()
    balance = {bucket: getattr(found, bucket) for bucket in ("available", "pending", "held", "debt")}
    for bucket, total in sums.items():
        if balance[bucket] != total:
            problems.append(f"{bucket}: balance {balance[bucket]} != ledger {total}")
    lots = PointLot.objects.filter(customer=customer)
    active = sum(lots.filter(status=PointLot.Status.ACTIVE).values_list("remaining", flat=True))
    pending = sum(lots.filter(status=PointLot.Status.PENDING).values_list("remaining", flat=True))
    if active != balance["available"]:
        problems.append(f"active lots {active} != available {balance['available']}")
    if pending != balance["pending"]:
        problems.append(f"pending lots {pending} != pending {balance['pending']}")
    held = sum(PointHold.objects.filter(customer=customer, status="held").values_list("points", flat=True))
    if held != balance["held"]:
        problems.append(f"open holds {held} != held {balance['held']}")
    for lot in lots:
        taken = sum(LotConsumption.objects.filter(lot=lot).values_list("points", flat=True))
        if lot.points - lot.remaining != taken:
            problems.append(f"lot {lot.pk}: {lot.points}-{lot.remaining} != consumed {taken}")
    return problems
