"""A user's permissions (their own and their groups') are read in one statement per request, and say exactly
what Django's ModelBackend says: the same set for every role, superusers everything, inactive users nothing; a
change made by an admin shows on the next request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User
from django.test import Client

from dangol.accounts.backends import PermissionsBackend


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache: what a new request starts with


def test_the_permissions_are_model_backends_for_every_role_and_a_user_permission(
    shop: dict[str, Any],
) -> None:
    own = Permission.objects.get(content_type__app_label="privacy", codename="view_accesslog")
    shop["agent"].user_permissions.add(own)  # a permission of the user's own, beside the role's (group's)
    users = [shop[role] for role in ("admin", "manager", "agent", "analyst", "viewer")]
    for user in users:
        expected = ModelBackend().get_all_permissions(_fresh(user))
        assert PermissionsBackend().get_all_permissions(_fresh(user)) == expected, user.username
        assert expected, user.username  # every role has some
    assert "privacy.view_accesslog" in PermissionsBackend().get_all_permissions(_fresh(shop["agent"]))


def test_one_statement_answers_every_permission_check_of_a_request(
    shop: dict[str, Any], django_assert_num_queries: Any
) -> None:
    agent = _fresh(shop["agent"])
    with django_assert_num_queries(1):  # Django's ModelBackend: two (the user's own, the groups')
        assert agent.has_perm("customers.add_note")
        assert not agent.has_perm("customers.view_personal_data")
        assert agent.has_module_perms("customers")
        assert not agent.has_perm("privacy.view_accesslog")


def test_superusers_have_every_permission_and_inactive_users_none(shop: dict[str, Any]) -> None:
    root = User.objects.create_superuser("root", password="pw-root-123")
    assert PermissionsBackend().get_all_permissions(_fresh(root)) == ModelBackend().get_all_permissions(
        _fresh(root)
    )
    every = {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    assert PermissionsBackend().get_all_permissions(_fresh(root)) == every
    User.objects.filter(pk=shop["agent"].pk).update(is_active=False)
    assert PermissionsBackend().get_all_permissions(_fresh(shop["agent"])) == set()


def test_it_never_authenticates_and_logins_still_work(client: Client, shop: dict[str, Any]) -> None:
    assert PermissionsBackend().authenticate(None, username="agent", password="pw-agent-123") is None
    response = client.post(
        "/login/", {"username": "agent", "password": "pw-agent-123"}, REMOTE_ADDR="10.9.0.1"
    )
    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200


def test_a_permission_given_to_a_role_shows_on_the_next_request(client: Client, shop: dict[str, Any]) -> None:
    client.post("/login/", {"username": "agent", "password": "pw-agent-123"}, REMOTE_ADDR="10.9.0.2")
    assert client.get("/privacy/access-log/").status_code == 403
    group = shop["agent"].groups.get()  # the agent role
    log = Permission.objects.get(content_type__app_label="privacy", codename="view_accesslog")
    group.permissions.add(log)
    assert client.get("/privacy/access-log/").status_code == 200
    group.permissions.remove(log)
    assert client.get("/privacy/access-log/").status_code == 403
