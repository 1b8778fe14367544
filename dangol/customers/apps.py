from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def _every_relation_has_a_merge_rule(**_: Any) -> list[checks.CheckMessage]:
    from dangol.customers.merging import relations_without_rule

    return [
        checks.Error(
            f"{key} points at Customer but has no merge rule",
            hint="Register a MergeRule (moved, or stays with a reason) from the app's AppConfig.ready().",
            id="customers.E001",
        )
        for key in relations_without_rule()
    ]


class CustomersConfig(AppConfig):
    name = "dangol.customers"
    label = "customers"
    verbose_name = _("고객")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import register_customer_rules

        register_customer_rules()
        checks.register(_every_relation_has_a_merge_rule)
