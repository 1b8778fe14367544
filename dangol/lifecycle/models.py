"""The personal-data lifecycle (issue 17): data-subject requests and the destruction log.

A SubjectRequest is one request of a customer to see, correct, delete, stop the processing of, or have
explained an automated decision about their data (개인정보 보호법 제35조–제37조의2). It is answered within 10 days
(시행령 제41조·제43조·제44조); an extension or a refusal carries a reason that is sent to the customer. Every step is a
SubjectRequestEvent (the record of what was done). The DestructionLog says what the retention job or a deletion
destroyed — the kind of record, how many, under which rule, when — never the data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangol.customers.models import Customer


class Kind(models.TextChoices):
    ACCESS = "access", _("열람")
    CORRECTION = "correction", _("정정")
    DELETION = "deletion", _("삭제")
    SUSPENSION = "suspension", _("처리정지")
    EXPLANATION = "explanation", _("자동화된 결정 설명")


class Channel(models.TextChoices):
    PORTAL = "portal", _("고객 포털")
    PHONE = "phone", _("전화")
    LETTER = "letter", _("서면")
    EMAIL = "email", _("이메일")


class IdentityMethod(models.TextChoices):
    PORTAL_CODE = "portal_code", _("포털 휴대폰 인증번호")
    PHONE_CALLBACK = "phone_callback", _("등록 번호로 회신 전화")
    ID_DOCUMENT = "id_document", _("신분증 확인(번호 미수집)")
    REGISTERED_EMAIL = "registered_email", _("등록 이메일 회신")
    IN_PERSON = "in_person", _("매장 방문 본인 확인")


class SubjectRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("접수")
        EXTENDED = "extended", _("기한 연장")
        DONE = "done", _("처리 완료")
        REFUSED = "refused", _("거절")

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="subject_requests", verbose_name=_("고객")
    )
    kind = models.CharField(_("요구 종류"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("접수 경로"), max_length=10, choices=Channel.choices)
    detail = models.TextField(_("요구 내용"), blank=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.OPEN)
    received_at = models.DateTimeField(_("접수일시"), db_index=True)
    due_on = models.DateField(_("처리 기한"), db_index=True)
    extended_until = models.DateField(_("연장 기한"), null=True, blank=True)
    reason = models.TextField(_("연장·거절 사유"), blank=True)
    identity_method = models.CharField(
        _("본인 확인 방법"), max_length=20, choices=IdentityMethod.choices, blank=True
    )
    identity_verified_at = models.DateTimeField(_("본인 확인 일시"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("담당자"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("처리 결과"), blank=True)
    closed_at = models.DateTimeField(_("종결일시"), null=True, blank=True)
    suspension_lifted_at = models.DateTimeField(_("처리정지 해제일시"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        permissions = [("handle_subjectrequest", _("정보주체 요구 처리"))]
        verbose_name = _("정보주체 요구")
        verbose_name_plural = _("정보주체 요구")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def effective_due(self):  # type: ignore[no-untyped-def]
        return self.extended_until or self.due_on

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED)


class SubjectRequestEvent(models.Model):
    """Append-only: what was done on a request, by whom and when."""

    class Action(models.TextChoices):
        OPENED = "opened", _("접수")
        VERIFIED = "verified", _("본인 확인")
        ASSIGNED = "assigned", _("담당자 지정")
        EXTENDED = "extended", _("기한 연장")
        REFUSED = "refused", _("거절")
        EXPORTED = "exported", _("열람 자료 제공")
        CORRECTED = "corrected", _("정정")
        DELETED = "deleted", _("삭제(파기)")
        SUSPENDED = "suspended", _("처리정지")
        LIFTED = "lifted", _("처리정지 해제")
        EXPLAINED = "explained", _("설명 제공")
        NOTIFIED = "notified", _("고객 통지")
        DONE = "done", _("처리 완료")

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class DestructionLog(models.Model):
    """What was destroyed or pseudonymised: the kind of record, how many, which rule, when. Never the data."""

    rule = models.CharField(_("규칙"), max_length=40)
    record_kind = models.CharField(_("기록 종류"), max_length=100)
    count = models.PositiveIntegerField(_("건수"))
    method = models.CharField(_("방법"), max_length=20)  # "deleted" | "pseudonymised"
    at = models.DateTimeField(_("일시"), db_index=True)
    run_for = models.DateTimeField(_("기준 시각"))
    request = models.ForeignKey(
        SubjectRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("파기 기록")
        verbose_name_plural = _("파기 기록")

    def __str__(self) -> str:
        return f"{self.rule} {self.record_kind} {self.count}"
