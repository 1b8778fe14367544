from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
        raise ValueError(_("알 수 없는 역할입니다: %(role)s") % {"role": role})
    user = User.objects.create_user(
        username=username, password=password, email=email, is_staff=role == Role.ADMIN
    )
    StaffProfile.objects.create(user=user, team=team, role=role, display_name=display_name or username)
    user.groups.set([Group.objects.get(name=role)])
    return user


@transaction.atomic
def staff_set_role(*, user: User, role: str) -> None:
    """The role decides the permissions (its group); only admins reach the Django admin site."""
    if role not in Role.values:
        raise ValueError(_("알 수 없는 역할입니다: %(role)s") % {"role": role})
    StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
    user.groups.set([Group.objects.get(name=role)])
    if user.is_staff != (role == Role.ADMIN):
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])


def staff_set_team(*, user: User, team: Team | None, display_name: str | None = None) -> None:
    values: dict[str, object] = {"team": team}
    if display_name is not None:
        values["display_name"] = display_name.strip() or user.get_username()
    StaffProfile.objects.update_or_create(user=user, defaults=values)


@transaction.atomic
def staff_change(*, user: User, role: str, team: Team | None, display_name: str, by: User) -> None:
    """What the staff page changes on a login: role, team and the name shown to colleagues."""
    if user.pk == by.pk and role != Role.ADMIN:
        # Otherwise the last admin can lock everyone out of the staff page.
        raise ValidationError(_("자기 자신의 관리자 역할은 바꿀 수 없습니다. 다른 관리자에게 요청하세요."))
    staff_set_role(user=user, role=role)
    staff_set_team(user=user, team=team, display_name=display_name)


def staff_set_active(*, user: User, active: bool, by: User) -> None:
    """Deactivate a login (it can no longer sign in; its open sessions stop working) or restore it.
    Its history stays: cases, notes and logs keep pointing at the account."""
    if user.pk == by.pk and not active:
        raise ValidationError(_("자기 자신의 로그인은 비활성화할 수 없습니다."))
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active


def api_token_create(*, user: User, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if unknown:
        raise ValueError(_("알 수 없는 권한 범위입니다: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))})
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
        raise PermissionError(_("로그인이 필요합니다."))
    return user
