"""Always-on journeys (triggered messages with a control group) and the next-best-action decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Journey(models.Model):
    """One always-on rule. The trigger is code (`dangol.journeys.triggers`); what a manager controls is here."""

    class Kind(models.TextChoices):
        FIRST_PURCHASE = "first_purchase", _("첫 구매 감사")
        SECOND_PURCHASE = "second_purchase", _("재구매 유도")
        WINBACK = "winback", _("이탈 방지(윈백)")
        REFERRAL = "referral", _("추천 요청(NPS 추천고객)")
        RECOVERY = "recovery", _("불만 해결 고객 감사")
        BIRTHDAY = "birthday", _("생일 축하")
        TIER_UPGRADE = "tier_upgrade", _("등급 승급 축하")
        TIER_WARNING = "tier_warning", _("등급 하향 예고")

    class Offer(models.TextChoices):
        NONE = "none", _("없음")
        COUPON = "coupon", _("할인 쿠폰(원)")
        POINTS = "points", _("포인트")

    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    enabled = models.BooleanField(_("사용"), default=True)
    control_share = models.FloatField(_("대조군 비율"), default=0.1)
    template_code = models.SlugField(_("메시지 템플릿"), max_length=60)
    offer = models.CharField(_("혜택"), max_length=10, choices=Offer.choices, default=Offer.NONE)
    offer_amount = models.PositiveIntegerField(_("혜택 금액·포인트(최대)"), default=0)
    # Win-back: the offer is this share of the customer's CLV, rounded to ₩1,000, at most offer_amount.
    offer_clv_share = models.FloatField(_("CLV 대비 혜택 비율"), default=0.0)
    threshold = models.FloatField(_("기준값"), null=True, blank=True)  # win-back: P(alive) below this
    conversion_days = models.PositiveSmallIntegerField(_("전환 기준(일)"), default=30)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("여정")
        verbose_name_plural = _("여정")
        permissions = [("manage_journey", _("여정 일시중지·재개"))]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A customer entering a journey for one occurrence of its trigger (unique: never enrolled twice for it).
    `control` customers get nothing; they are the comparison."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("발송 대기열")
        BLOCKED = "blocked", _("발송 규칙에 막힘")
        CONTROL = "control", _("대조군(미발송)")
        ERROR = "error", _("발송 오류")

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="enrolments")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="journey_enrolments"
    )
    occurrence = models.CharField(_("발생 키"), max_length=80)
    enrolled_at = models.DateTimeField(db_index=True)
    control = models.BooleanField(_("대조군"), default=False)
    stratum = models.CharField(_("층(가치 등급)"), max_length=12, blank=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices)
    offer_amount = models.PositiveIntegerField(default=0)
    # the offer was issued through rewards (treated, the message not stopped by a rule); its ref = purpose_ref
    offer_issued = models.BooleanField(_("혜택 지급"), default=False)
    purpose_ref = models.CharField(max_length=120, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "customer", "occurrence"], name="journey_enrol_once_per_occurrence"
            )
        ]
        indexes = [models.Index(fields=["journey", "enrolled_at"], name="enrolment_journey_time")]
        verbose_name = _("여정 참여")
        verbose_name_plural = _("여정 참여")

    def __str__(self) -> str:
        return f"{self.journey_id}:{self.customer_id}:{self.occurrence}"


class ActionDecision(models.Model):
    """What the agent did with a suggested next best action: accepted or dismissed (counted per action)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("수락")
        DISMISSED = "dismissed", _("보류")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="action_decisions"
    )
    action = models.CharField(_("행동"), max_length=30, db_index=True)
    decision = models.CharField(_("결정"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("제안 이유"), max_length=300, blank=True)
    expected_value = models.FloatField(default=0)
    marketing = models.BooleanField(default=False)
    # an accepted action with an offer (the journey's offer for that action) issues it once under offer_ref
    offer = models.CharField(max_length=10, blank=True)
    offer_amount = models.PositiveIntegerField(default=0)
    offer_ref = models.CharField(max_length=120, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("다음 행동 결정")
        verbose_name_plural = _("다음 행동 결정")

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.action}:{self.decision}"
