"""Journeys page (effect per journey, pause/resume) and the next-best-action panel of the 360 page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangol.customers.models import Customer
from dangol.rewards.ledger import RewardsError

from . import nba, selectors, services
from .models import ActionDecision, Journey


@require_GET
@permission_required("journeys.view_journey", raise_exception=True)
def journey_list(request: HttpRequest) -> HttpResponse:
    effects = selectors.journey_effects()
    counts = selectors.decision_counts()
    return render(
        request,
        "journeys/list.html",
        {
            "nav": "journeys",
            "effects": effects,
            "decisions": sorted(counts.items()),
            "chart": {
                "labels": [e.journey.name for e in effects],
                "treated": [round((e.treated_rate or 0) * 100, 1) for e in effects],
                "control": [round((e.control_rate or 0) * 100, 1) for e in effects],
                "text": {"treated": _("발송군 전환율"), "control": _("대조군 전환율")},
            },
        },
    )


@require_GET
@permission_required("journeys.view_journey", raise_exception=True)
def journey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    effect = selectors.journey_effect(journey, with_revenue=True)
    lift = effect.lift
    return render(
        request,
        "journeys/detail.html",
        {
            "nav": "journeys",
            "journey": journey,
            "effect": effect,
            "statuses": selectors.enrolment_statuses(journey),
            "chart": {
                "labels": [journey.name],
                "treated": [round((lift.treated_rate or 0) * 100, 1)],
                "control": [round((lift.control_rate or 0) * 100, 1)],
                "text": {"treated": _("발송군 전환율"), "control": _("대조군 전환율")},
            },
        },
    )


@require_POST
@permission_required("journeys.manage_journey", raise_exception=True)
def journey_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    assert request.user.is_authenticated
    if services.journey_set_enabled(journey=journey, enabled=enabled, by=request.user):
        messages.success(
            request,
            (
                _("'%(name)s' 여정을 다시 시작했습니다.")
                if enabled
                else _("'%(name)s' 여정을 일시중지했습니다.")
            )
            % {"name": journey.name},
        )
    if request.POST.get("next") == "detail":
        return redirect("journeys:detail", pk=journey.pk)
    return redirect("journeys:list")


def _panel(request: HttpRequest, customer: Customer, flash: str = "") -> HttpResponse:
    return render(
        request,
        "journeys/_nba.html",
        {
            "customer": customer,
            "nba": nba.next_best_actions(customer, for_user=request.user),
            "nba_consent": nba.has_marketing_consent(customer),
            "nba_flash": flash,
        },
    )


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def nba_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(request, get_object_or_404(Customer, pk=pk))


@require_POST
@permission_required("journeys.add_actiondecision", raise_exception=True)
def nba_decide(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    code, decision = request.POST.get("action", ""), request.POST.get("decision", "")
    if decision not in ActionDecision.Decision.values:
        return HttpResponse(_("수락 또는 보류 중 하나를 골라 주세요."), status=400)
    # only an action the panel would suggest now can be decided (consent and snooze checked again)
    action = next((a for a in nba.next_best_actions(customer, for_user=request.user) if a.code == code), None)
    if action is None:
        return _panel(request, customer, _("이 제안은 더 이상 유효하지 않습니다. 목록을 새로 고쳤습니다."))
    assert request.user.is_authenticated
    try:
        made = nba.action_decide(customer=customer, action=action, decision=decision, by=request.user)
    except RewardsError as exc:  # rewards refused the offer (a stopped coupon): nothing was recorded
        return _panel(request, customer, " ".join(exc.messages))
    done = _("수락했습니다: %(title)s") if decision == "accepted" else _("보류했습니다: %(title)s")
    flash = done % {"title": action.title}
    if made.offer_ref:
        flash += " " + _("(%(offer)s 지급)") % {"offer": action.offer_text}
    return _panel(request, customer, flash)
