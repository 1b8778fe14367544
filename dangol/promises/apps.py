from django.apps import AppConfig


class PromisesConfig(AppConfig):
    name = "dangol.promises"
    label = "promises"
    default_auto_field = "django.db.models.BigAutoField"
