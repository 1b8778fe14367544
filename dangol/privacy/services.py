from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from dangol.privacy.models import AccessLog

PERSONAL_DATA_PERMISSION = "customers.view_personal_data"


def can_see_personal_data(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION))


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind a proxy (DANGOL_BEHIND_PROXY) REMOTE_ADDR is the proxy's: the client is the
    last X-Forwarded-For entry, the one our proxy appended (earlier entries come from the client, unchecked)."""
    if request is None:
        return None
    if getattr(settings, "DANGOL_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def access_log_write(
    *,
    staff: User,
    action: str,
    fields: Iterable[str],
    customer_id: int | None = None,
    customer_count: int = 1,
    request: HttpRequest | None = None,
    channel: str = "web",
    detail: str = "",
) -> AccessLog:
    return AccessLog.objects.create(
        staff=staff,
        action=action,
        fields=",".join(sorted(set(fields))),
        customer_id=customer_id,
        customer_count=customer_count,
        ip=client_ip(request),
        channel=channel,
        detail=detail[:300],
    )
