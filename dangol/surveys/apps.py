from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dangol.surveys"
    label = "surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangol.surveys.selectors import low_score_customers
        from dangol.voc.selectors import DissatisfactionSource, dissatisfaction_source_register

        dissatisfaction_source_register(DissatisfactionSource("낮은 만족도 응답", low_score_customers))
