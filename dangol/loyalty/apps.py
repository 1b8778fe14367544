from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "dangol.loyalty"
    label = "loyalty"
    verbose_name = _("고객 가치")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.selectors import value_order_register
        from dangol.loyalty import forgetting, merging
        from dangol.loyalty.models import STAGE_ORDER, ValueTier

        merging.register()
        forgetting.register()
        # The customer list filters "moved up/down" and sorts by these orders (lowest first).
        value_order_register(field="value_tier", order=list(reversed(ValueTier.values)))
        value_order_register(field="stage", order=STAGE_ORDER)
