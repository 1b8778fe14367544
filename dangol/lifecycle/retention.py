"""Retention and destruction (개인정보 보호법 제21조): a period per purpose and record type, and the daily job that
destroys or irreversibly pseudonymises what is past it.

The policy is a settings-level table (DANGOL_RETENTION overrides the defaults below, by rule code). Each rule
finds what is due at a given moment (a simulated clock in tests and `dangol lifecycle-destroy --now`), acts on
it, and the job writes one DestructionLog row per kind of record: what kind, how many, which rule, when — never
the data. What analytics and legally kept records need stays: orders keep amounts, dates and products; cases keep
category, team, dates and resolution type; messages keep channel, kind, legal basis and status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangol.customers.forgetting import FORGOTTEN_TEXT, customer_forget
from dangol.customers.models import MARKETING_PURPOSES, Consent, Customer
from dangol.interactions.models import Interaction
from dangol.lifecycle.models import DestructionLog, SubjectRequest
from dangol.messaging.models import Message
from dangol.orders.models import Order, Refund
from dangol.privacy.models import AccessLog
from dangol.voc.forgetting import case_texts_scrub
from dangol.voc.models import Case

# Defaults (years); DANGOL_RETENTION = {"inactive": 3, …} in settings overrides any of them.
DEFAULTS: dict[str, int] = {
    "contracts": 5,  # 전자상거래법 제6조, 시행령 제6조: 계약·청약철회, 대금결제·재화공급 기록 5년
    "complaints": 3,  # 전자상거래법 시행령 제6조: 소비자 불만·분쟁처리 기록 3년
    "access_logs": 1,  # 안전성 확보조치 기준 제8조: 1년 이상 (대규모는 2년 이상, 아래 자동 적용)
    "inactive": 3,  # 회사 정책: 구매·상담·문의가 N년 없는 고객 (개인정보 처리방침에 고지)
}
# 5만 명 이상의 정보주체를 처리하면 접속기록을 2년 이상 보관 (안전성 확보조치 기준 제8조①).
ACCESS_LOG_LARGE_SCALE = 50_000
DUE_SOON_DAYS = 30
PSEUDO_ORDER_PREFIX = "파기-"


def years(code: str) -> int:
    configured: dict[str, Any] = getattr(settings, "DANGOL_RETENTION", {}) or {}
    value = int(configured.get(code, DEFAULTS[code]))
    if code == "access_logs" and Customer.objects.count() >= ACCESS_LOG_LARGE_SCALE:
        value = max(value, 2)
    return value


def _before(now: dt.datetime, code: str) -> dt.datetime:
    return now - relativedelta(years=years(code))


@dataclass(frozen=True)
class RetentionRule:
    code: str
    label: str | Promise
    record_kind: str | Promise
    basis: str | Promise
    period: Callable[[], str]
    due: Callable[[dt.datetime], QuerySet[Any]]
    apply: Callable[[QuerySet[Any], dt.datetime], list[tuple[str, str, str, int]]]
    action: str | Promise


def _period_years(code: str) -> Callable[[], str]:
    return lambda: str(_("%(n)s년")) % {"n": years(code)}


# 1. Inactive customers: no order, contact, case or request for N years → the person is forgotten everywhere.


def _inactive_due(now: dt.datetime) -> QuerySet[Any]:
    cut = _before(now, "inactive")
    recent = [
        Exists(Order.objects.filter(customer=OuterRef("pk"), ordered_at__gte=cut)),
        Exists(Interaction.objects.filter(customer=OuterRef("pk"), occurred_at__gte=cut)),
        Exists(Case.objects.filter(customer=OuterRef("pk"), created_at__gte=cut)),
        Exists(SubjectRequest.objects.filter(customer=OuterRef("pk"), received_at__gte=cut)),
    ]
    qs = Customer.objects.filter(status=Customer.Status.ACTIVE, joined_at__lt=cut)
    for recent_activity in recent:
        qs = qs.exclude(recent_activity)
    return qs


def _inactive_apply(qs: QuerySet[Any], now: dt.datetime) -> list[tuple[str, str, str, int]]:
    totals: dict[str, tuple[str, str, str, int]] = {}
    for customer in qs.order_by("pk"):
        for key, label, method, n in customer_forget(customer, now=now).rows():
            before = totals.get(key, (key, label, method, 0))
            totals[key] = (key, label, method, before[3] + n)
    return list(totals.values())


# 2. Consumer complaint records, 3 years after the case closed (or was opened, if never closed).


def _complaints_due(now: dt.datetime) -> QuerySet[Any]:
    cut = _before(now, "complaints")
    ended = Q(closed_at__lt=cut) | Q(closed_at__isnull=True, created_at__lt=cut)
    return Case.objects.filter(ended).exclude(title=FORGOTTEN_TEXT)


def _complaints_apply(qs: QuerySet[Any], now: dt.datetime) -> list[tuple[str, str, str, int]]:
    ids = list(qs.values_list("pk", flat=True))
    case_texts_scrub(ids)
    n = Case.objects.filter(pk__in=ids).update(
        contact_name="",
        contact_info="",
        callback_phone="",
        title=FORGOTTEN_TEXT,
        body="",
        text_analysis=None,
        root_cause_note="",
        resolution_note="",
    )
    return [("voc.Case", str(_("VOC 건(불만·분쟁 기록)")), "pseudonymised", n)]


# 3. Contract and payment records, 5 years: the orders of people who are gone lose their order numbers (the key
#    to the payment provider's records) and refund reasons; amounts, dates and products stay for analytics.


def _contracts_due(now: dt.datetime) -> QuerySet[Any]:
    cut = _before(now, "contracts")
    return Order.objects.filter(ordered_at__lt=cut, customer__forgotten_at__isnull=False).exclude(
        external_id__startswith=PSEUDO_ORDER_PREFIX
    )


def _contracts_apply(qs: QuerySet[Any], now: dt.datetime) -> list[tuple[str, str, str, int]]:
    n = 0
    for pk in qs.values_list("pk", flat=True).order_by("pk"):
        n += Order.objects.filter(pk=pk).update(external_id=f"{PSEUDO_ORDER_PREFIX}{pk}")
    refunds = Refund.objects.filter(order__external_id__startswith=PSEUDO_ORDER_PREFIX).exclude(
        reason__in=["", FORGOTTEN_TEXT]
    )
    r = refunds.update(reason=FORGOTTEN_TEXT)
    return [
        ("orders.Order", str(_("주문(계약·결제 기록)")), "pseudonymised", n),
        ("orders.Refund", str(_("환불 사유")), "pseudonymised", r),
    ]


# 4. Marketing data, until consent is withdrawn: adverts sent to someone who now consents to no advertising
#    keep their legal facts (channel, basis, status, time) without the address and the text.


def _marketing_due(now: dt.datetime) -> QuerySet[Any]:
    consenting = Consent.objects.filter(
        customer=OuterRef("customer"), purpose__in=MARKETING_PURPOSES, granted=True
    )
    return (
        Message.objects.filter(kind="advertising", customer__isnull=False)
        .exclude(recipient="")
        .exclude(status__in=[Message.Status.QUEUED, Message.Status.SENDING])
        .exclude(Exists(consenting))
    )


def _marketing_apply(qs: QuerySet[Any], now: dt.datetime) -> list[tuple[str, str, str, int]]:
    n = Message.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).update(
        recipient="", subject="", body=FORGOTTEN_TEXT, provider_options={}
    )
    return [("messaging.Message", str(_("광고 메시지(수신 동의 철회)")), "pseudonymised", n)]


# 5. Staff access logs: 1 year, 2 years for a large-scale processor.


def _access_due(now: dt.datetime) -> QuerySet[Any]:
    return AccessLog.objects.filter(at__lt=_before(now, "access_logs"))


def _access_apply(qs: QuerySet[Any], now: dt.datetime) -> list[tuple[str, str, str, int]]:
    # The log is append-only for the application; destroying it after its legal period is this job's duty.
    n, _by_model = AccessLog.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).delete()
    return [("privacy.AccessLog", str(_("개인정보 접근 기록")), "deleted", n)]


def _until_withdrawn() -> str:
    return str(_("동의 철회 시"))


RULES: list[RetentionRule] = [
    RetentionRule(
        "inactive",
        _("장기 미이용 고객"),
        _("고객 개인정보 전체"),
        _("회사 개인정보 처리방침(보유기간)"),
        _period_years("inactive"),
        _inactive_due,
        _inactive_apply,
        _("모든 앱의 파기 규칙으로 삭제·가명처리(주문·VOC 사실은 남김)"),
    ),
    RetentionRule(
        "complaints",
        _("소비자 불만·분쟁처리 기록"),
        _("VOC 건"),
        _("전자상거래법 시행령 제6조"),
        _period_years("complaints"),
        _complaints_due,
        _complaints_apply,
        _("연락처·본문·메모 삭제, 유형·일자·처리 결과는 남김"),
    ),
    RetentionRule(
        "contracts",
        _("계약·대금결제·재화공급 기록"),
        _("주문·환불"),
        _("전자상거래법 제6조, 시행령 제6조"),
        _period_years("contracts"),
        _contracts_due,
        _contracts_apply,
        _("파기된 고객의 주문번호·환불 사유 가명처리, 금액·일자·상품은 남김"),
    ),
    RetentionRule(
        "marketing",
        _("마케팅(광고) 정보"),
        _("광고 메시지"),
        _("개인정보 보호법 제21조, 정보통신망법 제50조"),
        _until_withdrawn,
        _marketing_due,
        _marketing_apply,
        _("수신처·본문 삭제, 발송 근거·일시·상태는 남김"),
    ),
    RetentionRule(
        "access_logs",
        _("개인정보 접근 기록"),
        _("접근 기록"),
        _("개인정보의 안전성 확보조치 기준 제8조"),
        _period_years("access_logs"),
        _access_due,
        _access_apply,
        _("삭제"),
    ),
]


def rule(code: str) -> RetentionRule:
    for r in RULES:
        if r.code == code:
            return r
    raise KeyError(code)


@dataclass(frozen=True)
class PolicyRow:
    rule: RetentionRule
    period: str
    due_now: int
    due_soon: int


def policy_rows(now: dt.datetime | None = None) -> list[PolicyRow]:
    """The policy with what is due now and what becomes due in the next 30 days (for the admin page)."""
    now = now or timezone.now()
    later = now + dt.timedelta(days=DUE_SOON_DAYS)
    out = []
    for r in RULES:
        due_now = r.due(now).count()
        out.append(PolicyRow(r, r.period(), due_now, max(r.due(later).count() - due_now, 0)))
    return out


def destruction_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every rule at `now` (default: the real clock); one transaction per rule, idempotent (what was
    already destroyed is not due again). Returns {rule code: records acted on}."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for r in RULES:
        with transaction.atomic():
            due = r.due(now)
            if not due.exists():
                done[r.code] = 0
                continue
            counts = r.apply(due, now)
            rows = [
                DestructionLog(
                    rule=r.code,
                    record_kind=label[:100],
                    count=n,
                    method=method,
                    at=timezone.now(),
                    run_for=now,
                )
                for _key, label, method, n in counts
                if n
            ]
            DestructionLog.objects.bulk_create(rows)
            done[r.code] = sum(n for *_rest, n in counts) if r.code != "inactive" else due_count(counts)
    return done


def due_count(counts: list[tuple[str, str, str, int]]) -> int:
    """For the inactive rule: how many customers (the customers.Customer row of the forgetting)."""
    return next((n for key, _label, _method, n in counts if key == "customers.Customer"), 0)


def last_log_at() -> dt.datetime | None:
    return DestructionLog.objects.aggregate(last=Max("at"))["last"]
