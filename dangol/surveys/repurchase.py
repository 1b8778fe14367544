"""Satisfaction → loyalty roll-up (issue 18): did a customer who answered buy again within 90 days?

What the analysis computes (`analysis.loyalty_scan`, per response): the responses of customer surveys with a
customer, answered between now − 730 days and now − 90 days (the window must have closed), each "bought" if
that customer has an order that is not cancelled with answered_at < ordered_at ≤ answered_at + 90 days; counted
per overall CSAT and per NPS band.

What is kept. Once a response's window has closed, `count_closed` stores the answer in the response
(`Response.loyalty_bought`) and adds it to `LoyaltyRollup` (survey × Seoul day × CSAT × NPS × bought), in
one transaction with a conditional claim (`… WHERE loyalty_bought IS NULL`), so a retried job or two workers
never count a response twice. A closed window only changes when the customer's orders inside it change:
- a new order row (an import of past orders, a late entry): its customer is "dirty" — every order with an id
  above `RollupState.orders_seen` makes the reading take that customer's responses live, until
  `refresh_changed` re-evaluated them (moving each changed response between the two cells under the same
  conditional claim) and advanced `orders_seen`;
- a merge moves responses and orders between customers: the surveys merge rule un-counts both customers'
  responses in the merge's transaction (`uncount_customers`), so they are read live and counted again.
- an import that rewrites an existing order (another customer, another date) calls orders' `orders_rewritten`
  hook: both owners' responses are un-counted the same way, in the import's transaction.
Nothing else changes an order's date, owner or cancellation after the fact (refunds keep the purchase); an edit
by hand in the database is found by `dangol survey-rollups --check` and repaired by `--rebuild`.

Reading (`counts`): the roll-ups of the full Seoul days inside the period, plus, live, the two partial days at
its ends, the responses not counted yet and the dirty customers' responses (their stored answer subtracted,
the current one added); re-read if a roll-up transaction committed meanwhile (`rollups.consistent`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Sum
from django.utils import timezone

from dangol.customers.merging import MergeRule, fk_rule
from dangol.customers.models import Customer
from dangol.orders.models import Order
from dangol.surveys import rollups
from dangol.surveys.models import LoyaltyRollup, Response, RollupState

WINDOW_DAYS = 90
HISTORY_DAYS = 730
BATCH = 1000
FIELDS = ("pk", "survey_id", "answered_at", "csat", "nps")
UPSERT = (  # survey, day, csat, nps, bought, n
    'INSERT INTO "surveys_loyaltyrollup" ("survey_id", "day", "csat", "nps", "bought", "n") VALUES (%s, %s, '
    '%s, %s, %s, %s) ON CONFLICT ("survey_id", "day", "csat", "nps", "bought") DO UPDATE SET "n" = '
    '"surveys_loyaltyrollup"."n" + excluded."n"'
)
# (survey, day, csat, nps, bought)
CellKey = tuple[int, dt.date, int, int, int]
# (csat, nps, bought), missing score = −1
Band = tuple[int, int, int]


def with_bought(qs: QuerySet[Response]) -> QuerySet[Response]:
    """`qs` annotated with `bought`: an order of its customer, not cancelled, within 90 days after the answer."""
    repurchase = Order.objects.filter(
        customer_id=OuterRef("customer_id"),
        ordered_at__gt=OuterRef("answered_at"),
        ordered_at__lte=OuterRef("answered_at") + dt.timedelta(days=WINDOW_DAYS),
    ).exclude(status=Order.Status.CANCELLED)
    return qs.annotate(bought=Exists(repurchase))


def _cell(row: tuple[Any, ...], bought: int) -> CellKey:
    _pk, survey, answered_at, csat, nps = row[:5]
    return (
        survey,
        rollups.seoul_day(answered_at),
        -1 if csat is None else int(csat),
        -1 if nps is None else int(nps),
        int(bought),
    )


def _apply(deltas: Counter[CellKey]) -> None:
    adapt = connection.ops.adapt_datefield_value
    params = [(k[0], adapt(k[1]), *k[2:], n) for k, n in deltas.items() if n]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(UPSERT, params)


def orders_seen() -> int:
    return RollupState.objects.filter(pk=1).values_list("orders_seen", flat=True).first() or 0


def _set_orders_seen(value: int, *, was: int | None = None) -> None:
    rows = RollupState.objects.filter(pk=1)
    if was is not None:
        rows = rows.filter(orders_seen=was)
    if not rows.update(orders_seen=value) and not RollupState.objects.filter(pk=1).exists():
        RollupState.objects.create(pk=1, version=0, orders_seen=value)


class _Raced(Exception):
    """Another worker counted some of these responses meanwhile: this batch is rolled back and retried."""


def count_closed(*, now: dt.datetime | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Count every customer's response whose 90-day window has closed and that is not counted yet, BATCH at
    a time (the `rollup_answers` job, the rebuild). Returns how many were counted."""
    closed = (now or timezone.now()) - dt.timedelta(days=WINDOW_DAYS)
    done = 0
    while True:
        rows = list(
            with_bought(
                Response.objects.filter(
                    loyalty_bought__isnull=True, customer__isnull=False, answered_at__lte=closed
                )
            )
            .order_by("answered_at")
            .values_list(*FIELDS, "bought")[:BATCH]
        )
        if not rows:
            break
        yes = [r[0] for r in rows if r[5]]
        no = [r[0] for r in rows if not r[5]]
        try:
            with transaction.atomic():
                claimed = 0
                if yes:
                    claimed += Response.objects.filter(pk__in=yes, loyalty_bought__isnull=True).update(
                        loyalty_bought=1
                    )
                if no:
                    claimed += Response.objects.filter(pk__in=no, loyalty_bought__isnull=True).update(
                        loyalty_bought=0
                    )
                if claimed != len(rows):
                    raise _Raced
                _apply(Counter(_cell(r, r[5]) for r in rows))
                rollups._bump()
        except _Raced:
            break  # the next run counts what is left
        done += len(rows)
        if progress is not None:
            progress(len(rows))
    return done


