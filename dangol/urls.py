from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for future localised URLs)
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from dangol.api.api import api
from dangol.common.params import IdConverter
from dangol.web.favicon import favicon
from dangol.web.views import healthz

# `<id:pk>`: ASCII digits that fit a database id (a 20-digit id was a 500, now a 404).
register_converter(IdConverter, "id")

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("staff/", include("dangol.accounts.urls")),
    path("api/", api.urls),
    path("customers/", include("dangol.web.customers.urls")),
    path("promises/", include("dangol.promises.urls")),
    path("imports/", include("dangol.imports.urls")),
    path("voc/", include("dangol.voc.urls")),
    path("surveys/", include("dangol.surveys.urls")),
    path("value/", include("dangol.loyalty.urls")),
    path("rewards/", include("dangol.rewards.urls")),
    path("privacy/", include("dangol.privacy.urls")),
    path("messages/", include("dangol.messaging.urls")),
    path("campaigns/", include("dangol.campaigns.urls")),
    path("journeys/", include("dangol.journeys.urls")),
    path("help/", include("dangol.knowledge.urls")),
    path("my/", include("dangol.portal.urls")),
    path("r/", include("dangol.portal.referral_urls")),
    path("privacy/lifecycle/", include("dangol.lifecycle.urls")),
    path("", include("dangol.web.urls")),
]
