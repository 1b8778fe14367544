from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.customers.models import ConsentPurpose, ConsentStage
from dangol.interactions.models import Interaction, Touchpoint


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("검색"))
    tag = forms.CharField(required=False, label=_("태그"))
    consent_stage = forms.ChoiceField(
        required=False, label=_("동의 단계"), choices=[("", _("전체"))] + list(ConsentStage.choices)
    )
    store = forms.ModelChoiceField(
        required=False, label=_("매장"), queryset=Touchpoint.objects.filter(channel=Touchpoint.Channel.STORE),
        empty_label=_("전체"),
    )
    joined_from = forms.DateField(required=False, label=_("가입일 from"), widget=forms.DateInput(attrs={"type": "date"}))
    joined_to = forms.DateField(required=False, label=_("가입일 to"), widget=forms.DateInput(attrs={"type": "date"}))


class NoteForm(forms.Form):
    body = forms.CharField(label=_("메모"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    pinned = forms.BooleanField(label=_("상단 고정"), required=False)


class InteractionForm(forms.Form):
    touchpoint = forms.ModelChoiceField(label=_("접점"), queryset=Touchpoint.objects.filter(is_active=True))
    type = forms.ChoiceField(label=_("유형"), choices=Interaction.Type.choices)
    summary = forms.CharField(label=_("요약"), max_length=200)
    body = forms.CharField(label=_("내용"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PromiseForm(forms.Form):
    text = forms.CharField(label=_("약속 내용"), max_length=300)
    due_at = forms.DateTimeField(label=_("기한"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class PreferenceForm(forms.Form):
    key = forms.CharField(label=_("항목"), max_length=60)
    value = forms.CharField(label=_("내용"), max_length=300)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    granted = forms.BooleanField(required=False)
    source = forms.CharField(max_length=60, required=False)


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "")] + [(k, k) for k in ("interaction", "order", "note", "promise")])
    touchpoint = forms.IntegerField(required=False, min_value=1)
