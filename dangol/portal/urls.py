from django.urls import path

from dangol.portal import referral_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<id:pk>/", views.case_detail, name="case"),
    path("cases/<id:pk>/message/", views.case_message, name="case_message"),
    path("cases/<id:pk>/rate/", views.case_rate, name="case_rate"),
    path("cases/<id:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("photos/<str:uid>/", views.photo, name="photo"),
    path("staff/photos/<str:uid>/", views.staff_photo, name="staff_photo"),
    path("faq/suggest/", views.faq_suggest, name="faq_suggest"),
    path("faq/answered/", views.faq_deflect, name="faq_deflect"),
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/referral-code/", referral_views.my_referral_code, name="referral_code"),
    path("consents/", views.consents, name="consents"),
    path("data/", views.my_data, name="data"),
    path("data/<id:pk>/download/", views.data_download, name="data_download"),
    path("c/<str:token>/", views.case_link, name="case_link"),
]
