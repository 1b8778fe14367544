"""The segment builder (form fields → a condition list) and the campaign form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dangol.campaigns.models import Campaign, Segment
from dangol.customers.models import ConsentPurpose
from dangol.loyalty.models import RFM_SEGMENTS_KO, LadderStage, ValueTier
from dangol.messaging.models import MessageTemplate
from dangol.orders.selectors import category_choices
from dangol.rewards.models import CouponDefinition
from dangol.rewards.selectors import tier_choices

ANY, ONLY, EXCLUDE = "", "only", "exclude"
PRESENCE = [(ANY, _("상관없음")), (ONLY, _("있는 고객만")), (EXCLUDE, _("없는 고객만"))]
CONSENTS = [(p.value, p.label) for p in ConsentPurpose if p.value.startswith("marketing_")]


def _multi(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class SegmentBuilderForm(forms.Form):
    """Every field is optional; each one filled becomes a condition (all must hold). The definition is
    validated by dangol.campaigns.conditions.validate, which gives the Korean errors."""

    name = forms.CharField(label=_("이름"), max_length=80, required=False)
    description = forms.CharField(label=_("설명"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("종류"), choices=Segment.Kind.choices, initial=Segment.Kind.DYNAMIC, required=False
    )
    consents = _multi(CONSENTS, _("수신 동의한 고객(모두)"))
    membership_tiers = forms.MultipleChoiceField(
        label=_("멤버십 등급"), required=False, widget=forms.CheckboxSelectMultiple
    )
    value_tiers = _multi(ValueTier.choices, _("가치 등급"))
    stages = _multi(LadderStage.choices, _("관계 단계"))
    rfm_segments = _multi(list(RFM_SEGMENTS_KO.items()), _("RFM 세그먼트"))
    clv_min = forms.IntegerField(label=_("CLV(원) 이상"), required=False, min_value=0)
    clv_max = forms.IntegerField(label=_("CLV(원) 이하"), required=False, min_value=0)
    p_alive_min = forms.IntegerField(label=_("활동 확률(%) 이상"), required=False, min_value=0, max_value=100)
    p_alive_max = forms.IntegerField(label=_("활동 확률(%) 이하"), required=False, min_value=0, max_value=100)
    last_after = forms.DateField(
        label=_("마지막 구매일 이후"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_before = forms.DateField(
        label=_("마지막 구매일 이전"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("다음 구매 예상 시점이 지난 고객"), required=False)
    overdue_factor = forms.DecimalField(
        label=_("평소 구매 간격의 몇 배"),
        required=False,
        min_value=0.5,
        max_value=10,
        decimal_places=1,
        initial=1,
    )
    next_purchase = forms.ChoiceField(
        label=_("다음 예상 구매일"),
        required=False,
        choices=[("", _("상관없음")), ("within", _("오늘부터 N일 이내")), ("past", _("N일 이상 지남"))],
    )
    next_purchase_days = forms.IntegerField(
        label=_("N(일)"), required=False, min_value=0, max_value=3650, initial=7
    )
    bought = forms.MultipleChoiceField(
        label=_("구매한 카테고리"), required=False, widget=forms.CheckboxSelectMultiple
    )
    never_bought = forms.MultipleChoiceField(
        label=_("구매한 적 없는 카테고리"), required=False, widget=forms.CheckboxSelectMultiple
    )
    likely_to_buy = forms.MultipleChoiceField(
        label=_("구매 가능성이 높은 카테고리(교차 판매)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    nps_min = forms.IntegerField(label=_("최근 NPS 이상"), required=False, min_value=0, max_value=10)
    nps_max = forms.IntegerField(label=_("최근 NPS 이하"), required=False, min_value=0, max_value=10)
    csat_min = forms.IntegerField(label=_("최근 CSAT 이상"), required=False, min_value=1, max_value=5)
    csat_max = forms.IntegerField(label=_("최근 CSAT 이하"), required=False, min_value=1, max_value=5)
    voc_open = forms.ChoiceField(label=_("처리 중인 VOC"), choices=PRESENCE, required=False)
    voc_recovered_days = forms.IntegerField(
        label=_("최근 N일 안에 VOC가 해결된 고객"), required=False, min_value=1, max_value=730
    )
    flagged = forms.ChoiceField(label=_("주의 고객 플래그"), choices=PRESENCE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = category_choices()
        for name, choices in (
            ("membership_tiers", tier_choices()),
            ("bought", categories),
            ("never_bought", categories),
            ("likely_to_buy", categories),
        ):
            cast(forms.ChoiceField, self.fields[name]).choices = choices

    def definition(self) -> list[dict[str, Any]]:
        """The condition list from the cleaned data (call after is_valid)."""
        d = self.cleaned_data
        out: list[dict[str, Any]] = [{"field": "consent", "purpose": p} for p in d.get("consents") or []]
        for key, field in (
            ("membership_tiers", "membership_tier"),
            ("value_tiers", "value_tier"),
            ("stages", "stage"),
            ("rfm_segments", "rfm_segment"),
            ("bought", "bought"),
            ("likely_to_buy", "likely_to_buy"),
        ):
            if d.get(key):
                out.append({"field": field, "values": list(d[key])})
        if d.get("never_bought"):
            out.append({"field": "bought", "values": list(d["never_bought"]), "exclude": True})
        if d.get("clv_min") is not None or d.get("clv_max") is not None:
            out.append({"field": "clv", "min": d.get("clv_min"), "max": d.get("clv_max")})
        if d.get("p_alive_min") is not None or d.get("p_alive_max") is not None:
            out.append(
                {
                    "field": "p_alive",
                    "min": None if d.get("p_alive_min") is None else d["p_alive_min"] / 100,
                    "max": None if d.get("p_alive_max") is None else d["p_alive_max"] / 100,
                }
            )
        if d.get("last_after") or d.get("last_before"):
            out.append(
                {
                    "field": "last_purchase",
                    "after": d["last_after"].isoformat() if d.get("last_after") else None,
                    "before": d["last_before"].isoformat() if d.get("last_before") else None,
                }
            )
        if d.get("overdue"):
            out.append({"field": "overdue", "factor": float(d.get("overdue_factor") or 1)})
        if d.get("next_purchase"):
            out.append({"field": "next_purchase", d["next_purchase"]: d.get("next_purchase_days")})
        for score in ("nps", "csat"):
            if d.get(f"{score}_min") is not None or d.get(f"{score}_max") is not None:
                out.append({"field": score, "min": d.get(f"{score}_min"), "max": d.get(f"{score}_max")})
        for key in ("voc_open", "flagged"):
            if d.get(key) == ONLY:
                out.append({"field": key})
            elif d.get(key) == EXCLUDE:
                out.append({"field": key, "exclude": True})
        if d.get("voc_recovered_days"):
            out.append({"field": "voc_recovered", "days": d["voc_recovered_days"]})
        return [{k: v for k, v in c.items() if v is not None} for c in out]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=100)
    goal = forms.ChoiceField(label=_("목표"), choices=Campaign.Goal.choices)
    segment = forms.ModelChoiceField(label=_("세그먼트"), queryset=Segment.objects.order_by("name"))
    template = forms.ModelChoiceField(
        label=_("메시지 템플릿"),
        queryset=MessageTemplate.objects.filter(active=True, system=False).order_by("name"),
    )
    channel = forms.ChoiceField(
        label=_("채널"),
        required=False,
        choices=[
            ("", _("템플릿 순서대로(고객이 동의한 채널)")),
            ("sms", "SMS"),
            ("email", _("이메일")),
            ("alimtalk", _("알림톡")),
            ("brand", _("카카오 브랜드 메시지")),
        ],
    )
    offer = forms.ChoiceField(label=_("혜택"), choices=Campaign.Offer.choices, initial=Campaign.Offer.NONE)
    coupon = forms.ModelChoiceField(
        label=_("쿠폰"),
        queryset=CouponDefinition.objects.filter(active=True).order_by("name"),
        required=False,
    )
    points = forms.IntegerField(label=_("포인트"), required=False, min_value=0, max_value=1_000_000)
    send_at = forms.DateTimeField(
        label=_("발송 시각(비우면 바로)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    window_days = forms.IntegerField(label=_("전환 측정 기간(일)"), initial=14, min_value=1, max_value=365)
    control_percent = forms.IntegerField(label=_("대조군 비율(%)"), initial=10, min_value=0, max_value=50)
