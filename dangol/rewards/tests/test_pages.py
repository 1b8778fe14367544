"""The pages, VOC compensation, a customer merge and the expiry notice: the program through the rest of Dangol."""

import datetime as dt

from conftest import login
from dangol.customers.merging import relations_without_rule
from dangol.customers.services import customers_merge, customers_unmerge
from dangol.messaging.models import Message
from dangol.rewards import services
from dangol.rewards.models import AdjustmentRequest, Membership, PointBalance, PointEntry
from dangol.rewards.notify import points_notify_expiring
from dangol.rewards.tests.conftest import NOW, at, available, give
from dangol.voc import services as voc


def test_the_360_page_shows_the_membership_tier_beside_the_value_tier_and_the_points(client, shop, tiers):
    hong = shop["hong"]
    Membership.objects.create(customer=hong, tier=tiers["silver"], since=NOW, evaluated_at=NOW)
    give(hong, 12_345, when=at(-700))  # expires within 30 days
    page = login(client, shop["agent"]).get(f"/customers/{hong.pk}/").content.decode()
    assert 'id="membership-tier"' in page and "실버" in page
    assert "12,345P" in page and 'id="points-expiring"' in page
    points_page = client.get(f"/rewards/customers/{hong.pk}/")  # entries made by the system, not a person
    assert points_page.status_code == 200 and "테스트 적립" in points_page.content.decode()


def test_an_agent_adjusts_points_and_a_large_adjustment_waits_for_a_manager(client, shop, program):
    hong = shop["hong"]
    program.adjust_approval_limit = 1000
    program.save()
    agent = login(client, shop["agent"])
    agent.post(f"/rewards/customers/{hong.pk}/adjust/", {"points": "500", "reason": "적립 누락 보정"})
    assert available(hong) == 500
    agent.post(f"/rewards/customers/{hong.pk}/adjust/", {"points": "5000", "reason": "큰 보상"})
    request = AdjustmentRequest.objects.get()
    assert request.status == "pending" and available(hong) == 500
    r = agent.post(f"/rewards/adjustments/{request.pk}/decide/", {"approve": "1"})
    assert r.status_code == 403
    agent.post(
        f"/rewards/customers/{hong.pk}/adjust/", {"points": "²", "reason": "x"}
    )  # not a number: no 500
    page = agent.get(f"/rewards/customers/{hong.pk}/").content.decode()
    assert "적립 누락 보정" in page and "승인 대기" in page

    manager = login(client, shop["manager"])
    program_page = manager.get("/rewards/").content.decode()
    assert 'id="approvals"' in program_page and "큰 보상" in program_page
    manager.post(f"/rewards/adjustments/{request.pk}/decide/", {"approve": "1"})
    assert available(hong) == 5500
    assert PointEntry.objects.filter(kind="earn", source="manual").count() == 2


def test_the_program_page_shows_liability_and_is_for_managers_and_analysts(client, shop, tiers):
    hong = shop["hong"]
    give(hong, 4000, when=at(-760))
    give(hong, 6000, when=at(-100))
    services.points_expire_due(now=NOW)  # 4,000 expired, none redeemed yet
    services.points_redeem(customer=hong, points=2000, idempotency_key="p", by=None, now=NOW)
    # history: 4,000 expired of 6,000 closed → 2/3 breakage
    page = login(client, shop["analyst"]).get("/rewards/")
    assert page.status_code == 200
    liability = page.context["liability"]
    assert liability["outstanding"] == 4000 and round(liability["breakage_rate"], 3) == 0.667
    assert liability["liability_won"] == 1333
    assert 'id="points-chart"' in page.content.decode() and 'id="rewards-chart"' in page.content.decode()
    assert "<script>" not in page.content.decode()  # data through json_script, drawn by a static file
    assert login(client, shop["agent"]).get("/rewards/").status_code == 403


def test_voc_compensation_in_points_credits_the_ledger_with_the_case_as_source(shop, program):
    hong = shop["hong"]
    case = voc.case_open(customer=hong, kind="inquiry", title="포인트 보상 건", by=shop["manager"])
    voc.case_resolve(case=case, by=shop["manager"], resolution_type="compensation", points=3000)
    entry = PointEntry.objects.get(source="case")
    assert entry.available_delta == 3000 and entry.source_ref.startswith(case.number)
    assert available(hong) == 3000
    services.points_compensate(customer=hong, points=3000, case_ref=entry.source_ref, by=None)  # a retry
    assert available(hong) == 3000


def test_a_merge_moves_the_ledger_and_an_undo_puts_it_back(shop, tiers):
    hong, kim = shop["hong"], shop["kim"]
    assert relations_without_rule() == []
    give(hong, 1000, when=at(-5))
    give(kim, 700, when=at(-5))
    services.points_hold(customer=kim, points=200, idempotency_key="kim-hold", by=None, now=NOW)
    Membership.objects.create(customer=kim, tier=tiers["gold"], since=NOW, evaluated_at=NOW)
    Membership.objects.create(customer=hong, tier=tiers["silver"], since=NOW, evaluated_at=NOW)
    merge = customers_merge(survivor=hong, merged=kim, by=shop["manager"])
    b = PointBalance.objects.get(pk=hong.pk)
    assert (b.available, b.held) == (1500, 200) and available(kim) == 0
    assert Membership.objects.get(pk=hong.pk).tier.code == "gold"
    assert services.points_check(hong) == [] and services.points_check(kim) == []
    kim.refresh_from_db()
    services.points_redeem(
        customer=kim, points=100, idempotency_key="via-merged", by=None, now=NOW
    )  # → survivor
    assert available(hong) == 1400
    customers_unmerge(merge=merge, by=shop["manager"])
    assert available(kim) == 500 and PointBalance.objects.get(pk=kim.pk).held == 200
    assert available(hong) == 900 and Membership.objects.get(pk=hong.pk).tier.code == "silver"
    assert services.points_check(hong) == [] and services.points_check(kim) == []


def test_customers_are_told_before_points_expire_once(shop, program):
    hong = shop["hong"]
    give(hong, 2500, when=at(-720))  # expires in about ten days
    give(hong, 100, when=at(-10))
    assert points_notify_expiring(now=NOW) == 1
    assert points_notify_expiring(now=NOW + dt.timedelta(days=1)) == 0
    message = Message.objects.get(customer=hong)
    assert "2,500P" in message.body and message.kind == "informational"
