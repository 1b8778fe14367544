from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "dangol.orders"
    label = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.orders.models import Order

        merge_rule_register(fk_rule(Order))
