from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangol.common.csv import safe_writer
from dangol.privacy.models import AccessLog


@require_GET
@permission_required("privacy.view_accesslog", raise_exception=True)
def access_log(request: HttpRequest) -> HttpResponse:
    qs = AccessLog.objects.select_related("staff__staff").order_by("-at", "-id")
    staff = request.GET.get("staff", "").strip()
    customer = request.GET.get("customer", "").strip()
    action = request.GET.get("action", "").strip()
    day_from = request.GET.get("from", "").strip()
    if staff:
        qs = qs.filter(staff__username=staff)
    if customer.isdigit():
        qs = qs.filter(customer_id=int(customer))
    if action in AccessLog.Action.values:
        qs = qs.filter(action=action)
    if day_from:
        try:
            start = dt.date.fromisoformat(day_from)
            qs = qs.filter(
                at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_current_timezone())
            )
        except ValueError:
            day_from = ""
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
        response.write("\ufeff")
        writer = safe_writer(response)
        writer.writerow(["at", "staff", "ip", "action", "customer_id", "customer_count", "fields", "detail"])
        for row in qs[:100000]:
            writer.writerow(
                [
                    timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                    row.staff.username,
                    row.ip,
                    row.action,
                    row.customer_id,
                    row.customer_count,
                    row.fields,
                    row.detail,
                ]
            )
        return response
    return render(
        request,
        "privacy/access_log.html",
        {
            "nav": "privacy",
            "rows": qs[:200],
            "actions": AccessLog.Action.choices,
            "f": {"staff": staff, "customer": customer, "action": action, "from": day_from},
        },
    )
