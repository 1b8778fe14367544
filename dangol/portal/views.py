"""The customer's pages at /my/: sign-in, my inquiries, a new inquiry, benefits, consents, my data.

None of these is a staff page (login_not_required); each signed-in page asks auth.session_customer, and every
read goes through selectors that filter by that customer. Every POST is rate-limited per client and customer,
and CSRF-checked by the middleware."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangol.accounts.services import staff_of
from dangol.common.params import parse_int
from dangol.customers.models import Customer
from dangol.knowledge.models import Article
from dangol.knowledge.selectors import articles_suggest
from dangol.knowledge.services import deflection_record, inquiry_filed_record
from dangol.lifecycle.export import customer_data_export
from dangol.lifecycle.models import Kind as RequestKind
from dangol.lifecycle.models import SubjectRequest
from dangol.lifecycle.selectors import subject_requests_for
from dangol.lifecycle.services import subject_request_open
from dangol.portal import auth, explain, selectors, services
from dangol.portal.images import MAX_BYTES, MAX_PHOTOS
from dangol.portal.links import case_for_link
from dangol.portal.models import Photo
from dangol.privacy import throttle
from dangol.privacy.models import AccessLog
from dangol.privacy.services import access_log_write
from dangol.privacy.throttle import Rule
from dangol.rewards.models import Program
from dangol.rewards.selectors import customer_rewards_summary
from dangol.voc.models import Case
from dangol.voc.services import CUSTOMER_REOPEN_DAYS, CaseConflict

View = Callable[..., HttpResponseBase]
POST_RULES = [Rule(20, 60), Rule(200, 3600)]
LINK_RULES = [Rule(30, 60), Rule(300, 3600)]  # the public one-case page, per client
UPLOAD_BODY_LIMIT = MAX_PHOTOS * MAX_BYTES + 256 * 1024


def _limited(request: HttpRequest, customer: Customer | None) -> throttle.RateLimited | None:
    """Count a POST for the client and the customer; the refusal, if over the limit."""
    if request.method != "POST":
        return None
    keys = [throttle.client_key(request)] + ([f"customer:{customer.pk}"] if customer else [])
    try:
        throttle.hit("portal-post", keys, POST_RULES)
    except throttle.RateLimited as limited:
        return limited
    return None


def customer_page(view: View) -> View:
    """A page for the signed-in customer (request.customer); others go to sign-in."""

    @login_not_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        customer = auth.session_customer(request)
        if customer is None:
            if request.headers.get("HX-Request"):
                return HttpResponse(status=401)
            to_login = redirect("portal:login")
            auth.cookie_clear(to_login)
            return to_login
        limited = _limited(request, customer)
        if limited is not None:
            return throttle.too_many_requests(request, limited)
        request.customer = customer  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


def _me(request: HttpRequest) -> Customer:
    return request.customer  # type: ignore[attr-defined,no-any-return]


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# ---------------------------------------------------------------- sign-in


@login_not_required
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the mobile number. The answer is the same page whether or not the number is a customer's."""
    if request.method == "GET":
        if auth.session_customer(request) is not None:
            return redirect("portal:home")
        return render(request, "portal/login.html", {"step": "phone"})
    try:
        phone = auth.phone_clean(request.POST.get("phone", ""))
        auth.code_request(phone=phone, client=throttle.client_key(request))
    except auth.SignInError as exc:
        return render(request, "portal/login.html", {"step": "phone", "error": str(exc)}, status=400)
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    response = render(request, "portal/login.html", {"step": "code", "phone": phone})
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_POST
def login_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code. A right one starts a portal session (a new key: nothing from before carries over)."""
    phone = request.POST.get("phone", "")
    try:
        phone = auth.phone_clean(phone)
        customer = auth.code_verify(
            phone=phone, code=request.POST.get("code", ""), client=throttle.client_key(request)
        )
    except auth.SignInError as exc:
        context = {"step": "code", "phone": phone, "error": str(exc)}
        return render(request, "portal/login.html", context, status=400)
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    started = auth.session_start(customer=customer)
    response = redirect("portal:home")
    auth.cookie_set(response, started.cookie_value)
    return response


@login_not_required
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    limited = _limited(request, None)
    if limited is not None:
        return throttle.too_many_requests(request, limited)
    auth.session_end(request)
    response = render(request, "portal/login.html", {"step": "phone", "ended": True})
    auth.cookie_clear(response)
    return response


# ---------------------------------------------------------------- home and inquiries


@customer_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    cases = list(selectors.my_cases(me)[:5])
    summary = customer_rewards_summary(me)
    return render(request, "portal/home.html", {"me": me, "cases": cases, "summary": summary, "tab": "home"})


@customer_page
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.my_cases(_me(request))[:100])
    return render(request, "portal/case_list.html", {"cases": cases, "tab": "cases"})


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    case = selectors.my_case(_me(request), pk)
    if case is None:
        raise Http404(_("찾을 수 없는 문의입니다."))
    return case


def _case_context(case: Case, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    resolved = case.resolved_at or case.closed_at
    can_reopen = (
        case.status in (Case.Status.RESOLVED, Case.Status.CLOSED)
        and resolved is not None
        and (now - resolved).days < CUSTOMER_REOPEN_DAYS
    )
    return {
        "case": case,
        "history": selectors.case_history(case),
        "can_reply": case.status != Case.Status.CLOSED,
        "can_rate": selectors.awaiting_rating(case),
        "can_reopen": can_reopen,
        "reopen_days": CUSTOMER_REOPEN_DAYS,
        "max_photos": MAX_PHOTOS,
        "scores": [5, 4, 3, 2, 1],
        "tab": "cases",
        **extra,
    }


@customer_page
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return render(request, "portal/case_detail.html", _case_context(case))


@customer_page
@require_POST
def case_message(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    try:
        photos = services.photos_check(request.FILES.getlist("photos"))
        services.case_message(
            customer=_me(request), case=case, text=request.POST.get("text", ""), photos=photos
        )
    except ValidationError as exc:
        case.refresh_from_db()
        context = _case_context(case, errors=_errors(exc), text=request.POST.get("text", ""))
        return render(request, "portal/case_detail.html", context, status=400)
    messages.success(request, _("보냈습니다. 담당자가 확인하고 답변드리겠습니다."))
    return redirect("portal:case", pk=case.pk)


case_message.public_max_body_bytes = UPLOAD_BODY_LIMIT  # type: ignore[attr-defined]


@customer_page
@require_POST
def case_rate(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    keep = {"yes": True, "no": False}.get(request.POST.get("would_continue", ""))
    try:
        score = int(request.POST.get("score", ""))
    except ValueError:
        score = 0
    try:
        services.case_rate(
            customer=_me(request),
            case=case,
            score=score,
            would_continue=keep,
            comment=request.POST.get("comment", "")[:500],
        )
    except ValidationError as exc:
        return render(
            request, "portal/case_detail.html", _case_context(case, errors=_errors(exc)), status=400
        )
    messages.success(request, _("평가해 주셔서 고맙습니다."))
    return redirect("portal:case", pk=case.pk)


@customer_page
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    try:
        services.case_reopen(customer=_me(request), case=case, reason=request.POST.get("reason", "")[:1000])
    except (ValidationError, CaseConflict) as exc:
        errors = _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        return render(request, "portal/case_detail.html", _case_context(case, errors=errors), status=400)
    messages.success(request, _("다시 열었습니다. 담당자가 다시 살펴보겠습니다."))
    return redirect("portal:case", pk=case.pk)


@customer_page
@require_GET
def photo(request: HttpRequest, uid: str) -> HttpResponse:
    """A photo, to its owner only, as an attachment that the browser will not sniff into something else."""
    found = selectors.my_photo(_me(request), uid)
    if found is None:
        raise Http404(_("찾을 수 없는 사진입니다."))
    return _photo_response(request, found)


@require_GET
@permission_required("voc.view_case", raise_exception=True)
def staff_photo(request: HttpRequest, uid: str) -> HttpResponse:
    """A customer's photo for staff who may view cases (the case page links it); each view is access-logged."""
    found = selectors.photo_for_staff(uid)
    if found is None:
        raise Http404(_("찾을 수 없는 사진입니다."))
    access_log_write(
        staff=staff_of(request),
        action=AccessLog.Action.VIEW,
        fields=["case_photo"],
        customer_id=found.customer_id,
        request=request,
        detail=f"고객 첨부 사진 {found.case.number}",
    )
    return _photo_response(request, found)