def _reevaluate(customers: list[int]) -> int:
    """Move these customers' counted responses whose answer changed with their orders. Returns how many."""
    moved = 0
    for start in range(0, len(customers), 500):
        rows = [
            r
            for r in with_bought(
                Response.objects.filter(customer_id__in=customers[start : start + 500]).exclude(
                    loyalty_bought__isnull=True
                )
            )
            .order_by()
            .values_list(*FIELDS, "loyalty_bought", "bought")
            if r[5] != int(r[6])
        ]
        if not rows:
            continue
        with transaction.atomic():
            deltas: Counter[CellKey] = Counter()
            for r in rows:
                if Response.objects.filter(pk=r[0], loyalty_bought=r[5]).update(loyalty_bought=int(r[6])):
                    deltas[_cell(r, r[5])] -= 1
                    deltas[_cell(r, r[6])] += 1
                    moved += 1
            _apply(deltas)
            rollups._bump()
    return moved


def refresh_changed() -> int:
    """Re-evaluate the counted responses of the customers of orders added since `orders_seen`, then advance
    it. Returns how many responses changed cell."""
    seen = orders_seen()
    top = Order.objects.aggregate(top=Max("pk"))["top"] or 0
    if top <= seen:
        return 0
    customers = sorted(
        set(Order.objects.filter(pk__gt=seen, pk__lte=top).values_list("customer_id", flat=True))
    )
    moved = _reevaluate(customers)
    with transaction.atomic():
        _set_orders_seen(top, was=seen)
        rollups._bump()
    return moved


def uncount_customers(customers: Iterable[int]) -> int:
    """Take these customers' responses out of the roll-up (a merge moves their responses and orders); they are
    read live and counted again by the next job. Runs in the caller's transaction."""
    rows = list(
        Response.objects.filter(customer_id__in=list(customers))
        .exclude(loyalty_bought__isnull=True)
        .values_list(*FIELDS, "loyalty_bought")
    )
    deltas: Counter[CellKey] = Counter()
    with transaction.atomic():
        for r in rows:
            if Response.objects.filter(pk=r[0], loyalty_bought=r[5]).update(loyalty_bought=None):
                deltas[_cell(r, r[5])] -= 1
        _apply(deltas)
        rollups._bump()
    return -sum(deltas.values())


def orders_rewritten(*, customer_ids: Iterable[int]) -> None:
    """Hook for orders' `orders_rewritten` (an import moved, re-dated or re-priced existing orders): those
    customers' answers are read live and counted again, like after a merge. In the import's transaction."""
    uncount_customers(customer_ids)


def catch_up(*, progress: Callable[[int], None] | None = None) -> int:
    refresh_changed()
    return count_closed(progress=progress)


def reset() -> int:
    """Forget every count (a rebuild); nothing is counted afterwards, so every order is already "seen"."""
    with transaction.atomic():
        LoyaltyRollup.objects.all().delete()
        cleared = Response.objects.filter(loyalty_bought__isnull=False).update(loyalty_bought=None)
        _set_orders_seen(Order.objects.aggregate(top=Max("pk"))["top"] or 0)
        rollups._bump()
    return cleared


def pending_count(now: dt.datetime | None = None) -> int:
    closed = (now or timezone.now()) - dt.timedelta(days=WINDOW_DAYS)
    return Response.objects.filter(
        loyalty_bought__isnull=True, customer__isnull=False, answered_at__lte=closed
    ).count()


# ---------------------------------------------------------------- reading


def bands(qs: QuerySet[Response], field: str = "bought") -> Counter[Band]:
    """Responses per (CSAT, NPS, `field`) of `qs` (`field`: the `with_bought` annotation or the stored one)."""
    out: Counter[Band] = Counter()
    rows = qs.values_list("csat", "nps", field).annotate(n=Count("id")).order_by()  # type: ignore[misc]
    for csat, nps, bought, n in rows:
        out[(-1 if csat is None else csat, -1 if nps is None else nps, int(bought))] += n
    return out


