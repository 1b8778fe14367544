from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "dangol.knowledge"
    label = "knowledge"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("FAQ·가이드")

    def ready(self) -> None:
        from dangol.knowledge import merging

        merging.register()
