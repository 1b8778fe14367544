from django.urls import path

from dangol.voc import views

app_name = "voc"
urlpatterns = [path("", views.board, name="board")]