def counts(*, survey_ids: set[int], now: dt.datetime | None = None) -> Counter[Band]:
    """Responses per (CSAT, NPS, bought) of these surveys' customers answered between now − 730 days and
    now − 90 days: exact, equal to the per-response computation (`loyalty_scan`)."""
    now = now or timezone.now()
    low, high = now - dt.timedelta(days=HISTORY_DAYS), now - dt.timedelta(days=WINDOW_DAYS)
    first_day, last_day = rollups.seoul_day(low), rollups.seoul_day(high)
    full_from = rollups.day_start(first_day + dt.timedelta(days=1))
    full_to = rollups.day_start(last_day)
    surveys = list(survey_ids)

    def read() -> Counter[Band]:
        out: Counter[Band] = Counter()
        for csat, nps, bought, n in (
            LoyaltyRollup.objects.filter(survey_id__in=surveys, day__gt=first_day, day__lt=last_day)
            .values_list("csat", "nps", "bought")
            .annotate(total=Sum("n"))
            .order_by()
        ):
            out[(csat, nps, bought)] += n
        base = Response.objects.filter(survey_id__in=surveys, customer__isnull=False).order_by()
        # the partial first and last days, and the full days' responses not counted yet: live
        out.update(bands(with_bought(base.filter(answered_at__gte=low, answered_at__lt=full_from))))
        out.update(bands(with_bought(base.filter(answered_at__gte=full_to, answered_at__lte=high))))
        # (found through the small partial index alone — its condition and column, no survey: with the survey
        # in the query, SQLite walked the survey's index over the whole period, ~0.8 s at 5M answers)
        waiting = [
            pk
            for pk, survey in Response.objects.filter(
                loyalty_bought__isnull=True,
                customer__isnull=False,
                answered_at__gte=full_from,
                answered_at__lt=full_to,
            )
            .order_by()
            .values_list("pk", "survey_id")
            if survey in survey_ids
        ]
        for start in range(0, len(waiting), BATCH):
            out.update(bands(with_bought(base.filter(pk__in=waiting[start : start + BATCH]))))
        # customers with orders the counts have not seen: their counted responses as they are now
        dirty = list(set(Order.objects.filter(pk__gt=orders_seen()).values_list("customer_id", flat=True)))
        for start in range(0, len(dirty), 500):
            counted = with_bought(
                base.filter(
                    customer_id__in=dirty[start : start + 500],
                    loyalty_bought__isnull=False,
                    answered_at__gte=full_from,
                    answered_at__lt=full_to,
                )
            )
            out.subtract(bands(counted, "loyalty_bought"))
            out.update(bands(counted))
        return out

    return rollups.consistent(read)


# ---------------------------------------------------------------- checking


@dataclass
class CheckResult:
    responses: int = 0
    rows: int = 0
    # (("loyalty", cell key) or ("loyalty-response", id), in the table, recounted)
    differences: list[tuple[Any, int, int]] = field(default_factory=list)


def check() -> CheckResult:
    """Every counted response's stored answer against its orders now, and the table against the stored
    answers (the customers of orders not seen yet are left to the live reading, as the pages do)."""
    result = CheckResult()
    dirty = set(Order.objects.filter(pk__gt=orders_seen()).values_list("customer_id", flat=True))
    recount: Counter[CellKey] = Counter()
    last = 0
    while True:
        rows = list(
            with_bought(Response.objects.filter(pk__gt=last).exclude(loyalty_bought__isnull=True))
            .order_by("pk")
            .values_list(*FIELDS, "loyalty_bought", "bought", "customer_id")[: 5 * BATCH]
        )
        if not rows:
            break
        last = rows[-1][0]
        for r in rows:
            recount[_cell(r, r[5])] += 1
            if r[5] != int(r[6]) and r[7] not in dirty:
                result.differences.append((("loyalty-response", r[0]), r[5], int(r[6])))
        result.responses += len(rows)
    table: Counter[CellKey] = Counter()
    for survey, day, csat, nps, bought, n in LoyaltyRollup.objects.values_list(
        "survey_id", "day", "csat", "nps", "bought", "n"
    ).iterator(chunk_size=10000):
        table[(survey, day, csat, nps, bought)] += n
        result.rows += 1
    for key in set(recount) | set(table):
        if recount.get(key, 0) != table.get(key, 0):
            result.differences.append((("loyalty", *key), table.get(key, 0), recount.get(key, 0)))
    return result


def response_merge_rule() -> MergeRule:
    """A response follows the person (`fk_rule`); both customers' responses leave the loyalty roll-up, since
    the merge moves orders too, and are counted again from their orders after the merge."""
    base = fk_rule(Response)
    assert base.move is not None and base.undo is not None
    move_rows, undo_rows = base.move, base.undo

    def move(*, survivor: Customer, merged: Customer, by: Any) -> list[Any]:
        uncount_customers([survivor.pk, merged.pk])
        return move_rows(survivor=survivor, merged=merged, by=by)

    def undo(*, survivor: Customer, merged: Customer, by: Any, moved: list[Any]) -> int:
        uncount_customers([survivor.pk, merged.pk])
        return undo_rows(survivor=survivor, merged=merged, by=by, moved=moved)

    return MergeRule(Response, "customer", base.label, move=move, undo=undo)
