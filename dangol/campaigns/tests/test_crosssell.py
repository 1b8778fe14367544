"""The segment condition "likely to buy category X": cross-sell picks from rules mined on the value run's
snapshot, stored per customer, selected in the builder with the same validation as the other conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from dangol.campaigns.conditions import customers_matching, describe, validate
from dangol.campaigns.crosssell import picks_refresh
from dangol.campaigns.models import CrossSellPick
from dangol.campaigns.tests.conftest import category, make_customer
from dangol.loyalty.models import ValueRun
from dangol.loyalty.services import snapshot_orders
from dangol.orders.models import Order, OrderLine, Product

pytestmark = pytest.mark.django_db


def ids(definition: list[dict[str, Any]]) -> set[int]:
    return set(customers_matching(definition).values_list("pk", flat=True))


@pytest.fixture
def baskets(shop: dict[str, Any], tmp_path: Any) -> dict[str, Any]:
    """8 customers buy bakery with dairy (and fruit alone, later); one buys bakery only, one dairy only, one
    fruit only. Rules (17 + 3 baskets): bakery ↔ dairy (lift > 1); fruit goes with nothing."""
    cats = {c: category(c, n) for c, n in (("bread", "베이커리"), ("milk", "유제품"), ("fruit", "과일"))}
    products = {c: Product.objects.create(sku=c, name=cats[c].name, category=cats[c]) for c in cats}
    when = timezone.now() - dt.timedelta(days=10)
    n = iter(range(1, 1000))

    def buy(customer: Any, *codes: str) -> None:
        k = next(n)
        order = Order.objects.create(
            external_id=f"CS-{k}", customer=customer, ordered_at=when + dt.timedelta(hours=k)
        )
        for i, code in enumerate(codes):
            OrderLine.objects.create(order=order, line_no=i + 1, product=products[code], product_name=code)

    for i in range(8):
        c = make_customer(f"장바구니{i}")
        buy(c, "bread", "milk")
        buy(c, "fruit")
    people = {
        "bread_only": make_customer("빵만"),
        "milk_only": make_customer("우유만"),
        "fruit_only": make_customer("과일만"),
    }
    buy(people["bread_only"], "bread")
    buy(people["milk_only"], "milk")
    buy(people["fruit_only"], "fruit")
    snapshot_orders(tmp_path / "orders.parquet")
    ValueRun.objects.create(end_date=timezone.localdate(), status="done", output_dir=str(tmp_path))
    return people


def test_picks_from_the_snapshot_rules_and_the_condition(baskets: dict[str, Any]) -> None:
    result = picks_refresh()
    assert result["rules"] == 2 and result["picks"] == 2  # bakery → dairy and dairy → bakery
    picks = {(p.customer_id, p.category, p.rank) for p in CrossSellPick.objects.all()}
    assert picks == {(baskets["bread_only"].pk, "유제품", 1), (baskets["milk_only"].pk, "베이커리", 1)}
    # the bakery-only customer is likely to buy dairy; those who already bought both are not
    assert ids([{"field": "likely_to_buy", "values": ["milk"]}]) == {baskets["bread_only"].pk}
    assert ids([{"field": "likely_to_buy", "values": ["milk", "bread"]}]) == {
        baskets["bread_only"].pk,
        baskets["milk_only"].pk,
    }
    assert ids([{"field": "likely_to_buy", "values": ["fruit"]}]) == set()
    assert baskets["fruit_only"].pk in ids([{"field": "likely_to_buy", "values": ["milk"], "exclude": True}])
    # combined with "never bought": the same customer
    assert ids(
        [
            {"field": "likely_to_buy", "values": ["milk"]},
            {"field": "bought", "values": ["milk"], "exclude": True},
        ]
    ) == {baskets["bread_only"].pk}
    assert describe([{"field": "likely_to_buy", "values": ["milk"]}]) == [
        "구매 가능성이 높은 카테고리(교차 판매): 유제품"
    ]
    # a rerun replaces the picks (no duplicates); without a snapshot the last picks stand
    picks_refresh()
    assert CrossSellPick.objects.count() == 2
    ValueRun.objects.update(output_dir="/nonexistent")
    assert picks_refresh()["skipped"] == 1 and CrossSellPick.objects.count() == 2


def test_a_new_purchase_drops_the_pick_on_the_next_refresh(baskets: dict[str, Any]) -> None:
    picks_refresh()
    late = Order.objects.create(
        external_id="CS-late", customer=baskets["bread_only"], ordered_at=timezone.now()
    )
    OrderLine.objects.create(
        order=late, line_no=1, product=Product.objects.get(sku="milk"), product_name="milk"
    )
    picks_refresh()  # the rules are the snapshot's; what the customer bought is read now
    assert ids([{"field": "likely_to_buy", "values": ["milk"]}]) == set()


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ([{"field": "likely_to_buy", "values": []}], "구매 가능성이 높은 카테고리(교차 판매): 하나 이상"),
        ([{"field": "likely_to_buy"}], "하나 이상"),
        ([{"field": "likely_to_buy", "values": ["milk"], "min": 1}], "쓸 수 없는 키: min"),
    ],
)
def test_bad_conditions_get_the_same_korean_errors(definition: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(definition)
    assert message in " ".join(caught.value.messages)


def test_selectable_in_the_builder_with_a_live_count(
    client: Client, shop: dict[str, Any], baskets: dict
) -> None:
    picks_refresh()
    client.force_login(shop["analyst"])
    page = client.get("/campaigns/segments/new/").content.decode()
    assert 'id="likely-to-buy"' in page and 'name="likely_to_buy" value="milk"' in page
    r = client.post("/campaigns/segments/count/", {"likely_to_buy": ["milk"]})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="count-value">1명' in body and "교차 판매): 유제품" in body
    bad = client.post("/campaigns/segments/count/", {"likely_to_buy": ["없는코드"]})
    assert bad.status_code == 200 and "구매 가능성이 높은 카테고리(교차 판매):" in bad.content.decode()


def test_the_command_rebuilds_the_picks(baskets: dict[str, Any]) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("campaigns_crosssell", stdout=out)
    assert json.loads(out.getvalue())["picks"] == 2 and CrossSellPick.objects.count() == 2
