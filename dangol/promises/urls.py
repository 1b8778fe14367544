from django.urls import path

from dangol.promises import views

app_name = "promises"
urlpatterns = [
    path("", views.board, name="board"),
]
