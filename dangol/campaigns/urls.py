from django.urls import path

from dangol.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/count/", views.segment_count, name="segment_count"),
    path("segments/<id:pk>/", views.segment_detail, name="segment"),
    path("segments/<id:pk>/freeze/", views.segment_freeze, name="segment_freeze"),
    path("segments/<id:pk>/export.csv", views.segment_export, name="segment_export"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<id:pk>/", views.campaign_detail, name="campaign"),
    path("<id:pk>/progress/", views.campaign_progress, name="progress"),
    path("<id:pk>/launch/", views.campaign_launch, name="launch"),
]
