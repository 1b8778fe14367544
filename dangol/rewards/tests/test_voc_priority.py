"""A member whose tier carries priority service gets a higher priority on a new VOC case (issue 15)."""

from __future__ import annotations

from django.utils import timezone

from dangol.rewards.models import Membership
from dangol.voc.models import Case
from dangol.voc.services import case_open


def _member(customer, tier):
    Membership.objects.create(customer=customer, tier=tier, since=timezone.now(), evaluated_at=timezone.now())


def test_a_priority_service_member_s_case_goes_one_step_up_with_the_reason_on_the_timeline(shop, tiers):
    hong, kim = shop["hong"], shop["kim"]
    _member(hong, tiers["gold"])  # gold carries priority service
    _member(kim, tiers["silver"])  # silver does not
    vip = case_open(customer=hong, kind="complaint", title="배송이 늦어요", by=shop["agent"])
    plain = case_open(customer=kim, kind="complaint", title="배송이 늦어요", by=shop["agent"])
    assert (vip.priority, plain.priority) == ("high", "normal")
    raised = vip.events.get(kind="priority_raised")
    assert "우선 상담" in raised.message and raised.data["from_priority"] == "normal"
    assert not plain.events.filter(kind="priority_raised").exists()
    # the clock follows the raised priority: a high case is due sooner than a normal one opened with it
    assert vip.resolution_due < plain.resolution_due
    urgent = case_open(customer=hong, kind="complaint", title="환불", priority="high")
    assert urgent.priority == "urgent"
    already = case_open(customer=hong, kind="complaint", title="긴급", priority="urgent")
    assert already.priority == "urgent" and not already.events.filter(kind="priority_raised").exists()


def test_a_case_through_the_intake_page_is_raised_too(shop, tiers, client):
    hong = shop["hong"]
    _member(hong, tiers["gold"])
    client.force_login(shop["agent"])
    before = Case.objects.count()
    response = client.post(
        "/voc/new/",
        {
            "customer": hong.pk,
            "kind": "complaint",
            "title": "매장 불친절",
            "priority": "normal",
            "channel": "phone",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Case.objects.count() == before + 1
    assert Case.objects.latest("id").priority == "high"
