"""The loyalty program's records (issue 15).

Points live in an append-only ledger (PointEntry). Each entry carries signed deltas for the four buckets of a
customer's PointBalance: available (spendable), pending (earned, inside the return window), held (reserved by a
checkout) and debt (points clawed back after they were spent: the one way a balance goes below zero, always with
the clawback's reason). The balance row is a cache of the ledger's sums, changed with conditional UPDATEs in the
same transaction as the entry, and `points_rebuild` recomputes it. Earned points are lots (PointLot) with their
own expiry; spending consumes the oldest lots first and records what it took from which lot (LotConsumption), so
a release or a refund puts the points back where they came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class Program(models.Model):
    """The program's rules: one row (pk=1), read through `Program.current()`."""

    started_at = models.DateTimeField(
        _("시작일시"), default=timezone.now, help_text=_("이 시각 이후의 주문부터 포인트가 쌓입니다.")
    )
    point_value_won = models.DecimalField(_("1포인트의 가치(원)"), max_digits=8, decimal_places=2, default=1)
    expiry_months = models.PositiveSmallIntegerField(_("포인트 유효기간(개월)"), default=24)
    return_window_days = models.PositiveSmallIntegerField(_("적립 확정까지(반품 기간, 일)"), default=14)
    expiry_notice_days = models.PositiveSmallIntegerField(_("소멸 사전 안내(일 전)"), default=30)
    min_redeem_points = models.PositiveIntegerField(_("한 번에 쓸 수 있는 최소 포인트"), default=1000)
    max_redeem_points = models.PositiveIntegerField(
        _("주문당 최대 사용 포인트"), default=100_000, help_text=_("0이면 제한 없음")
    )
    max_redeem_percent = models.PositiveSmallIntegerField(
        _("주문 금액 중 포인트로 낼 수 있는 비율(%)"), default=50
    )
    hold_minutes = models.PositiveIntegerField(_("사용 보류 유지 시간(분)"), default=30)
    adjust_approval_limit = models.PositiveIntegerField(
        _("매니저 승인 없이 조정할 수 있는 포인트"), default=10_000
    )
    tier_window_months = models.PositiveSmallIntegerField(_("등급 산정 기간(개월)"), default=12)
    tier_grace_months = models.PositiveSmallIntegerField(_("등급 하향 유예(개월)"), default=3)
    tiers_evaluated_for = models.CharField(max_length=7, blank=True)  # "2026-11": the last monthly run
    referral_referrer_points = models.PositiveIntegerField(_("추천인 적립 포인트"), default=3000)
    referral_referee_points = models.PositiveIntegerField(_("피추천인 적립 포인트"), default=2000)
    referral_min_order_won = models.PositiveBigIntegerField(
        _("추천 인정 최소 첫 구매 금액(원)"), default=30_000
    )
    referral_monthly_cap = models.PositiveSmallIntegerField(_("추천인 월 보상 한도(건)"), default=5)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("포인트 프로그램")
        verbose_name_plural = _("포인트 프로그램")

    def __str__(self) -> str:
        return str(_("포인트 프로그램"))

    @classmethod
    def current(cls) -> Program:
        program, _created = cls.objects.get_or_create(pk=1)
        return program


class Source(models.TextChoices):
    ORDER = "order", _("주문")
    CASE = "case", _("VOC 보상")
    REFERRAL = "referral", _("추천")
    CAMPAIGN = "campaign", _("이벤트")
    MANUAL = "manual", _("수동 조정")
    REWARD = "reward", _("리워드 교환")
    SYSTEM = "system", _("시스템")


