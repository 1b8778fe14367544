"""The demo's campaigns: launched through the real path, dated in the past, with a report that has content."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from dangol.campaigns.demo import LAPSING, generate_campaigns
from dangol.campaigns.models import Campaign, CampaignMember, Segment
from dangol.campaigns.selectors import campaign_report
from dangol.campaigns.tests.conftest import category, make_customer, order
from dangol.orders.models import Order, Product

pytestmark = pytest.mark.django_db


def test_demo_campaigns_are_finished_and_reportable(shop: dict[str, Any]) -> None:
    now = timezone.now()
    cat = category("coffee", "커피")
    product = Product.objects.create(sku="AMERICANO", name="아메리카노", category=cat, price=25_000)
    lapsed, recent = [], []
    for i in range(30):  # consenting, last bought 120 days ago: lapsed at the win-back's send (45 days ago)
        c = make_customer(f"휴면{i}", consent=True)
        order(c, at=now - dt.timedelta(days=120), cat=cat)
        lapsed.append(c)
    for i in range(30):  # bought 30 days ago, half consenting: the cross-sell's segment
        c = make_customer(f"최근{i}", consent=i % 2 == 0)
        order(c, at=now - dt.timedelta(days=30), cat=cat)
        recent.append(c)
    order(recent[0], at=now, cat=cat)  # the latest order: the simulated ones stay before it
    context = SimpleNamespace(
        rng=np.random.default_rng(1),
        products=[product],
        stores=[shop["store"]],
        staff=[shop["manager"]],
        end=now,
    )
    counts = generate_campaigns(context)
    assert counts["캠페인"] == 2
    winback, cross = Campaign.objects.order_by("pk")
    assert winback.status == cross.status == "done"
    assert winback.sent_at is not None and abs((now - winback.sent_at).days - 45) <= 1
    frozen = Segment.objects.get(name=LAPSING)
    assert frozen.kind == "frozen" and set(frozen.member_ids) == {c.pk for c in lapsed}
    assert CampaignMember.objects.filter(campaign=winback, arm="control").count() == 6  # 20% of 30
    # the cross-sell's segment ignores consent: messaging stopped the adverts to those without it
    assert cross.results["messages"]["blocked_by_rule"].get("ad_no_consent", 0) > 0
    extra = Order.objects.filter(external_id__startswith="CMP").count()
    assert extra == counts["캠페인 추가 주문(시뮬레이션)"]
    report = campaign_report(winback, now=now)
    assert report.complete

    def converted(arm: str) -> int:
        # the cross-sell (sent 20 days ago to everyone who bought in the last 140 days, the lapsed included) may add
        # an order that falls inside the win-back's window, in either arm: count every simulated order in the window
        members = CampaignMember.objects.filter(campaign=winback, arm=arm).values_list(
            "customer_id", flat=True
        )
        return (
            Order.objects.filter(
                customer_id__in=list(members),
                external_id__startswith="CMP",
                ordered_at__gte=report.start,
                ordered_at__lt=report.end,
            )
            .values("customer_id")
            .distinct()
            .count()
        )

    own = Order.objects.filter(external_id__startswith=f"CMP{winback.pk}-")
    assert report.treated.converted == converted("treated") >= own.count()
    assert report.control.converted == converted("control")
    # the win-back's simulated effect is added to its treated members only
    control = CampaignMember.objects.filter(campaign=winback, arm="control").values_list(
        "customer_id", flat=True
    )
    assert not own.filter(customer_id__in=list(control))
