"""Business-time arithmetic in Seoul time (no DST), for SLA due times.

Rules (shared/notes/voc.md):
- time only counts inside opening hours on working days that are not holidays;
- a case opened at night or on a holiday starts counting at the next opening;
- a target that ends exactly at closing time is due at closing, not at the next opening;
- a lunch break, if the calendar has one, does not count.
Pure Python (Django only for gettext): the calendar is built from the database by
`calendar_from_settings()` in services.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class BusinessCalendar:
    opens: dt.time = dt.time(9, 0)
    closes: dt.time = dt.time(18, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    lunch: tuple[dt.time, dt.time] | None = None
    # Holidays of one year, asked for on demand (e.g. `korean_public_holidays`): any year works, so a due
    # date years ahead or a worker running across New Year still skips them.
    public_holidays: Callable[[int], frozenset[dt.date]] | None = None

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(_("여는 시각은 닫는 시각보다 앞서야 합니다."))
        if self.lunch and not (self.opens <= self.lunch[0] < self.lunch[1] <= self.closes):
            raise ValueError(_("점심시간은 영업시간 안에 있어야 합니다."))
        if not self.workdays:
            raise ValueError(_("영업일이 하루 이상 있어야 합니다."))

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() not in self.workdays or day in self.holidays:
            return False
        return self.public_holidays is None or day not in self.public_holidays(day.year)

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The open periods of one day, as aware Seoul datetimes."""
        if not self.is_working_day(day):
            return []

        def at(t: dt.time) -> dt.datetime:
            return dt.datetime.combine(day, t, tzinfo=SEOUL)

        if self.lunch:
            return [(at(self.opens), at(self.lunch[0])), (at(self.lunch[1]), at(self.closes))]
        return [(at(self.opens), at(self.closes))]

    def _intervals_from(self, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        day = moment.astimezone(SEOUL).date()
        for _day in range(3660):  # ten years of days is more than any SLA
            yield from self.intervals_on(day)
            day += dt.timedelta(days=1)
        raise ValueError(_("영업일을 찾을 수 없습니다(휴일 설정을 확인하세요)."))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment `duration` of business time after `start`."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        remaining = duration
        if remaining <= dt.timedelta(0):
            return start.astimezone(SEOUL)
        moment = start.astimezone(SEOUL)
        for begin, end in self._intervals_from(moment):
            if end <= moment:
                continue
            begin = max(begin, moment)
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time from `start` to `end` (zero if end is not after start)."""
        total = dt.timedelta(0)
        if end <= start:
            return total
        start, end = start.astimezone(SEOUL), end.astimezone(SEOUL)
        for begin, stop in self._intervals_from(start):
            if begin >= end:
                break
            lo, hi = max(begin, start), min(stop, end)
            if hi > lo:
                total += hi - lo
        return total

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(SEOUL)
        return any(begin <= local < end for begin, end in self.intervals_on(local.date()))


@functools.lru_cache(maxsize=256)
def korean_public_holidays(year: int) -> frozenset[dt.date]:
    """Korean public holidays of one year (lunar ones, substitutes and election days) from the `holidays`
    package; computed on first use, then kept for the life of the process."""
    import holidays

    return frozenset(holidays.KR(years=year).keys())


def korean_holidays(years: range, extra: set[dt.date] | None = None) -> frozenset[dt.date]:
    """Korean public holidays of the given years, plus `extra` days, as one fixed set."""
    days: set[dt.date] = set(extra or set())
    for year in years:
        days |= korean_public_holidays(year)
    return frozenset(days)
