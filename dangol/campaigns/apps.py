from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "dangol.campaigns"
    label = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("캠페인")

    def ready(self) -> None:
        from dangol.campaigns import merging, services

        merging.register()
        services.register_audiences()
