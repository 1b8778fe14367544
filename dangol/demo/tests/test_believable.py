"""Demo data a manager would believe (issue 13): realistic buying, promises due in business hours, a VOC
board that is not mostly overdue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from django.db.models import Count, F

from dangol.customers.models import Customer
from dangol.demo.generate import generate
from dangol.promises.models import Promise
from dangol.voc.business_time import korean_public_holidays
from dangol.voc.models import Case

SEOUL = ZoneInfo("Asia/Seoul")
END = dt.datetime(2026, 11, 20, 18, tzinfo=SEOUL)  # a Friday evening
OPEN = ("new", "open", "waiting")


def test_demo_numbers_a_manager_would_believe(db):
    """One generation (a few seconds), three looks at it."""
    generate(customers=1000, seed=2026, end=END)
    orders_per_customer_look_like_a_retail_chain()
    promises_are_due_in_business_hours()
    voc_board_is_mostly_within_its_service_levels()


def orders_per_customer_look_like_a_retail_chain():
    counts = dict(Customer.objects.annotate(n=Count("orders")).values_list("pk", "n"))
    n = len(counts)
    histogram = Counter(counts.values())
    assert max(counts.values()) <= 50  # nobody buys 336 times in two years
    assert 0.03 <= histogram[0] / n <= 0.15  # signed up, never bought: the ladder's prospects
    assert 0.2 <= histogram[1] / n <= 0.5  # one purchase and gone, as in every real customer base
    assert 2 <= sum(counts.values()) / n <= 8
    assert sorted(counts.values())[int(0.99 * n)] >= 12  # still a tail of heavy buyers


def promises_are_due_in_business_hours():
    promises = list(Promise.objects.values_list("due_at", "created_at", "resolved_at", "status"))
    assert len(promises) >= 40
    for due, created, resolved, _status in promises:
        local = due.astimezone(SEOUL)
        assert local.weekday() < 5 and local.date() not in korean_public_holidays(local.year), local
        assert dt.time(9) <= local.time() <= dt.time(18) and local.minute in (0, 30), local
        assert created < due and created <= END
        assert resolved is None or resolved <= END
    statuses = Counter(status for *_, status in promises)
    assert statuses["kept"] > statuses["broken"] > 0 and statuses["open"] > 0


def voc_board_is_mostly_within_its_service_levels():
    open_cases = Case.objects.filter(status__in=OPEN)
    overdue = open_cases.filter(resolution_due__lt=END).count()
    assert open_cases.count() >= 10
    assert 0.05 <= overdue / open_cases.count() <= 0.15, (overdue, open_cases.count())
    resolved = Case.objects.filter(resolved_at__isnull=False, resolution_due__isnull=False)
    on_time = resolved.filter(resolved_at__lte=F("resolution_due")).count()
    assert on_time / resolved.count() >= 0.85
    assert not Case.objects.filter(created_at__gt=END).exists()
    assert not Case.objects.filter(closed_at__gt=END).exists()
    assert not Case.objects.filter(first_responded_at__gt=END).exists()
