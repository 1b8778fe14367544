from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Touchpoint(models.Model):
    """A place where a customer meets the business (고객 접점, DOMAIN §2)."""

    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("오프라인")
        DIGITAL = "digital", _("디지털")

    class Channel(models.TextChoices):
        STORE = "store", _("매장")
        CALL_CENTER = "call_center", _("콜센터")
        VISIT = "visit", _("방문 서비스")
        DELIVERY = "delivery", _("배송/포장")
        WEBSITE = "website", _("웹사이트")
        APP = "app", _("앱")
        SNS = "sns", _("SNS")
        EMAIL = "email", _("이메일")
        ADS = "ads", _("광고")

    PHYSICAL_CHANNELS = {Channel.STORE, Channel.CALL_CENTER, Channel.VISIT, Channel.DELIVERY}

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    kind = models.CharField(_("구분"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("채널"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["kind", "channel", "name"]
        verbose_name = _("접점")
        verbose_name_plural = _("접점")

    def __str__(self) -> str:
        return self.name


class AppendOnlyError(Exception):
    pass


class Interaction(models.Model):
    """Something that happened between a customer and us. Never edited or deleted."""

    class Type(models.TextChoices):
        INQUIRY = "inquiry", _("문의")
        PURCHASE = "purchase", _("구매")
        COMPLAINT = "complaint", _("불만")
        PRAISE = "praise", _("칭찬")
        VISIT = "visit", _("방문")
        CALL = "call", _("통화")
        MESSAGE = "message", _("메시지")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="interactions")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="interactions")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(_("일시"))
    type = models.CharField(_("유형"), max_length=20, choices=Type.choices)
    summary = models.CharField(_("요약"), max_length=200)
    body = models.TextField(_("내용"), blank=True)
    # Intent, emotion, difficult-customer cues and keywords read from the text (dangol.textmining).
    text_analysis = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_time")]
        verbose_name = _("상호작용")
        verbose_name_plural = _("상호작용")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(gettext("상호작용 기록은 수정할 수 없습니다."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(gettext("상호작용 기록은 삭제할 수 없습니다."))
