from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "dangol.privacy"
    label = "privacy"
    verbose_name = _("개인정보 보호")
    default_auto_field = "django.db.models.BigAutoField"
