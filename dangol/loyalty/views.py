from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangol.loyalty import selectors
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
        },
    )
