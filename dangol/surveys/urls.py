from django.urls import path

from dangol.surveys import analysis_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.survey_new, name="new"),
    path("<id:pk>/", views.survey_detail, name="detail"),
    path("<id:pk>/questions/", views.question_add, name="question_add"),
    path("<id:pk>/status/", views.survey_status, name="status"),
    path("<id:pk>/invite/", views.invite, name="invite"),
    path("<id:pk>/segment/", views.segment_send, name="segment"),
    path("<id:pk>/pulse-links/", views.pulse_links, name="pulse_links"),
    path("<id:pk>/remind/", views.remind, name="remind"),
    path("responses/<id:pk>/", views.response_detail, name="response"),
    path("analysis/", analysis_views.overview, name="analysis"),
    path("kano/", analysis_views.kano_page, name="kano"),
    path("pulse/", analysis_views.pulse_page, name="pulse"),
    path("import/", views.import_responses, name="import"),
    path("<id:pk>/qr/", views.counter_qr, name="qr"),
    path("q/<str:token>/", views.counter, name="counter"),
    path("a/<str:token>/", views.answer, name="answer"),
]
