"""The campaign report on a constructed case with a known answer: conversions, revenue, lift, cost, ROI, chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dangol.campaigns.models import CampaignMember
from dangol.campaigns.selectors import campaign_report
from dangol.campaigns.services import campaign_create, campaign_launch, campaign_run, segment_create
from dangol.campaigns.tests.conftest import make_customer, order
from dangol.rewards.models import CouponDefinition, CouponIssue

pytestmark = pytest.mark.django_db


def test_report_known_answer(shop: dict[str, Any], promo: Any) -> None:
    for i in range(40):
        make_customer(f"고객{i}", consent=True, value_tier="super" if i < 20 else "regular", clv=10_000)
    coupon = CouponDefinition.objects.create(code="c5000", name="5천원", value=5000)
    segment = segment_create(name="전체", definition=[{"field": "clv", "min": 1}], by=None)
    campaign = campaign_create(
        name="두 번째 구매",
        goal="second_purchase",
        segment=segment,
        template=promo,
        offer="coupon",
        coupon=coupon,
        window_days=14,
        control_share=0.1,
        by=shop["manager"],
    )
    campaign_launch(campaign=campaign, by=shop["manager"])
    campaign = campaign_run(campaign.pk)
    start = campaign.sent_at
    assert start is not None
    treated = list(
        CampaignMember.objects.filter(campaign=campaign, arm="treated")
        .order_by("pk")
        .select_related("customer")
    )
    control = list(
        CampaignMember.objects.filter(campaign=campaign, arm="control")
        .order_by("pk")
        .select_related("customer")
    )
    assert (len(treated), len(control)) == (36, 4)
    day = dt.timedelta(days=1)
    for m in treated[:18]:  # 18 of 36 buy for 20,000 a day and a half after the send
        order(m.customer, at=start + 1.5 * day, amount=20_000)
    order(treated[18].customer, at=start + 20 * day, amount=50_000)  # after the 14-day window
    order(treated[19].customer, at=start + 2 * day, amount=50_000, status="cancelled")  # does not stand
    order(control[0].customer, at=start + 0.5 * day, amount=10_000)  # 1 of 4 controls buys
    order(control[1].customer, at=start - 1 * day, amount=10_000)  # before the send
    redeemed = CouponIssue.objects.order_by("pk")[:2].values_list("pk", flat=True)
    CouponIssue.objects.filter(pk__in=list(redeemed)).update(status="redeemed", discount_won=5000)

    report = campaign_report(campaign, now=start + 30 * day)
    assert report.complete
    assert (report.treated.n, report.treated.converted, report.treated.revenue) == (36, 18, 360_000)
    assert (report.control.n, report.control.converted, report.control.revenue) == (4, 1, 10_000)
    c = report.conversion
    assert c is not None and c.treated_rate == 0.5 and c.control_rate == 0.25
    assert c.diff == pytest.approx(0.25) and c.relative == pytest.approx(1.0)
    assert c.diff_low is not None and c.diff_high is not None and c.diff_low < 0.25 < c.diff_high
    r = report.revenue
    assert r is not None
    assert r.treated_mean == pytest.approx(10_000) and r.control_mean == pytest.approx(2_500)
    assert r.diff == pytest.approx(7_500)
    assert report.incremental_revenue == pytest.approx(7_500 * 36)  # 270,000
    assert report.offer_cost == 10_000  # two redeemed coupons of 5,000
    assert report.roi == pytest.approx((270_000 - 10_000) / 10_000)
    assert report.incremental_conversions == pytest.approx(9.0)
    # cumulative conversion per arm by day since the send: controls on day 1, the treated on day 2
    assert report.chart["days"] == list(range(15))
    assert report.chart["treated"][:3] == [0.0, 0.0, 50.0] and report.chart["treated"][-1] == 50.0
    assert report.chart["control"][:2] == [0.0, 25.0]

    # halfway through the window the report says so and charts only the days reached
    early = campaign_report(campaign, now=start + 3 * day)
    assert not early.complete and early.chart["days"] == [0, 1, 2, 3]
