"""The analyst's customer list: value filters, last NPS, count, sorting, export labels and saved segments."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login
from dangol.customers.models import Customer, CustomerSegment
from dangol.loyalty.models import CustomerValue
from dangol.privacy.models import AccessLog
from dangol.surveys.models import Response, Survey


def _customer(name: str, *, phone: str, days: int) -> Customer:
    from dangol.customers.services import customer_create

    return customer_create(
        data={"name": name, "phone": phone, "joined_at": timezone.now() - dt.timedelta(days=days)}
    )


def _value(customer: Customer, **fields: Any) -> CustomerValue:
    fields.setdefault("frequency", 3)  # repeat purchases: enough history for P(alive) to be shown
    return CustomerValue.objects.create(customer=customer, computed_at=timezone.now(), **fields)


def _nps(customer: Customer, score: int, *, days_ago: int) -> None:
    survey, _ = Survey.objects.get_or_create(code="nps-test", defaults={"title": "추천 의향"})
    Response.objects.create(
        survey=survey, customer=customer, nps=score, answered_at=timezone.now() - dt.timedelta(days=days_ago)
    )


@pytest.fixture
def valued(shop: dict[str, Any]) -> dict[str, Any]:
    """Three customers with computed value (hong and kim from the shop have none yet).

    rising: superior → super, regular → advocate; falling: regular → care, regular → first purchase;
    steady: no change. Their latest NPS answers are 10, 5 and 8, each after an older answer in
    another band, so only the latest may count.
    """
    rising = _customer("나상승", phone="010-1111-0001", days=30)
    falling = _customer("다하락", phone="010-1111-0002", days=20)
    steady = _customer("라유지", phone="010-1111-0003", days=10)
    _value(
        rising,
        value_tier="super",
        previous_tier="superior",
        stage="advocate",
        previous_stage="regular",
        clv=900_000,
        probability_alive=0.9,
        rfm_segment="Champions",
    )
    _value(
        falling,
        value_tier="care",
        previous_tier="regular",
        stage="first_purchase",
        previous_stage="regular",
        clv=10_000,
        probability_alive=0.1,
        rfm_segment="At risk",
    )
    _value(
        steady,
        value_tier="regular",
        previous_tier="regular",
        stage="regular",
        previous_stage="regular",
        clv=300_000,
        probability_alive=0.5,
        rfm_segment="Loyal",
    )
    _nps(rising, 3, days_ago=60)
    _nps(rising, 10, days_ago=2)
    _nps(falling, 9, days_ago=60)
    _nps(falling, 5, days_ago=1)
    _nps(steady, 10, days_ago=60)
    _nps(steady, 8, days_ago=3)
    return {"rising": rising, "falling": falling, "steady": steady}


def _listed(client: Client, **params: Any) -> list[int]:
    """Customer ids on the list page, in the order shown."""
    import re

    body = client.get("/customers/", params).content.decode()
    return [int(pk) for pk in re.findall(r'href="/customers/(\d+)/" class="customer-link"', body)]


def _ids(valued: dict[str, Any], *names: str) -> list[int]:
    return [valued[n].pk for n in names]


@pytest.fixture
def as_analyst(client: Client, shop: dict[str, Any]) -> Client:
    return login(client, shop["analyst"])


def test_filters_by_probability_alive_range_in_percent(as_analyst, valued):
    assert set(_listed(as_analyst, alive_min=40, alive_max=95)) == set(_ids(valued, "rising", "steady"))
    assert _listed(as_analyst, alive_max=20) == _ids(valued, "falling")


def test_a_one_time_buyer_is_not_matched_by_its_meaningless_p_alive_of_one(as_analyst, shop, valued):
    _value(shop["kim"], frequency=0, probability_alive=1.0, stage="first_purchase", value_tier="regular")
    assert shop["kim"].pk not in _listed(as_analyst, alive_min=80)
    assert _listed(as_analyst, alive_min=80) == _ids(valued, "rising")


def test_filters_by_rfm_segment_and_ladder_stage(as_analyst, valued):
    assert _listed(as_analyst, rfm="Champions") == _ids(valued, "rising")
    assert _listed(as_analyst, stage="first_purchase") == _ids(valued, "falling")


@pytest.mark.parametrize(
    ("movement", "expected"),
    [("tier_up", "rising"), ("tier_down", "falling"), ("stage_up", "rising"), ("stage_down", "falling")],
)
def test_filters_by_movement_since_the_last_run(as_analyst, valued, movement, expected):
    assert _listed(as_analyst, movement=movement) == _ids(valued, expected)


def test_filters_by_clv_range(as_analyst, valued):
    assert set(_listed(as_analyst, clv_min=100_000)) == set(_ids(valued, "rising", "steady"))
    assert _listed(as_analyst, clv_min=100_000, clv_max=500_000) == _ids(valued, "steady")


@pytest.mark.parametrize(
    ("band", "expected"), [("promoter", "rising"), ("detractor", "falling"), ("passive", "steady")]
)
def test_filters_by_the_latest_nps_answer_only(as_analyst, valued, band, expected):
    assert _listed(as_analyst, nps=band) == _ids(valued, expected)


def test_shows_the_total_count_of_the_filtered_list(as_analyst, valued):
    assert "총 5명" in as_analyst.get("/customers/").content.decode()
    assert "총 2명" in as_analyst.get("/customers/", {"clv_min": 100_000}).content.decode()
    rows = as_analyst.get(
        "/customers/", {"clv_min": 100_000}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-rows"
    ).content.decode()
    assert "총 2명" in rows and "<html" not in rows


def test_sorts_by_value_columns_both_ways_with_unvalued_customers_last(as_analyst, shop, valued):
    unvalued = {shop["hong"].pk, shop["kim"].pk}
    ascending = _listed(as_analyst, sort="clv")
    assert ascending[:3] == _ids(valued, "falling", "steady", "rising") and set(ascending[3:]) == unvalued
    descending = _listed(as_analyst, sort="-clv")
    assert descending[:3] == _ids(valued, "rising", "steady", "falling") and set(descending[3:]) == unvalued
    assert _listed(as_analyst, sort="-tier")[:3] == _ids(valued, "rising", "steady", "falling")
    assert _listed(as_analyst, sort="stage")[:3] == _ids(valued, "falling", "steady", "rising")
    assert _listed(as_analyst, sort="-nps")[:3] == _ids(valued, "rising", "steady", "falling")
    assert _listed(as_analyst, sort="alive")[:3] == _ids(valued, "falling", "steady", "rising")
    by_name = _listed(as_analyst, sort="name")
    names = list(Customer.objects.filter(pk__in=by_name).values_list("pk", "name"))
    assert [dict(names)[pk] for pk in by_name] == sorted(n for _, n in names)


def test_equal_sort_values_keep_a_stable_order_by_id(as_analyst, valued):
    CustomerValue.objects.update(clv=1000)
    assert _listed(as_analyst, sort="clv")[:3] == sorted(_ids(valued, "rising", "falling", "steady"))
    assert _listed(as_analyst, sort="-clv")[:3] == sorted(
        _ids(valued, "rising", "falling", "steady"), reverse=True
    )


def test_an_unknown_sort_key_is_refused_not_passed_to_the_database(as_analyst, valued):
    response = as_analyst.get("/customers/", {"sort": "phone"})
    assert response.status_code == 200
    assert _listed(as_analyst, sort="phone") == _listed(as_analyst)


def test_column_headers_link_to_the_sort_and_keep_the_filters(as_analyst, valued):
    body = as_analyst.get("/customers/", {"rfm": "Loyal", "sort": "clv", "page": 1}).content.decode()
    assert 'href="?rfm=Loyal&amp;sort=-clv"' in body  # the sorted column toggles, the page resets
    assert 'aria-sort="ascending"' in body
    assert 'href="?rfm=Loyal&amp;sort=alive"' in body


def test_filters_stay_in_the_url_and_in_the_form(as_analyst, valued):
    body = as_analyst.get("/customers/", {"alive_min": 40, "movement": "tier_up"}).content.decode()
    assert 'name="alive_min" value="40"' in body
    assert '<option value="tier_up" selected>' in body
    assert '<details class="more-filters" open>' in body


def test_an_inverted_range_is_an_error_beside_the_field(as_analyst, valued):
    body = as_analyst.get("/customers/", {"clv_min": 500_000, "clv_max": 1000}).content.decode()
    assert "범위의 끝이 시작보다 작습니다." in body
    # The export refuses rather than hand out every customer.
    assert as_analyst.get("/customers/export.csv", {"clv_min": 500_000, "clv_max": 1000}).status_code == 400


def _export(client: Client, **params: Any) -> list[list[str]]:
    response = client.get("/customers/export.csv", params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_has_korean_headers_and_readable_value_labels(as_analyst, valued):
    header, *rows = _export(as_analyst, rfm="Champions")
    assert header == [
        "고객 번호",
        "외부 ID",
        "이름",
        "전화번호",
        "이메일",
        "가입일시",
        "동의 단계",
        "유입 경로",
        "주 이용 매장",
        "가치 등급",
        "관계 단계",
        "예상 CLV(원)",
        "활동 확률(%)",
        "RFM 세그먼트",
        "최근 NPS",
    ]
    [row] = rows
    record = dict(zip(header, row, strict=True))
    assert record["고객 번호"] == str(valued["rising"].pk)
    assert (record["가치 등급"], record["관계 단계"], record["RFM 세그먼트"]) == (
        "초우량",
        "옹호자",
        "최우수",
    )
    assert (record["예상 CLV(원)"], record["활동 확률(%)"], record["최근 NPS"]) == ("900000", "90.0", "10")
    assert record["동의 단계"] == "필수 미동의" and record["유입 경로"] == "기타"


def test_export_is_masked_for_roles_without_personal_data(client, shop, valued):
    login(client, shop["analyst"])
    header, *rows = _export(client, unmasked="1", sort="name")
    phones = [dict(zip(header, r, strict=True))["전화번호"] for r in rows]
    assert "010-1111-0001" not in phones and "010-****-0001" in phones
    assert "나상승" not in {dict(zip(header, r, strict=True))["이름"] for r in rows}
    assert AccessLog.objects.count() == 0


def test_export_is_unmasked_only_when_a_permitted_role_asks_and_is_logged(client, shop, valued):
    login(client, shop["manager"])
    header, *masked = _export(client)
    assert "010-1111-0001" not in {dict(zip(header, r, strict=True))["전화번호"] for r in masked}
    assert AccessLog.objects.count() == 0
    header, *rows = _export(client, unmasked="1", movement="tier_up")
    [record] = [dict(zip(header, r, strict=True)) for r in rows]
    assert (record["이름"], record["전화번호"]) == ("나상승", "010-1111-0001")
    log = AccessLog.objects.get()
    assert (log.action, log.customer_count, log.staff) == ("export", 1, shop["manager"])


def test_analyst_saves_the_current_filter_as_a_named_segment(as_analyst, valued):
    response = as_analyst.post(
        "/customers/segments/", {"name": "  이탈 위험  ", "query": "alive_max=20&sort=-clv&page=3"}
    )
    segment = CustomerSegment.objects.get()
    assert segment.name == "이탈 위험" and segment.filters == {"alive_max": 0.2}
    assert segment.query == "alive_max=20&sort=-clv"
    assert response.status_code == 302 and response["Location"] == "/customers/?alive_max=20&sort=-clv"
    page = as_analyst.get("/customers/").content.decode()
    assert "이탈 위험" in page and 'href="/customers/?alive_max=20&amp;sort=-clv"' in page
    assert _listed(as_analyst, **dict(p.split("=") for p in segment.query.split("&"))) == _ids(
        valued, "falling"
    )


def test_a_segment_name_is_unique_and_the_filter_must_be_valid(as_analyst, valued):
    as_analyst.post("/customers/segments/", {"name": "우량", "query": "tier=super"})
    again = as_analyst.post("/customers/segments/", {"name": "우량", "query": "tier=care"}, follow=True)
    assert "같은 이름의 세그먼트가 이미 있습니다." in again.content.decode()
    bad = as_analyst.post(
        "/customers/segments/", {"name": "잘못", "query": "clv_min=9&clv_max=1"}, follow=True
    )
    assert "세그먼트 이름과 필터를 확인하세요." in bad.content.decode()
    assert list(CustomerSegment.objects.values_list("name", "filters")) == [("우량", {"tier": "super"})]


def test_roles_without_the_segment_permission_cannot_save_or_delete(client, shop, valued):
    segment = CustomerSegment.objects.create(name="기존", query="tier=super", filters={"tier": "super"})
    for role in ("agent", "viewer"):
        login(client, shop[role])
        assert client.post("/customers/segments/", {"name": "x", "query": ""}).status_code == 403
        assert client.post(f"/customers/segments/{segment.pk}/delete/").status_code == 403
    login(client, shop["analyst"])
    assert client.post(f"/customers/segments/{segment.pk}/delete/").status_code == 302
    assert not CustomerSegment.objects.exists()


def test_a_saved_segment_reruns_its_filters_through_the_selector(shop, valued):
    from dangol.customers.selectors import segment_customers

    segment = CustomerSegment.objects.create(
        name="추천 고객",
        filters={
            "nps": "promoter",
            "joined_from": (timezone.localdate() - dt.timedelta(days=90)).isoformat(),
        },
    )
    assert list(segment_customers(segment)) == [valued["rising"]]
    _nps(valued["steady"], 9, days_ago=0)
    assert set(segment_customers(segment)) == {valued["rising"], valued["steady"]}
