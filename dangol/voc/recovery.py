"""Service recovery measured as the seeds state it (001; DOMAIN §3): do customers buy again after a bad experience?

"When their complaint is resolved, 80% of dissatisfied customers stay; resolved to their satisfaction, 54% buy
again; of the silent dissatisfied only a third come back." The board shows what our customers did:

- the reference moment of each customer is the end of the bad experience: the resolution of their complaint, or
  the complaint itself while it is unresolved, or the first sign of a bad experience for the silent ones; the
  comparison group (no bad experience in the window) is taken at the end of the window;
- they bought again when they have an order in the 90 days after that moment;
- a customer counts once, by their first complaint in the window, and only once the 90 days have passed (the
  window ends 90 days ago), so nobody is counted as "did not come back" while they still may;
- only buyers count (an order in the year up to the moment): "buy again" needs a first purchase, and the
  comparison group would otherwise be full of sign-ups who never bought;
- each rate carries its 95% Wilson interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as Choose
from django.db.models import Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangol.common.stats import wilson
from dangol.customers.models import Customer
from dangol.interactions.models import Interaction
from dangol.orders.models import Order
from dangol.promises.models import Promise
from dangol.voc.experiences import bad_experiences, spoke_up
from dangol.voc.models import Case

HORIZON = dt.timedelta(days=90)  # "buys again" = an order within this long after the bad experience
WINDOW = dt.timedelta(days=180)  # bad experiences this far back from the last one whose horizon has passed
BUYER_LOOKBACK = dt.timedelta(days=365)  # a buyer: an order in the year before the reference moment
SATISFIED_SCORE = 4  # a follow-up score of 4 or 5 (of 5), or "would continue", is a resolution that satisfied

GROUPS = ("satisfied", "resolved", "unresolved", "silent", "no_bad_experience")
GROUP_LABELS = {
    "satisfied": _("만족스럽게 해결"),
    "resolved": _("해결(만족 확인 없음)"),
    "unresolved": _("미해결"),
    "silent": _("침묵하는 불만 고객"),
    "no_bad_experience": _("나쁜 경험 없음(비교)"),
}
# What the seed (001) says of each group, for the page to set beside our own figures.
SEED_FIGURES = {"satisfied": 0.54, "silent": 1 / 3}


@dataclass(frozen=True)
class RecoveryGroup:
    key: str
    customers: int
    rebought: int
    low: float
    high: float

    @property
    def rate(self) -> float | None:
        return self.rebought / self.customers if self.customers else None

    @property
    def seed(self) -> float | None:
        return SEED_FIGURES.get(self.key)


@dataclass(frozen=True)
class Recovery:
    groups: list[RecoveryGroup]
    window_start: dt.datetime
    window_end: dt.datetime
    horizon_days: int


def _group(key: str, customers: int, rebought: int) -> RecoveryGroup:
    low, high = wilson(rebought, customers)
    return RecoveryGroup(key, customers, rebought, low, high)


def _orders_between(customer: OuterRef, after: Any, until: Any) -> Exists:
    """Whether the customer ordered after `after`, up to and including `until` (values or expressions)."""
    return Exists(Order.objects.filter(customer_id=customer, ordered_at__gt=after, ordered_at__lte=until))


def _complainants(*, start: dt.datetime, end: dt.datetime) -> dict[str, tuple[int, int]]:
    """(customers, rebought) per outcome of each customer's first complaint in the window: one query."""
    complaints = Case.objects.filter(
        kind=Case.Kind.COMPLAINT,
        origin=Case.Origin.CUSTOMER,
        customer__isnull=False,
        created_at__gte=start,
        created_at__lte=end,
    )
    earlier = complaints.filter(customer_id=OuterRef("customer_id")).filter(
        Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    satisfied = Q(satisfaction_score__gte=SATISFIED_SCORE) | Q(would_continue=True)
    rows = (
        complaints.filter(~Exists(earlier))
        .annotate(moment=Coalesce("resolved_at", "created_at"))
        .filter(moment__lte=end)  # resolved within the last 90 days: too early to tell
        .annotate(
            outcome=Choose(
                When(resolved_at__isnull=True, then=Value("unresolved")),
                When(satisfied, then=Value("satisfied")),
                default=Value("resolved"),
            ),
            buyer=Exists(
                Order.objects.filter(
                    customer_id=OuterRef("customer_id"),
                    ordered_at__gte=OuterRef("moment") - BUYER_LOOKBACK,
                    ordered_at__lte=OuterRef("moment"),
                )
            ),
            again=_orders_between(OuterRef("customer_id"), OuterRef("moment"), OuterRef("moment") + HORIZON),
        )
        .filter(buyer=True)
        .values("outcome")
        .annotate(n=Count("id"), k=Count("id", filter=Q(again=True)))
        .order_by()
    )
    return {r["outcome"]: (r["n"], r["k"]) for r in rows}


def _silent(
    signals: dict[int, list[tuple[dt.datetime, str]]], *, start: dt.datetime, end: dt.datetime
) -> tuple[int, int]:
    """(customers, rebought) of the silent dissatisfied (dangol.voc.selectors.silent_dissatisfied's rule: a bad
    experience, no complaint of their own since the window opened), from their first bad experience in the window.
    The loop runs over these customers' orders only, never over all customers."""
    complained = spoke_up(signals, since=start)
    first = {cid: min(at for at, _ in seen) for cid, seen in signals.items() if cid not in complained}
    if not first:
        return 0, 0
    buyers: set[int] = set()
    again: set[int] = set()
    for cid, at in Order.objects.filter(
        customer_id__in=list(first), ordered_at__gte=start - BUYER_LOOKBACK, ordered_at__lte=end + HORIZON
    ).values_list("customer_id", "ordered_at"):
        moment = first[cid]
        if moment - BUYER_LOOKBACK <= at <= moment:
            buyers.add(cid)
        if moment < at <= moment + HORIZON:
            again.add(cid)
    return len(buyers), len(buyers & again)


def _no_bad_experience(
    signals: dict[int, list[tuple[dt.datetime, str]]],
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> tuple[int, int]:
    """(customers, rebought) of buyers with no bad experience in the window, taken at its end: one query. Broken
    promises and refunds are excluded in SQL; the signs registered by other apps (low survey scores) by id."""
    customer = OuterRef("pk")
    flagged = [cid for cid, seen in signals.items() if seen]
    qs = (
        Customer.objects.filter(status=Customer.Status.ACTIVE)
        .filter(
            Exists(
                Order.objects.filter(
                    customer_id=customer, ordered_at__gte=end - BUYER_LOOKBACK, ordered_at__lte=end
                )
            )
        )
        .exclude(
            Exists(
                Case.objects.filter(
                    customer_id=customer, kind=Case.Kind.COMPLAINT, created_at__gte=start, created_at__lte=end
                )
            )
        )
        .exclude(
            Exists(
                Interaction.objects.filter(
                    customer_id=customer, type="complaint", occurred_at__gte=start, occurred_at__lte=end
                )
            )
        )
        .exclude(
            Exists(
                Promise.objects.filter(
                    customer_id=customer, status=Promise.Status.BROKEN, due_at__gte=start, due_at__lte=end
                )
            )
        )
        .exclude(
            Exists(
                Order.objects.filter(
                    customer_id=customer, refunded_amount__gt=0, ordered_at__gte=start, ordered_at__lte=end
                )
            )
        )
        .exclude(pk__in=flagged)
        .annotate(again=_orders_between(customer, end, now))
    )
    totals = qs.aggregate(n=Count("pk"), k=Count("pk", filter=Q(again=True)))
    return totals["n"] or 0, totals["k"] or 0


def recovery_by_group(*, now: dt.datetime | None = None) -> Recovery:
    """Repurchase within 90 days by what happened to the customer's bad experience, with 95% Wilson intervals."""
    moment = now or timezone.now()
    end = moment - HORIZON
    start = end - WINDOW
    complainants = _complainants(start=start, end=end)
    groups = [_group(key, *complainants.get(key, (0, 0))) for key in ("satisfied", "resolved", "unresolved")]
    signals = bad_experiences(since=start, until=end)
    groups.append(_group("silent", *_silent(signals, start=start, end=end)))
    groups.append(_group("no_bad_experience", *_no_bad_experience(signals, start=start, end=end, now=moment)))
    return Recovery(groups, start, end, HORIZON.days)
