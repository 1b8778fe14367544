from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangol.voc.models import BusinessHours, Category, CompanyHoliday, RootCause, SlaPolicy

# Up to a year of business hours: beyond that a target is a typo.
MAX_HOURS = 24 * 365


def hours_minutes_text(minutes: int | None) -> str:
    """125 → "2시간 5분", 120 → "2시간", 45 → "45분"."""
    if minutes is None:
        return "—"
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return gettext("%(h)d시간 %(m)d분") % {"h": hours, "m": rest}
    if hours:
        return gettext("%(h)d시간") % {"h": hours}
    return gettext("%(m)d분") % {"m": rest}


class HoursMinutesWidget(forms.MultiWidget):
    """Two number boxes, hours and minutes, for a value stored in minutes."""

    template_name = "voc/widgets/hours_minutes.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        number = {"min": 0, "inputmode": "numeric", "class": "vIntegerField"}
        super().__init__(
            [
                forms.NumberInput(attrs={**number, "max": MAX_HOURS, "aria-label": _("시간")}),
                forms.NumberInput(attrs={**number, "max": 59, "aria-label": _("분")}),
            ],
            attrs,
        )

    def decompress(self, value: Any) -> list[int | None]:
        if value in (None, ""):
            return [None, None]
        hours, minutes = divmod(int(value), 60)
        return [hours, minutes]


class HoursMinutesField(forms.MultiValueField):
    """Hours and minutes in, minutes out (a blank box counts as zero)."""

    widget = HoursMinutesWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=0, max_value=MAX_HOURS, required=False),
            forms.IntegerField(min_value=0, max_value=59, required=False),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[int | None]) -> int | None:
        if not data_list or all(v is None for v in data_list):
            return None
        hours, minutes = (v or 0 for v in data_list)
        return hours * 60 + minutes


class SlaPolicyForm(forms.ModelForm):
    """The admin's SLA policy form (the admin supplies the model and the other fields)."""

    first_response_minutes = HoursMinutesField(label=_("첫 응답 목표"), help_text=_("업무시간 기준"))
    resolution_minutes = HoursMinutesField(label=_("해결 목표"), help_text=_("업무시간 기준"))
    warn_before_minutes = HoursMinutesField(
        label=_("사전 경고"), help_text=_("기한이 이만큼 남았을 때 담당자에게 알립니다.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "category" in self.fields:  # the model field has no Korean name of its own
            self.fields["category"].label = _("VOC 분류")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, resolution = data.get("first_response_minutes"), data.get("resolution_minutes")
        if first is not None and first <= 0:
            self.add_error("first_response_minutes", _("0보다 긴 시간을 입력하세요."))
        if first and resolution is not None and resolution < first:
            self.add_error("resolution_minutes", _("해결 목표는 첫 응답 목표보다 짧을 수 없습니다."))
        return data


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "code", "owner_team", "internal_sla_hours", "is_active")
    list_filter = ("owner_team", "is_active")


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = ("name", "priority", "kind", "category", "first_response", "resolution", "warn_before")

    @admin.display(description=_("첫 응답 목표"), ordering="first_response_minutes")
    def first_response(self, policy: SlaPolicy) -> str:
        return hours_minutes_text(policy.first_response_minutes)

    @admin.display(description=_("해결 목표"), ordering="resolution_minutes")
    def resolution(self, policy: SlaPolicy) -> str:
        return hours_minutes_text(policy.resolution_minutes)

    @admin.display(description=_("사전 경고"), ordering="warn_before_minutes")
    def warn_before(self, policy: SlaPolicy) -> str:
        return hours_minutes_text(policy.warn_before_minutes)


admin.site.register(BusinessHours)
admin.site.register(CompanyHoliday)
