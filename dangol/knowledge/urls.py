from django.urls import path

from dangol.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.help_index, name="index"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.article_new, name="new"),
    path("manage/<id:pk>/", views.article_edit, name="edit"),
    path("manage/<id:pk>/preview/", views.article_preview, name="preview"),
    path("picker/", views.link_picker, name="picker"),
    path("<str:slug>/", views.article_page, name="article"),
    path("<str:slug>/vote/", views.article_vote, name="vote"),
]
