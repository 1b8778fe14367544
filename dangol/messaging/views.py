from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangol.accounts.services import staff_of
from dangol.common.params import parse_ids, parse_int
from dangol.customers.models import Customer
from dangol.customers.services import ConflictError
from dangol.messaging import rules, selectors, sending, services
from dangol.messaging.channels import solapi_status
from dangol.messaging.forms import OutboxFilterForm, PreviewForm, TemplateForm
from dangol.messaging.models import Channel, Message, MessageTemplate
from dangol.messaging.rules import MessagingError
from dangol.privacy.masking import mask_email, mask_name, mask_phone
from dangol.privacy.models import AccessLog
from dangol.privacy.services import access_log_write, can_see_personal_data

PHONE_LIKE = (Channel.SMS, Channel.LMS, Channel.ALIMTALK, Channel.BRAND)


def _masked_recipient(message: Message) -> str:
    return mask_email(message.recipient) if "@" in message.recipient else mask_phone(message.recipient)


def _masked_text(text: str, customer: Customer | None, *, contact_name: str = "", recipient: str = "") -> str:
    """The text with the customer's (or the contact's) name, phone and e-mail hidden, for staff without the
    personal-data right."""
    if customer is not None:
        name, phone, email = customer.name, customer.phone, customer.email
    else:
        name = contact_name
        phone, email = ("", recipient) if "@" in recipient else (recipient, "")
    for value, masked in (
        (name, mask_name(name)),
        (phone, mask_phone(phone)),
        (email, mask_email(email)),
    ):
        if value:
            text = text.replace(value, masked)
    return text


def _shown(message: Message, *, unmasked: bool) -> dict[str, Any]:
    """A message as the recipient sees it (masked unless the viewer may see personal data)."""
    customer = message.customer
    contact_name = str((message.provider_options or {}).get("contact_name", ""))

    def show(text: str) -> str:
        if unmasked:
            return text
        return _masked_text(text, customer, contact_name=contact_name, recipient=message.recipient)

    return {
        "m": message,
        "recipient": message.recipient if unmasked else _masked_recipient(message),
        "subject": show(message.subject),
        "body": show(message.body),
        "phone_like": message.channel in PHONE_LIKE,
        "customer_label": (customer.name if unmasked else mask_name(customer.name)) if customer else "",
    }


def _require_access(request: HttpRequest) -> str:
    access = selectors.message_access(request.user)
    if access == "none":
        raise PermissionDenied
    return access


# ---------------------------------------------------------------- the outbox


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    _require_access(request)
    form = OutboxFilterForm(request.GET or None)
    qs = selectors.messages_visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["channel"]:
            wanted = [Channel.SMS, Channel.LMS] if data["channel"] == Channel.SMS else [data["channel"]]
            qs = qs.filter(channel__in=wanted)
        if data["customer"]:
            qs = qs.filter(customer_id=data["customer"])
    page = Paginator(qs.order_by("-created_at", "-id"), 30).get_page(
        parse_int(request.GET.get("page"), default=1)
    )
    return render(
        request,
        "messaging/outbox.html",
        {
            "nav": "messages",
            "form": form,
            "page": page,
            "rows": [_shown(m, unmasked=False) for m in page.object_list],
            "query": {k: v for k, v in request.GET.items() if k != "page"},
        },
    )


@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_access(request)
    message = get_object_or_404(selectors.messages_visible_to(request.user), pk=pk)
    unmasked = can_see_personal_data(request.user)
    if unmasked and message.customer_id:
        access_log_write(
            staff=staff_of(request),
            action=AccessLog.Action.VIEW,
            fields=["name", "email" if message.channel == Channel.EMAIL else "phone"],
            customer_id=message.customer_id,
            request=request,
            detail=f"메시지 보기 {message.uid}",
        )
    return render(
        request,
        "messaging/message.html",
        {
            "nav": "messages",
            "row": _shown(message, unmasked=unmasked),
            "events": message.events.all(),
            "can_settle": selectors.message_access(request.user) == "all",
        },
    )


@require_POST
def message_settle(request: HttpRequest, pk: int) -> HttpResponse:
    if selectors.message_access(request.user) != "all":
        raise PermissionDenied
    message = get_object_or_404(Message, pk=pk)
    resend = request.POST.get("action") == "resend"
    if sending.message_unknown_settle(message=message, resend=resend, by=staff_of(request)):
        flash.success(
            request, _("다시 보내도록 대기열에 넣었습니다.") if resend else _("보낸 것으로 기록했습니다.")
        )
    else:
        flash.error(request, _("이 메시지는 이미 처리되었습니다."))
    return redirect("messaging:message", pk=pk)


# ---------------------------------------------------------------- templates


