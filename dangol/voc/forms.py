from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.customers.models import Customer
from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.interactions.models import Touchpoint
from dangol.voc.models import Case, Category, Priority
from dangol.voc.selectors import CaseFormDefaults, category_groups

# A phone box opens the number keypad on a phone.
PHONE_ATTRS = {"type": "tel", "inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"}


def grouped_category_choices(empty_label: Any) -> list[Any]:
    """Category choices as <optgroup>s: parent → child (selectors.category_groups)."""
    choices: list[Any] = [("", empty_label)]
    for group, options in category_groups():
        if group:
            choices.append((group, options))
        else:
            choices.extend(options)
    return choices


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("유형"), choices=Case.Kind.choices)
    title = forms.CharField(label=_("제목"), max_length=200)
    body = forms.CharField(
        label=_("고객이 한 말(그대로)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(
        label=_("분류"),
        required=False,
        queryset=Category.objects.filter(is_active=True).select_related("parent"),
    )
    priority = forms.ChoiceField(label=_("우선순위"), choices=Priority.choices, initial=Priority.NORMAL)
    channel = forms.ChoiceField(label=_("접수 채널"), choices=Case.Channel.choices, initial="phone")
    touchpoint = forms.ModelChoiceField(
        label=_("접점"),
        required=False,
        queryset=Touchpoint.objects.filter(is_active=True),
        empty_label=_("접점 모름"),
    )
    contact_name = forms.CharField(label=_("이름(미확인 고객)"), max_length=60, required=False)
    contact_info = forms.CharField(label=_("연락처(미확인 고객)"), max_length=120, required=False)
    callback_phone = forms.CharField(
        label=_("회신 전화번호"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs=PHONE_ATTRS),
        help_text=_("고객이 이 번호로 연락받기를 원할 때 적으세요. 화면에는 가려서 보입니다."),
    )

    def __init__(
        self,
        *args: Any,
        customer: Customer | None = None,
        defaults: CaseFormDefaults | None = None,
        **kwargs: Any,
    ) -> None:
        """`customer`: a known customer, so no unknown contact is asked for; `defaults`: where this member of
        staff usually takes cases (selectors.case_form_defaults), filled in unless something else is."""
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).choices = grouped_category_choices(
            _("분류 없음(나중에 지정)")
        )
        if customer is not None:
            del self.fields["contact_name"], self.fields["contact_info"]
        if defaults is not None:
            if defaults.touchpoint_id and not self.initial.get("touchpoint"):
                self.initial["touchpoint"] = defaults.touchpoint_id
            if defaults.channel and not self.initial.get("channel"):
                self.initial["channel"] = defaults.channel


class QueueFilterForm(forms.Form):
    queue = forms.ChoiceField(
        required=False,
        choices=[(q, q) for q in ("mine", "team", "unassigned", "breaching", "overdue", "all")],
    )
    status = forms.ChoiceField(
        required=False, label=_("상태"), choices=[("", _("진행 중 전체"))] + list(Case.Status.choices)
    )
    priority = forms.ChoiceField(
        required=False, label=_("우선순위"), choices=[("", _("전체"))] + list(Priority.choices)
    )
    kind = forms.ChoiceField(
        required=False, label=_("유형"), choices=[("", _("전체"))] + list(Case.Kind.choices)
    )
    category = forms.ModelChoiceField(
        required=False,
        label=_("분류"),
        empty_label=_("전체"),
        queryset=Category.objects.filter(parent__isnull=True),
    )
    q = forms.CharField(required=False, label=_("접수번호/제목"))


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(label=_("무엇을 알려 주시겠어요?"), choices=Case.Kind.choices)
    category = forms.ModelChoiceField(
        label=_("어떤 일인가요?"),
        queryset=Category.objects.filter(is_active=True),
        help_text=_("고르신 내용을 맡은 부서로 바로 전달됩니다."),
    )
    name = forms.CharField(label=_("이름"), max_length=60)
    phone = forms.CharField(
        label=_("휴대전화"), max_length=30, required=False, widget=forms.TextInput(attrs=PHONE_ATTRS)
    )
    email = forms.EmailField(label=_("이메일"), required=False)
    title = forms.CharField(label=_("제목"), max_length=200)
    body = forms.CharField(label=_("내용"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    agree = forms.BooleanField(label=_("답변을 위해 이름과 연락처를 수집·이용하는 데 동의합니다(필수)."))
    # A field people never see or reach (off-screen, no tab stop): a bot that fills in every input fills it too.
    website = forms.CharField(  # type: ignore[call-arg]  # django-stubs lacks Field(template_name=)
        label=_("이 칸은 비워 두세요"),
        required=False,
        max_length=200,
        template_name="voc/_honeypot_field.html",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = grouped_category_choices(_("골라 주세요"))
        if len(choices) > 1:
            cast(forms.ModelChoiceField, self.fields["category"]).choices = choices
        else:  # no categories set up yet: nothing to choose, the case waits in the unassigned queue
            del self.fields["category"]

    def clean_phone(self) -> str:
        """The canonical 010-1234-5678 form, so the same number typed two ways is one contact."""
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except InvalidPhone as exc:
            raise forms.ValidationError(_("휴대전화 번호를 확인해 주세요(예: 010-1234-5678).")) from exc

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("답변받을 휴대전화나 이메일 중 하나를 입력하세요."))
        return data
