"""Referrals (추천, the third R): a code per customer; the referee's first qualifying purchase rewards both.

Guards: no self-referral (the same person, or the same phone, e-mail or address as the referrer), a referee
who has bought before is not new, a cap of rewarded referrals per referrer per month (the referee is still
rewarded), and a refund that takes the qualifying order below the minimum reverses both rewards."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.rewards.ledger import RewardsError, balance_lock, entry_exists, lot_clawback, survivor
from dangol.rewards.models import PointLot, Program, Referral, ReferralCode, Source
from dangol.rewards.services import points_earn

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def referral_code_for(customer: Customer) -> ReferralCode:
    """The customer's referral code, made on first use."""
    customer = survivor(customer)
    existing = ReferralCode.objects.filter(customer=customer).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(8))
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(customer=customer, code=code)
        except IntegrityError:
            continue
    raise RuntimeError("could not make a unique referral code")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _words(value: str) -> str:
    return re.sub(r"\s+", "", value or "").lower()


def self_referral_reason(referrer: Customer, referee: Customer) -> str:
    if referrer.pk == referee.pk:
        return "본인을 추천할 수 없습니다."
    if referrer.phone and _digits(referrer.phone)[-10:] == _digits(referee.phone)[-10:]:
        return "추천인과 전화번호가 같습니다."
    if referrer.email and referrer.email.strip().lower() == (referee.email or "").strip().lower():
        return "추천인과 이메일이 같습니다."
    if referrer.address and _words(referrer.address) == _words(referee.address):
        return "추천인과 주소가 같습니다."
    return ""


@transaction.atomic
def referral_register(
    *, code: str, referee: Customer, by: User | None = None, now: dt.datetime | None = None
) -> Referral:
    """Record that `referee` joined with `code`. An abusive attempt is recorded as rejected with its reason (the
    funnel shows them); a customer who already has a referral is refused."""
    now = now or timezone.now()
    found = ReferralCode.objects.filter(code=(code or "").strip().upper()).select_related("customer").first()
    if found is None:
        raise RewardsError(
            _("추천 코드를 찾을 수 없습니다."),
            code="unknown_referral_code",
            message_en="Unknown referral code.",
        )
    referrer, referee = survivor(found.customer), survivor(referee)
    if Referral.objects.filter(referee=referee).exclude(status=Referral.Status.REJECTED).exists():
        raise RewardsError(
            _("이미 추천인이 등록된 고객입니다."),
            code="already_referred",
            message_en="This customer already has a referrer.",
        )
    reason = self_referral_reason(referrer, referee)
    if not reason and Order.objects.filter(customer=referee, ordered_at__lt=now).exists():
        reason = "이미 구매한 적이 있는 고객은 추천 대상이 아닙니다."
    try:
        with transaction.atomic():
            return Referral.objects.create(
                referrer=referrer,
                referee=referee,
                code=found.code,
                status=Referral.Status.REJECTED if reason else Referral.Status.REGISTERED,
                reject_reason=reason,
                created_at=now,
            )
    except IntegrityError as exc:  # a concurrent registration for the same referee
        raise RewardsError(
            _("이미 추천인이 등록된 고객입니다."),
            code="already_referred",
            message_en="This customer already has a referrer.",
        ) from exc


def referral_order_placed(
    *, order: Order, customer: Customer, available_at: dt.datetime, now: dt.datetime
) -> Referral | None:
    """Called when an order earns: the referee's first qualifying purchase rewards both (pending like the
    order's own points, so a refund inside the return window takes them back before they can be spent)."""
    referral = Referral.objects.filter(referee=customer, status=Referral.Status.REGISTERED).first()
    if referral is None or order.ordered_at < referral.created_at:
        return None
    program = Program.current()
    if order.total_amount - order.refunded_amount < program.referral_min_order_won:
        return None
    balance_lock(referral.referrer_id)  # counts against the referrer's monthly cap one at a time
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rewarded_this_month = Referral.objects.filter(
        referrer_id=referral.referrer_id,
        status=Referral.Status.REWARDED,
        referrer_capped=False,
        rewarded_at__gte=month_start,
    ).count()
    capped = rewarded_this_month >= program.referral_monthly_cap
    if not Referral.objects.filter(pk=referral.pk, status=Referral.Status.REGISTERED).update(
        status=Referral.Status.REWARDED, rewarded_at=now, qualifying_order=order, referrer_capped=capped
    ):
        return None
    if program.referral_referee_points:
        points_earn(
            customer=customer,
            points=program.referral_referee_points,
            source=Source.REFERRAL,
            source_ref=f"referral:{referral.pk}",
            reason="추천으로 가입한 첫 구매 보상",
            by=None,
            dedupe_key=f"referral:{referral.pk}:referee",
            pending_until=available_at,
            now=now,
        )
    if program.referral_referrer_points and not capped:
        points_earn(
            customer=referral.referrer,
            points=program.referral_referrer_points,
            source=Source.REFERRAL,
            source_ref=f"referral:{referral.pk}",
            reason="추천한 고객의 첫 구매 보상",
            by=None,
            dedupe_key=f"referral:{referral.pk}:referrer",
            pending_until=available_at,
            now=now,
        )
    referral.refresh_from_db()
    return referral


def referral_order_refunded(*, order: Order, by: User | None, now: dt.datetime) -> Referral | None:
    """A refund that takes the qualifying order below the minimum reverses both rewards."""
    referral = Referral.objects.filter(qualifying_order=order, status=Referral.Status.REWARDED).first()
    if referral is None:
        return None
    if order.total_amount - order.refunded_amount >= Program.current().referral_min_order_won:
        return None
    Referral.objects.filter(pk=referral.pk, status=Referral.Status.REWARDED).update(
        status=Referral.Status.REVERSED
    )
    for side in ("referee", "referrer"):
        earned = entry_exists(f"referral:{referral.pk}:{side}")
        if earned is None or entry_exists(f"referral:{referral.pk}:{side}:reversed"):
            continue
        balance_lock(earned.customer_id)
        lot = PointLot.objects.filter(entry=earned).first()
        lot_clawback(
            lot=lot,
            customer_id=earned.customer_id,
            points=earned.points,
            source=Source.REFERRAL,
            source_ref=f"referral:{referral.pk}",
            reason=f"추천 첫 구매(주문 {order.external_id}) 환불로 추천 보상 회수",
            dedupe_key=f"referral:{referral.pk}:{side}:reversed",
            by=by,
            now=now,
        )
    referral.refresh_from_db()
    return referral
