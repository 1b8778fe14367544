from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangol.accounts.services import staff_of
from dangol.promises import selectors
from dangol.promises.models import Promise
from dangol.promises.services import promise_resolve


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


@require_POST
@permission_required("promises.change_promise", raise_exception=True)
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(Promise, pk=pk)
    flash = _("약속 이행 여부를 기록했습니다.")
    try:
        promise_resolve(promise=promise, kept=request.POST.get("kept") == "1", by=staff_of(request))
    except ValidationError as exc:
        flash = " ".join(exc.messages)
    from dangol.customers.views import _live

    return _live(request, promise.customer, flash)
