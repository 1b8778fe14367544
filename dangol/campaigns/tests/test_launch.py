"""Launching a campaign: holdout stratified and recorded, only the treated messaged (through messaging's rules),
offers only where a message goes, the frequency cap across campaigns, and a launch that runs twice sends once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangol.campaigns.models import Campaign, CampaignMember
from dangol.campaigns.services import (
    CampaignError,
    campaign_create,
    campaign_launch,
    campaign_run,
    launch_campaign,
    segment_create,
)
from dangol.campaigns.tests.conftest import make_customer
from dangol.messaging.models import Message
from dangol.rewards.models import CouponDefinition, CouponIssue, PointEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(shop: dict[str, Any]) -> list[Any]:
    """40 customers: 20 super (every other one consenting to SMS adverts), 20 regular with no consent."""
    people = []
    for i in range(20):
        people.append(make_customer(f"초우량{i}", consent=i % 2 == 0, value_tier="super", clv=500_000))
    for i in range(20):
        people.append(make_customer(f"일반{i}", value_tier="regular", clv=50_000))
    return people


def _campaign(promo: Any, by: Any, **kw: Any) -> Campaign:
    segment = kw.pop("segment", None) or segment_create(
        name=kw.pop("segment_name", "전체"), definition=[{"field": "clv", "min": 1}], by=by
    )
    return campaign_create(
        name=kw.pop("name", "되찾기"), goal="win_back", segment=segment, template=promo, by=by, **kw
    )


def test_launch_queues_a_task_and_a_second_launch_is_refused(
    shop: dict[str, Any], promo: Any, crowd: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    campaign = _campaign(promo, shop["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(campaign=campaign, by=shop["manager"])
    campaign.refresh_from_db()
    assert campaign.status == "queued" and campaign.launched_by == shop["manager"]
    job = DBTaskResult.objects.get()
    assert job.task_path == "dangol.campaigns.services.launch_campaign" and job.args_kwargs["args"] == [
        campaign.pk
    ]
    with pytest.raises(CampaignError, match="이미 발송을 시작한"):
        campaign_launch(campaign=campaign, by=shop["manager"])
    assert DBTaskResult.objects.count() == 1


def test_launch_holds_out_a_stratified_control_and_messages_only_the_treated(
    shop: dict[str, Any], promo: Any, crowd: list[Any]
) -> None:
    campaign = _campaign(promo, shop["manager"], control_share=0.1)
    campaign_launch(campaign=campaign, by=shop["manager"])
    assert launch_campaign.call(campaign.pk) == "done"  # the worker's call, run here
    members = list(CampaignMember.objects.filter(campaign=campaign))
    assert len(members) == 40
    control = [m for m in members if m.arm == "control"]
    assert Counter(m.stratum for m in control) == {"super": 2, "regular": 2}  # 10% of each tier of 20
    refs = set(Message.objects.values_list("purpose_ref", flat=True))
    for m in members:
        ref = f"campaign:{campaign.pk}:customer:{m.customer_id}"
        assert (ref in refs) == (m.arm == "treated")
    # messaging's consent rule stopped the adverts to treated customers without SMS consent, and the report says so
    consenting = {c.pk for i, c in enumerate(crowd) if i < 20 and i % 2 == 0}
    treated = {m.customer_id for m in members if m.arm == "treated"}
    queued = set(Message.objects.filter(status="queued").values_list("customer_id", flat=True))
    assert queued == treated & consenting
    campaign.refresh_from_db()
    results = campaign.results
    assert results["treated"] == 36 and results["control"] == 4 and results["capped"] == 0
    assert results["messages"]["blocked_by_rule"] == {"ad_no_consent": len(treated - consenting)}
    assert results["messages"]["by_status"]["queued"] == len(treated & consenting)
    assert campaign.progress_done == campaign.progress_total == 36


def test_holdout_is_reproducible_from_the_campaign_seed(
    shop: dict[str, Any], promo: Any, crowd: list[Any]
) -> None:
    first = _campaign(promo, shop["manager"], name="A")
    second = _campaign(promo, shop["manager"], name="B", segment=first.segment)
    Campaign.objects.filter(pk=second.pk).update(seed=first.seed)
    for c in (first, second):
        campaign_launch(campaign=c, by=shop["manager"])
        campaign_run(c.pk)

    def held(c: Campaign) -> set[int]:
        return set(
            CampaignMember.objects.filter(campaign=c, arm="control").values_list("customer_id", flat=True)
        )

    assert held(first) == held(second) and len(held(first)) == 4


def test_running_the_launch_twice_sends_and_offers_once(
    shop: dict[str, Any], promo: Any, crowd: list[Any]
) -> None:
    coupon = CouponDefinition.objects.create(code="back5000", name="5천원 할인", value=5000)
    campaign = _campaign(promo, shop["manager"], offer="coupon", coupon=coupon)
    campaign_launch(campaign=campaign, by=shop["manager"])
    campaign_run(campaign.pk)
    messages, coupons = Message.objects.count(), CouponIssue.objects.count()
    members = CampaignMember.objects.count()
    # a retry of the job (or a second worker) after it finished, and once more as if it had crashed mid-way
    campaign_run(campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(status="running")
    CampaignMember.objects.filter(campaign=campaign).update(queued=False)
    assert campaign_run(campaign.pk).status == "done"
    assert (Message.objects.count(), CouponIssue.objects.count(), CampaignMember.objects.count()) == (
        messages,
        coupons,
        members,
    )
    # coupons went to the treated whose message goes, never to the control group or a blocked customer
    got = set(CouponIssue.objects.values_list("customer_id", flat=True))
    assert got == set(Message.objects.filter(status="queued").values_list("customer_id", flat=True))
    consenting = {c.pk for i, c in enumerate(crowd) if i < 20 and i % 2 == 0}
    control = set(CampaignMember.objects.filter(arm="control").values_list("customer_id", flat=True))
    assert got == consenting - control and coupons == len(got) >= 6


def test_points_offer_credits_once_per_customer(shop: dict[str, Any], promo: Any, crowd: list[Any]) -> None:
    campaign = _campaign(promo, shop["manager"], offer="points", points=2000)
    campaign_launch(campaign=campaign, by=shop["manager"])
    campaign_run(campaign.pk)
    entries = PointEntry.objects.filter(dedupe_key__startswith=f"campaign:{campaign.pk}:")
    assert entries.count() == Message.objects.filter(status="queued").count() > 0
    assert {e.available_delta for e in entries} == {2000}


def test_frequency_cap_across_campaigns_drops_customers_before_the_draw(
    shop: dict[str, Any], promo: Any, crowd: list[Any], settings: Any
) -> None:
    settings.DANGOL_CAMPAIGN_CAP_MESSAGES = 1
    first = _campaign(promo, shop["manager"], name="첫째", control_share=0)
    campaign_launch(campaign=first, by=shop["manager"])
    campaign_run(first.pk)
    got_one = set(Message.objects.filter(status="queued").values_list("customer_id", flat=True))
    assert len(got_one) == 10
    second = _campaign(promo, shop["manager"], name="둘째", segment=first.segment)
    campaign_launch(campaign=second, by=shop["manager"])
    campaign_run(second.pk)
    second.refresh_from_db()
    assert second.results["capped"] == 10
    members = set(CampaignMember.objects.filter(campaign=second).values_list("customer_id", flat=True))
    assert members == {c.pk for c in crowd} - got_one


def test_a_scheduled_launch_waits_for_its_time(
    shop: dict[str, Any], promo: Any, crowd: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    later = timezone.now() + timezone.timedelta(hours=5)
    campaign = _campaign(promo, shop["manager"], send_at=later)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_launch(campaign=campaign, by=shop["manager"])
    job = DBTaskResult.objects.get()
    assert job.run_after is not None and abs((job.run_after - later).total_seconds()) < 1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"offer": "coupon"}, "쿠폰 혜택에는"),
        ({"offer": "points", "points": 0}, "포인트 혜택은"),
        ({"control_share": 0.9}, "대조군 비율은"),
        ({"window_days": 0}, "전환 측정 기간은"),
        ({"channel": "email"}, "채널이 없습니다"),
    ],
)
def test_bad_campaigns_are_refused_in_korean(
    shop: dict[str, Any], promo: Any, kw: dict[str, Any], message: str
) -> None:
    with pytest.raises(CampaignError, match=message):
        _campaign(promo, shop["manager"], **kw)
    assert not Campaign.objects.exists()
