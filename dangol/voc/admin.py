from django.contrib import admin

from dangol.voc.models import BusinessHours, Category, CompanyHoliday, RootCause, SlaPolicy


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "code", "owner_team", "internal_sla_hours", "is_active")
    list_filter = ("owner_team", "is_active")


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "priority",
        "category",
        "first_response_minutes",
        "resolution_minutes",
        "warn_before_minutes",
    )


admin.site.register(BusinessHours)
admin.site.register(CompanyHoliday)
