from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who saw or exported whose personal data, when, from where (안전성 확보조치 기준 §8).

    Append-only: rows are never updated or deleted by the application.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("조회")
        EXPORT = "export", _("내보내기")
        CHANGE = "change", _("변경")
        DELETE = "delete", _("삭제")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    customer_count = models.PositiveIntegerField(default=1)
    action = models.CharField(max_length=10, choices=Action.choices)
    fields = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, default="web")
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("개인정보 접근 기록")
        verbose_name_plural = _("개인정보 접근 기록")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.staff_id} {self.action} {self.customer_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(gettext("접근 기록은 수정할 수 없습니다."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(gettext("접근 기록은 삭제할 수 없습니다."))


class RateCounter(models.Model):
    """How many requests one throttle key (a scope and a hashed client or contact) made in one fixed window.

    Kept in the database so every web worker and server shares the count (dangol.privacy.throttle); a row
    lives until its window ends and is deleted when a later window starts.
    """

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_one_per_window")
        ]
        verbose_name = _("요청 횟수 제한 기록")
        verbose_name_plural = _("요청 횟수 제한 기록")

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H:%M:%S} {self.hits}"
