from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.interactions.models import Touchpoint
from dangol.voc.models import Case, Category, Priority


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
    touchpoint = forms.ModelChoiceField(label=_("접점"), required=False, queryset=Touchpoint.objects.all())
    contact_name = forms.CharField(label=_("이름(미확인 고객)"), max_length=60, required=False)
    contact_info = forms.CharField(label=_("연락처(미확인 고객)"), max_length=120, required=False)


class QueueFilterForm(forms.Form):
    queue = forms.ChoiceField(
        required=False, choices=[(q, q) for q in ("mine", "team", "unassigned", "breaching", "all")]
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
    name = forms.CharField(label=_("이름"), max_length=60)
    phone = forms.CharField(label=_("휴대전화"), max_length=30, required=False)
    email = forms.EmailField(label=_("이메일"), required=False)
    title = forms.CharField(label=_("제목"), max_length=200)
    body = forms.CharField(label=_("내용"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    agree = forms.BooleanField(label=_("답변을 위해 이름과 연락처를 수집·이용하는 데 동의합니다(필수)."))

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("답변받을 휴대전화나 이메일 중 하나를 입력하세요."))
        return data
