import datetime as dt

import pytest
from django.utils import timezone

from dangol.voc.models import Category, RootCause, SlaPolicy


@pytest.fixture
def voc(shop):
    from dangol.accounts.models import Team

    logistics = Team.objects.create(code="logistics", name="물류팀", lead=shop["manager"])
    delivery = Category.objects.create(
        code="delivery", name="배송", owner_team=logistics, internal_sla_hours=4
    )
    late = Category.objects.create(code="delivery-late", name="지연", parent=delivery)
    staff_cat = Category.objects.create(code="staff", name="직원", owner_team=shop["ops"])
    manner = Category.objects.create(code="staff-manner", name="태도", parent=staff_cat)
    SlaPolicy.objects.create(
        name="보통", priority="normal", first_response_minutes=60, resolution_minutes=480
    )
    SlaPolicy.objects.create(
        name="배송 지연 보통",
        priority="normal",
        category=delivery,
        first_response_minutes=30,
        resolution_minutes=240,
    )
    cause = RootCause.objects.create(code="carrier", name="택배사 지연")
    return {"logistics": logistics, "delivery": delivery, "late": late, "manner": manner, "cause": cause}


def at_seoul(*args):
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture
def now_frozen(monkeypatch):
    """Pin 'now' to Tuesday 2026-11-24 10:00 Seoul so SLA arithmetic is exact."""
    moment = at_seoul(2026, 11, 24, 10, 0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment
