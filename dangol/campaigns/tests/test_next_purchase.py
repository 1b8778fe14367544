"""The builder's "expected next purchase within N days / N days past" condition on hand-made customers (the dates
are set by hand; how the value run computes them is tested in dangol/loyalty/tests/test_rhythm.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from dangol.campaigns.conditions import customers_matching, describe, validate
from dangol.campaigns.tests.conftest import make_customer

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


@pytest.fixture
def due(shop: dict[str, Any]) -> dict[str, Any]:
    value = {"clv": 1, "frequency": 2, "recency": 10.0, "age": 20.0}

    def on(days: int | None, name: str) -> Any:
        when = None if days is None else TODAY + dt.timedelta(days=days)
        return make_customer(name, expected_next_purchase=when, **value)

    return {
        "yesterday": on(-1, "어제"),
        "today": on(0, "오늘"),
        "in7": on(7, "칠일후"),
        "in8": on(8, "팔일후"),
        "ago30": on(-30, "한달전"),
        "none": on(None, "추정없음"),
    }


def names(definition: list[dict[str, Any]]) -> set[str]:
    return set(customers_matching(definition, now=NOW).values_list("name", flat=True))


def test_within_n_days_counts_today_through_today_plus_n(due: dict[str, Any]) -> None:
    assert names([{"field": "next_purchase", "within": 7}]) == {"오늘", "칠일후"}
    assert names([{"field": "next_purchase", "within": 0}]) == {"오늘"}
    # excluded: everyone else, including those without an estimate and the shop's other customers
    excluded = names([{"field": "next_purchase", "within": 7, "exclude": True}])
    assert {"어제", "팔일후", "한달전", "추정없음"} <= excluded and not {"오늘", "칠일후"} & excluded


def test_n_days_past_counts_dates_at_least_n_days_ago(due: dict[str, Any]) -> None:
    assert names([{"field": "next_purchase", "past": 1}]) == {"어제", "한달전"}
    assert names([{"field": "next_purchase", "past": 30}]) == {"한달전"}
    assert names([{"field": "next_purchase", "past": 31}]) == set()
    assert names([{"field": "next_purchase", "past": 0}]) == {"어제", "오늘", "한달전"}


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ([{"field": "next_purchase"}], "중 하나에 일수를 입력하세요"),
        ([{"field": "next_purchase", "within": 3, "past": 3}], "중 하나에 일수를 입력하세요"),
        ([{"field": "next_purchase", "within": -1}], "일수 값은 0 이상 3650 이하"),
        ([{"field": "next_purchase", "past": "한참"}], "숫자여야"),
        ([{"field": "next_purchase", "days": 3}], "쓸 수 없는 키"),
    ],
)
def test_bad_next_purchase_conditions_get_a_korean_error(definition: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(definition)
    assert message in " ".join(caught.value.messages)


def test_describe_and_the_builder_form(due: dict[str, Any], client: Client, shop: dict[str, Any]) -> None:
    assert describe(validate([{"field": "next_purchase", "within": 7}])) == [
        "다음 예상 구매일: 오늘부터 7일 이내"
    ]
    assert describe(validate([{"field": "next_purchase", "past": 14}])) == [
        "다음 예상 구매일: 14일 이상 지남"
    ]
    client.force_login(shop["analyst"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/campaigns/segments/new/").content.decode()
    assert 'name="next_purchase"' in page and 'name="next_purchase_days"' in page
    body = client.post(
        "/campaigns/segments/count/", {"next_purchase": "within", "next_purchase_days": "7"}
    ).content.decode()
    assert 'id="count-value">2' in body and "오늘부터 7일 이내" in body
    body = client.post(
        "/campaigns/segments/count/", {"next_purchase": "past", "next_purchase_days": "1"}
    ).content.decode()
    assert 'id="count-value">2' in body
    body = client.post("/campaigns/segments/count/", {"next_purchase": "past"}).content.decode()
    assert 'role="alert"' in body and "일수를 입력하세요" in body
