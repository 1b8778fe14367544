from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "dangol.promises"
    label = "promises"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.promises.models import Promise

        merge_rule_register(fk_rule(Promise))
