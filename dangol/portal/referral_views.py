"""The public referral landing page `/r/<code>/` and the "my referral link" action on my benefits.

Public and rate-limited per client (and per number on POST); the same page follows a sign-up whether or not the
number was a customer's (Post/Redirect/Get to `/r/<code>/thanks/`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangol.portal import referrals
from dangol.portal.views import customer_page
from dangol.privacy import throttle
from dangol.privacy.throttle import Rule
from dangol.rewards.referrals import referral_code_for

VIEW_RULES = [Rule(30, 60), Rule(300, 3600)]  # per client
POST_CLIENT_RULES = [Rule(10, 600), Rule(30, 3600)]
POST_PHONE_RULES = [Rule(3, 600), Rule(10, 86400)]


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    # same-origin, not no-referrer: with no-referrer the browser sends "Origin: null" and CSRF refuses the form
    response["Referrer-Policy"] = "same-origin"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def landing(request: HttpRequest, code: str) -> HttpResponse:
    """The referrer's masked name and the offer; the form for the referee's name, number and consents."""
    try:
        throttle.hit("referral-landing", throttle.client_key(request), VIEW_RULES)
        if request.method == "POST":
            throttle.hit("referral-signup", throttle.client_key(request), POST_CLIENT_RULES)
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    offer = referrals.offer_for(code)
    if offer is None:
        return _private(render(request, "portal/referral_landing.html", {"offer": None}, status=404))
    context: dict[str, object] = {"offer": offer, "form": {}}
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", "")[:200],
            "phone": request.POST.get("phone", "")[:40],
            "terms": request.POST.get("terms") == "1",
            "privacy": request.POST.get("privacy") == "1",
            "marketing": request.POST.get("marketing") == "1",
        }
        try:
            digits = "".join(ch for ch in str(form["phone"]) if ch.isdigit())
            throttle.hit("referral-signup-phone", f"phone:{digits[-10:]}", POST_PHONE_RULES)
            referrals.referee_sign_up(
                code=offer.code,
                name=str(form["name"]),
                phone=str(form["phone"]),
                terms=bool(form["terms"]),
                privacy=bool(form["privacy"]),
                marketing=bool(form["marketing"]),
            )
        except throttle.RateLimited as limited:
            return throttle.too_many_requests(request, limited)
        except ValidationError as exc:
            context |= {"form": form, "errors": exc.message_dict}
            return _private(render(request, "portal/referral_landing.html", context, status=400))
        return redirect("referral:thanks", code=offer.code)
    return _private(render(request, "portal/referral_landing.html", context))


@login_not_required
@require_GET
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    """The same page after every sign-up: it says nothing about whether the number was known."""
    try:
        throttle.hit("referral-landing", throttle.client_key(request), VIEW_RULES)
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    offer = referrals.offer_for(code)
    status = 200 if offer else 404
    return _private(render(request, "portal/referral_thanks.html", {"offer": offer}, status=status))


@customer_page
@require_POST
def my_referral_code(request: HttpRequest) -> HttpResponse:
    """Make the signed-in customer's referral code (once; again is a no-op) and go back to my benefits."""
    referral_code_for(request.customer)  # type: ignore[attr-defined]
    return redirect("/my/benefits/#referral")
