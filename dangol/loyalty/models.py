"""Customer value as computed by the analytics engine (dangol.analytics), written back for the pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueTier(models.TextChoices):
    SUPER = "super", _("초우량")
    SUPERIOR = "superior", _("우량")
    REGULAR = "regular", _("일반")
    CARE = "care", _("관리")


class LadderStage(models.TextChoices):
    PROSPECT = "prospect", _("잠재고객")
    FIRST_PURCHASE = "first_purchase", _("첫 거래")
    REGULAR = "regular", _("단골")
    ADVOCATE = "advocate", _("옹호자")
    PARTNER = "partner", _("동반자")


STAGE_ORDER = [s.value for s in LadderStage]

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
    def rfm_segment_ko(self) -> str:
        return RFM_SEGMENTS_KO.get(self.rfm_segment, self.rfm_segment)