def _photo_response(request: HttpRequest, found: Photo) -> HttpResponse:
    response = HttpResponse(services.photo_bytes(found), content_type=found.content_type)
    extension = found.content_type.split("/")[1].replace("jpeg", "jpg")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="photo-{found.uid.hex[:8]}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@customer_page
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    orders = list(selectors.my_orders(me))
    categories = list(selectors.categories())
    context: dict[str, Any] = {
        "orders": orders,
        "categories": categories,
        "kinds": [(k.value, k.label) for k in services.KINDS],
        "max_photos": MAX_PHOTOS,
        "tab": "new",
        "form": request.POST,
    }
    if request.method == "GET":
        return render(request, "portal/case_new.html", context)
    category_id = parse_int(request.POST.get("category"))
    order_id = parse_int(request.POST.get("order"))
    category = next((c for c in categories if c.pk == category_id), None)
    order = next((o for o in orders if o.pk == order_id), None)
    errors: list[str] = []
    if request.POST.get("category") and category is None:
        errors.append(_("분류를 목록에서 골라 주세요."))
    if request.POST.get("order") and order is None:
        errors.append(_("주문을 목록에서 골라 주세요."))
    if not errors:
        try:
            photos = services.photos_check(request.FILES.getlist("photos"))
            case = services.inquiry_file(
                customer=me,
                inquiry=services.NewInquiry(
                    kind=request.POST.get("kind", ""),
                    title=request.POST.get("title", "")[:200],
                    body=request.POST.get("body", "")[:5000],
                    category=category,
                    order=order,
                ),
                photos=photos,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            if request.session.session_key:  # the FAQ articles this browser read did not answer the question
                inquiry_filed_record(session_key=request.session.session_key)
            messages.success(request, _("접수되었습니다. 접수번호 %(number)s") % {"number": case.number})
            return redirect("portal:case", pk=case.pk)
    return render(request, "portal/case_new.html", {**context, "errors": errors}, status=400)


case_new.public_max_body_bytes = UPLOAD_BODY_LIMIT  # type: ignore[attr-defined]


def _article_url(article: Article) -> str:
    try:
        return article.get_absolute_url()
    except NoReverseMatch:  # the help pages are not routed in this build
        return ""


@customer_page
@require_GET
def faq_suggest(request: HttpRequest) -> HttpResponse:
    """FAQ articles for what the customer is typing (htmx, debounced in the page)."""
    text = f"{request.GET.get('title', '')} {request.GET.get('body', '')}".strip()[:300]
    articles = articles_suggest(text, limit=3) if len(text) >= 2 else []
    rows = [{"article": a, "url": _article_url(a)} for a in articles]
    return render(request, "portal/_faq.html", {"rows": rows, "query": text})


@customer_page
@require_POST
def faq_deflect(request: HttpRequest) -> HttpResponse:
    """ "This answered my question": the deflection is counted and nothing is filed."""
    article_id = parse_int(request.POST.get("article"))
    query = f"{request.POST.get('title', '')} {request.POST.get('body', '')}".strip()[:300]
    article = Article.objects.filter(pk=article_id or 0).first()
    if article is None or not article.is_visible():
        return render(
            request, "portal/_faq.html", {"rows": [], "error": _("찾을 수 없는 글입니다.")}, status=400
        )
    deflection_record(article=article, query=query, customer=_me(request))
    return render(request, "portal/_faq_done.html", {"article": article})


# ---------------------------------------------------------------- benefits, consents, my data


@customer_page
@require_GET
def benefits(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    summary = customer_rewards_summary(me)
    link = ""
    if summary.referral_code:
        # the public address, as in messages: the link is shared outside this session's host
        path = reverse("referral:landing", args=[summary.referral_code])
        link = f"{settings.DANGOL_PUBLIC_URL.rstrip('/')}{path}"
    context = {
        "summary": summary,
        "tab": "benefits",
        "referral_link": link,
        "referrer_points": Program.current().referral_referrer_points,
    }
    return render(request, "portal/benefits.html", context)


@customer_page
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if request.method == "POST":
        purpose = request.POST.get("purpose", "")
        granted = request.POST.get("granted") == "1"
        try:
            changed = services.consent_change(customer=me, purpose=purpose, granted=granted)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
        else:
            if changed:
                done = _("동의했습니다.") if granted else _("철회했습니다. 지금부터 적용됩니다.")
                messages.success(request, f"{done} {_('처리 결과를 메시지로 보내 드립니다.')}")
        return redirect("portal:consents")
    return render(request, "portal/consents.html", {"rows": explain.consent_rows(me), "tab": "consents"})


@customer_page
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    errors: list[str] = []
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            subject_request_open(
                customer=me, kind=kind, channel="portal", detail=request.POST.get("detail", "")[:4000]
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("요청을 접수했습니다. 10일 안에 처리 결과를 알려 드립니다."))
            return redirect("portal:data")
    requests = list(subject_requests_for(me)[:50])
    context = {
        "requests": requests,
        "kinds": RequestKind.choices,
        "explanation": explain.tier_explanation(me),
        "errors": errors,
        "tab": "data",
    }
    return render(request, "portal/data.html", context, status=400 if errors else 200)


@customer_page
@require_GET
def data_download(request: HttpRequest, pk: int) -> HttpResponse:
    """My data as JSON, once staff have fulfilled my access request."""
    me = _me(request)
    found = (
        subject_requests_for(me)
        .filter(pk=pk, kind=RequestKind.ACCESS, status=SubjectRequest.Status.DONE)
        .first()
    )
    if found is None:
        raise Http404(_("내려받을 수 있는 열람 자료가 없습니다."))
    body = json.dumps(customer_data_export(me), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y%m%d}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- one case by its signed link


@login_not_required
@require_GET
def case_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one case a signed link names (the public form gives it); read-only, status and shared history."""
    try:
        throttle.hit("portal-case-link", throttle.client_key(request), LINK_RULES)
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    case = case_for_link(token)
    if case is None:
        return render(request, "portal/case_link.html", {"case": None}, status=404)
    response = render(
        request, "portal/case_link.html", {"case": case, "history": selectors.case_history(case)}
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
