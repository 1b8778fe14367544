from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("이메일")
    SMS = "sms", "SMS"
    LMS = "lms", "LMS"
    ALIMTALK = "alimtalk", _("알림톡")
    BRAND = "brand", _("카카오 브랜드 메시지")


# The channels a template or a caller names; SMS and LMS are one choice ("sms"), the length decides which.
TEMPLATE_CHANNELS = [
    (Channel.EMAIL.value, Channel.EMAIL.label),
    (Channel.SMS.value, _("문자(SMS/LMS)")),
    (Channel.ALIMTALK.value, Channel.ALIMTALK.label),
    (Channel.BRAND.value, Channel.BRAND.label),
]
TEXT_CHANNELS = (Channel.SMS, Channel.LMS)
PHONE_CHANNELS = (Channel.SMS, Channel.LMS, Channel.ALIMTALK, Channel.BRAND)


class Kind(models.TextChoices):
    INFORMATIONAL = "informational", _("정보성")
    ADVERTISING = "advertising", _("광고성")


class MessageTemplate(models.Model):
    """What a message says, with `#{variable}` placeholders. Checked by rules.template_problems() at save."""

    code = models.SlugField(_("코드"), max_length=60, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    channels = models.JSONField(_("채널"), default=list, help_text=_("앞에 있는 채널을 먼저 씁니다."))
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, default=Kind.INFORMATIONAL)
    # The kind of goods an advert is about: the 6-month transaction exemption counts purchases of this kind only.
    goods_kind = models.CharField(_("상품 종류(광고)"), max_length=60, blank=True)
    subject = models.CharField(_("제목"), max_length=200, blank=True)
    body = models.TextField(_("본문"))
    alimtalk_template_id = models.CharField(_("알림톡 템플릿 ID"), max_length=100, blank=True)
    alimtalk_fallback = models.BooleanField(_("알림톡 실패 시 문자 대체발송"), default=True)
    active = models.BooleanField(_("사용"), default=True)
    system = models.BooleanField(
        default=False, editable=False
    )  # used by Dangol itself; cannot be switched off
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("메시지 템플릿")
        verbose_name_plural = _("메시지 템플릿")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Message(models.Model):
    """One message to one recipient, stored exactly as sent. The row is written in the caller's transaction
    (a transactional outbox); the worker sends it after commit."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        SENDING = "sending", _("보내는 중")
        SENT = "sent", _("보냄")
        DELIVERED = "delivered", _("도착")
        FAILED = "failed", _("실패")
        BLOCKED = "blocked", _("막힘")
        CANCELLED = "cancelled", _("취소")
        UNKNOWN = "unknown", _("확인 필요")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # our id, given to the provider
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(  # a message to a member of staff (notice e-mail) instead of a customer
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    purpose_ref = models.CharField(_("발송 사유"), max_length=120, unique=True)
    channel = models.CharField(_("채널"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    recipient = models.CharField(_("수신처"), max_length=254, blank=True)
    sender = models.CharField(_("발신처"), max_length=254, blank=True)
    subject = models.CharField(_("제목"), max_length=300, blank=True)
    body = models.TextField(_("본문"))
    # AlimTalk: the approved template, its variables and whether an SMS/LMS may stand in (대체발송).
    provider_options = models.JSONField(default=dict, blank=True)
    # Why an advert was allowed: "consent" or "transaction_6m" (the 6-month exemption); "" for information.
    legal_basis = models.CharField(max_length=20, blank=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    blocked_rule = models.CharField(_("막은 규칙"), max_length=40, blank=True)
    blocked_reason = models.CharField(_("막은 이유"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("야간 보류 해제"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The last attempt may have reached the provider (a timeout): look it up by uid before sending again.
    check_before_send = models.BooleanField(default=False)
    provider_message_id = models.CharField(max_length=120, blank=True, db_index=True)
    provider_status = models.CharField(max_length=40, blank=True)
    provider_reason = models.CharField(_("사업자 응답"), max_length=300, blank=True)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)  # failed, blocked, cancelled

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"), name="message_due"),
            models.Index(
                fields=["sending_started_at"], condition=Q(status="sending"), name="message_sending"
            ),
            models.Index(fields=["customer", "-created_at"], name="message_customer"),
        ]
        verbose_name = _("메시지")
        verbose_name_plural = _("메시지")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.purpose_ref} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


FINAL_STATUSES = (
    Message.Status.DELIVERED,
    Message.Status.FAILED,
    Message.Status.BLOCKED,
    Message.Status.CANCELLED,
)


class MessageEvent(models.Model):
    """The status history of a message, written in the same transaction as each change."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Message.Status.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status}"


class StaffNotice(models.Model):
    class Kind(models.TextChoices):
        CASE_ASSIGNED = "case_assigned", _("배정된 VOC 건")
        SLA_WARNING = "sla_warning", _("SLA 임박")
        SLA_BREACH = "sla_breach", _("SLA 초과")
        HANDOFF = "handoff", _("이관 받음")
        ESCALATION = "escalation", _("상향 보고")
        PROMISE_DUE = "promise_due", _("약속 기한 1시간 전")
        PROMISE_OVERDUE = "promise_overdue", _("약속 기한 지남")
        CUSTOMER_REPLIED = "customer_replied", _("고객 답장")
        EXIT_REVIEW = "exit_review", _("퇴출 검토 요청")
        MESSAGE_UNKNOWN = "message_unknown", _("발송 확인 필요")
        OTHER = "other", _("기타")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    # Set by callers that might notify twice for one event (an SLA warning per case): one notice per (user, ref).
    ref = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "ref"], condition=~Q(ref=""), name="notice_once_per_ref")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread")]
        verbose_name = _("직원 알림")
        verbose_name_plural = _("직원 알림")

    def __str__(self) -> str:
        return self.text[:40]


class StaffNoticePreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email_too = models.BooleanField(_("알림을 이메일로도 받기"), default=False)

    def __str__(self) -> str:
        return f"{self.user_id}: {'email' if self.email_too else 'in-app'}"


class ConsentReminder(models.Model):
    """One 수신동의 여부 확인 per customer per two-year period (정보통신망법 시행령 제62조의3)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("고객")
    )
    period_ref = models.CharField(max_length=80, unique=True)  # consent-reminder:<customer>:<anchor date>
    anchor_at = models.DateTimeField()  # the consent (or the last reminder) the period counts from
    purposes = models.JSONField(default=list)  # [{"purpose": ..., "label": ..., "granted_at": iso}, ...]
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reminded_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-reminded_at"]
        verbose_name = _("수신동의 여부 확인")
        verbose_name_plural = _("수신동의 여부 확인")

    def __str__(self) -> str:
        return self.period_ref