class PointBalance(models.Model):
    """The sums of a customer's ledger, one row per customer; never written except with its entry."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="point_balance", primary_key=True
    )
    available = models.BigIntegerField(_("사용 가능"), default=0)
    pending = models.BigIntegerField(_("적립 예정"), default=0)
    held = models.BigIntegerField(_("사용 보류"), default=0)
    debt = models.BigIntegerField(_("회수 미결(음수 잔액)"), default=0)
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("포인트 잔액")
        verbose_name_plural = _("포인트 잔액")
        permissions = [
            ("redeem_points", _("포인트 적립/사용 처리(POS·온라인몰)")),
            ("adjust_points", _("포인트 조정")),
            ("approve_adjustment", _("한도 초과 포인트 조정 승인")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(available__gte=0) & Q(pending__gte=0) & Q(held__gte=0) & Q(debt__gte=0),
                name="pointbalance_buckets_nonnegative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.available:,}P"

    @property
    def net(self) -> int:
        return self.available - self.debt


class PointEntry(models.Model):
    """One movement of points. Append-only: never updated or deleted (a mistake is corrected by a new entry)."""

    class Kind(models.TextChoices):
        EARN = "earn", _("적립")
        EARN_PENDING = "earn_pending", _("적립 예정")
        CONFIRM = "confirm", _("적립 확정")
        HOLD = "hold", _("사용 보류")
        CAPTURE = "capture", _("사용")
        RELEASE = "release", _("보류 해제")
        REDEEM = "redeem", _("사용")
        RETURN = "return", _("사용 포인트 환원")
        EXPIRE = "expire", _("소멸")
        ADJUST = "adjust", _("조정")
        CLAWBACK = "clawback", _("회수")
        SETTLE = "settle", _("미결 회수 정산")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="point_entries")
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("출처"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("출처 참조"), max_length=120, blank=True)
    reason = models.CharField(_("사유"), max_length=300, blank=True)
    available_delta = models.BigIntegerField(default=0)
    pending_delta = models.BigIntegerField(default=0)
    held_delta = models.BigIntegerField(default=0)
    debt_delta = models.BigIntegerField(default=0)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hold = models.ForeignKey(
        "rewards.PointHold", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    # Makes a job or a retried call safe: the same event ("earn:order:12", "expire:lot:7") is written once.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("일시"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "-at"], name="pointentry_customer_time")]
        verbose_name = _("포인트 내역")
        verbose_name_plural = _("포인트 내역")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+,}P"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("point entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("point entries are append-only")

    @property
    def points(self) -> int:
        """The change the customer sees: spendable plus pending points (a hold moves points, so -n)."""
        return self.available_delta + self.pending_delta - self.debt_delta


class PointLot(models.Model):
    """Points earned together, with their own expiry; `remaining` is what is left of them to spend."""

    class Status(models.TextChoices):
        PENDING = "pending", _("적립 예정")
        ACTIVE = "active", _("사용 가능")
        EXPIRED = "expired", _("소멸")
        VOID = "void", _("취소")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="point_lots")
    entry = models.OneToOneField(PointEntry, on_delete=models.PROTECT, related_name="lot")
    source = models.CharField(_("출처"), max_length=20, choices=Source.choices)
    points = models.BigIntegerField(_("적립 포인트"))
    remaining = models.BigIntegerField(_("남은 포인트"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices)
    earned_at = models.DateTimeField(_("적립일시"))
    available_at = models.DateTimeField(_("확정일시"))
    expires_at = models.DateTimeField(_("소멸일시"), db_index=True)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)  # advance notice of expiry sent

    class Meta:
        ordering = ["expires_at", "id"]
        indexes = [models.Index(fields=["customer", "status", "expires_at"], name="pointlot_fifo")]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0) & Q(remaining__gte=0) & Q(remaining__lte=models.F("points")),
                name="pointlot_remaining_within_points",
            )
        ]
        verbose_name = _("적립 포인트 묶음")
        verbose_name_plural = _("적립 포인트 묶음")

    def __str__(self) -> str:
        return f"{self.remaining:,}/{self.points:,}P ~{self.expires_at:%Y-%m-%d}"


class LotConsumption(models.Model):
    """What one entry took from (positive) or gave back to (negative) one lot."""

    lot = models.ForeignKey(PointLot, on_delete=models.PROTECT, related_name="consumptions")
    entry = models.ForeignKey(PointEntry, on_delete=models.PROTECT, related_name="consumptions")
    hold = models.ForeignKey(
        "rewards.PointHold", on_delete=models.PROTECT, null=True, blank=True, related_name="consumptions"
    )
    points = models.BigIntegerField()

    def __str__(self) -> str:
        return f"lot {self.lot_id} {self.points:+,}"


class PointHold(models.Model):
    """A redemption: points reserved for a checkout (held), then captured or released. A direct redemption is
    a hold captured in the same call. The idempotency key makes a retried POS call return the same row."""

    class Status(models.TextChoices):
        HELD = "held", _("보류")
        CAPTURED = "captured", _("사용 완료")
        RELEASED = "released", _("해제")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="point_holds")
    idempotency_key = models.CharField(_("요청 키"), max_length=100, unique=True)
    points = models.BigIntegerField(_("포인트"))
    order_ref = models.CharField(_("주문번호"), max_length=64, blank=True, db_index=True)
    order_amount = models.BigIntegerField(_("주문 금액(원)"), null=True, blank=True)
    source = models.CharField(_("용도"), max_length=20, choices=Source.choices, default=Source.ORDER)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.HELD)
    returned_points = models.BigIntegerField(_("환불로 돌려준 포인트"), default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="pointhold_points_positive"),
            models.CheckConstraint(
                condition=Q(returned_points__gte=0) & Q(returned_points__lte=models.F("points")),
                name="pointhold_returned_within_points",
            ),
        ]
        verbose_name = _("포인트 사용")
        verbose_name_plural = _("포인트 사용")

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.points:,}P {self.status}"


class OrderPoints(models.Model):
    """What the program did with one order: the points it earned and how much of its refund was clawed back."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="reward_points")
    lot = models.OneToOneField(PointLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.BigIntegerField(_("적립 기준 금액(원)"))
    points = models.BigIntegerField(_("적립 포인트"), default=0)
    refunded_base = models.BigIntegerField(default=0)  # already refunded when the points were earned
    refunded_seen = models.BigIntegerField(default=0)  # the order's refunded_amount last acted on
    clawed_back = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.points:,}P"


