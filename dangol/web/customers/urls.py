from django.urls import path

from dangol.web.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, name="export"),
    path("segments/", views.segment_save, name="segment_save"),
    path("segments/<id:segment_pk>/delete/", views.segment_delete, name="segment_delete"),
    path("new/", views.customer_new, name="new"),
    path("<id:pk>/edit/", views.customer_edit, name="edit"),
    path("<id:pk>/", views.customer_detail, name="detail"),
    path("<id:pk>/timeline/", views.customer_timeline_partial, name="timeline"),
    path("<id:pk>/reveal/", views.customer_reveal, name="reveal"),
    path("<id:pk>/notes/", views.note_create, name="note_create"),
    path("<id:pk>/interactions/", views.interaction_create, name="interaction_create"),
    path("<id:pk>/promises/", views.promise_create, name="promise_create"),
    path("<id:pk>/preferences/", views.preference_create, name="preference_create"),
    path("<id:pk>/consents/", views.consent_update, name="consent_update"),
    path("promises/<id:promise_pk>/resolve/", views.promise_resolve, name="promise_resolve"),
    path("<id:pk>/merge/", views.customer_merge, name="merge"),
    path("merges/<id:merge_pk>/undo/", views.merge_undo, name="merge_undo"),
]
