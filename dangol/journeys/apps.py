from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "dangol.journeys"
    label = "journeys"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("여정·다음 행동")
