from django.urls import path

from dangol.journeys import views

app_name = "journeys"
urlpatterns = [
    path("", views.journey_list, name="list"),
    path("<id:pk>/", views.journey_detail, name="detail"),
    path("<id:pk>/toggle/", views.journey_toggle, name="toggle"),
    path("customers/<id:pk>/nba/", views.nba_panel, name="nba"),
    path("customers/<id:pk>/nba/decide/", views.nba_decide, name="nba_decide"),
]
