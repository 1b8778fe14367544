"""Staff pages for the personal-data lifecycle: the request queue, a request with its actions, opening a request
(agents, from a phone call), the access-request download, and the retention page (policy, due, destruction log)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangol.accounts.services import staff_of
from dangol.common.params import parse_int
from dangol.customers.models import Customer
from dangol.lifecycle import retention, selectors, services
from dangol.lifecycle.export import customer_data_export
from dangol.lifecycle.models import Channel, IdentityMethod, Kind, SubjectRequest
from dangol.privacy.masking import mask_email, mask_name, mask_phone
from dangol.privacy.services import access_log_write, can_see_personal_data
from dangol.reading.text import mask_text

CORRECTABLE = ("name", "preferred_name", "phone", "email", "address")


def _errors(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@require_GET
@permission_required("lifecycle.view_subjectrequest", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "closed", "all"):
        status = "open"
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    today = selectors.today()
    rows = list(selectors.subject_request_queue(status=status, kind=kind)[:300])
    personal = can_see_personal_data(request.user)
    for row in rows:
        row.who = row.customer.name if personal else mask_name(row.customer.name)  # type: ignore[attr-defined]
        row.days_left = (row.effective_due - today).days  # type: ignore[attr-defined]
        row.late = -row.days_left  # type: ignore[attr-defined]
    template = "lifecycle/_queue_rows.html" if request.headers.get("HX-Request") else "lifecycle/queue.html"
    return render(
        request,
        template,
        {
            "nav": "lifecycle",
            "rows": rows,
            "status": status,
            "kind": kind,
            "kinds": Kind.choices,
            "overdue": selectors.overdue_count(),
            "today": today,
        },
    )


def _customer_label(customer: Customer, personal: bool) -> dict[str, str]:
    if personal:
        return {"name": customer.name, "phone": customer.phone, "email": customer.email}
    return {
        "name": mask_name(customer.name),
        "phone": mask_phone(customer.phone),
        "email": mask_email(customer.email),
    }


@require_GET
@permission_required("lifecycle.view_subjectrequest", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(SubjectRequest.objects.select_related("customer", "owner"), pk=pk)
    personal = can_see_personal_data(request.user)
    customer = subject.customer
    if personal:
        access_log_write(
            staff=staff_of(request),
            action="view",
            fields=["name", "phone", "email"],
            customer_id=customer.pk,
            request=request,
            detail=f"subject-request:{subject.pk}",
        )
    events = list(selectors.subject_request_events(subject))
    if not personal:
        for event in events:
            event.note = mask_text(event.note)
    handlers = [
        u
        for u in User.objects.filter(is_active=True).select_related("staff").order_by("username")
        if services.may_handle(u)
    ]
    return render(
        request,
        "lifecycle/detail.html",
        {
            "nav": "lifecycle",
            "r": subject,
            "who": _customer_label(customer, personal),
            "text": subject.detail if personal else mask_text(subject.detail),
            "events": events,
            "methods": IdentityMethod.choices,
            "handlers": handlers,
            "can_handle": services.may_handle(request.user),
            "days_left": (subject.effective_due - selectors.today()).days,
            "correctable": [
                (f, getattr(Customer._meta.get_field(f), "verbose_name", f)) for f in CORRECTABLE
            ],
            "explanation": selectors.explanation_draft(customer) if subject.kind == Kind.EXPLANATION else "",
        },
    )


@require_POST
@permission_required("lifecycle.handle_subjectrequest", raise_exception=True)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    subject = get_object_or_404(SubjectRequest, pk=pk)
    by = staff_of(request)
    post = request.POST
    try:
        if action == "verify":
            services.subject_request_verify(request=subject, method=post.get("method", ""), by=by)
            messages.success(request, _("본인 확인을 기록했습니다."))
        elif action == "assign":
            owner_id = parse_int(post.get("owner"))
            owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
            if owner is None:
                raise ValidationError(_("담당자를 고르세요."))
            services.subject_request_assign(request=subject, owner=owner, by=by)
            messages.success(request, _("담당자를 지정했습니다."))
        elif action == "extend":
            services.subject_request_extend(request=subject, reason=post.get("reason", ""), by=by)
            messages.success(request, _("기한을 연장하고 고객에게 사유를 안내했습니다."))
        elif action == "refuse":
            services.subject_request_refuse(request=subject, reason=post.get("reason", ""), by=by)
            messages.success(request, _("요구를 거절하고 고객에게 사유를 안내했습니다."))
        elif action == "complete":
            changes = {f: post[f] for f in CORRECTABLE if post.get(f, "").strip()}
            if subject.kind == Kind.DELETION and post.get("confirm") != "1":
                raise ValidationError(_("삭제는 되돌릴 수 없습니다. 확인란을 선택하세요."))
            services.subject_request_complete(
                request=subject, by=by, outcome=post.get("outcome", ""), changes=changes or None
            )
            messages.success(request, _("요구를 처리했습니다."))
        elif action == "lift":
            services.suspension_lift(request=subject, by=by)
            messages.success(request, _("처리정지를 해제했습니다."))
        else:
            raise ValidationError(_("알 수 없는 작업입니다."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    return redirect("lifecycle:detail", pk=subject.pk)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Open a request taken on the phone, by letter or e-mail (agents and handlers)."""
    if not (request.user.has_perm(services.OPEN) or services.may_handle(request.user)):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    customer_id = parse_int(source.get("customer"))
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    form = {
        "kind": source.get("kind", ""),
        "channel": source.get("channel", Channel.PHONE),
        "detail": source.get("detail", ""),
    }
    error = ""
    if request.method == "POST":
        try:
            if customer is None:
                raise ValidationError(_("고객 번호를 확인하세요."))
            subject = services.subject_request_open(
                customer=customer,
                kind=form["kind"],
                channel=form["channel"],
                detail=form["detail"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = _errors(exc)
        else:
            messages.success(
                request,
                _("요구 #%(n)s을(를) 접수했습니다. 처리 기한: %(due)s")
                % {"n": subject.pk, "due": subject.due_on.strftime("%Y-%m-%d")},
            )
            if request.user.has_perm("lifecycle.view_subjectrequest"):
                return redirect("lifecycle:detail", pk=subject.pk)
            return redirect("customers:detail", pk=subject.customer_id)
    return render(
        request,
        "lifecycle/new.html",
        {
            "nav": "lifecycle",
            "customer": customer,
            "who": mask_name(customer.name) if customer else "",
            "kinds": Kind.choices,
            "channels": [c for c in Channel.choices if c[0] != Channel.PORTAL],
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@permission_required("lifecycle.handle_subjectrequest", raise_exception=True)
@permission_required("customers.export_personal_data", raise_exception=True)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The access request's answer: everything Dangol holds about the person, as JSON (logged as an export)."""
    subject = get_object_or_404(SubjectRequest.objects.select_related("customer"), pk=pk)
    if subject.kind != Kind.ACCESS:
        raise PermissionDenied
    if not subject.identity_verified_at:
        messages.error(request, _("본인 확인을 먼저 기록하세요."))
        return redirect("lifecycle:detail", pk=subject.pk)
    data = customer_data_export(subject.customer)
    access_log_write(
        staff=staff_of(request),
        action="export",
        fields=["all"],
        customer_id=subject.customer_id,
        request=request,
        detail=f"subject-request:{subject.pk}",
    )
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="dangol-data-{subject.customer_id}-{stamp}.json"'
    return response


@require_GET
@permission_required("lifecycle.view_destructionlog", raise_exception=True)
def retention_page(request: HttpRequest) -> HttpResponse:
    logs = list(selectors.destruction_log(200))
    by_rule: dict[str, int] = {}
    for log in logs:
        by_rule[log.rule] = by_rule.get(log.rule, 0) + log.count
    labels = {r.code: str(r.label) for r in retention.RULES}
    labels["request"] = _("삭제 요구")
    chart: dict[str, Any] = {
        "labels": [labels.get(code, code) for code in by_rule],
        "counts": list(by_rule.values()),
        "title": _("최근 파기 건수(규칙별)"),
    }
    return render(
        request,
        "lifecycle/retention.html",
        {
            "nav": "lifecycle",
            "policy": retention.policy_rows(),
            "logs": logs,
            "rule_labels": labels,
            "soon_days": retention.DUE_SOON_DAYS,
            "large_scale": retention.ACCESS_LOG_LARGE_SCALE,
            "chart": chart,
        },
    )
