from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "dangol.orders"
    label = "orders"
    verbose_name = _("주문")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.messaging.providers import register_last_purchase
        from dangol.orders import forgetting
        from dangol.orders.models import Order
        from dangol.orders.selectors import last_purchase_of_kind, last_purchases_of_kind

        merge_rule_register(fk_rule(Order))
        forgetting.register()
        # Messaging's 6-month same-kind exemption for adverts asks orders when the customer last bought that kind.
        register_last_purchase(last_purchase_of_kind, many=last_purchases_of_kind)
