"""Running the journeys: enrol idempotently, hold out a control group, queue the messages through messaging."""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.analytics.uplift import assign_holdout
from dangol.customers.models import Customer
from dangol.loyalty.models import CustomerValue
from dangol.messaging.models import Message, MessageTemplate
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import message_queue
from dangol.rewards.ledger import RewardsError

from .models import Enrolment, Journey
from .offers import offer_issue
from .triggers import TRIGGERS, Candidate

logger = logging.getLogger(__name__)

_INFO, _AD = "informational", "advertising"
# (kind, name, template code, kind of message, offer, offer amount, CLV share, threshold, subject, body)
DEFAULTS: list[dict[str, Any]] = [
    {
        "kind": Journey.Kind.FIRST_PURCHASE,
        "name": "첫 구매 감사",
        "template": (
            "journey_first_purchase",
            _INFO,
            "첫 구매 감사 인사",
            "#{고객명}님, 첫 구매에 감사드립니다. 궁금한 점은 언제든 문의해 주세요.",
        ),
    },
    {
        "kind": Journey.Kind.SECOND_PURCHASE,
        "name": "재구매 유도",
        "offer": Journey.Offer.COUPON,
        "offer_amount": 3000,
        "template": (
            "journey_second_purchase",
            _AD,
            "다시 만나요",
            "#{고객명}님, 다음 구매에 쓰실 수 있는 #{혜택} 혜택을 드려요.",
        ),
    },
    {
        "kind": Journey.Kind.WINBACK,
        "name": "이탈 방지(윈백)",
        "offer": Journey.Offer.COUPON,
        "offer_amount": 20000,
        "offer_clv_share": 0.05,
        "threshold": 0.5,
        "template": (
            "journey_winback",
            _AD,
            "#{고객명}님을 기다려요",
            "#{고객명}님, 오랜만이에요. 돌아오시면 #{혜택} 혜택을 드립니다.",
        ),
    },
    {
        "kind": Journey.Kind.REFERRAL,
        "name": "추천 요청(NPS 추천고객)",
        "template": (
            "journey_referral",
            _AD,
            "친구에게 소개해 주세요",
            "#{고객명}님, 좋은 평가 감사합니다. 친구를 소개해 주시면 두 분께 포인트를 드려요.",
        ),
    },
    {
        "kind": Journey.Kind.RECOVERY,
        "name": "불만 해결 고객 감사",
        "template": (
            "journey_recovery",
            _INFO,
            "다시 한 번 감사드립니다",
            "#{고객명}님, 지난번 불편을 알려 주셔서 감사합니다. 이후로 불편은 없으셨나요?",
        ),
    },
    {
        "kind": Journey.Kind.BIRTHDAY,
        "name": "생일 축하",
        "template": (
            "journey_birthday",
            _INFO,
            "생일 축하드립니다",
            "#{고객명}님, 생일을 진심으로 축하드립니다.",
        ),
    },
    {
        "kind": Journey.Kind.TIER_UPGRADE,
        "name": "등급 승급 축하",
        "template": (
            "journey_tier_upgrade",
            _INFO,
            "등급이 올랐어요",
            "#{고객명}님, #{등급} 등급이 되신 것을 축하드립니다.",
        ),
    },
    {
        "kind": Journey.Kind.TIER_WARNING,
        "name": "등급 하향 예고",
        "template": (
            "journey_tier_warning",
            _INFO,
            "등급 유지 안내",
            "#{고객명}님, 지금 #{등급} 등급은 유예 기간 중입니다. 기간 안에 조건을 채우시면 유지됩니다.",
        ),
    },
]


def journeys_ensure(**_: Any) -> None:
    """post_migrate: every journey and its message template exist (missing ones made, edits kept). New
    journeys start enabled with a 10% control group."""
    for spec in DEFAULTS:
        code, kind, subject, body = spec["template"]
        MessageTemplate.objects.get_or_create(
            code=code,
            defaults={
                "name": spec["name"],
                "channels": ["sms", "email"],
                "kind": kind,
                "subject": subject,
                "body": body,
                "active": True,
            },
        )
        Journey.objects.get_or_create(
            kind=spec["kind"],
            defaults={
                "name": spec["name"],
                "template_code": code,
                "offer": spec.get("offer", Journey.Offer.NONE),
                "offer_amount": spec.get("offer_amount", 0),
                "offer_clv_share": spec.get("offer_clv_share", 0.0),
                "threshold": spec.get("threshold"),
            },
        )


def offer_amount(journey: Journey, clv: int | None) -> int:
    """The offer for one customer: the fixed amount, or — with a CLV share — that share of the CLV rounded to
    ₩1,000, at least ₩1,000 and at most the journey's amount."""
    if journey.offer == Journey.Offer.NONE or not journey.offer_amount:
        return 0
    if journey.offer_clv_share <= 0:
        return journey.offer_amount
    sized = round(max(clv or 0, 0) * journey.offer_clv_share / 1000) * 1000
    return int(min(journey.offer_amount, max(1000, sized)))


def offer_text(journey: Journey, amount: int) -> str:
    if journey.offer == Journey.Offer.POINTS:
        return _("%(n)s 포인트") % {"n": f"{amount:,}"}
    if journey.offer == Journey.Offer.COUPON:
        return _("%(n)s원 할인 쿠폰") % {"n": f"{amount:,}"}
    return ""


