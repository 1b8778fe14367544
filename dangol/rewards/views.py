"""Loyalty pages: the managers' program page and a customer's points page (ledger, adjustments, coupons)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangol.accounts.services import staff_of
from dangol.common.params import parse_int
from dangol.customers.models import Customer
from dangol.privacy.masking import mask_name
from dangol.rewards import coupons, referrals, selectors, services
from dangol.rewards.forms import ProgramRulesForm
from dangol.rewards.ledger import MAX_POINTS
from dangol.rewards.models import AdjustmentRequest, CouponDefinition, Program


@require_GET
@permission_required("rewards.view_program", raise_exception=True)
def program_page(request: HttpRequest) -> HttpResponse:
    return _program_render(request)


def _program_render(request: HttpRequest, rules_form: ProgramRulesForm | None = None) -> HttpResponse:
    page = selectors.program_page()
    if rules_form is None and request.user.has_perm("rewards.change_program"):
        rules_form = ProgramRulesForm(instance=Program.current())
    months = page["liability"]["months"]
    funnel = page["funnel"]
    return render(
        request,
        "rewards/program.html",
        {
            "nav": "rewards",
            **page,
            "rules_form": rules_form,
            "chart": {
                "months": [m["month"] for m in months],
                "earned": [m["earned"] for m in months],
                "redeemed": [m["redeemed"] for m in months],
                "expired": [m["expired"] for m in months],
                "outstanding": [m["outstanding"] for m in months],
                "funnel_labels": [_("추천 코드"), _("추천 가입"), _("첫 구매 보상"), _("보상 유지")],
                "funnel": [funnel["codes"], funnel["registered"], funnel["rewarded"], funnel["kept"]],
                "text": {
                    "earned": _("적립"),
                    "redeemed": _("사용"),
                    "expired": _("소멸"),
                    "outstanding": _("미사용 잔액"),
                },
            },
        },
    )


@require_POST
@permission_required("rewards.change_program", raise_exception=True)
def program_rules(request: HttpRequest) -> HttpResponse:
    """A manager edits the program's rules on the program page; a refused value is explained in Korean and
    nothing is saved."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=Program.current().pk)
        form = ProgramRulesForm(request.POST, instance=program)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = staff_of(request)
            saved.save()
            messages.success(request, _("포인트 프로그램 규칙을 저장했습니다."))
            return redirect(reverse("rewards:program") + "#rules")
    response = _program_render(request, rules_form=form)
    response.status_code = 422
    return response


def _customer(pk: int) -> Customer:
    customer = get_object_or_404(Customer, pk=pk)
    if customer.status == Customer.Status.MERGED and customer.merged_into_id:
        customer = get_object_or_404(Customer, pk=customer.merged_into_id)
    return customer


@require_GET
@permission_required("rewards.view_pointbalance", raise_exception=True)
def customer_page(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    return render(
        request,
        "rewards/customer.html",
        {
            "nav": "customers",
            "customer": customer,
            "name": mask_name(customer.name),  # this page needs no personal data
            "summary": selectors.customer_rewards_summary(customer),
            "definitions": CouponDefinition.objects.filter(active=True),
            **selectors.customer_points_page(customer),
        },
    )


@require_POST
@permission_required("rewards.adjust_points", raise_exception=True)
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    points = parse_int(request.POST.get("points"), minimum=-MAX_POINTS, maximum=MAX_POINTS)
    try:
        if points is None:
            raise ValidationError(_("포인트는 숫자로 입력하세요(차감은 -)."))
        result = services.points_adjust(
            customer=customer, points=points, reason=request.POST.get("reason", ""), by=staff_of(request)
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("rewards:customer", pk=customer.pk)
    if result.request is not None:
        messages.info(request, _("승인 한도를 넘는 조정이라 매니저 승인을 요청했습니다."))
    else:
        messages.success(request, _("포인트를 조정했습니다."))
    return redirect("rewards:customer", pk=customer.pk)


@require_POST
@permission_required("rewards.approve_adjustment", raise_exception=True)
def adjustment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_object_or_404(AdjustmentRequest, pk=pk)
    try:
        services.adjustment_decide(
            request=adjustment,
            approve=request.POST.get("approve") == "1",
            by=staff_of(request),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("조정 요청을 처리했습니다."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    target = request.POST.get("back") == "customer"
    return redirect("rewards:customer", pk=adjustment.customer_id) if target else redirect("rewards:program")


@require_POST
@permission_required("rewards.add_couponissue", raise_exception=True)
def coupon_issue(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    definition_id = parse_int(request.POST.get("definition"))
    definition = (
        CouponDefinition.objects.filter(pk=definition_id, active=True).first() if definition_id else None
    )
    if definition is None:
        messages.error(request, _("발급할 쿠폰을 고르세요."))
    else:
        try:
            coupons.coupon_issue(definition=definition, customer=customer, by=staff_of(request))
            messages.success(request, _("쿠폰을 발급했습니다."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("rewards:customer", pk=customer.pk)


@require_POST
@permission_required("rewards.adjust_points", raise_exception=True)
def referral_code(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(pk)
    referrals.referral_code_for(customer)
    return redirect("rewards:customer", pk=customer.pk)
