from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "dangol.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("고객 셀프서비스")

    def ready(self) -> None:
        from dangol.messaging.system import system_templates_register
        from dangol.portal import forgetting, links, merging, notify
        from dangol.voc.intake import case_link_register

        merging.register()
        forgetting.register()
        system_templates_register(notify.TEMPLATES)
        case_link_register(links.case_link_path)
