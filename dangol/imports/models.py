from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("고객")
        ORDERS = "orders", _("주문")
        SURVEY_RESPONSES = "survey_responses", _("설문 응답")  # queued by dangol.surveys.importing

    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        RUNNING = "running", _("진행 중")
        DONE = "done", _("완료")
        FAILED = "failed", _("실패")

    class OnError(models.TextChoices):
        ABORT = "abort", _("오류가 있으면 전체 취소")
        SKIP = "skip", _("오류 행만 건너뛰기")

    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("파일명"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    # What the importer of this kind needs besides the file, e.g. {"survey": 3}.
    options = models.JSONField(default=dict, blank=True)
    on_error = models.CharField(_("오류 처리"), max_length=10, choices=OnError.choices, default=OnError.ABORT)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("가져오기 작업")
        verbose_name_plural = _("가져오기 작업")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
