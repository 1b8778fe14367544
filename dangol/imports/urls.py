from django.urls import path

from dangol.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<id:pk>/", views.job_detail, name="job"),
    path("<id:pk>/status/", views.job_status, name="job_status"),
]
