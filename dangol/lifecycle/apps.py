from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "dangol.lifecycle"
    label = "lifecycle"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("개인정보 생애주기")

    def ready(self) -> None:
        from dangol.lifecycle import forgetting
        from dangol.lifecycle.services import TEMPLATES
        from dangol.messaging.system import system_templates_register

        forgetting.register()
        system_templates_register(TEMPLATES)
