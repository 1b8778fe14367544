from django.urls import path

from dangol.surveys import analysis_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/status/", views.survey_status, name="status"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/segment/", views.segment_send, name="segment"),
    path("<int:pk>/pulse-links/", views.pulse_links, name="pulse_links"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("analysis/", analysis_views.overview, name="analysis"),
    path("kano/", analysis_views.kano_page, name="kano"),
    path("pulse/", analysis_views.pulse_page, name="pulse"),
    path("import/", views.import_responses, name="import"),
    path("<int:pk>/qr/", views.counter_qr, name="qr"),
    path("q/<str:token>/", views.counter, name="counter"),
    path("a/<str:token>/", views.answer, name="answer"),
]
