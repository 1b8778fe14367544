from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocConfig(AppConfig):
    name = "dangol.voc"
    label = "voc"
    verbose_name = _("VOC(고객의 소리)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.messaging.system import system_templates_register
        from dangol.voc import forgetting, merging, outreach

        merging.register()
        forgetting.register()
        system_templates_register(outreach.TEMPLATES)
