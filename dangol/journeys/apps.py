from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "dangol.journeys"
    label = "journeys"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("여정·다음 행동")

    def ready(self) -> None:
        from dangol.journeys import forgetting, merging
        from dangol.journeys.services import journeys_ensure

        merging.register()
        forgetting.register()
        post_migrate.connect(journeys_ensure, sender=self, dispatch_uid="journeys-defaults")
