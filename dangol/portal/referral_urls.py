from django.urls import path

from dangol.portal import referral_views

app_name = "referral"
urlpatterns = [
    path("<str:code>/", referral_views.landing, name="landing"),
    path("<str:code>/thanks/", referral_views.thanks, name="thanks"),
]
