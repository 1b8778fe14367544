"""The 10-day legal deadline, counted like the Civil Act across Korean holidays."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dangol.lifecycle.deadlines import is_closed_day, period_end, request_due
from dangol.voc.business_time import SEOUL


def kst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def test_ten_days_from_the_day_after_receipt() -> None:
    # Received Tuesday 2026-11-03: days counted from 11-04, the tenth is Friday 11-13.
    assert request_due(kst(2026, 11, 3, 15)) == dt.date(2026, 11, 13)


def test_receipt_time_is_seoul_time() -> None:
    # 2026-11-03 23:30 UTC is already 11-04 in Seoul: due 11-14 is a Saturday, so Monday 11-16.
    received = dt.datetime(2026, 11, 3, 23, 30, tzinfo=dt.UTC)
    assert request_due(received) == dt.date(2026, 11, 16)


def test_a_period_ending_in_chuseok_ends_after_it() -> None:
    # 추석 2026: 9/24–26 (Thu–Sat), then Sunday 9/27. Received 9/14 → the tenth day is Thu 9/24 → Mon 9/28.
    assert is_closed_day(dt.date(2026, 9, 24)) and is_closed_day(dt.date(2026, 9, 25))
    assert request_due(kst(2026, 9, 14, 10)) == dt.date(2026, 9, 28)


def test_seollal_and_a_substitute_holiday() -> None:
    # 설날 2026: 2/16–18 (Mon–Wed). Received 2/6 (Fri) → 2/16 → closed through 2/18 → Thu 2/19.
    assert request_due(kst(2026, 2, 6, 9)) == dt.date(2026, 2, 19)
    # 삼일절 2026 falls on a Sunday; 3/2 is its substitute holiday. Received 2/20 → 3/2 → Tue 3/3.
    assert is_closed_day(dt.date(2026, 3, 2))
    assert request_due(kst(2026, 2, 20, 9)) == dt.date(2026, 3, 3)


def test_holidays_inside_the_period_do_not_lengthen_it() -> None:
    # Calendar days: Chuseok inside the period does not push a deadline that ends on a working day.
    assert request_due(kst(2026, 9, 22, 9)) == dt.date(2026, 10, 2)


def test_across_new_year() -> None:
    # Received 2026-12-25 (성탄절, itself a holiday) → 2027-01-04 (Mon).
    assert period_end(dt.date(2026, 12, 25)) == dt.date(2027, 1, 4)
    # Received 12-22 → 1/1 (신정) → Sat, Sun → Mon 1/4.
    assert request_due(kst(2026, 12, 22, 9)) == dt.date(2027, 1, 4)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2030, 12, 31)))
def test_due_is_an_open_day_at_least_ten_days_on(received: dt.datetime) -> None:
    aware = received.replace(tzinfo=SEOUL)
    due = request_due(aware)
    start = aware.date()
    assert not is_closed_day(due)
    assert dt.date(start.year, start.month, start.day) + dt.timedelta(days=10) <= due
    # Only closed days lie between the tenth day and the due date (it moves no further than it must).
    day = start + dt.timedelta(days=10)
    while day < due:
        assert is_closed_day(day)
        day += dt.timedelta(days=1)
