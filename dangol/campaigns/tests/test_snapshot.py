"""The segment snapshot (dangol.campaigns.snapshot): on hand-made customers, every condition kind — met and
excluded — picks the same customers on the Parquet snapshot (DuckDB) as on the live tables; the builder's count
reads the snapshot and says when it was taken; a launch from the snapshot re-checks eligibility and consent live."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangol.campaigns.conditions import FIELDS, customers_matching, snapshot_count, snapshot_members
from dangol.campaigns.models import Campaign, CampaignMember, CrossSellPick
from dangol.campaigns.services import campaign_create, campaign_run, segment_create
from dangol.campaigns.snapshot import snapshot_build, snapshot_due, snapshot_info
from dangol.campaigns.tasks import refresh_segment_snapshot
from dangol.campaigns.tests.conftest import category, make_customer, order
from dangol.customers.models import Customer
from dangol.customers.services import consent_set
from dangol.loyalty.models import ValueRun
from dangol.messaging.models import Message
from dangol.rewards.models import Membership, Tier
from dangol.surveys.models import Response, Survey
from dangol.voc.models import Case, CustomerFlag
from dangol.web.schedule import SCHEDULE

pytestmark = pytest.mark.django_db

NOW = timezone.now()
CUT = (NOW - dt.timedelta(days=90)).date().isoformat()
TODAY = timezone.localdate(NOW)

# Every condition kind, with bounds that split the hand-made customers (each is also checked excluded).
DEFINITIONS: list[list[dict[str, Any]]] = [
    [{"field": "consent", "purpose": "marketing_sms"}],
    [{"field": "consent", "purpose": "marketing_email"}],
    [{"field": "membership_tier", "values": ["gold"]}],
    [{"field": "value_tier", "values": ["super", "superior"]}],
    [{"field": "clv", "min": 100_000}],
    [{"field": "clv", "min": 100_000, "max": 500_000}],
    [{"field": "p_alive", "max": 0.5}],
    [{"field": "p_alive", "min": 0.9}],
    [{"field": "stage", "values": ["at_risk", "first_purchase"]}],
    [{"field": "rfm_segment", "values": ["Champions", "New"]}],
    [{"field": "last_purchase", "before": CUT}],
    [{"field": "last_purchase", "after": CUT}],
    [{"field": "overdue", "factor": 1}],
    [{"field": "overdue", "factor": 3}],
    [{"field": "next_purchase", "within": 7}],
    [{"field": "next_purchase", "within": 60}],
    [{"field": "next_purchase", "past": 14}],
    [{"field": "next_purchase", "past": 0}],
    [{"field": "bought", "values": ["coffee"]}],
    [{"field": "bought", "values": ["drinks"]}],  # a parent category: its children count
    [{"field": "bought", "values": ["beans", "coffee"]}],
    [{"field": "likely_to_buy", "values": ["beans"]}],
    [{"field": "nps", "min": 9}],
    [{"field": "nps", "max": 6}],
    [{"field": "csat", "max": 2}],
    [{"field": "voc_open"}],
    [{"field": "voc_recovered", "days": 30}],
    [{"field": "voc_recovered", "days": 5}],
    [{"field": "flagged"}],
    # ANDed conditions
    [{"field": "consent", "purpose": "marketing_sms"}, {"field": "value_tier", "values": ["super"]}],
    [{"field": "bought", "values": ["coffee"]}, {"field": "bought", "values": ["beans"], "exclude": True}],
    [],
]


@pytest.fixture
def var(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    settings.DANGOL_SEGMENT_SNAPSHOT_DIR = ""  # the default place, under VAR_DIR
    return tmp_path


@pytest.fixture
def world(shop: dict[str, Any]) -> dict[str, Any]:
    """Customers each built to meet (or just miss) some conditions."""
    drinks = category("drinks", "음료")
    coffee, beans = category("coffee", "커피"), category("beans", "원두")
    coffee.parent = drinks
    coffee.save(update_fields=["parent"])
    c: dict[str, Any] = {
        "loyal": make_customer(
            "충성고객",
            consent=True,
            value_tier="super",
            stage="regular",
            rfm_segment="Champions",
            clv=900_000,
            probability_alive=0.92,
            frequency=5,
            recency=50.0,
            age=52.0,
            expected_next_purchase=TODAY + dt.timedelta(days=3),
        ),
        "slipping": make_customer(
            "이탈우려",
            value_tier="care",
            stage="at_risk",
            rfm_segment="At risk",
            clv=40_000,
            probability_alive=0.2,
            frequency=3,
            recency=30.0,
            age=60.0,
            expected_next_purchase=TODAY - dt.timedelta(days=20),
        ),
        "once": make_customer(
            "한번구매",
            consent=True,
            value_tier="superior",
            stage="first_purchase",
            rfm_segment="New",
            clv=120_000,
            probability_alive=0.3,
            frequency=0,
            recency=0.0,
            age=10.0,
            expected_next_purchase=TODAY + dt.timedelta(days=40),
        ),
        "old": make_customer("옛고객"),
        "recent": make_customer("최근고객"),
        "refunded": make_customer("환불고객"),
        "waiting": make_customer("대기중"),
        "recovered": make_customer("회복"),
        "unhappy": make_customer("불만족해결"),
        "flagged": make_customer("주의"),
        "turned": make_customer("돌아선"),
        "fan": make_customer("팬"),
        "gone": make_customer("병합됨", consent=True),
    }
    consent_set(customer=c["fan"], purpose="marketing_email", granted=True, source="테스트")
    consent_set(customer=c["old"], purpose="marketing_sms", granted=True, source="테스트")
    consent_set(customer=c["old"], purpose="marketing_sms", granted=False, source="테스트")
    order(c["old"], at=NOW - dt.timedelta(days=200), cat=coffee)
    order(c["recent"], at=NOW - dt.timedelta(days=200), cat=coffee)
    order(c["recent"], at=NOW - dt.timedelta(days=5), cat=beans)
    order(c["refunded"], at=NOW - dt.timedelta(days=3), cat=beans, status="refunded")
    order(c["loyal"], at=NOW - dt.timedelta(days=100), cat=beans)
    order(c["gone"], at=NOW - dt.timedelta(days=200), cat=coffee)
    survey = Survey.objects.create(code="s1", title="만족도")
    Response.objects.create(
        survey=survey, customer=c["turned"], answered_at=NOW - dt.timedelta(days=30), nps=10, csat=5
    )
    Response.objects.create(
        survey=survey, customer=c["turned"], answered_at=NOW - dt.timedelta(days=1), nps=3, csat=2
    )
    Response.objects.create(survey=survey, customer=c["fan"], answered_at=NOW - dt.timedelta(days=2), nps=9)
    Case.objects.create(number="V1", title="배송", customer=c["waiting"], created_at=NOW, status="open")
    for number, who, reaction in (("V2", "recovered", "satisfied"), ("V3", "unhappy", "dissatisfied")):
        Case.objects.create(
            number=number,
            title="환불",
            customer=c[who],
            created_at=NOW - dt.timedelta(days=20),
            status=Case.Status.RESOLVED,
            resolved_at=NOW - dt.timedelta(days=10),
            customer_reaction=reaction,
        )
    CustomerFlag.objects.create(customer=c["flagged"], type="belligerent", evidence="폭언", flagged_at=NOW)
    CustomerFlag.objects.create(
        customer=c["recovered"],
        type="belligerent",
        evidence="오해",
        flagged_at=NOW,
        status=CustomerFlag.Status.REVERSED,
    )
    gold = Tier.objects.create(code="gold", name="골드", rank=2)
    Membership.objects.create(customer=c["fan"], tier=gold, since=NOW, evaluated_at=NOW)
    CrossSellPick.objects.create(customer=c["old"], category="원두", rank=1, score=0.5, computed_at=NOW)
    CrossSellPick.objects.create(customer=c["fan"], category="커피", rank=1, score=0.4, computed_at=NOW)
    c["gone"].status = "merged"
    c["gone"].save(update_fields=["status"])
    return c


def live(definition: list[dict[str, Any]]) -> list[int]:
    return sorted(customers_matching(definition, now=NOW).values_list("pk", flat=True))


def test_every_condition_kind_picks_the_same_customers_on_the_snapshot(
    var: Path, world: dict[str, Any]
) -> None:
    assert {c["field"] for d in DEFINITIONS for c in d} == set(FIELDS)  # no condition kind left untested
    meta = snapshot_build(now=NOW)
    info = snapshot_info()
    assert info is not None and meta["rows"] == len(live([]))  # the merged customer is not in it
    for definition in DEFINITIONS:
        variants = [definition]
        if definition:
            variants.append([{**definition[0], "exclude": True}, *definition[1:]])
        for variant in variants:
            expected = live(variant)
            members, _tiers = snapshot_members(variant, now=NOW, path=info["path"])
            assert members == expected, variant
            assert snapshot_count(variant, now=NOW, path=info["path"]) == len(expected), variant
    # the hand-made cases really split the customers (a parity of empty sets would prove nothing)
    assert 0 < len(live([{"field": "bought", "values": ["drinks"]}])) < len(live([]))
    assert live([{"field": "likely_to_buy", "values": ["beans"]}]) == [world["old"].pk]
    assert live([{"field": "nps", "max": 6}]) == [world["turned"].pk]
    assert live([{"field": "next_purchase", "within": 7}]) == [world["loyal"].pk]
    assert live([{"field": "next_purchase", "within": 60}]) == sorted([world["loyal"].pk, world["once"].pk])
    assert live([{"field": "next_purchase", "past": 14}]) == [world["slipping"].pk]
    assert live([{"field": "next_purchase", "past": 21}]) == []
    consenting = live([{"field": "consent", "purpose": "marketing_sms"}])
    assert {world["loyal"].pk, world["once"].pk} <= set(consenting)
    assert world["old"].pk not in consenting and world["gone"].pk not in consenting  # withdrawn, merged


def test_the_snapshot_holds_no_names_phones_or_emails(var: Path, world: dict[str, Any]) -> None:
    import pyarrow.parquet as pq

    snapshot_build(now=NOW)
    table = pq.read_table(var / "segments" / "customers.parquet")
    assert not {"name", "phone", "email", "address", "phone_last4"} & set(table.column_names)
    values = {str(v) for row in table.to_pylist() for v in row.values()}
    people = Customer.objects.values_list("name", "phone")
    assert not {str(x) for pair in people for x in pair if x} & values  # no cell holds a name or a phone
    assert sorted(table.column("customer_id").to_pylist()) == live([])  # the internal ids, not pseudonyms


def test_the_builder_counts_on_the_snapshot_and_says_when_it_was_taken(
    client: Any, var: Path, world: dict[str, Any], shop: dict[str, Any]
) -> None:
    client.force_login(shop["analyst"], backend="django.contrib.auth.backends.ModelBackend")
    form = {"value_tiers": ["super", "superior"]}
    page = client.post("/campaigns/segments/count/", form).content.decode()
    assert 'id="count-value">2' in page and "실시간 집계" in page
    snapshot_build(now=timezone.now())
    # a change after the snapshot: the count is the snapshot's until the next one, and says so
    make_customer("새고객", value_tier="super", clv=1, frequency=0, recency=0.0, age=1.0)
    page = client.post("/campaigns/segments/count/", form).content.decode()
    taken = timezone.localtime(snapshot_info()["built_at"])  # type: ignore[index]
    assert 'id="count-value">2' in page
    assert f"기준: {taken.month}월 {taken.day}일 {taken:%H:%M}" in page
    snapshot_build(now=timezone.now())
    page = client.post("/campaigns/segments/count/", form).content.decode()
    assert 'id="count-value">3' in page


def test_an_old_snapshot_is_not_used_and_the_worker_rebuilds_after_a_value_run(
    var: Path, world: dict[str, Any], settings: Any
) -> None:
    assert snapshot_info() is None and snapshot_due()
    snapshot_build(now=timezone.now() - dt.timedelta(hours=3))
    assert snapshot_info() is not None and not snapshot_due()
    ValueRun.objects.create(end_date=NOW.date(), status=ValueRun.Status.DONE, finished_at=timezone.now())
    assert snapshot_due()
    settings.DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS = 2
    assert snapshot_info() is None


def test_the_scheduled_job_writes_a_snapshot_only_when_it_is_due(var: Path, world: dict[str, Any]) -> None:
    assert "dangol.campaigns.tasks.refresh_segment_snapshot" in {path for path, _every in SCHEDULE}
    rows = len(live([]))
    assert refresh_segment_snapshot.call() == rows
    assert refresh_segment_snapshot.call() == 0  # current: nothing to do
    ValueRun.objects.create(end_date=NOW.date(), status=ValueRun.Status.DONE, finished_at=timezone.now())
    assert refresh_segment_snapshot.call() == rows


def test_the_command_writes_the_snapshot(var: Path, world: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("segments_snapshot", "--no-progress", stdout=out)
    assert "스냅숏" in out.getvalue()
    info = snapshot_info()
    assert info is not None and info["rows"] == len(live([]))


def test_a_launch_from_the_snapshot_rechecks_eligibility_and_consent_live(
    var: Path, world: dict[str, Any], shop: dict[str, Any], promo: Any
) -> None:
    segment = segment_create(
        name="동의 고객", definition=[{"field": "consent", "purpose": "marketing_sms"}], by=shop["manager"]
    )
    stays = make_customer("그대로", consent=True)
    snapshot_build(now=timezone.now())
    in_snapshot = set(live(segment.definition))
    assert world["once"].pk in in_snapshot and world["loyal"].pk in in_snapshot
    # after the snapshot: one withdraws consent, one is merged away
    consent_set(customer=world["once"], purpose="marketing_sms", granted=False, source="테스트")
    world["loyal"].status = "merged"
    world["loyal"].save(update_fields=["status"])
    Customer.objects.filter(pk=shop["hong"].pk).update(processing_suspended_at=timezone.now())  # 처리정지
    campaign = campaign_create(
        name="동의 캠페인",
        goal="win_back",
        segment=segment,
        template=promo,
        control_share=0,
        by=shop["manager"],
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.QUEUED)
    campaign = campaign_run(campaign.pk)
    members = set(CampaignMember.objects.filter(campaign=campaign).values_list("customer_id", flat=True))
    assert members == in_snapshot - {world["loyal"].pk}  # the merged one is not a member
    sent = dict(
        Message.objects.filter(purpose_ref__startswith=campaign.ref_prefix).values_list(
            "customer_id", "status"
        )
    )
    assert sent[world["once"].pk] == Message.Status.BLOCKED  # consent re-checked live by messaging
    rules = dict(
        Message.objects.filter(purpose_ref__startswith=campaign.ref_prefix).values_list(
            "customer_id", "blocked_rule"
        )
    )
    assert shop["hong"].pk in in_snapshot and rules[shop["hong"].pk] == "processing_suspended"
    assert sent[stays.pk] == Message.Status.QUEUED  # and the one nothing happened to is queued
    assert campaign.results["source"] == "snapshot"


def test_a_launch_reads_the_live_tables_when_the_snapshot_is_older_than_the_launch_limit(
    var: Path, world: dict[str, Any], shop: dict[str, Any], promo: Any, settings: Any
) -> None:
    settings.DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES = 60
    segment = segment_create(
        name="동의 고객", definition=[{"field": "consent", "purpose": "marketing_sms"}], by=shop["manager"]
    )
    snapshot_build(now=timezone.now() - dt.timedelta(hours=2))
    assert snapshot_info() is not None  # still good for the builder's count, which shows its time
    # joined after the snapshot: only the live tables know
    newcomer = make_customer("새로 온 고객", consent=True)
    campaign = campaign_create(
        name="최신 기준",
        goal="win_back",
        segment=segment,
        template=promo,
        control_share=0,
        by=shop["manager"],
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.QUEUED)
    campaign = campaign_run(campaign.pk)
    members = set(CampaignMember.objects.filter(campaign=campaign).values_list("customer_id", flat=True))
    assert newcomer.pk in members and members == set(live(segment.definition))
    assert campaign.results["source"] == "live"
