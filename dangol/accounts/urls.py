from django.urls import path

from dangol.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.staff_list, name="staff"),
    path("<id:pk>/", views.staff_edit, name="staff_edit"),
    path("<id:pk>/active/", views.staff_set_active, name="staff_set_active"),
]
