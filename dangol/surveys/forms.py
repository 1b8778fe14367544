from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.accounts.models import Team
from dangol.customers.segments import audience_choices
from dangol.interactions.models import Touchpoint
from dangol.surveys.models import Aspect, Dimension, Invitation, Question, Survey


class SurveyForm(forms.Form):
    code = forms.SlugField(label=_("코드(영문)"), max_length=40, help_text=_("예: store-visit-2026"))
    title = forms.CharField(label=_("제목"), max_length=200)
    title_en = forms.CharField(label=_("영문 제목"), max_length=200, required=False)
    intro = forms.CharField(label=_("안내 문구"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("종류"), choices=Survey.Kind.choices)
    trigger = forms.ChoiceField(label=_("발송 시점"), choices=Survey.Trigger.choices)
    touchpoint = forms.ModelChoiceField(label=_("접점"), required=False, queryset=Touchpoint.objects.all())
    owner_team = forms.ModelChoiceField(label=_("후속 조치 팀"), required=False, queryset=Team.objects.all())
    anonymous = forms.BooleanField(label=_("익명 설문(고객·직원 정보를 저장하지 않음)"), required=False)
    promotional = forms.BooleanField(label=_("광고성 설문(마케팅 수신 동의 고객에게만)"), required=False)
    link_days = forms.IntegerField(label=_("링크 유효 기간(일)"), min_value=1, max_value=365, initial=14)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("유형"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("질문"), max_length=300)
    text_en = forms.CharField(label=_("영문 질문"), max_length=300, required=False)
    code = forms.SlugField(label=_("문항 코드(비우면 자동)"), max_length=40, required=False)
    aspect = forms.ChoiceField(label=_("구분"), choices=Aspect.choices)
    dimension = forms.ChoiceField(label=_("차원"), choices=Dimension.choices, required=False)
    choices = forms.CharField(
        label=_("선택지(한 줄에 하나)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    required = forms.BooleanField(label=_("필수"), required=False, initial=True)
    stated_importance = forms.IntegerField(
        label=_("명시적 중요도(1–5)"), min_value=1, max_value=5, required=False
    )


class InvitationForm(forms.Form):
    customer = forms.IntegerField(label=_("고객 번호"), min_value=1, max_value=2**62, required=False)
    channel = forms.ChoiceField(label=_("발송 채널"), choices=Invitation.Channel.choices, initial="link")
    touchpoint = forms.ModelChoiceField(label=_("접점"), required=False, queryset=Touchpoint.objects.all())
    staff = forms.CharField(label=_("응대 직원 아이디"), max_length=150, required=False)


class SegmentForm(forms.Form):
    segment = forms.ChoiceField(
        label=_("고객 세그먼트"),
        help_text=_(
            "고객 목록에서 저장한 필터 또는 세그먼트 빌더의 세그먼트입니다. 보내는 시점의 고객에게 보냅니다."
        ),
    )
    channel = forms.ChoiceField(
        label=_("발송 채널"), choices=[("sms", _("문자")), ("email", _("이메일")), ("kakao", _("카카오톡"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = audience_choices()  # type: ignore[attr-defined]


class PulseLinksForm(forms.Form):
    team = forms.ModelChoiceField(label=_("팀"), queryset=Team.objects.all())
    count = forms.IntegerField(label=_("링크 수"), min_value=1, max_value=1000, initial=10)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("파일(CSV 또는 .xlsx)"))
    on_error = forms.ChoiceField(
        label=_("오류가 있을 때"), choices=[("abort", _("전체 취소")), ("skip", _("오류 행만 건너뛰기"))]
    )
