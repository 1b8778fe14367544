"""Permission checks with a user's permissions read in one statement.

Django's `ModelBackend` reads a user's own permissions and their groups' permissions in two statements, each
built by the ORM, on the first permission check of every request (every page checks some: the menu does). Here
both come in one hand-written statement. The result is kept where `ModelBackend` keeps it (`_perm_cache` on the
user object), which lives for one request: a role or permission changed by an admin shows on the next request,
as before.

`PermissionsBackend` only answers permission checks: it never authenticates anyone, so logins, sessions and the
password check stay `ModelBackend`'s (listed after it in `AUTHENTICATION_BACKENDS`; `has_perm` asks the backends
in order, and `ModelBackend` then finds the permissions already read). Superusers keep `ModelBackend`'s reading
(every permission)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _permissions_sql() -> str:
    perm, ct = Permission._meta.db_table, ContentType._meta.db_table
    user_perms = User.user_permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    # The tables' own names from the models; the user's id is the only parameter (twice).
    return (
        f'SELECT ct."app_label", p."codename" FROM "{perm}" p INNER JOIN "{ct}" ct ON ct."id" = p."content_type_id" '  # noqa: S608
        f'WHERE p."id" IN (SELECT up."permission_id" FROM "{user_perms}" up WHERE up."user_id" = %s '
        f'UNION SELECT gp."permission_id" FROM "{group_perms}" gp INNER JOIN "{user_groups}" ug '
        f'ON ug."group_id" = gp."group_id" WHERE ug."user_id" = %s)'
    )


def permissions_of(user_id: int) -> set[str]:
    """ "app_label.codename" of every permission the user has, their own and their groups', in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_permissions_sql(), [user_id, user_id])
        return {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}


class PermissionsBackend(ModelBackend):
    """`ModelBackend`'s permission checks, the permissions read in one statement; never authenticates."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        return None  # ModelBackend authenticates (and hashes a wrong password once, not twice)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                return super().get_all_permissions(user_obj, obj)
            user_obj._perm_cache = permissions_of(user_obj.pk)
        perms: set[str] = user_obj._perm_cache
        return perms
