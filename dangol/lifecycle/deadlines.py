"""The legal deadline of a data-subject request: 10 days (개인정보 보호법 시행령 제41조④, 제43조③, 제44조②).

The law counts calendar days, as the Civil Act does (민법 제157조: the day of receipt is not counted; 제161조: a
period whose last day is a Saturday or a public holiday ends on the next day that is neither). Public holidays
are Korea's (lunar days, substitute holidays, election days) from dangol.voc.business_time. Company days off
do not move a legal deadline.
"""

from __future__ import annotations

import datetime as dt

from dangol.voc.business_time import SEOUL, korean_public_holidays

LEGAL_DAYS = 10


def is_closed_day(day: dt.date) -> bool:
    """Saturday, Sunday or a Korean public holiday."""
    return day.weekday() >= 5 or day in korean_public_holidays(day.year)


def period_end(start: dt.date, days: int = LEGAL_DAYS) -> dt.date:
    """The last day of a period of `days` days counted from the day after `start`, moved past closed days."""
    end = start + dt.timedelta(days=days)
    while is_closed_day(end):
        end += dt.timedelta(days=1)
    return end


def request_due(received_at: dt.datetime, days: int = LEGAL_DAYS) -> dt.date:
    """The due date of a request received at `received_at` (an aware datetime), in Seoul."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return period_end(received_at.astimezone(SEOUL).date(), days)
