from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "dangol.surveys"
    label = "surveys"
    verbose_name = _("설문")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.customers.merging import fk_rule, merge_rule_register
        from dangol.messaging.system import system_templates_register
        from dangol.orders.services import orders_rewritten_hook_register
        from dangol.surveys import delivery, forgetting, repurchase
        from dangol.surveys.models import Invitation
        from dangol.surveys.selectors import low_score_customers
        from dangol.voc.selectors import DissatisfactionSource, dissatisfaction_source_register

        dissatisfaction_source_register(DissatisfactionSource("낮은 만족도 응답", low_score_customers))
        # An invitation and its response follow the person; an unused invitation's link keeps working.
        merge_rule_register(fk_rule(Invitation))
        # a response also leaves the loyalty roll-up of both customers (their orders move too)
        merge_rule_register(repurchase.response_merge_rule())
        orders_rewritten_hook_register(repurchase.orders_rewritten)
        forgetting.register()
        system_templates_register(delivery.TEMPLATES)
        # The answer page keeps a survey's questions and drawn form per process (answering.kit); saving a survey
        # or question gives the survey a new stamp (its form_stamp column, in the same transaction), so every
        # process draws it again on its first request after the commit.
        from django.db.models.signals import post_delete, post_save

        from dangol.surveys.models import Question, Survey
        from dangol.surveys.services import survey_caches_clear

        for model in (Survey, Question):
            post_save.connect(
                survey_caches_clear, sender=model, dispatch_uid=f"surveys-cache-{model.__name__}"
            )
            post_delete.connect(
                survey_caches_clear, sender=model, dispatch_uid=f"surveys-cache-del-{model.__name__}"
            )
