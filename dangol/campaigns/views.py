"""Segment builder, saved segments, campaigns and their reports. Thin: parse, check permission, call, render."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangol.accounts.services import staff_of
from dangol.campaigns import selectors, services
from dangol.campaigns.conditions import count_now, describe
from dangol.campaigns.forms import CampaignForm, SegmentBuilderForm
from dangol.campaigns.models import Campaign, Segment
from dangol.common.csv import safe_writer
from dangol.loyalty.models import ValueTier
from dangol.messaging.models import Message

TIER_LABELS = {**dict(ValueTier.choices), services.NO_STRATUM: gettext_lazy("미산정")}
RULE_LABELS = {
    "ad_no_consent": gettext_lazy("마케팅 수신 동의 없음"),
    "ad_consent_withdrawn": gettext_lazy("수신 거부·동의 철회"),
    "no_address": gettext_lazy("연락처 없음"),
    "processing_suspended": gettext_lazy("처리정지 고객"),
}


@require_GET
@permission_required("campaigns.view_campaign", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/index.html",
        {"nav": "campaigns", "campaigns": selectors.campaigns()[:100], "segments": selectors.segments()},
    )


# ---------------------------------------------------------------- segments


@require_http_methods(["GET", "POST"])
@permission_required("campaigns.add_segment", raise_exception=True)
def segment_new(request: HttpRequest) -> HttpResponse:
    form = SegmentBuilderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            segment = services.segment_create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                kind=form.cleaned_data["kind"] or Segment.Kind.DYNAMIC,
                definition=form.definition(),
                by=staff_of(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("세그먼트 ‘%(name)s’을(를) 저장했습니다.") % {"name": segment.name})
            return redirect("campaigns:segment", segment.pk)
    return render(request, "campaigns/segment_new.html", {"nav": "campaigns", "form": form})


@require_POST
@permission_required("campaigns.add_segment", raise_exception=True)
def segment_count(request: HttpRequest) -> HttpResponse:
    """The builder's live count (htmx): how many customers the conditions on the form hold now."""
    form = SegmentBuilderForm(request.POST)
    count: int | None = None
    as_of = None
    errors: list[str] = []
    lines: list[str] = []
    if form.is_valid():
        try:
            definition = form.definition()
            count, as_of = count_now(definition)
            lines = describe(definition)
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [
            f"{form.fields[k].label if k in form.fields else ''}: {' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()
        ]
    return render(
        request,
        "campaigns/_count.html",
        {
            "count": count,
            "errors": errors,
            "lines": lines,
            "as_of": timezone.localtime(as_of) if as_of else None,
        },
    )


@require_GET
@permission_required("campaigns.view_segment", raise_exception=True)
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    overview = selectors.segment_overview(segment)
    return render(
        request,
        "campaigns/segment.html",
        {
            "nav": "campaigns",
            "segment": segment,
            "lines": describe(segment.definition),
            "count": overview.count,
            "as_of": timezone.localtime(overview.as_of) if overview.as_of else None,
            "sample": overview.sample,
            "tier_labels": TIER_LABELS,
            "campaigns": segment.campaigns.order_by("-created_at")[:20],
        },
    )


@require_POST
@permission_required("campaigns.change_segment", raise_exception=True)
def segment_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    segment = services.segment_freeze(segment=segment)
    messages.success(
        request, _("지금 명단(%(n)s명)으로 고정했습니다.") % {"n": f"{len(segment.member_ids):,}"}
    )
    return redirect("campaigns:segment", segment.pk)


@require_GET
@permission_required("campaigns.view_segment", raise_exception=True)
def segment_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The members as CSV, masked always (id, masked name and phone, value tier): enough to check a list or
    join it elsewhere by id; the unmasked, logged export stays on the customer list."""
    segment = get_object_or_404(Segment, pk=pk)

    class _Echo:
        def write(self, value: str) -> str:
            return value

    writer = safe_writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(
            ["customer_id", _("이름(마스킹)"), _("전화(마스킹)"), _("가치 등급")]
        )
        for ids in selectors.export_id_chunks(segment):
            for row in selectors.member_rows(ids):
                yield writer.writerow([row.id, row.name, row.phone, row.value_tier])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="segment-{segment.pk}-{stamp}.csv"'
    return response


# ---------------------------------------------------------------- campaigns


@require_http_methods(["GET", "POST"])
@permission_required("campaigns.add_campaign", raise_exception=True)
def campaign_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("segment", "").isdigit():
        initial["segment"] = request.GET["segment"]
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.campaign_create(
                name=d["name"],
                goal=d["goal"],
                segment=d["segment"],
                template=d["template"],
                channel=d["channel"] or "",
                offer=d["offer"],
                coupon=d["coupon"],
                points=d["points"] or 0,
                send_at=d["send_at"],
                window_days=d["window_days"],
                control_share=Decimal(d["control_percent"]) / 100,
                by=staff_of(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("캠페인을 만들었습니다. 확인 후 발송을 시작하세요."))
            return redirect("campaigns:campaign", campaign.pk)
    return render(request, "campaigns/campaign_new.html", {"nav": "campaigns", "form": form})


@require_GET
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("segment", "template", "coupon"), pk=pk)
    report = selectors.campaign_report(campaign)
    return render(
        request,
        "campaigns/campaign.html",
        {
            "nav": "campaigns",
            "campaign": campaign,
            "report": report,
            "launch": selectors.launch_counts(campaign),
            "tier_labels": TIER_LABELS,
            "status_labels": dict(Message.Status.choices),
            "rule_labels": RULE_LABELS,
            "chart": {
                **report.chart,
                "text": {
                    "treated": _("발송군"),
                    "control": _("대조군"),
                    "day": _("발송 후 일수"),
                    "rate": _("누적 전환율(%)"),
                },
            },
        },
    )


@require_GET
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    return render(request, "campaigns/_progress.html", {"campaign": campaign})


@require_POST
@permission_required("campaigns.launch_campaign", raise_exception=True)
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        services.campaign_launch(campaign=campaign, by=staff_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("발송을 시작했습니다. 진행 상황이 이 화면에 표시됩니다."))
    return redirect("campaigns:campaign", campaign.pk)
