from django.contrib import admin

from dangol.interactions.models import Touchpoint


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "channel", "is_active")
    list_filter = ("kind", "channel", "is_active")
