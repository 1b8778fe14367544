from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "dangol.interactions"
    label = "interactions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.interactions.models import Interaction

        merge_rule_register(fk_rule(Interaction))
