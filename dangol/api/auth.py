from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from dangol.accounts.models import ApiToken

Scope = ApiToken.Scope

# The role permissions each scope stands for. A token may use a scope only while its user's role holds
# at least one of them; an endpoint that does one particular thing within a scope (edit, not create)
# asks for that permission as well. Checked on every request, so a demotion takes effect at once.
SCOPE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Scope.CUSTOMERS_READ: ("customers.view_customer",),
    Scope.CUSTOMERS_WRITE: ("customers.add_customer", "customers.change_customer"),
    Scope.INTERACTIONS_READ: ("interactions.view_interaction",),
    Scope.INTERACTIONS_WRITE: ("interactions.add_interaction",),
    Scope.ORDERS_WRITE: ("orders.add_order",),
    Scope.PERSONAL_DATA: ("customers.view_personal_data",),
    Scope.VOC_READ: ("voc.view_case",),
    # Changing a case also needs voc.change_case (voc.services.can_work_on).
    Scope.VOC_WRITE: ("voc.add_case",),
    # Survey reads include every response and the Kano results computed from them.
    Scope.SURVEYS_READ: ("surveys.view_response",),
    Scope.SURVEYS_WRITE: ("surveys.add_survey", "surveys.add_invitation", "surveys.add_response"),
    Scope.REWARDS_READ: ("rewards.view_pointbalance",),
    # Earning and redeeming at a till or in the online shop (the agent role: store staff).
    Scope.REWARDS_WRITE: ("rewards.redeem_points",),
    Scope.SEGMENTS_READ: ("campaigns.view_segment",),
    Scope.PRIVACY_READ: ("lifecycle.view_subjectrequest",),
    # Opening a request (agents take them on the phone); acting on one also needs lifecycle.handle_subjectrequest.
    Scope.PRIVACY_WRITE: ("lifecycle.add_subjectrequest", "lifecycle.handle_subjectrequest"),
}

# How long a process reuses a token's user and effective scopes without looking at the permissions again.
# Revocation, deactivation and a change of role never wait for it: every request reads the token's row, its
# user's `is_active`/`is_superuser` and group ids in one hand-written query (the fingerprint below), and a
# different fingerprint rebuilds the entry. Only a change of a role's permission set (a deployment's
# migrations: roles.role_groups_sync) relies on the signals below in this process and on the TTL in the others.
TOKEN_CACHE_SECONDS = 30.0
TOUCH_SECONDS = 60  # last_used_at is written at most once a minute per token


@dataclass(frozen=True)
class _Entry:
    fingerprint: tuple[Any, ...]
    token: ApiToken
    scopes: list[str]
    until: float


_cache: dict[str, _Entry] = {}
_cache_lock = threading.Lock()


def token_cache_clear(**_kwargs: Any) -> None:
    """Forget every cached token (this process). Called by the signals below; tests may call it too."""
    with _cache_lock:
        _cache.clear()


# A token or a user saved through the ORM, or a change of a role's permissions or a user's groups or own
# permissions: forget at once (this process; the fingerprint covers the other processes except for a role's
# permission set, which the TTL covers).
for _model in (ApiToken, User, Group):
    post_save.connect(
        token_cache_clear, sender=_model, dispatch_uid=f"api-token-cache-save-{_model.__name__}"
    )
    post_delete.connect(
        token_cache_clear, sender=_model, dispatch_uid=f"api-token-cache-delete-{_model.__name__}"
    )
for _through in (Group.permissions.through, User.groups.through, User.user_permissions.through):
    m2m_changed.connect(
        token_cache_clear, sender=_through, dispatch_uid=f"api-token-cache-m2m-{_through.__name__}"
    )


def effective_scopes(*, user: User, scopes: list[str]) -> list[str]:
    """The token's scopes that the user's current role can back; unknown scopes are dropped."""
    return [
        scope for scope in scopes if any(user.has_perm(perm) for perm in SCOPE_PERMISSIONS.get(scope, ()))
    ]


_FINGERPRINT_SQL = (
    "SELECT t.id, t.user_id, t.scopes, u.is_active, u.is_superuser, "
    "(SELECT {groups} FROM auth_user_groups g WHERE g.user_id = t.user_id), "
    "CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END "
    "FROM accounts_apitoken t JOIN auth_user u ON u.id = t.user_id "
    "WHERE t.key_hash = %s AND t.revoked_at IS NULL"
)
# The user's group ids as one text ("3,5"); the same query on both databases otherwise.
FINGERPRINT_SQL = {
    "postgresql": _FINGERPRINT_SQL.format(
        groups="string_agg(CAST(g.group_id AS text), ',' ORDER BY g.group_id)"
    ),
    "sqlite": _FINGERPRINT_SQL.format(groups="group_concat(g.group_id)"),
}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dgl_…`; each endpoint checks a scope against `request.auth.scopes`, which here
    becomes the token's scopes capped by its user's role (never saved: the token keeps what it was given).

    One hand-written query per request reads what decides the answer (the token not revoked, its user active,
    the user's groups, the token's scopes); the user and the role-capped scopes computed from them are kept
    per process for TOKEN_CACHE_SECONDS under that fingerprint, so the ORM's token lookup and the permission
    queries run once per token and role, not once per request."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith("dgl_") or len(token) > 200:
            return None
        key_hash = ApiToken.hash_key(token)
        now = timezone.now()
        stale_before = connection.ops.adapt_datetimefield_value(now - dt.timedelta(seconds=TOUCH_SECONDS))
        # prepared once it has run twice on a PostgreSQL connection (settings)
        with connection.cursor() as cursor:
            cursor.execute(FINGERPRINT_SQL[connection.vendor], [stale_before, key_hash])
            row = cursor.fetchone()
        if row is None or not row[3]:  # unknown or revoked token, or an inactive user
            return None
        if row[6]:
            ApiToken.objects.filter(pk=row[0]).update(last_used_at=now)
        groups = row[5]
        if groups is not None and not isinstance(groups, str):
            groups = str(groups)
        fingerprint = (row[0], row[1], str(row[2]), bool(row[4]), ",".join(sorted((groups or "").split(","))))
        entry = _cache.get(key_hash)
        if entry is None or entry.fingerprint != fingerprint or entry.until < time.monotonic():
            found = ApiToken.objects.select_related("user").filter(pk=row[0]).first()
            if found is None:
                return None
            entry = _Entry(
                fingerprint=fingerprint,
                token=found,
                scopes=effective_scopes(user=found.user, scopes=list(found.scopes)),
                until=time.monotonic() + TOKEN_CACHE_SECONDS,
            )
            with _cache_lock:
                _cache[key_hash] = entry
        found = copy.copy(entry.token)  # each request its own token object; the user is shared (read-only)
        found.scopes = list(entry.scopes)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found
