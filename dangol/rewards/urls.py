from django.urls import path

from dangol.rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.program_page, name="program"),
    path("rules/", views.program_rules, name="rules"),
    path("customers/<id:pk>/", views.customer_page, name="customer"),
    path("customers/<id:pk>/adjust/", views.adjust, name="adjust"),
    path("customers/<id:pk>/coupons/", views.coupon_issue, name="coupon_issue"),
    path("customers/<id:pk>/referral-code/", views.referral_code, name="referral_code"),
    path("adjustments/<id:pk>/decide/", views.adjustment_decide, name="decide"),
]
