"""Referrals feed the analytics: the 3R referral measure and the ladder's advocate stage (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login
from dangol.loyalty.models import CustomerValue
from dangol.loyalty.tests.test_value import buy_every_55_days
from dangol.rewards.models import Referral


@pytest.mark.slow
def test_a_rewarded_referral_makes_the_referrer_an_advocate_and_fills_the_3r_referral_figures(
    shop, settings, tmp_path, client
):
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    hong, kim = shop["hong"], shop["kim"]
    buy_every_55_days(hong, times=6, offset_days=0, amounts=lambda j: 50_000)
    buy_every_55_days(kim, times=6, offset_days=1, amounts=lambda j: 50_000)
    first = kim.orders.order_by("ordered_at").first()
    # hong brought kim: kim's first purchase qualified the referral (rewarded); a rejected one does not count
    Referral.objects.create(
        referrer=hong,
        referee=kim,
        code="ABCD2345",
        status=Referral.Status.REWARDED,
        created_at=first.ordered_at - dt.timedelta(days=1),
        rewarded_at=timezone.now() - dt.timedelta(days=100),
        qualifying_order=first,
    )
    run = value_refresh()
    assert run.status == "done", run.message
    referral = run.report["three_r"]["referral"]
    net = sum(o.total_amount - o.refunded_amount for o in kim.orders.all())
    assert referral == {"count": 1, "referrers": 1, "revenue": net}
    assert CustomerValue.objects.get(customer=hong).stage in ("advocate", "partner")
    assert CustomerValue.objects.get(customer=kim).stage == "regular"  # referred, not referring
    login(client, shop["analyst"])
    body = client.get("/value/").content.decode()
    assert 'id="referral-3r"' in body and f"{net:,}" in body


def test_without_referrals_the_3r_referral_stays_empty(shop):
    from dangol.loyalty.services import _add_referrals

    report: dict = {"three_r": {"retention": [], "referral": None}}
    _add_referrals(report, timezone.localdate())
    assert report["three_r"]["referral"] is None
