from django.urls import path

from dangol.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<id:pk>/", views.message_detail, name="message"),
    path("<id:pk>/settle/", views.message_settle, name="settle"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<id:pk>/", views.template_edit, name="template_edit"),
    path("templates/preview/", views.template_preview, name="template_preview"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/bell/", views.notice_bell, name="bell"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("notices/preference/", views.notice_preference, name="notice_preference"),
    path("optout/<str:token>/", views.optout, name="optout"),
    path("webhook/solapi/", views.solapi_webhook, name="solapi_webhook"),
]
