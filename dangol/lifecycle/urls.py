from django.urls import path

from dangol.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("requests/new/", views.new, name="new"),
    path("requests/<id:pk>/", views.detail, name="detail"),
    path("requests/<id:pk>/export.json", views.export, name="export"),
    path("requests/<id:pk>/<slug:action>/", views.act, name="act"),
    path("retention/", views.retention_page, name="retention"),
]
