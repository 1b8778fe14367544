from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("관리자")
    MANAGER = "manager", _("매니저")
    AGENT = "agent", _("상담원")
    ANALYST = "analyst", _("분석가")
    VIEWER = "viewer", _("조회자")
    # 개인정보 보호책임자: acts on data-subject requests and sees the destruction log, no marketing rights
    # (its permissions: dangol/lifecycle/permissions.py).
    PRIVACY_OFFICER = "privacy_officer", _("개인정보 보호책임자")


class Team(models.Model):
    """A team or department: the process owner that complaints are routed to."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("부서")
        TEAM = "team", _("팀")

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    process = models.CharField(_("담당 프로세스"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("팀")
        verbose_name_plural = _("팀")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    display_name = models.CharField(_("표시 이름"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("직원")
        verbose_name_plural = _("직원")

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()


class ApiToken(models.Model):
    """A token for integrations. Only a SHA-256 hash of the secret is stored."""

    class Scope(models.TextChoices):
        CUSTOMERS_READ = "customers:read", _("고객 조회")
        CUSTOMERS_WRITE = "customers:write", _("고객 등록/수정")
        INTERACTIONS_READ = "interactions:read", _("상호작용 조회")
        INTERACTIONS_WRITE = "interactions:write", _("상호작용 등록")
        ORDERS_WRITE = "orders:write", _("주문 등록")
        PERSONAL_DATA = "personal_data", _("개인정보 원문")
        VOC_READ = "voc:read", _("VOC 조회")
        VOC_WRITE = "voc:write", _("VOC 등록/처리")
        SURVEYS_READ = "surveys:read", _("설문 조회")
        SURVEYS_WRITE = "surveys:write", _("설문 등록/응답")
        REWARDS_READ = "rewards:read", _("포인트·멤버십 조회")
        REWARDS_WRITE = "rewards:write", _("포인트 적립/사용, 쿠폰 사용")
        SEGMENTS_READ = "segments:read", _("세그먼트 조회(고객 수)")
        PRIVACY_READ = "privacy:read", _("정보주체 요구 조회")
        PRIVACY_WRITE = "privacy:write", _("정보주체 요구 접수/처리")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("이름"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "dgl_" + secrets.token_urlsafe(32)
