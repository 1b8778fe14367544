from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "dangol.interactions"
    label = "interactions"
    verbose_name = _("접점과 상호작용")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.interactions import forgetting
        from dangol.interactions.models import Interaction

        merge_rule_register(fk_rule(Interaction))
        forgetting.register()
