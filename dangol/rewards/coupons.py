"""Coupons (issued to one customer, used once) and the rewards catalogue (points exchanged for a coupon)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.rewards.ledger import RewardsError, check_key, survivor
from dangol.rewards.models import CouponDefinition, CouponIssue, Membership, PointHold, Reward, Source
from dangol.rewards.services import points_hold

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    return "CP" + "".join(secrets.choice(CODE_ALPHABET) for _n in range(10))


@transaction.atomic
def coupon_issue(
    *,
    definition: CouponDefinition,
    customer: Customer,
    by: User | None,
    source_ref: str | None = None,
    now: dt.datetime | None = None,
) -> CouponIssue:
    """Issue a coupon to one customer. With `source_ref` ("birthday:2026:12") the same occasion issues once."""
    if not definition.active:
        raise RewardsError(
            _("'%(definition)s' 쿠폰은 사용 중지 상태입니다.") % {"definition": definition.name},
            code="coupon_inactive",
            message_en="Coupon inactive.",
        )
    now = now or timezone.now()
    customer = survivor(customer)
    if source_ref and (done := CouponIssue.objects.filter(source_ref=source_ref).first()) is not None:
        return done
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return CouponIssue.objects.create(
                    definition=definition,
                    customer=customer,
                    code=_new_code(),
                    issued_at=now,
                    valid_until=now + dt.timedelta(days=definition.valid_days),
                    source_ref=source_ref,
                    issued_by=by if by is not None and by.is_authenticated else None,
                )
        except IntegrityError:
            if source_ref and (done := CouponIssue.objects.filter(source_ref=source_ref).first()) is not None:
                return done
    raise RuntimeError("could not make a unique coupon code")


def coupon_discount(issue: CouponIssue, order_amount: int) -> int:
    definition = issue.definition
    if definition.kind == CouponDefinition.Kind.AMOUNT:
        discount = definition.value
    else:
        discount = int(Decimal(order_amount) * definition.value / 100)
    if definition.max_discount_won:
        discount = min(discount, definition.max_discount_won)
    return min(discount, order_amount)


@transaction.atomic
def coupon_redeem(
    *,
    code: str,
    customer: Customer,
    idempotency_key: str,
    order_amount: int,
    by: User | None,
    order_ref: str = "",
    category_codes: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> CouponIssue:
    """Use a coupon once. The same key again returns the same use; another use of a used coupon is refused."""
    key = check_key(idempotency_key)
    now = now or timezone.now()
    order_ref = (order_ref or "").strip()[:64]
    if not isinstance(order_amount, int) or order_amount < 0 or order_amount > 10**13:
        raise RewardsError(
            _("주문 금액이 올바르지 않습니다."), code="invalid_input", message_en="Invalid order amount."
        )
    issue = CouponIssue.objects.filter(code=(code or "").strip().upper()).select_related("definition").first()
    customer = survivor(customer)
    if issue is None or survivor(issue.customer).pk != customer.pk:
        raise RewardsError(
            _("이 고객의 쿠폰을 찾을 수 없습니다."),
            code="coupon_not_found",
            message_en="No such coupon for this customer.",
        )
    if issue.redeem_key == key:
        if issue.order_amount == order_amount and issue.order_ref == order_ref:
            return issue
        raise RewardsError(
            _("이 요청 키는 이미 다른 내용의 쿠폰 사용에 쓰였습니다."),
            code="idempotency_key_reused",
            message_en="This idempotency key was already used with different details.",
        )
    if CouponIssue.objects.filter(redeem_key=key).exists():
        raise RewardsError(
            _("이 요청 키는 이미 다른 쿠폰에 쓰였습니다."),
            code="idempotency_key_reused",
            message_en="This idempotency key was already used for another coupon.",
        )
    if issue.status == CouponIssue.Status.REDEEMED:
        raise RewardsError(
            _("이미 사용한 쿠폰입니다."), code="coupon_used", message_en="The coupon was already used."
        )
    if issue.status == CouponIssue.Status.CANCELLED or not issue.definition.active:
        raise RewardsError(
            _("사용할 수 없는 쿠폰입니다."), code="coupon_cancelled", message_en="The coupon is cancelled."
        )
    if issue.valid_until <= now:
        raise RewardsError(
            _("유효기간(%(valid_until)s)이 지난 쿠폰입니다.")
            % {"valid_until": f"{timezone.localtime(issue.valid_until):%Y-%m-%d}"},
            code="coupon_expired",
            message_en="The coupon has expired.",
        )
    if order_amount < issue.definition.min_spend_won:
        raise RewardsError(
            _("주문 금액이 ₩%(min_spend_won)s 이상일 때 쓸 수 있는 쿠폰입니다.")
            % {"min_spend_won": f"{issue.definition.min_spend_won:,}"},
            code="below_min_spend",
            message_en=f"The order must be at least ₩{issue.definition.min_spend_won:,}.",
        )
    allowed = set(issue.definition.categories.values_list("code", flat=True))
    if allowed and not allowed & set(category_codes):
        raise RewardsError(
            _("이 쿠폰을 쓸 수 있는 상품 분류가 주문에 없습니다."),
            code="coupon_category",
            message_en="The order has no product of the coupon's categories.",
        )
    discount = coupon_discount(issue, order_amount)
    try:
        with transaction.atomic():
            updated = CouponIssue.objects.filter(pk=issue.pk, status=CouponIssue.Status.ISSUED).update(
                status=CouponIssue.Status.REDEEMED,
                redeem_key=key,
                redeemed_at=now,
                order_ref=order_ref,
                order_amount=order_amount,
                discount_won=discount,
            )
    except IntegrityError:  # the key went to another coupon meanwhile
        updated = 0
    issue.refresh_from_db()
    if not updated:
        if issue.redeem_key == key:
            return issue
        raise RewardsError(
            _("이미 사용한 쿠폰입니다."), code="coupon_used", message_en="The coupon was already used."
        )
    return issue


@transaction.atomic
def reward_redeem(
    *,
    reward: Reward,
    customer: Customer,
    idempotency_key: str,
    by: User | None,
    now: dt.datetime | None = None,
) -> CouponIssue:
    """Exchange points for the reward's coupon; the same key twice gives the same coupon."""
    key = check_key(idempotency_key)
    now = now or timezone.now()
    customer = survivor(customer)
    source_ref = f"reward:{key}"
    done = CouponIssue.objects.filter(source_ref=source_ref).first()
    if done is not None:
        hold = PointHold.objects.filter(idempotency_key=key).first()
        if done.customer_id != customer.pk or hold is None or hold.points != reward.points_cost:
            raise RewardsError(
                _("이 요청 키는 이미 다른 교환에 쓰였습니다."),
                code="idempotency_key_reused",
                message_en="This idempotency key was already used for another exchange.",
            )
        return done
    if not reward.active:
        raise RewardsError(
            _("교환할 수 없는 리워드입니다."), code="reward_inactive", message_en="Reward unavailable."
        )
    if reward.stock is not None and not Reward.objects.filter(pk=reward.pk, stock__gte=1).update(
        stock=F("stock") - 1
    ):
        raise RewardsError(
            _("리워드 수량이 모두 소진되었습니다."), code="out_of_stock", message_en="Out of stock."
        )
    points_hold(
        customer=customer,
        points=reward.points_cost,
        idempotency_key=key,
        by=by,
        order_ref=f"reward:{reward.code}"[:64],
        source=Source.REWARD,
        capture=True,
        now=now,
    )
    return coupon_issue(definition=reward.coupon, customer=customer, by=by, source_ref=source_ref, now=now)


def coupons_issue_birthday(*, now: dt.datetime | None = None) -> int:
    """The daily job: members whose tier gives a birthday coupon get it on their birthday, once a year."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = [today.day]
    if today.month == 2 and today.day == 28 and not _leap(today.year):
        days.append(29)  # born on 29 February: the 28th in other years
    members = Membership.objects.filter(
        tier__birthday_coupon__isnull=False,
        tier__birthday_coupon__active=True,
        customer__birth_date__month=today.month,
        customer__birth_date__day__in=days,
        customer__status=Customer.Status.ACTIVE,
    ).select_related("tier__birthday_coupon", "customer")
    issued = 0
    for member in members:
        definition = member.tier.birthday_coupon
        assert definition is not None
        coupon_issue(
            definition=definition,
            customer=member.customer,
            by=None,
            source_ref=f"birthday:{today.year}:{member.customer_id}",
            now=now,
        )
        issued += 1
    return issued


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
