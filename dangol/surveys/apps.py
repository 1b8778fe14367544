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
        from dangol.surveys import delivery
        from dangol.surveys.models import Invitation, Response
        from dangol.surveys.selectors import low_score_customers
        from dangol.voc.selectors import DissatisfactionSource, dissatisfaction_source_register

        dissatisfaction_source_register(DissatisfactionSource("낮은 만족도 응답", low_score_customers))
        # An invitation and its response follow the person; an unused invitation's link keeps working.
        merge_rule_register(fk_rule(Invitation))
        merge_rule_register(fk_rule(Response))
        system_templates_register(delivery.TEMPLATES)
