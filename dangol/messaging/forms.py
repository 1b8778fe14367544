from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.messaging.models import TEMPLATE_CHANNELS, Kind, Message, MessageTemplate


class TemplateForm(forms.Form):
    code = forms.SlugField(
        label=_("코드"), max_length=60, help_text=_("다른 기능이 이 이름으로 템플릿을 찾습니다.")
    )
    name = forms.CharField(label=_("이름"), max_length=100)
    kind = forms.ChoiceField(label=_("종류"), choices=Kind.choices)
    channels = forms.MultipleChoiceField(
        label=_("채널"),
        choices=TEMPLATE_CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("채널을 지정하지 않고 보내면 고객이 받을 수 있는 채널 중 이 순서대로 고릅니다."),
    )
    goods_kind = forms.CharField(
        label=_("상품 종류(광고)"),
        max_length=60,
        required=False,
        help_text=_(
            "최근 6개월 안에 이 종류의 상품을 산 고객은 동의가 없어도 광고를 받을 수 있습니다(거부한 고객 제외)."
        ),
    )
    subject = forms.CharField(label=_("제목"), max_length=200, required=False)
    body = forms.CharField(
        label=_("본문"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("#{고객명}, #{호칭}은 자동으로 채워집니다. 다른 변수는 #{변수명}으로 적으세요."),
    )
    alimtalk_template_id = forms.CharField(label=_("알림톡 템플릿 ID"), max_length=100, required=False)
    alimtalk_fallback = forms.BooleanField(label=_("알림톡 실패 시 문자 대체발송"), required=False)
    active = forms.BooleanField(label=_("사용"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def for_template(cls, template: MessageTemplate | None) -> TemplateForm:
        if template is None:
            return cls(initial={"channels": ["sms"], "active": True, "alimtalk_fallback": True})
        initial = {name: getattr(template, name) for name in cls.base_fields if hasattr(template, name)}
        return cls(initial=initial)


class PreviewForm(forms.Form):
    customer = forms.IntegerField(label=_("고객 번호"), min_value=1)
    variables = forms.CharField(
        label=_("변수 값"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "주문번호=A-1024"}),
        help_text=_("한 줄에 하나씩 이름=값"),
    )
    preview_channel = forms.ChoiceField(
        label=_("채널"), required=False, choices=[("", _("자동"))] + list(TEMPLATE_CHANNELS)
    )

    def variable_values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for line in (self.cleaned_data.get("variables") or "").splitlines():
            name, sep, value = line.partition("=")
            if sep and name.strip():
                values[name.strip().removeprefix("#{").removesuffix("}")] = value.strip()
        return values


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("상태"), required=False, choices=[("", _("전체"))] + list(Message.Status.choices)
    )
    channel = forms.ChoiceField(
        label=_("채널"), required=False, choices=[("", _("전체"))] + list(TEMPLATE_CHANNELS)
    )
    customer = forms.IntegerField(label=_("고객 번호"), required=False, min_value=1)
