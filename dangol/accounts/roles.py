"""Roles are Django groups; this module is the one place that says what each may do."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from dangol.accounts.models import Role

# app_label.codename; "*" means every permission of the project's apps.
PERSONAL_DATA = "customers.view_personal_data"
EXPORT_PERSONAL_DATA = "customers.export_personal_data"
VIEW_ACCESS_LOG = "privacy.view_accesslog"

_READ = [
    "customers.view_customer",
    "interactions.view_interaction",
    "interactions.view_touchpoint",
    "orders.view_order",
    "orders.view_product",
    "promises.view_promise",
]
# Saved customer-list filters (segments) that surveys are sent to.
_SEGMENTS = [
    "customers.view_customersegment",
    "customers.add_customersegment",
    "customers.delete_customersegment",
]
_WORK = [
    "customers.add_note",
    "customers.add_preference",
    "interactions.add_interaction",
    "promises.add_promise",
    "promises.change_promise",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    # "*" is the project's apps; admins also unlock locked-out logins (django-axes admin: delete the attempts).
    Role.ADMIN: ["*", "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accessfailurelog"],
    Role.MANAGER: _READ
    + _WORK
    + _SEGMENTS
    + [
        PERSONAL_DATA,
        EXPORT_PERSONAL_DATA,
        "customers.add_customer",
        "customers.change_customer",
        "customers.merge_customer",
        "customers.change_consent",
        "orders.add_order",
        "orders.add_refund",
        "imports.add_importjob",
        "imports.view_importjob",
    ],
    Role.AGENT: _READ + _WORK + ["customers.change_consent", "customers.add_customer"],
    Role.ANALYST: _READ + _SEGMENTS + ["imports.view_importjob"],
    Role.VIEWER: _READ,
}
_PROJECT_APPS = [
    "accounts",
    "privacy",
    "customers",
    "interactions",
    "orders",
    "promises",
    "imports",
    "voc",
    "surveys",
    "loyalty",
    "rewards",
    "knowledge",
    "lifecycle",
    "campaigns",
    "journeys",
]


def _extensions() -> dict[str, list[str]]:
    """Each domain app may add role permissions in `dangol/<app>/permissions.py` (ROLE_PERMISSIONS)."""
    from importlib import import_module

    merged: dict[str, list[str]] = {role: list(specs) for role, specs in ROLE_PERMISSIONS.items()}
    for app in _PROJECT_APPS:
        try:
            module = import_module(f"dangol.{app}.permissions")
        except ModuleNotFoundError:
            continue
        for role, specs in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged.setdefault(role, []).extend(specs)
    return merged


def _resolve(spec: str) -> list[Permission]:
    if spec == "*":
        return list(Permission.objects.filter(content_type__app_label__in=_PROJECT_APPS))
    app_label, codename = spec.split(".", 1)
    return list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def sync_role_groups() -> None:
    """Create or update one group per role with exactly its permissions. Idempotent."""
    for role, specs in _extensions().items():
        group, _ = Group.objects.get_or_create(name=role)
        perms: list[Permission] = []
        for spec in specs:
            perms.extend(_resolve(spec))
        group.permissions.set(perms)
