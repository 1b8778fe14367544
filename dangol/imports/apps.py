from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "dangol.imports"
    label = "imports"
    verbose_name = _("가져오기")
    default_auto_field = "django.db.models.BigAutoField"
