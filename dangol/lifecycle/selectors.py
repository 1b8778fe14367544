"""Reads of data-subject requests and the destruction log."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.lifecycle.models import DestructionLog, SubjectRequest, SubjectRequestEvent
from dangol.loyalty.models import CustomerValue, LadderStage, ValueTier
from dangol.rewards.models import Membership
from dangol.voc.business_time import SEOUL

OPEN_STATUSES = (SubjectRequest.Status.OPEN, SubjectRequest.Status.EXTENDED)


def subject_requests_for(customer: Customer) -> QuerySet[SubjectRequest]:
    """The customer's requests, newest first."""
    return SubjectRequest.objects.filter(customer=customer).order_by("-received_at", "-id")


def subject_request_queue(*, status: str = "open", kind: str = "") -> QuerySet[SubjectRequest]:
    """Staff queue: open requests by the date they are due (extended ones by their new date)."""
    qs = SubjectRequest.objects.select_related("customer", "owner")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("due_on", "received_at", "id")


def subject_request_events(request: SubjectRequest) -> QuerySet[SubjectRequestEvent]:
    return request.events.select_related("by").order_by("at", "id")


def today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(SEOUL).date()


def overdue_count(now: dt.datetime | None = None) -> int:
    day = today(now)
    open_requests = SubjectRequest.objects.filter(status__in=OPEN_STATUSES)
    return sum(1 for r in open_requests.only("due_on", "extended_until") if r.effective_due < day)


def destruction_log(limit: int = 100) -> QuerySet[DestructionLog]:
    return DestructionLog.objects.order_by("-at", "-id")[:limit]


def explanation_draft(customer: Customer) -> str:
    """A plain-Korean draft of why automated decisions placed the customer where they are (제37조의2): the
    membership tier (spend and purchase days in the window) and the value segment (recency, frequency, money).
    Staff edit it before it is given."""
    lines: list[str] = []
    membership = Membership.objects.filter(customer=customer).select_related("tier").first()
    if membership is not None:
        lines.append(
            _(
                "멤버십 등급 '%(tier)s': 최근 산정(%(at)s) 기간의 구매액 %(spend)s원, 구매일수 %(visits)s일이 "
                "등급 조건(구매액 %(min_spend)s원 이상, 구매일수 %(min_visits)s일 이상)을 충족해 자동으로 정해졌습니다."
            )
            % {
                "tier": membership.tier.name,
                "at": membership.evaluated_at.astimezone(SEOUL).strftime("%Y-%m-%d"),
                "spend": f"{membership.spend:,}",
                "visits": membership.visits,
                "min_spend": f"{membership.tier.min_spend:,}",
                "min_visits": membership.tier.min_visits,
            }
        )
    value = CustomerValue.objects.filter(customer=customer).first()
    if value is not None:
        tier = ValueTier(value.value_tier).label if value.value_tier in ValueTier.values else value.value_tier
        stage = LadderStage(value.stage).label if value.stage in LadderStage.values else value.stage
        lines.append(
            _(
                "고객 가치 구분 '%(tier)s', 관계 단계 '%(stage)s': 구매 횟수 %(freq)s회, 평균 구매액 %(money)s원, "
                "마지막 구매 후 경과로 계산한 점수(최근성 %(r)s, 빈도 %(f)s, 금액 %(m)s, 5점 만점)에 따라 자동 분류됩니다. "
                "이 분류는 혜택 안내 대상을 고르는 데만 쓰이며, 처리정지를 요구하시면 분석에서 제외됩니다."
            )
            % {
                "tier": tier or "—",
                "stage": stage or "—",
                "freq": value.frequency,
                "money": f"{int(value.monetary):,}",
                "r": value.rfm_r,
                "f": value.rfm_f,
                "m": value.rfm_m,
            }
        )
    if not lines:
        lines.append(_("이 고객에 대해 자동으로 내린 등급·분류 결정이 없습니다."))
    return "\n".join(lines)
