from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Promise(models.Model):
    """A commitment made to a customer, with an owner and a due time (DOMAIN §1)."""

    class Status(models.TextChoices):
        OPEN = "open", _("진행 중")
        KEPT = "kept", _("지킴")
        BROKEN = "broken", _("못 지킴")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="promises")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promises")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("약속 내용"), max_length=300)
    due_at = models.DateTimeField(_("기한"), db_index=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["customer", "status"], name="promise_customer_status")]
        verbose_name = _("약속")
        verbose_name_plural = _("약속")

    def __str__(self) -> str:
        return self.text
