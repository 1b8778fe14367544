"""The customer's side: one-time sign-in codes, short portal sessions, photos the customer uploaded."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginCode(models.Model):
    """A one-time code sent to a mobile number. Neither the number nor the code is stored in clear: both are
    keyed hashes (a 6-digit code hashed without a key could be reversed by trying all million). A row is made
    for every request, registered number or not, so nothing here tells whether a number is a customer's."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("로그인 인증번호")
        verbose_name_plural = _("로그인 인증번호")

    def __str__(self) -> str:
        return f"code {self.pk}"


class PortalSession(models.Model):
    """A customer signed in to the portal: the cookie holds a random key signed by the server, the row its
    hash. Ended by the customer (sign out), by idleness, or by its hard limit. Never a staff login."""

    key_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("고객")
    )
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField()  # the hard limit, however active the customer is
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("셀프서비스 접속")
        verbose_name_plural = _("셀프서비스 접속")

    def __str__(self) -> str:
        return f"session {self.pk}"


class Photo(models.Model):
    """A photo the customer attached to a case, checked by its content and stripped of metadata (EXIF, GPS).
    Stored outside the static and media paths; served only to its owner."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("고객")
    )
    case = models.ForeignKey("voc.Case", on_delete=models.CASCADE, related_name="+")
    # The customer's message it came with; empty for the photos sent with the inquiry itself.
    event = models.ForeignKey(
        "voc.CaseEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)  # relative to dangol.portal.images.upload_dir()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("고객 첨부 사진")
        verbose_name_plural = _("고객 첨부 사진")

    def __str__(self) -> str:
        return str(self.uid)
