"""Segment conditions on hand-made customers: each condition picks exactly the customers built to meet it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangol.campaigns.conditions import customers_matching, describe, validate
from dangol.campaigns.models import Segment
from dangol.campaigns.services import CampaignError, segment_create, segment_member_ids
from dangol.campaigns.tests.conftest import category, make_customer, order
from dangol.customers.services import consent_set
from dangol.rewards.models import Membership, Tier
from dangol.surveys.models import Response, Survey
from dangol.voc.models import Case, CustomerFlag

pytestmark = pytest.mark.django_db


def ids(definition: list[dict[str, Any]]) -> set[int]:
    return set(customers_matching(definition).values_list("pk", flat=True))


@pytest.fixture
def valued(shop: dict[str, Any]) -> dict[str, Any]:
    """Four customers with value rows: a loyal super customer, a slipping one, a one-time buyer, a prospect."""
    return {
        "loyal": make_customer(
            "충성고객",
            value_tier="super",
            stage="regular",
            rfm_segment="Champions",
            clv=900_000,
            probability_alive=0.92,
            frequency=5,
            recency=50.0,
            age=52.0,
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
        ),
        "once": make_customer(
            "한번구매",
            value_tier="superior",
            stage="first_purchase",
            rfm_segment="New",
            clv=120_000,
            probability_alive=0.3,
            frequency=0,
            recency=0.0,
            age=10.0,
        ),
        "none": make_customer("가치없음"),
    }


def test_value_tier_stage_rfm_and_clv(valued: dict[str, Any]) -> None:
    v = {k: c.pk for k, c in valued.items()}
    assert ids([{"field": "value_tier", "values": ["super", "superior"]}]) == {v["loyal"], v["once"]}
    assert ids([{"field": "stage", "values": ["at_risk"]}]) == {v["slipping"]}
    assert ids([{"field": "rfm_segment", "values": ["Champions", "New"]}]) == {v["loyal"], v["once"]}
    assert ids([{"field": "clv", "min": 100_000}]) == {v["loyal"], v["once"]}
    assert ids([{"field": "clv", "min": 100_000, "max": 500_000}]) == {v["once"]}
    # conditions are ANDed
    assert ids(
        [{"field": "value_tier", "values": ["super", "superior"]}, {"field": "clv", "max": 500_000}]
    ) == {v["once"]}


def test_p_alive_range_only_counts_customers_with_enough_history(valued: dict[str, Any]) -> None:
    # "once" has P(alive) 0.3 stored but a single purchase: the model cannot say, so no P(alive) bound takes it
    assert ids([{"field": "p_alive", "max": 0.5}]) == {valued["slipping"].pk}
    assert ids([{"field": "p_alive", "min": 0.9}]) == {valued["loyal"].pk}


def test_overdue_uses_each_customers_own_rhythm(valued: dict[str, Any]) -> None:
    # slipping: 3 repeats over 30 weeks → every 10 weeks; 60 − 30 = 30 weeks since the last → overdue up to 3×
    # loyal: 5 repeats over 50 weeks → every 10 weeks; 2 weeks since the last → not overdue
    assert ids([{"field": "overdue", "factor": 1}]) == {valued["slipping"].pk}
    assert ids([{"field": "overdue", "factor": 2.5}]) == {valued["slipping"].pk}
    assert ids([{"field": "overdue", "factor": 3.5}]) == set()


def test_consent_and_its_exclusion(shop: dict[str, Any]) -> None:
    withdrawn = make_customer("철회", consent=True)
    consent_set(customer=withdrawn, purpose="marketing_sms", granted=False, source="테스트")
    assert ids([{"field": "consent", "purpose": "marketing_sms"}]) == {shop["hong"].pk}
    assert ids([{"field": "consent", "purpose": "marketing_sms", "exclude": True}]) == {
        shop["kim"].pk,
        withdrawn.pk,
    }


def test_last_purchase_and_categories(shop: dict[str, Any]) -> None:
    now = timezone.now()
    coffee, beans = category("coffee", "커피"), category("beans", "원두")
    old = make_customer("옛고객")
    recent = make_customer("최근고객")
    refunded = make_customer("환불고객")
    order(old, at=now - dt.timedelta(days=200), cat=coffee)
    order(recent, at=now - dt.timedelta(days=200), cat=coffee)
    order(recent, at=now - dt.timedelta(days=5), cat=beans)
    order(refunded, at=now - dt.timedelta(days=3), cat=beans, status="refunded")
    cut = (now - dt.timedelta(days=90)).date().isoformat()
    assert ids([{"field": "last_purchase", "before": cut}]) == {old.pk}  # a refunded order is no purchase
    assert ids([{"field": "last_purchase", "after": cut}]) == {recent.pk}
    assert ids([{"field": "bought", "values": ["coffee"]}]) == {old.pk, recent.pk}
    never_beans = ids([{"field": "bought", "values": ["beans"], "exclude": True}])
    assert recent.pk not in never_beans and {old.pk, refunded.pk, shop["hong"].pk} <= never_beans


def test_latest_nps_and_csat_count_not_older_answers(shop: dict[str, Any]) -> None:
    survey = Survey.objects.create(code="s1", title="만족도")
    now = timezone.now()
    turned = make_customer("돌아선")
    fan = make_customer("팬")
    Response.objects.create(
        survey=survey, customer=turned, answered_at=now - dt.timedelta(days=30), nps=10, csat=5
    )
    Response.objects.create(
        survey=survey, customer=turned, answered_at=now - dt.timedelta(days=1), nps=3, csat=2
    )
    Response.objects.create(survey=survey, customer=fan, answered_at=now - dt.timedelta(days=2), nps=9)
    assert ids([{"field": "nps", "min": 9}]) == {fan.pk}
    assert ids([{"field": "nps", "max": 6}]) == {turned.pk}
    assert ids([{"field": "csat", "max": 2}]) == {turned.pk}


def test_voc_open_recovered_and_flags(shop: dict[str, Any]) -> None:
    now = timezone.now()
    waiting = make_customer("대기중")
    recovered = make_customer("회복")
    unhappy = make_customer("불만족해결")
    flagged = make_customer("주의")
    Case.objects.create(number="V1", title="배송", customer=waiting, created_at=now, status=Case.Status.OPEN)
    Case.objects.create(
        number="V2",
        title="환불",
        customer=recovered,
        created_at=now - dt.timedelta(days=20),
        status=Case.Status.RESOLVED,
        resolved_at=now - dt.timedelta(days=10),
        customer_reaction="satisfied",
    )
    Case.objects.create(
        number="V3",
        title="불량",
        customer=unhappy,
        created_at=now - dt.timedelta(days=20),
        status=Case.Status.CLOSED,
        resolved_at=now - dt.timedelta(days=10),
        customer_reaction="dissatisfied",
    )
    CustomerFlag.objects.create(customer=flagged, type="belligerent", evidence="폭언", flagged_at=now)
    CustomerFlag.objects.create(
        customer=recovered,
        type="belligerent",
        evidence="오해",
        flagged_at=now,
        status=CustomerFlag.Status.REVERSED,
    )
    assert ids([{"field": "voc_open"}]) == {waiting.pk}
    assert ids([{"field": "voc_recovered", "days": 30}]) == {recovered.pk}
    assert ids([{"field": "voc_recovered", "days": 5}]) == set()
    assert ids([{"field": "flagged"}]) == {flagged.pk}
    assert flagged.pk not in ids([{"field": "flagged", "exclude": True}])


def test_membership_tier(shop: dict[str, Any]) -> None:
    gold = Tier.objects.create(code="gold", name="골드", rank=2)
    Tier.objects.create(code="basic", name="기본", rank=0)
    Membership.objects.create(
        customer=shop["hong"], tier=gold, since=timezone.now(), evaluated_at=timezone.now()
    )
    assert ids([{"field": "membership_tier", "values": ["gold"]}]) == {shop["hong"].pk}


def test_merged_and_forgotten_customers_are_never_members(shop: dict[str, Any]) -> None:
    gone = make_customer("병합됨")
    gone.status = "merged"
    gone.save(update_fields=["status"])
    assert gone.pk not in ids([])
    assert ids([]) == {shop["hong"].pk, shop["kim"].pk}


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"field": "clv"}, "목록"),
        ([{"field": "age"}], "조건 1: 알 수 없는 조건 항목"),
        (
            [{"field": "clv", "min": 10}, {"field": "clv", "min": 500, "max": 100}],
            "조건 2: 예상 고객생애가치(원): 최소값이 최대값보다 큽니다",
        ),
        ([{"field": "p_alive", "min": 1.5}], "0 이상 1 이하"),
        ([{"field": "last_purchase", "before": "2026-13-01"}], "YYYY-MM-DD"),
        ([{"field": "value_tier", "values": ["gold"]}], "가치 등급에 없는 값입니다: gold"),
        ([{"field": "consent", "purpose": "marketing_fax"}], "알 수 없는 동의 항목"),
        ([{"field": "nps", "min": "많이"}], "숫자여야"),
        ([{"field": "voc_open", "days": 3}], "쓸 수 없는 키"),
        ([{"field": "bought", "values": []}], "하나 이상"),
    ],
)
def test_bad_definitions_get_a_korean_error(definition: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(definition)
    assert message in " ".join(caught.value.messages)


def test_a_definition_is_validated_on_save(shop: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Segment.objects.create(name="잘못", definition=[{"field": "nope"}])
    assert not Segment.objects.exists()
    with pytest.raises(CampaignError, match="같은 이름"):
        segment_create(name="우량", definition=[], by=shop["manager"])
        segment_create(name="우량", definition=[], by=shop["manager"])


def test_describe_reads_in_korean(valued: dict[str, Any]) -> None:
    lines = describe(
        validate([{"field": "value_tier", "values": ["super"]}, {"field": "flagged", "exclude": True}])
    )
    assert lines == ["가치 등급: 초우량", "제외 — 주의 고객 플래그"]


def test_dynamic_segments_follow_the_data_frozen_ones_keep_their_list(valued: dict[str, Any]) -> None:
    definition = [{"field": "value_tier", "values": ["super"]}]
    dynamic = segment_create(name="동적", definition=definition, by=None)
    frozen = segment_create(name="고정", definition=definition, kind="frozen", by=None)
    assert frozen.kind == "frozen" and frozen.member_ids == [valued["loyal"].pk]
    newcomer = make_customer("새초우량", value_tier="super", clv=1, frequency=1, recency=1.0, age=2.0)
    assert set(segment_member_ids(dynamic)) == {valued["loyal"].pk, newcomer.pk}
    assert list(segment_member_ids(frozen)) == [valued["loyal"].pk]
