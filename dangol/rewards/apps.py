from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "dangol.rewards"
    label = "rewards"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("멤버십·포인트")

    def ready(self) -> None:
        from dangol.orders.services import order_refund_hook_register
        from dangol.rewards import forgetting, merging
        from dangol.rewards.earning import order_refunded_hook
        from dangol.rewards.notify import templates_ensure

        merging.register()
        forgetting.register()
        # orders sits below rewards and never imports it: its refund service calls what registers here.
        order_refund_hook_register(order_refunded_hook)
        post_migrate.connect(templates_ensure, sender=self, dispatch_uid="rewards-message-templates")
