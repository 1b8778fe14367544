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


def _every_relation_has_a_forget_rule(**_: Any) -> list[checks.CheckMessage]:
    from dangol.customers.forgetting import relations_without_forget_rule

    return [
        checks.Error(
            f"{key} points at Customer but has no forgetting rule",
            hint="Register a ForgetRule (deleted, pseudonymised, or keeps with a reason) from the app's "
            "AppConfig.ready() (dangol/customers/forgetting.py).",
            id="customers.E002",
        )
        for key in relations_without_forget_rule()
    ]


class CustomersConfig(AppConfig):
    name = "dangol.customers"
    label = "customers"
    verbose_name = _("고객")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.forgetting import register_customer_forget_rules
        from dangol.customers.merging import register_customer_rules
        from dangol.customers.segments import register_saved_filters

        register_customer_rules()
        register_saved_filters()
        register_customer_forget_rules()
        checks.register(_every_relation_has_a_merge_rule)
        checks.register(_every_relation_has_a_forget_rule)
