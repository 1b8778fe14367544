"""Points from orders: what an order earns, and what its refund takes back and gives back.

Orders arrive by import, by the API and from the pages, and refunds either through orders.order_refund or as a
new refunded_amount in an import; so besides the direct calls (the API's earn, the refund hook) a job
reconciles every order against its OrderPoints row, which makes every path earn and claw back exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from dangol.orders.models import Order
from dangol.rewards import referrals
from dangol.rewards.ledger import balance_lock, entry_exists, lot_clawback, survivor
from dangol.rewards.models import EarnRule, OrderPoints, PointHold, Program, Source, Tier
from dangol.rewards.services import points_earn, points_return_spent
from dangol.rewards.tiers import membership_upgrade_now

logger = logging.getLogger(__name__)
DEFAULT_EARN_PERCENT = Decimal("1")


def earn_rate_percent(customer_id: int) -> Decimal:
    """The customer's membership tier's rate; without a membership, the entry tier's."""
    tier = (
        Tier.objects.filter(members__customer_id=customer_id).first() or Tier.objects.order_by("rank").first()
    )
    return tier.earn_rate_percent if tier else DEFAULT_EARN_PERCENT


def _rules_at(at: dt.datetime) -> list[EarnRule]:
    return list(
        EarnRule.objects.filter(active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
    )


def _multiplier(rules: list[EarnRule], *, order: Order, category_ids: set[int]) -> Decimal:
    """The highest multiplier among the rules that match the line (they do not stack), 0 if any rule excludes
    the line; 1 when none matches."""
    channel = order.touchpoint.channel if order.touchpoint else ""
    matching = [
        rule.multiplier
        for rule in rules
        if (rule.category_id is None or rule.category_id in category_ids)
        and (rule.touchpoint_id is None or rule.touchpoint_id == order.touchpoint_id)
        and (not rule.channel or rule.channel == channel)
    ]
    if not matching:
        return Decimal("1")
    return Decimal(0) if min(matching) == 0 else max(matching)  # an excluded category stays excluded


def order_points_quote(order: Order, *, rate_percent: Decimal | None = None) -> int:
    """Points the order earns on its net amount: per line, amount × tier rate × the best matching rule."""
    net = order.total_amount - order.refunded_amount
    if net <= 0:
        return 0
    rate = (earn_rate_percent(order.customer_id) if rate_percent is None else rate_percent) / 100
    rules = _rules_at(order.ordered_at)
    lines = list(order.lines.select_related("product__category"))
    if not lines:
        return math.floor(Decimal(net) * rate * _multiplier(rules, order=order, category_ids=set()))
    total = sum(line.amount for line in lines) or 1
    points = Decimal(0)
    for line in lines:
        categories: set[int] = set()
        if line.product and line.product.category_id:
            categories = {line.product.category_id}
            if line.product.category.parent_id:
                categories.add(line.product.category.parent_id)
        share = Decimal(line.amount) * net / total
        points += share * rate * _multiplier(rules, order=order, category_ids=categories)
    return max(0, math.floor(points))


@transaction.atomic
def points_earn_for_order(
    *, order: Order, by: User | None = None, now: dt.datetime | None = None
) -> OrderPoints | None:
    """Earn the order's points, pending until its return window passes. Idempotent per order; None when the
    order is older than the program."""
    now = now or timezone.now()
    program = Program.current()
    if order.ordered_at < program.started_at:
        return None
    customer = survivor(order.customer)
    balance_lock(customer.pk)
    existing = OrderPoints.objects.filter(order=order).first()
    if existing is not None:
        return existing
    order.refresh_from_db()
    points = order_points_quote(order)
    try:
        with transaction.atomic():
            record = OrderPoints.objects.create(
                order=order,
                amount=order.total_amount - order.refunded_amount,
                points=points,
                refunded_seen=order.refunded_amount,
                refunded_base=order.refunded_amount,
                created_at=now,
            )
    except IntegrityError:
        return OrderPoints.objects.get(order=order)
    available_at = order.ordered_at + dt.timedelta(days=program.return_window_days)
    if points:
        entry = points_earn(
            customer=customer,
            points=points,
            source=Source.ORDER,
            source_ref=f"order:{order.external_id}",
            reason=f"구매 적립 (₩{record.amount:,})",
            by=by,
            dedupe_key=f"earn:order:{order.pk}",
            pending_until=available_at,
            earned_at=order.ordered_at,
            order_id=order.pk,
            now=now,
        )
        OrderPoints.objects.filter(pk=record.pk).update(lot=entry.lot)
        record.lot = entry.lot
    referrals.referral_order_placed(order=order, customer=customer, available_at=available_at, now=now)
    membership_upgrade_now(customer_id=customer.pk, now=max(now, order.ordered_at))
    return record


@transaction.atomic
def points_order_refunded(*, order: Order, by: User | None = None, now: dt.datetime | None = None) -> int:
    """Act on the order's refunded amount: claw back its points pro rata, give back points spent on it pro
    rata, and reverse a referral it qualified. Acts on the change since last time, so it is safe to repeat;
    returns the points clawed back."""
    now = now or timezone.now()
    customer = survivor(order.customer)
    balance_lock(customer.pk)
    order.refresh_from_db()
    record = OrderPoints.objects.filter(order=order).select_related("lot").first()
    refunded = order.refunded_amount
    clawed = 0
    if record is not None and refunded != record.refunded_seen:
        if record.points and record.amount > 0:
            target = min(
                record.points, record.points * max(0, refunded - record.refunded_base) // record.amount
            )
            clawed = target - record.clawed_back
            if clawed > 0:
                lot_clawback(
                    lot=record.lot,
                    customer_id=customer.pk,
                    points=clawed,
                    source=Source.ORDER,
                    source_ref=f"order:{order.external_id}",
                    reason=f"환불 적립 회수 (환불 누계 ₩{refunded:,})",
                    dedupe_key=f"clawback:order:{order.pk}:{target}",
                    order_id=order.pk,
                    by=by,
                    now=now,
                )
                OrderPoints.objects.filter(pk=record.pk).update(clawed_back=target)
        OrderPoints.objects.filter(pk=record.pk).update(refunded_seen=refunded)
    _return_spent(order, customer_id=customer.pk, by=by, now=now)
    referrals.referral_order_refunded(order=order, by=by, now=now)
    return max(clawed, 0)


def order_refunded_hook(*, order: Order, by: User | None = None) -> None:
    """Registered with orders.order_refund: act on the refund at once, inside its transaction. A failure here
    must not refuse the customer's refund, so it is logged and left to the sync job, which retries."""
    try:
        with transaction.atomic():
            points_order_refunded(order=order, by=by)
    except Exception:
        logger.exception("points for the refund of order %s deferred to the sync job", order.pk)


def _return_spent(order: Order, *, customer_id: int, by: User | None, now: dt.datetime) -> None:
    if order.total_amount <= 0 or not order.refunded_amount:
        return
    holds = PointHold.objects.filter(
        customer_id=customer_id, order_ref=order.external_id, status=PointHold.Status.CAPTURED
    )
    for hold in holds:
        target = min(hold.points, hold.points * order.refunded_amount // order.total_amount)
        if target > hold.returned_points and not entry_exists(f"return:hold:{hold.pk}:{target}"):
            points_return_spent(
                hold=hold,
                points=target - hold.returned_points,
                reason=f"주문 {order.external_id} 환불로 사용 포인트 환원",
                dedupe_key=f"return:hold:{hold.pk}:{target}",
                by=by,
                now=now,
            )


def points_sync_orders(*, now: dt.datetime | None = None, batch: int = 2000) -> dict[str, int]:
    """The job: earn for orders that have not earned yet, act on refunds not yet acted on."""
    now = now or timezone.now()
    program = Program.current()
    counts = {"earned": 0, "refunds": 0, "failed": 0}
    new = Order.objects.filter(
        ordered_at__gte=program.started_at, ordered_at__lte=now, reward_points__isnull=True
    )
    for order in new.select_related("customer", "touchpoint").order_by("id")[:batch]:
        try:
            points_earn_for_order(order=order, now=now)
            counts["earned"] += 1
        except Exception:  # one bad order must not stop the others; it is retried next run
            logger.exception("points for order %s failed", order.pk)
            counts["failed"] += 1
    changed = OrderPoints.objects.exclude(refunded_seen=F("order__refunded_amount")).select_related("order")
    for record in changed.order_by("id")[:batch]:
        try:
            points_order_refunded(order=record.order, now=now)
            counts["refunds"] += 1
        except Exception:
            logger.exception("refund points for order %s failed", record.order_id)
            counts["failed"] += 1
    return counts
