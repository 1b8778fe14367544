"""Deployment checks (`manage.py check --deploy`) for what Django's own checks only warn about."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.translation import gettext as _

# Keys that have been in the repository: anyone can sign sessions and password-reset links with them.
PUBLIC_SECRET_KEYS = frozenset({"dangol-insecure-development-key-change-me-in-production-0123456789"})


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    key = settings.SECRET_KEY
    if key in PUBLIC_SECRET_KEYS or len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        return [
            Error(
                _("비밀 키(SECRET_KEY)가 공개된 값이거나 너무 약합니다."),
                hint=_("DANGOL_SECRET_KEY 에 50자 이상의 무작위 값을 넣으세요."),
                id="dangol.E001",
            )
        ]
    if not getattr(settings, "DANGOL_SECRET_KEY_FROM_ENV", False):
        return [
            Error(
                _("DANGOL_SECRET_KEY 가 설정되지 않아 var/ 에 자동 생성한 비밀 키를 쓰고 있습니다."),
                hint=_("운영 서버에서는 DANGOL_SECRET_KEY 에 무작위 값을 넣으세요 (모든 서버가 같은 값)."),
                id="dangol.E002",
            )
        ]
    return []
