from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "dangol.messaging"
    label = "messaging"
    verbose_name = _("메시지")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.messaging import forgetting
        from dangol.messaging.models import ConsentReminder, Message
        from dangol.messaging.system import system_templates_ensure

        # A merged customer's messages and consent reminders follow them (and go back on undo).
        merge_rule_register(fk_rule(Message, label=_("메시지")))
        merge_rule_register(fk_rule(ConsentReminder, label=_("수신동의 여부 확인")))
        forgetting.register()
        post_migrate.connect(system_templates_ensure, sender=self, dispatch_uid="messaging-system-templates")
