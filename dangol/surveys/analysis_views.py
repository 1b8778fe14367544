"""Analysis pages: satisfaction trends and groups, gaps, drivers and importance–performance, loyalty, Kano,
employee pulse. Figures come from `analysis` (cached aggregates), never from a scan per page view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dangol.common.params import parse_int
from dangol.surveys import analysis
from dangol.surveys.models import Dimension, Survey


def _int(value: str | None) -> int | None:
    return parse_int(value, minimum=1, maximum=10**9)


@permission_required("surveys.view_response", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    surveys = list(Survey.objects.filter(kind=Survey.Kind.CUSTOMER).order_by("title"))
    survey_id = _int(request.GET.get("survey"))
    if survey_id is not None and not any(s.pk == survey_id for s in surveys):
        survey_id = None
    group = request.GET.get("by", "touchpoint")
    if group not in analysis.GROUPS:
        group = "touchpoint"
    months = _int(request.GET.get("months")) or 12
    months = min(max(months, 1), 36)
    trend = analysis.trend(survey_id=survey_id, months=months)
    driver_survey = survey_id or (surveys[0].pk if surveys else None)
    drivers: dict[str, Any] = (
        analysis.drivers(survey_id=driver_survey, months=months)
        if driver_survey
        else {"error": "설문이 없습니다."}
    )
    loyalty = analysis.loyalty(survey_id=survey_id)
    return render(
        request,
        "surveys/analysis.html",
        {
            "nav": "surveys",
            "surveys": surveys,
            "survey_id": survey_id,
            "group": group,
            "months": months,
            "groups": [("touchpoint", "접점"), ("team", "팀"), ("staff", "직원"), ("survey", "설문")],
            "trend": trend,
            "rows": analysis.by_group(group=group, survey_id=survey_id, months=months),
            "gaps": analysis.gaps(survey_id=survey_id),
            "drivers": drivers,
            "loyalty": loyalty,
            "rates": analysis.response_rates(),
            "driver_survey": driver_survey,
            "chart": {
                "months": [t["month"] for t in trend],
                "nps": [t["nps"] for t in trend],
                "nps_low": [t["nps_low"] for t in trend],
                "nps_high": [t["nps_high"] for t in trend],
                "csat": [t["csat_mean"] for t in trend],
                "csat_low": [t["csat_low"] for t in trend],
                "csat_high": [t["csat_high"] for t in trend],
                "ipa": [
                    {"x": d["share"] * 100, "y": d["performance"], "label": d["text"], "aspect": d["aspect"]}
                    for d in drivers.get("items", [])
                ],
                "ipa_cut": [drivers.get("importance_cut", 0) * 100, drivers.get("performance_cut", 0)],
                # x = importance, y = performance: the quadrant names of stats.QUADRANT_LABELS, short
                "ipa_corners": {
                    "topLeft": _("과잉 투자 가능성"),
                    "topRight": _("현재 유지"),
                    "bottomLeft": _("낮은 우선순위"),
                    "bottomRight": _("집중 개선"),
                },
                "text": {
                    "people": _("사람"),
                    "physical": _("물리적"),
                    "importance": _("중요도(%)"),
                    "performance": _("성과(0–100)"),
                    "repurchase": _("재구매율(%)"),
                },
                "loyalty_labels": [b["band"] for b in loyalty["csat"]],
                "loyalty": [
                    round(100 * b["rate"], 1) if b["rate"] is not None else None for b in loyalty["csat"]
                ],
            },
        },
    )


@permission_required("surveys.view_response", raise_exception=True)
def kano_page(request: HttpRequest) -> HttpResponse:
    studies = list(Survey.objects.filter(kind=Survey.Kind.KANO).order_by("-created_at"))
    survey_id = _int(request.GET.get("survey"))
    study = next((s for s in studies if s.pk == survey_id), studies[0] if studies else None)
    result = analysis.kano_study(survey_id=study.pk) if study else {"attributes": [], "waves": []}
    points = []
    for item in result["attributes"]:
        for wave in item.get("waves") or [{"wave": "", **item}]:
            if wave["better"] is not None:
                points.append(
                    {
                        "x": abs(wave["worse"]),
                        "y": wave["better"],
                        "label": item["attribute"],
                        "wave": wave["wave"],
                    }
                )
    return render(
        request,
        "surveys/kano.html",
        {
            "nav": "surveys",
            "studies": studies,
            "study": study,
            "result": result,
            "points": points,
            "names": {"A": "매력적", "O": "일원적", "M": "당연적", "I": "무관심", "R": "역", "Q": "회의적"},
            "chart_text": {
                "all": _("전체"),
                # x = |Worse|, y = Better (Berger et al. 1993)
                "corners": {
                    "topLeft": _("매력적"),
                    "topRight": _("일원적"),
                    "bottomLeft": _("무관심"),
                    "bottomRight": _("당연적"),
                },
            },
        },
    )


@permission_required("surveys.view_response", raise_exception=True)
def pulse_page(request: HttpRequest) -> HttpResponse:
    dims = [(d.value, d.label) for d in analysis.PULSE_DIMENSIONS]
    return render(
        request,
        "surveys/pulse.html",
        {
            "nav": "surveys",
            "rows": analysis.pulse_by_team(),
            "dimensions": dims,
            "min_n": analysis.PULSE_MIN_N,
            "dimension_labels": dict(Dimension.choices),
        },
    )
