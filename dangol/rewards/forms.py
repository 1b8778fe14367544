"""The program's rules as managers edit them on the program page (issue 15), checked in Korean."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.rewards.models import Program

RULE_FIELDS = (
    "point_value_won",
    "expiry_months",
    "return_window_days",
    "expiry_notice_days",
    "min_redeem_points",
    "max_redeem_points",
    "max_redeem_percent",
    "hold_minutes",
    "adjust_approval_limit",
    "tier_window_months",
    "tier_grace_months",
    "referral_referrer_points",
    "referral_referee_points",
    "referral_min_order_won",
    "referral_monthly_cap",
)

# (field, lowest, highest): what a sensible program allows
LIMITS = {
    "expiry_months": (1, 120),
    "return_window_days": (0, 90),
    "expiry_notice_days": (0, 365),
    "max_redeem_percent": (1, 100),
    "hold_minutes": (1, 24 * 60),
    "tier_window_months": (1, 36),
    "tier_grace_months": (0, 24),
    "referral_monthly_cap": (0, 1000),
}


class ProgramRulesForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = RULE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in LIMITS.items():
            field = self.fields[name]
            field.widget.attrs.update({"min": low, "max": high})
            field.validators = [*field.validators, _Between(low, high)]

    def clean_point_value_won(self) -> Any:
        value = self.cleaned_data["point_value_won"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("1포인트의 가치는 0원보다 커야 합니다."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_redeem_points"), data.get("max_redeem_points")
        if low is not None and high and low > high:
            self.add_error(
                "max_redeem_points",
                _("주문당 최대 사용 포인트는 한 번에 쓸 수 있는 최소 포인트 이상이어야 합니다."),
            )
        months, notice = data.get("expiry_months"), data.get("expiry_notice_days")
        if months is not None and notice is not None and notice > months * 28:
            self.add_error("expiry_notice_days", _("소멸 안내는 유효기간보다 먼저일 수 없습니다."))
        return data


class _Between:
    """A range check whose message names the range, in Korean."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, value: Any) -> None:
        if value is not None and not (self.low <= value <= self.high):
            raise forms.ValidationError(
                _("%(low)s 이상 %(high)s 이하로 입력하세요."), params={"low": self.low, "high": self.high}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Between) and (self.low, self.high) == (other.low, other.high)
