from django.urls import path

from dangol.voc import reply_views, views

app_name = "voc"
urlpatterns = [
    path("", views.board, name="board"),
    path("queue/", views.queue, name="queue"),
    path("queue/assign/", views.queue_bulk_assign, name="bulk_assign"),
    path("queue/save/", views.queue_save_filter, name="save_filter"),
    path("new/", views.case_new, name="new"),
    path("<id:pk>/", views.case_detail, name="case"),
    path("<id:pk>/act/<str:action>/", views.case_act, name="act"),
    path("<id:pk>/evidence.csv", views.case_evidence, name="evidence"),
    path("<id:pk>/reveal/", views.case_reveal_contact, name="reveal_contact"),
    path("<id:pk>/reveal-callback-phone/", views.case_reveal_callback_phone, name="reveal_callback_phone"),
    path("silent/", views.silent, name="silent"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/new/<id:customer_id>/", views.flag_create, name="flag_create"),
    path("flags/<id:pk>/<str:action>/", views.flag_act, name="flag_act"),
    path("intake/", views.intake, name="intake"),
    path("replies/", reply_views.reply_template_list, name="replies"),
    path("replies/new/", reply_views.reply_template_edit, name="reply_new"),
    path("replies/<id:pk>/", reply_views.reply_template_edit, name="reply_edit"),
    path("replies/<id:pk>/toggle/", reply_views.reply_template_toggle, name="reply_toggle"),
]
