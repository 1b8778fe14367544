from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(using: str = "default", **_: Any) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from dangol.accounts.roles import sync_role_groups

    # post_migrate runs app by app; make sure every app's permissions exist before assigning them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_groups()


class AccountsConfig(AppConfig):
    name = "dangol.accounts"
    label = "accounts"
    verbose_name = _("직원과 권한")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.accounts import checks  # noqa: F401 (registers the deploy checks)

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="dangol.sync_roles")
