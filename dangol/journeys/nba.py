"""Next best action for the agent on the 360 page: one to three suggestions with a Korean reason, ranked by
expected value = CLV × uplift (the uplift a journey, or else the latest finished campaign with the same goal,
measured where its 95% interval excludes 0; else a stated prior). A marketing suggestion is never made
without a marketing consent the customer holds now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.campaigns.models import Campaign
from dangol.customers.models import MARKETING_PURPOSES, Customer
from dangol.customers.selectors import consent_now
from dangol.loyalty.models import P_ALIVE_MIN_PURCHASES, CustomerValue, LadderStage, ValueTier
from dangol.rewards.selectors import customer_rewards_summary
from dangol.surveys.models import Response as SurveyResponse
from dangol.voc.models import Case

from . import crosssell
from .models import ActionDecision, Journey
from .offers import nba_ref_prefix, offer_issue
from .selectors import campaign_uplift, measured_uplift
from .services import offer_amount

# Prior uplift of conversion when no journey has measured one (absolute, e.g. 0.05 = +5 percentage points).
# Stated on the panel; conservative figures from the retention literature, to be replaced by measurement.
PRIORS = {
    "resolve_complaint": 0.10,
    "winback_offer": 0.05,
    "recovery_thanks": 0.06,
    "second_purchase": 0.04,
    "detractor_call": 0.05,
    "referral_ask": 0.03,
    "cross_sell": 0.02,
    "points_reminder": 0.02,
}
# Which campaign goal measures the uplift of which action (used when the journey has not measured one).
CAMPAIGN_GOALS = {
    "winback_offer": Campaign.Goal.WIN_BACK,
    "second_purchase": Campaign.Goal.SECOND_PURCHASE,
    "referral_ask": Campaign.Goal.REFERRAL,
    "cross_sell": Campaign.Goal.CROSS_SELL,
}
# Which journey measures the uplift of which action.
MEASURED_BY = {
    "winback_offer": Journey.Kind.WINBACK,
    "recovery_thanks": Journey.Kind.RECOVERY,
    "second_purchase": Journey.Kind.SECOND_PURCHASE,
    "referral_ask": Journey.Kind.REFERRAL,
}
# Actions whose acceptance issues the offer of the journey that measures them (sized as that journey sizes it).
OFFER_ACTIONS = {"winback_offer", "recovery_thanks", "second_purchase"}
MARKETING = {"winback_offer", "recovery_thanks", "second_purchase", "referral_ask", "cross_sell"}
SNOOZE = dt.timedelta(days=7)  # an action decided on is not suggested again for a week
AT_RISK_P_ALIVE = 0.5
RECENT_RECOVERY = dt.timedelta(days=60)
MIN_CLV = 10_000  # a customer without a model value is valued at this (₩) for ranking


@dataclass(frozen=True)
class Action:
    code: str
    title: str
    reason: str
    marketing: bool
    uplift: float
    uplift_measured: bool
    expected_value: float
    offer: str = Journey.Offer.NONE  # what accepting issues: the offer of the journey measuring this action
    offer_amount: int = 0

    @property
    def offer_text(self) -> str:
        if self.offer == Journey.Offer.POINTS:
            return _("%(n)s 포인트") % {"n": f"{self.offer_amount:,}"}
        if self.offer == Journey.Offer.COUPON:
            return _("%(n)s원 할인 쿠폰") % {"n": f"{self.offer_amount:,}"}
        return ""


def has_marketing_consent(customer: Customer) -> bool:
    """True when the customer holds at least one channel's marketing consent now (customers' selector)."""
    return any(consent_now(customer, purpose).granted is True for purpose in MARKETING_PURPOSES)


def _signals(customer: Customer, value: CustomerValue | None, now: dt.datetime) -> dict[str, str]:
    """signal code → its Korean label, for the reasons."""
    out: dict[str, str] = {}
    if value is not None:
        if (
            value.purchases >= P_ALIVE_MIN_PURCHASES
            and value.probability_alive is not None
            and value.probability_alive < AT_RISK_P_ALIVE
        ) or value.stage in (LadderStage.AT_RISK, LadderStage.LAPSED):
            out["at_risk"] = _("이탈 위험")
        if value.value_tier in (ValueTier.SUPER, ValueTier.SUPERIOR):
            out["valuable"] = str(ValueTier(value.value_tier).label)
        if value.stage == LadderStage.FIRST_PURCHASE:
            out["first"] = _("첫 거래")
    complaints = Case.objects.filter(customer=customer, kind=Case.Kind.COMPLAINT)
    if complaints.filter(status__in=[Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING]).exists():
        out["open_complaint"] = _("미해결 불만")
    elif (
        complaints.filter(resolved_at__gte=now - RECENT_RECOVERY)
        .exclude(customer_reaction=Case.Reaction.DISSATISFIED)
        .exists()
    ):
        out["recovered"] = _("최근 불만 해결")
    nps = (
        SurveyResponse.objects.filter(customer=customer, nps__isnull=False)
        .order_by("-answered_at", "-id")
        .values_list("nps", flat=True)
        .first()
    )
    if nps is not None and nps >= 9:
        out["promoter"] = _("추천 고객(NPS %(n)s)") % {"n": nps}
    elif nps is not None and nps <= 6:
        out["detractor"] = _("비추천 고객(NPS %(n)s)") % {"n": nps}
    return out


def _reason(signals: dict[str, str], codes: list[str], outcome: str) -> str:
    parts = [signals[c] for c in codes if c in signals]
    return f"{' · '.join(parts)} → {outcome}" if parts else outcome


def next_best_actions(
    customer: Customer, *, for_user: User | AnonymousUser, now: dt.datetime | None = None
) -> list[Action]:
    """Up to three actions for this customer, best expected value first; marketing ones only with consent."""
    if not for_user.has_perm("customers.view_customer"):
        return []
    now = now or timezone.now()
    value = CustomerValue.objects.filter(customer=customer).first()
    clv = float(max(value.clv if value else 0, MIN_CLV))
    s = _signals(customer, value, now)
    rewards = customer_rewards_summary(customer, now=now)
    proposals: list[tuple[str, str, str]] = []  # (code, title, reason)
    if "open_complaint" in s:
        proposals.append(
            (
                "resolve_complaint",
                _("불만 먼저 해결"),
                _reason(s, ["open_complaint", "valuable"], _("사과와 해결 진행 상황 안내")),
            )
        )
    if "at_risk" in s and "recovered" in s:
        proposals.append(
            (
                "recovery_thanks",
                _("감사 쿠폰"),
                _reason(s, ["at_risk", "valuable", "recovered"], _("감사 쿠폰 제안")),
            )
        )
    elif "recovered" in s:
        proposals.append(
            ("recovery_thanks", _("감사 인사"), _reason(s, ["recovered"], _("감사 인사와 쿠폰 제안")))
        )
    if "at_risk" in s and "open_complaint" not in s and "recovered" not in s:
        proposals.append(
            ("winback_offer", _("윈백 혜택"), _reason(s, ["at_risk", "valuable"], _("재방문 혜택 제안")))
        )
    if "first" in s:
        proposals.append(
            ("second_purchase", _("재구매 혜택"), _reason(s, ["first"], _("두 번째 구매 혜택 안내")))
        )
    if "promoter" in s and "open_complaint" not in s:
        proposals.append(("referral_ask", _("친구 추천 요청"), _reason(s, ["promoter"], _("추천 코드 안내"))))
    if "detractor" in s and "open_complaint" not in s:
        proposals.append(
            ("detractor_call", _("불편 확인"), _reason(s, ["detractor"], _("불편했던 점 여쭙기")))
        )
    rule = crosssell.recommendation_for(customer.pk)
    if rule is not None:
        proposals.append(
            (
                "cross_sell",
                _("%(item)s 추천") % {"item": rule["consequent"]},
                _("%(x)s 구매 고객의 %(pct)s%%가 %(y)s도 구매 (향상도 %(lift)s) → %(y)s 추천")
                % {
                    "x": rule["antecedent"],
                    "y": rule["consequent"],
                    "pct": round(rule["confidence"] * 100),
                    "lift": f"{rule['lift']:.1f}",
                },
            )
        )
    if rewards.expiring_points:
        proposals.append(
            (
                "points_reminder",
                _("포인트 사용 안내"),
                _("%(points)sP가 %(day)s에 소멸 예정 → 사용 안내")
                % {"points": f"{rewards.expiring_points:,}", "day": rewards.expiring_on},
            )
        )
    consent = has_marketing_consent(customer)
    snoozed = set(
        ActionDecision.objects.filter(customer=customer, at__gte=now - SNOOZE).values_list(
            "action", flat=True
        )
    )
    journeys = {j.kind: j for j in Journey.objects.filter(kind__in=[MEASURED_BY[c] for c in OFFER_ACTIONS])}
    actions = []
    for code, title, reason in proposals:
        marketing = code in MARKETING
        if (marketing and not consent) or code in snoozed:
            continue
        measured = measured_uplift(MEASURED_BY[code]) if code in MEASURED_BY else None
        if measured is None and code in CAMPAIGN_GOALS:
            measured = campaign_uplift(CAMPAIGN_GOALS[code], now=now)
        uplift = measured if measured is not None and measured > 0 else PRIORS[code]
        offer: str = Journey.Offer.NONE
        amount = 0
        if code in OFFER_ACTIONS and (journey := journeys.get(MEASURED_BY[code])) is not None:
            amount = offer_amount(journey, value.clv if value else None)
            offer = journey.offer if amount else Journey.Offer.NONE
        actions.append(
            Action(
                code=code,
                title=title,
                reason=reason,
                marketing=marketing,
                uplift=uplift,
                uplift_measured=measured is not None and measured > 0,
                expected_value=round(clv * uplift),
                offer=offer,
                offer_amount=amount,
            )
        )
    actions.sort(key=lambda a: (-a.expected_value, a.code))
    return actions[:3]


@transaction.atomic
def action_decide(
    *, customer: Customer, action: Action, decision: str, by: User, now: dt.datetime | None = None
) -> ActionDecision:
    """Record the agent's decision on one suggested action (the count feeds the journeys page). Accepting an
    action with an offer issues it through rewards under a ref of the customer, action and day, so a double
    click (or two agents at once) records one decision and issues once. The offer is given by the agent in the
    conversation, not by a message, so no messaging rule stands between; a marketing action is only ever
    suggested (and so only accepted) with a marketing consent held now."""
    if decision not in ActionDecision.Decision.values:
        raise ValueError(decision)
    now = now or timezone.now()
    Customer.objects.select_for_update().filter(pk=customer.pk).first()  # serialise decisions per customer
    earlier = ActionDecision.objects.filter(
        customer=customer, action=action.code, at__gte=now - SNOOZE
    ).first()
    if earlier is not None:  # decided already (a double click): nothing more
        return earlier
    offered = decision == ActionDecision.Decision.ACCEPTED and action.offer_amount > 0
    ref = f"{nba_ref_prefix(action.code)}{customer.pk}:{timezone.localdate(now):%Y%m%d}" if offered else ""
    made = ActionDecision.objects.create(
        customer=customer,
        action=action.code,
        decision=decision,
        reason=action.reason[:300],
        expected_value=action.expected_value,
        marketing=action.marketing,
        offer=action.offer if offered else "",
        offer_amount=action.offer_amount if offered else 0,
        offer_ref=ref,
        by=by,
        at=now,
    )
    if offered:
        offer_issue(
            offer=action.offer,
            amount=action.offer_amount,
            customer=customer,
            ref=ref,
            reason=_("상담 중 제안한 혜택: %(title)s") % {"title": action.title},
            by=by,
            now=now,
        )
    return made
