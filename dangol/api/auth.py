from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
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
}


def effective_scopes(*, user: User, scopes: list[str]) -> list[str]:
    """The token's scopes that the user's current role can back; unknown scopes are dropped."""
    return [
        scope for scope in scopes if any(user.has_perm(perm) for perm in SCOPE_PERMISSIONS.get(scope, ()))
    ]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dgl_…`; each endpoint checks a scope against `request.auth.scopes`, which here
    becomes the token's scopes capped by its user's role (never saved: the token keeps what it was given)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith("dgl_") or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.scopes = effective_scopes(user=found.user, scopes=list(found.scopes))
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found
