from django.apps import AppConfig


class VocConfig(AppConfig):
    name = "dangol.voc"
    label = "voc"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.voc import merging

        merging.register()