def _require_templates(request: HttpRequest) -> None:
    if not selectors.can_manage_templates(request.user):
        raise PermissionDenied


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _require_templates(request)
    return render(
        request, "messaging/templates.html", {"nav": "messages", "templates": selectors.templates_all()}
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_templates(request)
    template = get_object_or_404(MessageTemplate, pk=pk) if pk else None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("version", None)
            try:
                saved = services.template_save(
                    template=template, data=data, by=staff_of(request), expected_version=expected
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except ConflictError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, _("템플릿을 저장했습니다."))
                return redirect("messaging:template_edit", pk=saved.pk)
    else:
        form = TemplateForm.for_template(template)
    return render(
        request,
        "messaging/template_edit.html",
        {"nav": "messages", "form": form, "template": template, "preview_form": PreviewForm()},
    )


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_POST
def template_preview(request: HttpRequest) -> HttpResponse:
    """The template being edited (saved or not), rendered for a real customer: as it would be sent, with its
    byte count and SMS/LMS type, or the Korean reason it could not be."""
    _require_templates(request)
    template_form = TemplateForm(request.POST)
    preview = PreviewForm(request.POST)
    context: dict[str, Any] = {}
    if not preview.is_valid() or not template_form.is_valid():
        errors = [e for f in (preview, template_form) for field in f.errors.values() for e in field]
        return render(request, "messaging/_preview.html", {"errors": errors})
    data = template_form.cleaned_data
    template = MessageTemplate(**{k: v for k, v in data.items() if k in services.TEMPLATE_FIELDS})
    customer = Customer.objects.filter(pk=preview.cleaned_data["customer"]).first()
    if customer is None:
        return render(request, "messaging/_preview.html", {"errors": [_("해당 번호의 고객이 없습니다.")]})
    unmasked = can_see_personal_data(request.user)
    access_log_write(
        staff=staff_of(request),
        action=AccessLog.Action.VIEW,
        fields=["name", "phone", "email"] if unmasked else ["name"],
        customer_id=customer.pk,
        request=request,
        detail="메시지 템플릿 미리보기",
    )
    problems = rules.template_problems(
        kind=template.kind,
        channels=list(template.channels),
        subject=template.subject,
        body=template.body,
        alimtalk_template_id=template.alimtalk_template_id,
    )
    try:
        draft = services.message_draft(
            customer=customer,
            template=template,
            variables=preview.variable_values(),
            channel=preview.cleaned_data["preview_channel"] or None,
            now=timezone.now(),
        )
    except MessagingError as exc:
        return render(request, "messaging/_preview.html", {"errors": [*problems.values(), *exc.messages]})
    shown = Message(
        customer=customer,
        channel=draft.channel,
        kind=draft.kind,
        recipient=draft.recipient,
        sender=draft.sender,
        subject=draft.subject,
        body=draft.body,
        status=draft.status,
        blocked_rule=draft.blocked_rule,
        blocked_reason=draft.blocked_reason,
        not_before=draft.not_before,
    )
    context.update(
        row=_shown(shown, unmasked=unmasked),
        errors=list(problems.values()),
        byte_count=draft.byte_count,
        draft=draft,
    )
    return render(request, "messaging/_preview.html", context)


# ---------------------------------------------------------------- staff notices


@require_GET
def notice_bell(request: HttpRequest) -> HttpResponse:
    return render(
        request, "messaging/_bell.html", {"unread": selectors.unread_notice_count(staff_of(request))}
    )


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    preference = getattr(user, "notice_preference", None)
    return render(
        request,
        "messaging/notices.html",
        {
            "nav": "notices",
            "notices": selectors.notices_of(user),
            "unread": selectors.unread_notice_count(user),
            "email_too": bool(preference and preference.email_too),
            "has_email": bool(user.email),
        },
    )


@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    user = staff_of(request)
    ids = None if request.POST.get("all") else parse_ids(request.POST.getlist("id"))
    services.notices_mark_read(user=user, ids=ids)
    if request.headers.get("HX-Request"):
        return render(request, "messaging/_bell.html", {"unread": selectors.unread_notice_count(user)})
    return redirect("messaging:notices")


@require_POST
def notice_preference(request: HttpRequest) -> HttpResponse:
    services.notice_preference_set(user=staff_of(request), email_too=request.POST.get("email_too") == "on")
    flash.success(request, _("알림 설정을 저장했습니다."))
    return redirect("messaging:notices")


# ---------------------------------------------------------------- opt-out (no login)


@login_not_required
@csrf_exempt  # the signed link is the authority, and mail clients' one-click POST (RFC 8058) has no token
@require_http_methods(["GET", "POST"])
def optout(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link withdraws with one button (mail scanners open links; a GET changes nothing);
    POST withdraws at once and shows the result."""
    try:
        customer, purpose = services.optout_read(token)
    except MessagingError as exc:
        return render(request, "messaging/optout.html", {"error": exc.messages[0]}, status=400)
    context: dict[str, Any] = {
        "purpose_label": services.optout_label(purpose),
        "sender_name": settings.DANGOL_MESSAGING_SENDER_NAME,
    }
    if request.method == "POST":
        result = services.optout_apply(token=token)
        context.update(done=True, already=result.already, confirmation=result.confirmation)
    else:
        context["masked_name"] = mask_name(customer.name)
    response = render(request, "messaging/optout.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# ---------------------------------------------------------------- provider webhooks (no login)


@login_not_required
@csrf_exempt
@require_POST
def solapi_webhook(request: HttpRequest) -> HttpResponse:
    """SOLAPI delivery reports (a JSON list of reports). The shared secret comes in the X-Dangol-Webhook-Secret
    header or the `secret` query parameter of the URL registered with the provider."""
    secret = settings.DANGOL_SOLAPI_WEBHOOK_SECRET
    given = request.headers.get("X-Dangol-Webhook-Secret") or request.GET.get("secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        from solapi.model.webhook.single_report import SingleReportPayload

        payload = json.loads(request.body)
        reports = SingleReportPayload.model_validate(payload if isinstance(payload, list) else [payload]).root
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        return JsonResponse({"error": "bad report", "detail": str(exc)[:200]}, status=400)
    recorded = 0
    for report in reports:
        data = report.data
        found = sending.delivery_report_record(
            status=solapi_status(data.status_code or ""),
            message_uid=str((data.custom_fields or {}).get("dangol_id", "")),
            provider_message_id=data.message_id or "",
            status_code=data.status_code or "",
            reason=data.status_message or "",
        )
        recorded += found is not None
    return JsonResponse({"recorded": recorded, "received": len(reports)})