def _draw_controls(journey: Journey, fresh: list[Candidate], strata: dict[int, str], seed: int) -> set[int]:
    """The control group of this run's new enrolments: `assign_holdout` within each value tier. A tier with a
    single new customer this run would never hold anyone out (round(share·1) = 0), so those customers are
    drawn one by one with probability `share` from a generator seeded by the journey, customer and occurrence
    (reproducible, and unbiased across runs)."""
    share = journey.control_share
    if share <= 0:
        return set()
    counts: dict[str, int] = {}
    for c in fresh:
        counts[strata.get(c.customer_id, "")] = counts.get(strata.get(c.customer_id, ""), 0) + 1
    pooled = [c for c in fresh if counts[strata.get(c.customer_id, "")] >= 2]
    held = assign_holdout(
        [c.customer_id for c in pooled],
        [strata.get(c.customer_id, "") for c in pooled],
        share=share,
        seed=seed,
    )
    for c in fresh:
        alone = counts[strata.get(c.customer_id, "")] < 2
        if alone and random.Random(f"{journey.pk}:{c.customer_id}:{c.occurrence}").random() < share:
            held.add(c.customer_id)
    return held


def journey_run(journey: Journey, *, now: dt.datetime) -> dict[str, int]:
    """Enrol the customers the journey's trigger names at `now` and queue their messages. Safe to rerun (or
    to run twice at once): an occurrence already enrolled is skipped, a race is settled by the unique
    constraint. A paused journey does nothing."""
    result = {"candidates": 0, "enrolled": 0, "control": 0, "queued": 0, "blocked": 0, "error": 0}
    if not journey.enabled:
        return result
    candidates = TRIGGERS[journey.kind](journey, now)
    active = set(
        Customer.objects.filter(
            pk__in={c.customer_id for c in candidates}, status=Customer.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    done = set(
        Enrolment.objects.filter(journey=journey, customer_id__in=active).values_list(
            "customer_id", "occurrence"
        )
    )
    seen: set[int] = set()
    fresh = []
    for c in candidates:
        # one enrolment per customer per run (two NPS answers in a week make one referral ask)
        if (
            c.customer_id in active
            and (c.customer_id, c.occurrence) not in done
            and c.customer_id not in seen
        ):
            seen.add(c.customer_id)
            fresh.append(c)
    result["candidates"] = len(fresh)
    rows = CustomerValue.objects.filter(customer_id__in=seen).values_list("customer_id", "value_tier", "clv")
    tiers: dict[int, str] = {cid: tier or "" for cid, tier, _clv in rows}
    clvs: dict[int, int] = {cid: clv for cid, _tier, clv in rows}
    strata = {cid: tiers.get(cid, "") for cid in seen}
    seed = int(timezone.localdate(now).strftime("%Y%m%d")) * 1000 + journey.pk
    controls = _draw_controls(journey, fresh, strata, seed)
    customers = Customer.objects.in_bulk([c.customer_id for c in fresh])
    for c in fresh:
        status = _enrol(
            journey,
            customers[c.customer_id],
            c,
            control=c.customer_id in controls,
            stratum=strata[c.customer_id],
            clv=clvs.get(c.customer_id),
            now=now,
        )
        if status is None:
            continue
        result["enrolled"] += 1
        result[str(status)] += 1
    return result


@transaction.atomic
def _enrol(
    journey: Journey,
    customer: Customer,
    candidate: Candidate,
    *,
    control: bool,
    stratum: str,
    clv: int | None,
    now: dt.datetime,
) -> str | None:
    amount = offer_amount(journey, clv)
    purpose_ref = f"journey:{journey.kind}:{customer.pk}:{candidate.occurrence}"[:120]
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                journey=journey,
                customer=customer,
                occurrence=candidate.occurrence,
                enrolled_at=now,
                control=control,
                stratum=stratum,
                status=Enrolment.Status.CONTROL if control else Enrolment.Status.QUEUED,
                offer_amount=amount,
                purpose_ref="" if control else purpose_ref,
            )
    except IntegrityError:  # another run enrolled this occurrence first
        return None
    if control:
        return enrolment.status
    variables = {**candidate.variables, "혜택": offer_text(journey, amount)}
    try:
        message = message_queue(
            customer=customer,
            purpose_ref=purpose_ref,
            template_code=journey.template_code,
            variables=variables,
            now=now,
        )
    except MessagingError as exc:
        enrolment.status = Enrolment.Status.ERROR
        enrolment.detail = "; ".join(exc.messages)[:300]
    else:
        if message.status in (Message.Status.BLOCKED, Message.Status.CANCELLED):
            enrolment.status = Enrolment.Status.BLOCKED
            enrolment.detail = (message.blocked_rule or "")[:300]
        elif amount:
            # the offer rides on the message: only a reached treated customer gets it (as in campaigns)
            try:
                with transaction.atomic():
                    enrolment.offer_issued = offer_issue(
                        offer=journey.offer,
                        amount=amount,
                        customer=customer,
                        ref=purpose_ref,
                        reason=_("여정 혜택: %(name)s") % {"name": journey.name},
                        by=None,
                        now=now,
                    )
            except RewardsError as exc:
                enrolment.detail = ("; ".join(exc.messages))[:300]
    enrolment.save(update_fields=["status", "detail", "offer_issued"])
    return enrolment.status


def journeys_run(*, now: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    """The hourly job: every enabled journey once, at `now` (a simulated clock in tests and the command)."""
    now = now or timezone.now()
    return {journey.kind: journey_run(journey, now=now) for journey in Journey.objects.order_by("pk")}


def journey_set_enabled(*, journey: Journey, enabled: bool, by: User) -> bool:
    """Pause or resume; True when it changed (a conditional UPDATE, so two clicks change it once)."""
    changed = Journey.objects.filter(pk=journey.pk, enabled=not enabled).update(
        enabled=enabled, updated_by=by, updated_at=timezone.now()
    )
    journey.refresh_from_db()
    return bool(changed)
