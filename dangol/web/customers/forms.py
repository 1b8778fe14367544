from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangol.customers.models import ConsentPurpose, ConsentStage, Customer
from dangol.customers.selectors import MOVEMENTS, NPS_BANDS, SORT_KEYS
from dangol.interactions.models import Interaction, Touchpoint
from dangol.loyalty.models import RFM_SEGMENTS_KO, LadderStage, ValueTier
from dangol.rewards.selectors import tier_choices
from dangol.web.customers.timeline import TIMELINE_KINDS
from dangol.web.widgets import PlainDateInput, PlainNumberInput, PlainSelect

MOVEMENT_LABELS = {
    "tier_up": _("등급 상승"),
    "tier_down": _("등급 하락"),
    "stage_up": _("관계 단계 상승"),
    "stage_down": _("관계 단계 하락"),
}
NPS_LABELS = {
    "detractor": _("비추천 (0–6)"),
    "passive": _("중립 (7–8)"),
    "promoter": _("추천 (9–10)"),
}
SORT_LABELS = {
    "name": _("이름"),
    "store": _("주 이용 매장"),
    "tier": _("가치 등급"),
    "stage": _("관계 단계"),
    "rfm": _("RFM 세그먼트"),
    "clv": _("CLV"),
    "alive": _("활동 확률"),
    "nps": _("최근 NPS"),
    "consent": _("동의 단계"),
    "joined": _("가입일"),
}
SORT_CHOICES = [("", _("기본 (최근 가입 순)"))] + [
    choice
    for key in SORT_KEYS
    for choice in (
        (key, format_lazy("{} ↑", SORT_LABELS[key])),
        (f"-{key}", format_lazy("{} ↓", SORT_LABELS[key])),
    )
]


def _number(**attrs: Any) -> forms.NumberInput:
    return PlainNumberInput(attrs={"inputmode": "numeric", **attrs})


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("검색"))
    tag = forms.CharField(required=False, label=_("태그"))
    consent_stage = forms.ChoiceField(
        required=False,
        label=_("동의 단계"),
        widget=PlainSelect,
        choices=[("", _("전체"))] + list(ConsentStage.choices),
    )
    store = forms.ModelChoiceField(
        required=False,
        label=_("매장"),
        queryset=Touchpoint.objects.filter(channel=Touchpoint.Channel.STORE),
        empty_label=_("전체"),
        widget=PlainSelect,
    )
    tier = forms.ChoiceField(
        required=False,
        label=_("가치 등급"),
        widget=PlainSelect,
        choices=[("", _("전체"))] + list(ValueTier.choices),
    )
    stage = forms.ChoiceField(
        required=False,
        label=_("관계 단계"),
        widget=PlainSelect,
        choices=[("", _("전체"))] + list(LadderStage.choices),
    )
    joined_from = forms.DateField(
        required=False, label=_("가입일 from"), widget=PlainDateInput(attrs={"type": "date"})
    )
    joined_to = forms.DateField(
        required=False, label=_("가입일 to"), widget=PlainDateInput(attrs={"type": "date"})
    )
    rfm = forms.ChoiceField(
        required=False,
        label=_("RFM 세그먼트"),
        widget=PlainSelect,
        choices=[("", _("전체"))] + [(code, _(label)) for code, label in RFM_SEGMENTS_KO.items()],
    )
    movement = forms.ChoiceField(
        required=False,
        label=_("지난 분석 대비"),
        widget=PlainSelect,
        choices=[("", _("전체"))] + [(key, MOVEMENT_LABELS[key]) for key in MOVEMENTS],
    )
    alive_min = forms.IntegerField(
        required=False, min_value=0, max_value=100, label=_("활동 확률(%) 이상"), widget=_number()
    )
    alive_max = forms.IntegerField(
        required=False, min_value=0, max_value=100, label=_("활동 확률(%) 이하"), widget=_number()
    )
    clv_min = forms.IntegerField(
        required=False, min_value=0, max_value=10**15, label=_("CLV(원) 이상"), widget=_number(step=10000)
    )
    clv_max = forms.IntegerField(
        required=False, min_value=0, max_value=10**15, label=_("CLV(원) 이하"), widget=_number(step=10000)
    )
    nps = forms.ChoiceField(
        required=False,
        label=_("최근 NPS"),
        widget=PlainSelect,
        choices=[("", _("전체"))] + [(key, NPS_LABELS[key]) for key in NPS_BANDS],
    )
    sort = forms.ChoiceField(required=False, label=_("정렬"), widget=PlainSelect, choices=SORT_CHOICES)
    # The membership tier (rewards: earned, public), beside the value tier above; choices set per form.
    membership = forms.ChoiceField(
        required=False, label=_("멤버십 등급"), widget=PlainSelect, choices=[("", _("전체"))]
    )

    # The filters a customer list link or a saved segment can carry, in the order they are shown.
    FILTER_FIELDS = (
        "q", "tag", "consent_stage", "store", "tier", "membership", "stage", "rfm", "movement",
        "alive_min", "alive_max", "clv_min", "clv_max", "nps", "joined_from", "joined_to", "sort",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [("", _("전체")), *tier_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for low, high in (("alive_min", "alive_max"), ("clv_min", "clv_max"), ("joined_from", "joined_to")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("범위의 끝이 시작보다 작습니다."))
        return data

    @property
    def has_filters(self) -> bool:
        """Whether any filter other than the search box and the sort is set (opens the filter panel)."""
        return any(self.data.get(name) for name in self.FILTER_FIELDS if name not in ("q", "sort"))


class SegmentSaveForm(forms.Form):
    name = forms.CharField(label=_("세그먼트 이름"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


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
    due_at = forms.DateTimeField(
        label=_("기한"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class PreferenceForm(forms.Form):
    key = forms.CharField(label=_("항목"), max_length=60)
    value = forms.CharField(label=_("내용"), max_length=300)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    granted = forms.BooleanField(required=False)
    source = forms.CharField(max_length=60, required=False)


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "")] + [(k, k) for k in TIMELINE_KINDS])
    touchpoint = forms.IntegerField(required=False, min_value=1)
    type = forms.ChoiceField(required=False, choices=[("", "")] + list(Interaction.Type.choices))
    before = forms.DateTimeField(required=False)  # "older": entries before this moment


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=60)
    preferred_name = forms.CharField(
        label=_("호칭"), max_length=60, required=False, help_text=_("예: 김민지 고객님, 민지님, 김 선생님")
    )
    phone = forms.CharField(label=_("전화번호"), max_length=30, required=False)
    email = forms.EmailField(label=_("이메일"), required=False)
    birth_date = forms.DateField(
        label=_("생년월일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(
        label=_("성별"),
        required=False,
        choices=[("", "—"), ("F", _("여성")), ("M", _("남성")), ("O", _("기타"))],
    )
    address = forms.CharField(label=_("주소"), max_length=200, required=False)
    external_id = forms.CharField(label=_("외부 ID"), max_length=64, required=False)
    acquisition_channel = forms.ChoiceField(
        label=_("유입 경로"), choices=Customer.Channel.choices, initial="store"
    )
    home_store = forms.ModelChoiceField(
        label=_("주 이용 매장"),
        required=False,
        queryset=Touchpoint.objects.filter(channel=Touchpoint.Channel.STORE),
    )
    tags = forms.CharField(label=_("태그"), required=False, help_text=_("쉼표로 구분"))