class AdjustmentRequest(models.Model):
    """A points adjustment above the limit, waiting for a manager."""

    class Status(models.TextChoices):
        PENDING = "pending", _("승인 대기")
        APPROVED = "approved", _("승인")
        REJECTED = "rejected", _("반려")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="point_adjustment_requests"
    )
    points = models.BigIntegerField(_("포인트(±)"))
    reason = models.CharField(_("사유"), max_length=300)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("처리 메모"), max_length=300, blank=True)
    entry = models.ForeignKey(PointEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("포인트 조정 요청")
        verbose_name_plural = _("포인트 조정 요청")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.points:+,}P {self.status}"


class EarnRule(models.Model):
    """A multiplier on the tier's earn rate for matching order lines: a category, a store, a channel, a period.
    Where several match, the highest applies (rules do not stack); 0 excludes the line."""

    name = models.CharField(_("이름"), max_length=100)
    category = models.ForeignKey(
        "orders.ProductCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("상품 분류"),
    )
    touchpoint = models.ForeignKey(
        "interactions.Touchpoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("매장/접점"),
    )
    channel = models.CharField(_("채널"), max_length=20, blank=True)
    multiplier = models.DecimalField(_("배수"), max_digits=5, decimal_places=2, default=1)
    starts_at = models.DateTimeField(_("시작"), null=True, blank=True)
    ends_at = models.DateTimeField(_("종료"), null=True, blank=True)
    active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(multiplier__gte=0), name="earnrule_multiplier")]
        verbose_name = _("적립 규칙")
        verbose_name_plural = _("적립 규칙")

    def __str__(self) -> str:
        return f"{self.name} ×{self.multiplier}"


