from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    name = "dangol.promises"
    label = "promises"
    verbose_name = _("약속")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.promises import forgetting
        from dangol.promises.models import Promise

        merge_rule_register(fk_rule(Promise))
        forgetting.register()
