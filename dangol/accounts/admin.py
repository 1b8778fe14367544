from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dangol.accounts.models import ApiToken, StaffProfile, Team

# The admin site speaks as Dangol; the app sections carry their Korean verbose_name (each AppConfig).
admin.site.site_header = _("단골 관리")
admin.site.site_title = _("단골 관리")
admin.site.index_title = _("관리 메뉴")
# django-axes (login lockouts, which admins clear) names its section in English.
apps.get_app_config("axes").verbose_name = _("로그인 잠금")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "lead", "process")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "team", "role")
    list_filter = ("role", "team")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
