from django.urls import path

from dangol.loyalty import views

app_name = "loyalty"
urlpatterns = [path("", views.value_page, name="value")]
