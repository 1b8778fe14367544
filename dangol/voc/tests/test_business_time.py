import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangol.voc.business_time import SEOUL, BusinessCalendar, korean_holidays, korean_public_holidays

HOLIDAYS = korean_holidays(range(2025, 2029))
CAL = BusinessCalendar(holidays=HOLIDAYS)
LUNCH = BusinessCalendar(holidays=HOLIDAYS, lunch=(dt.time(12), dt.time(13)))
H = dt.timedelta(hours=1)


def seoul(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def test_lunar_new_year_and_substitute_holidays_are_closed():
    assert not CAL.is_working_day(dt.date(2026, 2, 17))  # 설날
    assert not CAL.is_working_day(dt.date(2026, 3, 2))  # 삼일절 대체공휴일
    assert not CAL.is_working_day(dt.date(2026, 6, 3))  # 지방선거일
    assert CAL.is_working_day(dt.date(2026, 2, 19))


def test_case_opened_at_night_starts_counting_at_the_next_opening():
    assert CAL.add(seoul(2026, 11, 23, 22, 0), 2 * H) == seoul(2026, 11, 24, 11, 0)


def test_friday_evening_rolls_over_the_weekend():
    assert CAL.add(seoul(2026, 11, 27, 17, 0), 2 * H) == seoul(2026, 11, 30, 10, 0)


def test_a_target_ending_exactly_at_closing_is_due_at_closing():
    assert CAL.add(seoul(2026, 11, 24, 10, 0), 8 * H) == seoul(2026, 11, 24, 18, 0)


def test_lunar_new_year_week_is_skipped():
    # Friday 2026-02-13 17:00 + 4h: Mon 16th–Wed 18th are 설 holidays → Thursday 19th 12:00
    assert CAL.add(seoul(2026, 2, 13, 17, 0), 4 * H) == seoul(2026, 2, 19, 12, 0)


def test_lunch_break_does_not_count():
    assert LUNCH.add(seoul(2026, 11, 24, 11, 0), 2 * H) == seoul(2026, 11, 24, 14, 0)
    assert LUNCH.between(seoul(2026, 11, 24, 11, 0), seoul(2026, 11, 24, 14, 0)) == 2 * H


def test_utc_input_gives_seoul_output():
    start = dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.UTC)  # 09:30 in Seoul
    assert CAL.add(start, H) == seoul(2026, 11, 24, 10, 30)


def test_bad_calendars_are_refused():
    with pytest.raises(ValueError):
        BusinessCalendar(opens=dt.time(18), closes=dt.time(9))
    with pytest.raises(ValueError):
        BusinessCalendar(lunch=(dt.time(8), dt.time(9)))


moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 1)).map(
    lambda d: d.replace(tzinfo=SEOUL, microsecond=0)
)
durations = st.integers(min_value=1, max_value=60 * 60 * 24 * 20).map(lambda s: dt.timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(moments, durations, durations, st.sampled_from([CAL, LUNCH]))
def test_adding_n_then_m_equals_adding_n_plus_m(start, n, m, cal):
    assert cal.add(cal.add(start, n), m) == cal.add(start, n + m)


@settings(max_examples=300, deadline=None)
@given(moments, durations, st.sampled_from([CAL, LUNCH]))
def test_due_time_is_never_inside_a_closed_period(start, n, cal):
    due = cal.add(start, n)
    just_before = due - dt.timedelta(seconds=1)
    assert cal.is_open(just_before)  # due is inside an open period or exactly at its end
    assert cal.between(start, due) == n


@settings(max_examples=200, deadline=None)
@given(moments, durations, moments)
def test_pausing_shifts_the_due_time_by_exactly_the_business_time_paused(start, target, pause_start):
    due = CAL.add(start, target)
    pause_end = pause_start + dt.timedelta(hours=30)
    paused = CAL.between(pause_start, pause_end)
    shifted = CAL.add(due, paused)
    assert CAL.between(due, shifted) == paused


@pytest.mark.django_db
def test_sla_due_dates_years_ahead_skip_chuseok_and_seollal():
    from dangol.voc import sla

    # Chuseok 2031 is Tue 30 Sep – Thu 2 Oct, 개천절 Fri 3 Oct, 한글날 Thu 9 Oct; normal: 4 h and 32 h
    first, resolution = sla.due_times(opened_at=seoul(2031, 9, 29, 17, 0), priority="normal", category=None)
    assert first == seoul(2031, 10, 6, 12, 0)
    assert resolution == seoul(2031, 10, 10, 13, 0)
    # Seollal 2031 is Wed 22 – Fri 24 Jan
    first, _ = sla.due_times(opened_at=seoul(2031, 1, 21, 17, 0), priority="normal", category=None)
    assert first == seoul(2031, 1, 27, 12, 0)


@pytest.mark.django_db
def test_sla_due_dates_in_past_years_skip_seollal_and_its_substitute():
    from dangol.voc import sla

    # Seollal 2023 fell on Sat 21 – Mon 23 Jan, with the substitute holiday on Tue 24 Jan
    first, _ = sla.due_times(opened_at=seoul(2023, 1, 20, 17, 0), priority="normal", category=None)
    assert first == seoul(2023, 1, 25, 12, 0)


def test_a_calendar_kept_across_new_year_knows_the_next_years_holidays():
    calendar = BusinessCalendar(public_holidays=korean_public_holidays)
    # 신정 of every year, and 설날 2040 (Sat 11 – Mon 13 Feb, substitute holiday Tue 14 Feb)
    assert not any(calendar.is_working_day(dt.date(year, 1, 1)) for year in (2027, 2035, 2050))
    assert calendar.add(seoul(2040, 2, 10, 17, 0), 2 * H) == seoul(2040, 2, 15, 10, 0)
