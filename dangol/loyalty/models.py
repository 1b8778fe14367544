"""Customer value as computed by the analytics engine (dangol.analytics), written back for the pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueTier(models.TextChoices):
    SUPER = "super", _("초우량")
    SUPERIOR = "superior", _("우량")
    REGULAR = "regular", _("일반")
    CARE = "care", _("관리")


# The engine (dangol.analytics) names tiers in Korean.
ENGINE_TIERS = {
    "초우량": ValueTier.SUPER,
    "우량": ValueTier.SUPERIOR,
    "일반": ValueTier.REGULAR,
    "관리": ValueTier.CARE,
}


class LadderStage(models.TextChoices):
    """The ladder of 001 (관계 맺기) and the two states of a fading relationship. The rules that assign them
    are data in dangol.analytics.segments.LadderRules, printed on the value page."""

    PROSPECT = "prospect", _("잠재고객")
    FIRST_PURCHASE = "first_purchase", _("첫 거래")
    REGULAR = "regular", _("단골")
    ADVOCATE = "advocate", _("옹호자")
    PARTNER = "partner", _("동반자")
    AT_RISK = "at_risk", _("이탈 우려")
    LAPSED = "lapsed", _("거래 중단")


# Lowest first: a move to a later entry is a rise. A fading relationship ranks below every rung that is
# still buying, so 단골 → 이탈 우려 counts as a fall and 거래 중단 → 단골 as a rise.
STAGE_ORDER = [
    LadderStage.LAPSED.value,
    LadderStage.AT_RISK.value,
    LadderStage.PROSPECT.value,
    LadderStage.FIRST_PURCHASE.value,
    LadderStage.REGULAR.value,
    LadderStage.ADVOCATE.value,
    LadderStage.PARTNER.value,
]

# BG/NBD lets a customer drop out only after a repeat purchase, so anyone who bought once has P(alive) = 1:
# right in the model, misleading on a badge. P(alive) is shown from this many purchases (distinct days) on.
P_ALIVE_MIN_PURCHASES = 2

RFM_SEGMENTS_KO = {
    "Champions": "최우수",
    "Loyal": "충성",
    "Potential loyalist": "충성 잠재",
    "New": "신규",
    "Promising": "유망",
    "Need attention": "관심 필요",
    "About to sleep": "이탈 직전",
    "At risk": "이탈 위험",
    "Can't lose": "놓치면 안 될",
    "Hibernating": "휴면",
    "Lost": "이탈",
}


class ValueRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("진행 중")
        DONE = "done", _("완료")
        FAILED = "failed", _("실패")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    end_date = models.DateField()
    n_customers = models.PositiveIntegerField(default=0)
    n_transactions = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    output_dir = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CustomerValue(models.Model):
    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="value", primary_key=True
    )
    run = models.ForeignKey(ValueRun, on_delete=models.SET_NULL, null=True, related_name="+")
    frequency = models.PositiveIntegerField(default=0)
    recency = models.FloatField(default=0)
    age = models.FloatField(default=0)
    monetary = models.FloatField(default=0)
    rfm_r = models.PositiveSmallIntegerField(default=0)
    rfm_f = models.PositiveSmallIntegerField(default=0)
    rfm_m = models.PositiveSmallIntegerField(default=0)
    rfm_segment = models.CharField(max_length=30, blank=True, db_index=True)
    probability_alive = models.FloatField(null=True, blank=True)
    expected_purchases = models.FloatField(null=True, blank=True)
    # last purchase + 1 / E[λ | x, t_x, T] of the run's BG/NBD fit (dangol.loyalty.rhythm); None: never bought
    expected_next_purchase = models.DateField(_("다음 예상 구매일"), null=True, blank=True, db_index=True)
    clv = models.BigIntegerField(_("예상 고객생애가치(원)"), default=0, db_index=True)
    value_tier = models.CharField(
        _("가치 등급"), max_length=10, choices=ValueTier.choices, blank=True, db_index=True
    )
    stage = models.CharField(
        _("관계 단계"), max_length=16, choices=LadderStage.choices, blank=True, db_index=True
    )
    previous_tier = models.CharField(max_length=10, choices=ValueTier.choices, blank=True)
    previous_stage = models.CharField(max_length=16, choices=LadderStage.choices, blank=True)
    previous_probability_alive = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()
    # Set when the customer's history changed under the value (a merge); the next value_refresh clears it.
    stale = models.BooleanField(_("재계산 대기"), default=False)

    class Meta:
        verbose_name = _("고객 가치")
        verbose_name_plural = _("고객 가치")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.value_tier} {self.stage}"

    @property
    def purchases(self) -> int:
        """Distinct purchase days up to the run's end date (`frequency` counts the repeat ones)."""
        return 0 if self.stage in ("", LadderStage.PROSPECT) else self.frequency + 1

    @property
    def probability_alive_shown(self) -> float | None:
        """P(alive) when there is enough history for it to mean something (P_ALIVE_MIN_PURCHASES), else None."""
        return self.probability_alive if self.purchases >= P_ALIVE_MIN_PURCHASES else None

    @property
    def rfm_segment_ko(self) -> str:
        return RFM_SEGMENTS_KO.get(self.rfm_segment, self.rfm_segment)