class Tier(models.Model):
    """A membership tier: earned, public, distinct from the internal value tier (loyalty.ValueTier)."""

    class Rule(models.TextChoices):
        ANY = "any", _("구매액 또는 방문 횟수")
        ALL = "all", _("구매액과 방문 횟수 모두")

    code = models.SlugField(_("코드"), max_length=30, unique=True)
    name = models.CharField(_("이름"), max_length=40)
    rank = models.PositiveSmallIntegerField(_("순위(낮을수록 기본)"), unique=True)
    min_spend = models.PositiveBigIntegerField(_("기간 구매액(원) 이상"), default=0)
    min_visits = models.PositiveIntegerField(_("기간 구매일수 이상"), default=0)
    rule = models.CharField(_("조건"), max_length=3, choices=Rule.choices, default=Rule.ANY)
    earn_rate_percent = models.DecimalField(_("적립률(%)"), max_digits=5, decimal_places=2, default=1)
    discount_percent = models.PositiveSmallIntegerField(_("할인율(%)"), default=0)
    free_shipping = models.BooleanField(_("무료 배송"), default=False)
    priority_service = models.BooleanField(_("우선 상담"), default=False)
    birthday_coupon = models.ForeignKey(
        "rewards.CouponDefinition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("생일 쿠폰"),
    )
    upgrade_coupon = models.ForeignKey(
        "rewards.CouponDefinition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("승급 축하 쿠폰"),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("멤버십 등급")
        verbose_name_plural = _("멤버십 등급")

    def __str__(self) -> str:
        return self.name

    def qualifies(self, *, spend: int, visits: int) -> bool:
        checks = []
        if self.min_spend:
            checks.append(spend >= self.min_spend)
        if self.min_visits:
            checks.append(visits >= self.min_visits)
        if not checks:
            return True
        return all(checks) if self.rule == self.Rule.ALL else any(checks)


class Membership(models.Model):
    """A customer's current membership tier; every change is a TierChange."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="membership", primary_key=True
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="members")
    since = models.DateTimeField(_("등급 적용일"))
    evaluated_at = models.DateTimeField(_("최근 산정"))
    spend = models.BigIntegerField(_("기간 구매액(원)"), default=0)
    visits = models.PositiveIntegerField(_("기간 구매일수"), default=0)
    grace_until = models.DateField(_("하향 유예 기한"), null=True, blank=True)

    class Meta:
        verbose_name = _("멤버십")
        verbose_name_plural = _("멤버십")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.tier_id}"


class TierChange(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("최초 부여")
        UPGRADE = "upgrade", _("승급")
        GRACE = "grace", _("하향 유예 시작")
        RECOVERED = "recovered", _("유예 중 재달성")
        DOWNGRADE = "downgrade", _("하향")
        MERGE = "merge", _("고객 병합")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="tier_changes")
    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices)
    from_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    spend = models.BigIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    grace_until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("등급 변경 이력")
        verbose_name_plural = _("등급 변경 이력")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} → {self.to_tier_id}"


class ReferralCode(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="referral_codes"
    )
    code = models.CharField(_("추천 코드"), max_length=12, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("가입")
        REWARDED = "rewarded", _("첫 구매 보상")
        REJECTED = "rejected", _("거절")
        REVERSED = "reversed", _("환불로 취소")

    referrer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="referrals_made"
    )
    referee = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="referrals_received"
    )
    code = models.CharField(_("추천 코드"), max_length=12)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    reject_reason = models.CharField(_("거절 사유"), max_length=200, blank=True)
    referrer_capped = models.BooleanField(_("추천인 월 한도 초과"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    qualifying_order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A customer is somebody's referee once (a rejected attempt does not count).
            models.UniqueConstraint(
                fields=["referee"], condition=~Q(status="rejected"), name="referral_one_per_referee"
            )
        ]
        verbose_name = _("추천")
        verbose_name_plural = _("추천")

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.referee_id} ({self.status})"


class CouponDefinition(models.Model):
    class Kind(models.TextChoices):
        AMOUNT = "amount", _("정액(원)")
        PERCENT = "percent", _("정률(%)")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("직접 발급")
        BIRTHDAY = "birthday", _("생일")
        TIER_UPGRADE = "tier_upgrade", _("등급 승급")
        RECOVERY = "recovery", _("불만 회복")
        REWARD = "reward", _("포인트 교환")

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices, default=Kind.AMOUNT)
    value = models.PositiveBigIntegerField(_("할인 금액(원) 또는 비율(%)"))
    max_discount_won = models.PositiveBigIntegerField(
        _("최대 할인(원)"), default=0, help_text=_("0이면 제한 없음")
    )
    min_spend_won = models.PositiveBigIntegerField(_("최소 주문 금액(원)"), default=0)
    categories = models.ManyToManyField("orders.ProductCategory", blank=True, related_name="+")
    valid_days = models.PositiveSmallIntegerField(_("발급 후 유효일수"), default=30)
    trigger = models.CharField(_("발급 계기"), max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="amount") | Q(value__lte=100), name="coupondefinition_percent_le_100"
            )
        ]
        verbose_name = _("쿠폰")
        verbose_name_plural = _("쿠폰")

    def __str__(self) -> str:
        return self.name


class CouponIssue(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("사용 가능")
        REDEEMED = "redeemed", _("사용 완료")
        CANCELLED = "cancelled", _("취소")

    definition = models.ForeignKey(CouponDefinition, on_delete=models.PROTECT, related_name="issues")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="coupons")
    code = models.CharField(_("쿠폰 번호"), max_length=20, unique=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(_("유효기한"))
    source_ref = models.CharField(max_length=120, unique=True, null=True, blank=True)  # "birthday:2026:12"
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    redeem_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    order_ref = models.CharField(max_length=64, blank=True)
    order_amount = models.BigIntegerField(null=True, blank=True)
    discount_won = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("발급 쿠폰")
        verbose_name_plural = _("발급 쿠폰")

    def __str__(self) -> str:
        return self.code


class Reward(models.Model):
    """An item of the rewards catalogue: points exchanged for a coupon."""

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    points_cost = models.PositiveIntegerField(_("필요 포인트"))
    coupon = models.ForeignKey(
        CouponDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("쿠폰")
    )
    stock = models.PositiveIntegerField(_("남은 수량"), null=True, blank=True, help_text=_("비우면 무제한"))
    active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["points_cost", "name"]
        constraints = [models.CheckConstraint(condition=Q(points_cost__gt=0), name="reward_cost_positive")]
        verbose_name = _("리워드")
        verbose_name_plural = _("리워드")

    def __str__(self) -> str:
        return self.name
