from django.urls import path

from dangol.loyalty import views

app_name = "loyalty"
urlpatterns = [
    path("", views.value_page, name="value"),
    path("runs/<id:pk>/report/", views.value_report, name="report"),
]
