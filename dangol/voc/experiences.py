"""Signs of a bad experience and whether the customer spoke up: what the silent-dissatisfied list and the
recovery figures are both made of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dangol.interactions.models import Interaction
from dangol.orders.models import Order
from dangol.promises.models import Promise
from dangol.voc.models import Case


@dataclass(frozen=True)
class DissatisfactionSource:
    """A sign of a bad experience kept by an app above VOC (e.g. a low survey score).

    Apps above register theirs from their AppConfig.ready(), so VOC never imports them."""

    label: str
    customers: Callable[..., Iterable[tuple[int, dt.datetime]]]


DISSATISFACTION_SOURCES: list[DissatisfactionSource] = []


def dissatisfaction_source_register(source: DissatisfactionSource) -> None:
    if all(s.label != source.label for s in DISSATISFACTION_SOURCES):
        DISSATISFACTION_SOURCES.append(source)


def bad_experiences(
    *, since: dt.datetime, until: dt.datetime | None = None
) -> dict[int, list[tuple[dt.datetime, str]]]:
    """Each customer's signs of a bad experience between `since` and `until` (now): a broken promise, a refunded
    order, and those the apps above register (a low survey score), as (when, what)."""
    signals: dict[int, list[tuple[dt.datetime, str]]] = {}
    promises = Promise.objects.filter(status=Promise.Status.BROKEN, due_at__gte=since)
    refunds = Order.objects.filter(ordered_at__gte=since, refunded_amount__gt=0)
    if until is not None:
        promises, refunds = promises.filter(due_at__lte=until), refunds.filter(ordered_at__lte=until)
    for cid, at in promises.values_list("customer_id", "due_at"):
        signals.setdefault(cid, []).append((at, "약속 불이행"))
    for cid, at in refunds.values_list("customer_id", "ordered_at"):
        signals.setdefault(cid, []).append((at, "환불/반품"))
    for source in DISSATISFACTION_SOURCES:
        for cid, at in source.customers(since=since):
            if until is None or at <= until:
                signals.setdefault(cid, []).append((at, source.label))
    return signals


def spoke_up(customer_ids: Iterable[int], *, since: dt.datetime) -> set[int]:
    """Which of these customers complained themselves since `since`: a complaint case they raised or a complaint
    logged from a call. Only the customer's own voice counts: a case the system opened for them (a low score's
    follow-up) is the very signal, not a complaint."""
    ids = list(customer_ids)
    complained = set(
        Case.objects.filter(
            customer_id__in=ids,
            created_at__gte=since,
            kind=Case.Kind.COMPLAINT,
            origin=Case.Origin.CUSTOMER,
        ).values_list("customer_id", flat=True)
    )
    complained |= set(
        Interaction.objects.filter(customer_id__in=ids, occurred_at__gte=since, type="complaint").values_list(
            "customer_id", flat=True
        )
    )
    return complained
