from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangol.accounts.models import Role
from dangol.accounts.services import staff_of
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction
from dangol.orders.models import Order
from dangol.privacy.masking import mask_name
from dangol.promises.models import Promise
from dangol.promises.selectors import callback_promises, promises_due_today
from dangol.voc import worklists


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def _business_stats() -> dict[str, object]:
    """Company-wide figures for the home page. They scan orders and interactions, so they are cached
    for five minutes in the shared file cache rather than computed on every page view."""
    now = timezone.now()
    since = (timezone.localtime(now) - dt.timedelta(days=365)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    monthly = list(
        Order.objects.filter(ordered_at__gte=since)
        .annotate(month=TruncMonth("ordered_at"))
        .values("month")
        .annotate(revenue=Sum("total_amount"), orders=Count("id"))
        .order_by("month")
    )
    by_touchpoint = list(
        Interaction.objects.filter(occurred_at__gte=now - dt.timedelta(days=90))
        .values("touchpoint__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:12]
    )
    promise_counts = dict(Promise.objects.values_list("status").annotate(n=Count("id")).order_by())
    resolved = promise_counts.get("kept", 0) + promise_counts.get("broken", 0)
    return {
        "customer_count": Customer.objects.filter(status=Customer.Status.ACTIVE).count(),
        "orders_90d": Order.objects.filter(ordered_at__gte=now - dt.timedelta(days=90)).count(),
        "open_promises": promise_counts.get("open", 0),
        "kept_rate": promise_counts.get("kept", 0) / resolved if resolved else None,
        "chart_months": [
            timezone.localtime(m["month"]).strftime("%Y-%m")
            if timezone.is_aware(m["month"])
            else m["month"].strftime("%Y-%m")
            for m in monthly
        ],
        "chart_revenue": [int(m["revenue"] or 0) for m in monthly],
        "chart_tp_labels": [r["touchpoint__name"] for r in by_touchpoint],
        "chart_tp_counts": [r["n"] for r in by_touchpoint],
        "computed_at": now,
    }


def _role(user: User) -> str:
    if user.is_superuser:
        return Role.ADMIN
    return str(getattr(getattr(user, "staff", None), "role", "") or "")


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its day: an agent on *my work*, a manager on the team, an analyst on customer value,
    an admin (and a viewer) on the company figures — which anyone may open with ?view=overview."""
    user = staff_of(request)
    role = _role(user)
    if request.GET.get("view") != "overview":
        if role == Role.ANALYST and user.has_perm("loyalty.view_customervalue"):
            return redirect("loyalty:value")
        if role == Role.PRIVACY_OFFICER and user.has_perm("lifecycle.view_subjectrequest"):
            return redirect("lifecycle:queue")
        if role == Role.AGENT:
            return render(request, "web/home_agent.html", {"nav": "home", **_my_work(user)})
        if role == Role.MANAGER:
            team = user.staff.team
            context = {
                "nav": "home",
                "team": team,
                "board": worklists.team_board(team.pk if team else None, limit=5),
                **_my_work(user, limit=5),
            }
            return render(request, "web/home_team.html", context)
    return _overview(request, user)


def _my_work(user: User, *, limit: int = 8) -> dict[str, object]:
    """An agent's day, each list short, from the apps that own the rows."""
    now = timezone.now()
    due = promises_due_today(user, now=now, limit=limit)
    calls = worklists.my_callbacks(user, now=now, limit=5)
    call_promises = callback_promises(user, limit=5)
    return {
        "now": now,
        "my_cases": worklists.my_open_cases(user, now=now, limit=limit),
        # (promise, overdue, the customer's name masked: the home page is no place to read personal data)
        "my_promises_due": [(p, p.due_at < now, mask_name(p.customer.name)) for p in due],
        "callback_cases": calls,
        "callback_promises": [(p, p.due_at < now, mask_name(p.customer.name)) for p in call_promises],
        "callback_total": calls.total + len(call_promises),
        "new_cases": worklists.my_new_assignments(user, now=now, limit=5),
    }


def _overview(request: HttpRequest, user: User) -> HttpResponse:
    context: dict[str, object] = dict(cache.get_or_set("web:home:stats", _business_stats, 300) or {})
    context["nav"] = "home"
    context["my_promises"] = (
        Promise.objects.filter(owner=user, status=Promise.Status.OPEN)
        .select_related("customer")
        .order_by("due_at")[:10]
    )
    return render(request, "web/home.html", context)
