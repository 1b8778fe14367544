"""Segments (who) and campaigns (what, to whom, measured against a held-out control group)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangol.campaigns.conditions import validate


class Segment(models.Model):
    """A named list of conditions over what Dangol knows (see dangol.campaigns.conditions). Dynamic segments are
    evaluated whenever they are used; a frozen one keeps the member ids it had when it was frozen."""

    class Kind(models.TextChoices):
        DYNAMIC = "dynamic", _("동적(사용할 때 다시 계산)")
        FROZEN = "frozen", _("고정(저장 시점 명단)")

    name = models.CharField(_("이름"), max_length=80, unique=True)
    description = models.CharField(_("설명"), max_length=300, blank=True)
    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices, default=Kind.DYNAMIC)
    definition = models.JSONField(_("조건"), default=list, blank=True)
    member_ids = models.JSONField(default=list, blank=True)  # frozen segments only
    frozen_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("세그먼트")
        verbose_name_plural = _("세그먼트")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.definition = validate(self.definition)  # never store a definition that cannot be evaluated
        super().save(*args, **kwargs)


class Campaign(models.Model):
    class Goal(models.TextChoices):
        SECOND_PURCHASE = "second_purchase", _("첫 구매 → 두 번째 구매")
        WIN_BACK = "win_back", _("이탈 고객 되찾기")
        CROSS_SELL = "cross_sell", _("교차 판매")
        TIER_UPGRADE = "tier_upgrade", _("등급 상향")
        REFERRAL = "referral", _("추천 요청")
        SURVEY = "survey", _("설문")

    class Offer(models.TextChoices):
        NONE = "none", _("혜택 없음")
        COUPON = "coupon", _("쿠폰")
        POINTS = "points", _("포인트")

    class Status(models.TextChoices):
        DRAFT = "draft", _("준비 중")
        QUEUED = "queued", _("발송 대기")
        RUNNING = "running", _("발송 중")
        DONE = "done", _("발송 완료")
        FAILED = "failed", _("실패")

    name = models.CharField(_("이름"), max_length=100)
    goal = models.CharField(_("목표"), max_length=20, choices=Goal.choices)
    segment = models.ForeignKey(
        Segment, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("세그먼트")
    )
    template = models.ForeignKey(
        "messaging.MessageTemplate",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("메시지 템플릿"),
    )
    channel = models.CharField(
        _("채널"), max_length=10, blank=True, help_text=_("비우면 고객이 동의한 채널 순서대로")
    )
    offer = models.CharField(_("혜택"), max_length=10, choices=Offer.choices, default=Offer.NONE)
    coupon = models.ForeignKey(
        "rewards.CouponDefinition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("쿠폰"),
    )
    points = models.PositiveIntegerField(_("포인트"), default=0)
    send_at = models.DateTimeField(_("발송 시각"), null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(
        _("전환 측정 기간(일)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    control_share = models.DecimalField(
        _("대조군 비율"),
        max_digits=4,
        decimal_places=3,
        default=0.1,
        validators=[MinValueValidator(0), MaxValueValidator(0.5)],
    )
    seed = models.PositiveIntegerField(default=0)  # the holdout draw; set from the id at creation
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    progress_total = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=dict, blank=True)  # launch counts: capped, queued, blocked by rule …
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # when the members were assigned and queued
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("launch_campaign", _("캠페인 발송"))]
        verbose_name = _("캠페인")
        verbose_name_plural = _("캠페인")

    def __str__(self) -> str:
        return self.name

    @property
    def ref_prefix(self) -> str:
        return f"campaign:{self.pk}:"


class CampaignMember(models.Model):
    """One customer of a launched campaign, in the treated arm (messaged, offered) or the control arm (held out)."""

    class Arm(models.TextChoices):
        TREATED = "treated", _("발송군")
        CONTROL = "control", _("대조군")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    arm = models.CharField(max_length=8, choices=Arm.choices)
    stratum = models.CharField(max_length=20, blank=True)  # the value tier at assignment
    queued = models.BooleanField(default=False)  # treated: the message and offer were handled

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaignmember_once"),
        ]
        indexes = [models.Index(fields=["customer"], name="campaignmember_customer")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id} {self.arm}"


class CrossSellPick(models.Model):
    """A category this customer is likely to buy next and has never bought ("customers who buy X also buy Y"),
    stored by the cross-sell job (dangol.campaigns.crosssell.picks_refresh) for the segment condition
    `likely_to_buy`. Rebuilt whole on every run; derived data, deleted when the person is forgotten."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(
        _("카테고리"), max_length=100
    )  # the category's name, as mined from the snapshot
    rank = models.PositiveSmallIntegerField(_("순위"))  # 1 = the best pick
    score = models.FloatField(_("점수"))  # the sum of the confidences of the rules pointing at it
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "category"], name="crosssellpick_once")]
        indexes = [models.Index(fields=["category", "customer"], name="crosssellpick_category")]
        verbose_name = _("교차 판매 추천")
        verbose_name_plural = _("교차 판매 추천")

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.rank}:{self.category}"
