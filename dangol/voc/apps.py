from django.apps import AppConfig


class VocConfig(AppConfig):
    name = "dangol.voc"
    label = "voc"
    default_auto_field = "django.db.models.BigAutoField"
