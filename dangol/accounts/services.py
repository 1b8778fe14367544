from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from dangol.accounts.models import ApiToken, Role, StaffProfile, Team


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: str,
    team: Team | None = None,
    display_name: str = "",
    email: str = "",
) -> User:
    if role not in Role.values:
        raise ValueError(f"알 수 없는 역할입니다: {role}")
    user = User.objects.create_user(
        username=username, password=password, email=email, is_staff=role == Role.ADMIN
    )
    StaffProfile.objects.create(user=user, team=team, role=role, display_name=display_name or username)
    user.groups.set([Group.objects.get(name=role)])
    return user


@transaction.atomic
def staff_set_role(*, user: User, role: str) -> None:
    if role not in Role.values:
        raise ValueError(f"알 수 없는 역할입니다: {role}")
    StaffProfile.objects.filter(user=user).update(role=role)
    user.groups.set([Group.objects.get(name=role)])


def api_token_create(*, user: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if unknown:
        raise ValueError(f"알 수 없는 권한 범위입니다: {', '.join(sorted(unknown))}")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:12], key_hash=ApiToken.hash_key(key), scopes=sorted(set(scopes))
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def staff_of(request: object) -> User:
    """The logged-in member of staff behind a request (pages and API both require one)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionError("로그인이 필요합니다.")
    return user
