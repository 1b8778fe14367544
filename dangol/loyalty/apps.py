from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "dangol.loyalty"
    label = "loyalty"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.loyalty import merging

        merging.register()
