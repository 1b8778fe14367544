from __future__ import annotations

from pathlib import Path

import csp.constants as csp
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from dangol.loyalty import selectors
from dangol.loyalty.models import P_ALIVE_MIN_PURCHASES, ValueRun
from dangol.privacy.masking import mask_name


@permission_required("loyalty.view_customervalue", raise_exception=True)
def value_page(request: HttpRequest) -> HttpResponse:
    page = selectors.value_page()
    at_risk = [(v, mask_name(v.customer.name)) for v in selectors.silent_defection()]
    return render(
        request,
        "loyalty/value.html",
        {
            "nav": "loyalty",
            "p": page,
            "at_risk": at_risk,
            "tier_labels": [t[1] for t in page.tiers],
            "tier_counts": [t[2] for t in page.tiers],
            "tier_clv": [t[3] for t in page.tiers],
            "stage_labels": [s[1] for s in page.stages],
            "stage_counts": [s[2] for s in page.stages],
            "segment_labels": [s[1] for s in page.segments],
            "segment_counts": [s[2] for s in page.segments],
            "clv_labels": [h[0] for h in page.clv_histogram],
            "clv_counts": [h[1] for h in page.clv_histogram],
            "pareto": selectors.pareto_curves(page.report),
            "grid": selectors.rfm_grid(page.report),
            "cohorts": selectors.cohort_rows(page.report),
            "three_r": page.report.get("three_r") or {},
            "latest_retention": selectors.latest_retention(page.report),
            "ladder": selectors.ladder_legend(page.report),
            "has_report": page.run is not None and _report_file(page.run) is not None,
            "p_alive_min": P_ALIVE_MIN_PURCHASES,
            "chart_text": {
                "revenue": _("과거 매출"),
                "clv": _("예측 CLV"),
                "even": _("균등"),
                "customers": "% " + _("고객"),
            },
        },
    )


def _report_file(run: ValueRun) -> Path | None:
    """The run's report.html, only if it lies inside the analytics output folder (the stored path is
    trusted no further than that)."""
    if not run.output_dir:
        return None
    root = (Path(settings.VAR_DIR) / "analytics").resolve()
    path = (Path(run.output_dir) / "report.html").resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


# The engine's report is a self-contained page: inline CSS and SVG, no scripts (dangol.analytics.report).
@csp_replace(  # type: ignore[arg-type]  # django-csp types views as taking the request only
    {"default-src": [csp.NONE], "script-src": [csp.NONE], "style-src": [csp.UNSAFE_INLINE]}
)
@permission_required("loyalty.view_valuerun", raise_exception=True)
def value_report(request: HttpRequest, pk: int) -> FileResponse:
    run = get_object_or_404(ValueRun, pk=pk, status=ValueRun.Status.DONE)
    path = _report_file(run)
    if path is None:
        raise Http404(_("이 계산의 보고서 파일이 없습니다."))
    return FileResponse(path.open("rb"), content_type="text/html; charset=utf-8")
