from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangol.promises import selectors
from dangol.promises.models import Promise


@require_GET
@permission_required("promises.view_promise", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in Promise.Status.values:
        status = "open"
    promises = (
        Promise.objects.filter(status=status)
        .select_related("customer", "owner__staff", "team")
        .order_by("due_at" if status == "open" else "-resolved_at")[:100]
    )
    by_staff = selectors.kept_rate_by_staff()
    by_team = selectors.kept_rate_by_team()
    return render(
        request,
        "promises/board.html",
        {
            "nav": "promises",
            "status": status,
            "promises": promises,
            "by_staff": by_staff,
            "by_team": by_team,
            "statuses": Promise.Status.choices,
            "chart_labels": [r.label for r in by_team],
            "chart_rates": [round((r.rate or 0) * 100, 1) for r in by_team],
        },
    )
