from django.urls import path

from dangol.surveys import views

app_name = "surveys"
urlpatterns = [path("", views.index, name="index")]
