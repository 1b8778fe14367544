"""The 360 timeline asks every source at once (one statement of EXISTS probes, each app's own
`*_timeline_presence`) which of them hold anything for the customer, and reads only those. The timeline must be
exactly what reading every source gives: same entries, same order (ties included), same role checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangol.customers.models import Customer
from dangol.customers.services import consent_set, customer_create
from dangol.orders.models import Order, OrderLine
from dangol.orders.services import order_refund
from dangol.rewards.services import points_compensate
from dangol.web.customers import timeline
from dangol.web.tests.test_timeline import _add_one_of_everything, customer_survey, value_tier_rose

# Tables that only the timeline's sources read on the 360 page: a source the probe rules out leaves them alone.
TIMELINE_ONLY_TABLES = (
    "voc_caseevent",
    "orders_refund",
    "customers_consentevent",
    "messaging_message",
    "rewards_pointentry",
    "surveys_response",
)


def _customer(name: str, phone: str) -> Customer:
    return customer_create(data={"name": name, "phone": phone, "acquisition_channel": "store"}, tags=[])


@pytest.fixture
def world(shop: dict[str, Any]) -> dict[str, Customer]:
    """홍길동 with three of everything (points and a value change too); 김영희 with one order of two lines at
    the same moment as a second order of none, and a refund; a customer with a consent change only; one with
    nothing at all."""
    hong = shop["hong"]
    survey = customer_survey(shop)
    for n in range(1, 4):
        _add_one_of_everything(shop, hong, survey, n)
    points_compensate(customer=hong, points=500, case_ref="C-1", by=shop["manager"])
    value_tier_rose(hong)
    kim = shop["kim"]
    at = timezone.now() - dt.timedelta(days=3)
    two = Order.objects.create(
        external_id="K-2", customer=kim, touchpoint=shop["web"], ordered_at=at, total_amount=9
    )
    OrderLine.objects.create(order=two, line_no=2, product_name="양말", amount=4)
    OrderLine.objects.create(order=two, line_no=1, product_name="운동화", amount=5)
    Order.objects.create(
        external_id="K-0", customer=kim, touchpoint=shop["store"], ordered_at=at, total_amount=0
    )
    order_refund(order=two, amount=4, reason="불량", by=shop["manager"])
    consenting = _customer("박동의", "01055556666")
    consent_set(customer=consenting, purpose="marketing_kakao", granted=False, source="앱")
    return {"hong": hong, "kim": kim, "consenting": consenting, "empty": _customer("최없음", "01077778888")}


def _every_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path before the probe: every source is read."""
    monkeypatch.setattr(timeline, "_sources_with_rows", lambda _customer_id, sources: set(sources))


def test_the_probed_timeline_is_the_timeline_of_every_source(
    shop: dict[str, Any], world: dict[str, Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    views = [
        {},
        {"kind": "order"},
        {"kind": "case"},
        {"touchpoint_id": shop["web"].pk},
        {"touchpoint_id": shop["store"].pk},
        {"interaction_type": "inquiry"},
        {"before": timezone.now() - dt.timedelta(days=1)},
        {"size": 4},  # a page boundary inside the history
    ]
    probed = {
        (who, customer, n): timeline.customer_timeline_page(world[customer], user=shop[who], **args)
        for who in ("manager", "agent", "clerk", "viewer")
        for customer in world
        for n, args in enumerate(views)
    }
    _every_source(monkeypatch)
    for (who, customer, n), page in probed.items():
        assert page == timeline.customer_timeline_page(world[customer], user=shop[who], **views[n]), (
            who,
            customer,
            views[n],
        )
    assert {e.kind for e in probed[("manager", "hong", 0)].entries} >= {
        "interaction", "order", "case", "survey", "refund", "note", "promise", "flag", "value", "message", "points",
    }  # fmt: skip
    assert not shop["viewer"].has_perm("voc.view_customerflag")
    assert not any(e.kind == "flag" for e in probed[("viewer", "hong", 0)].entries)  # the role check stays


def test_the_probe_finds_exactly_the_sources_that_hold_rows(world: dict[str, Customer]) -> None:
    every = list(timeline._SOURCES)
    assert timeline._sources_with_rows(world["kim"].pk, every) == {"order", "refund"}
    assert timeline._sources_with_rows(world["consenting"].pk, every) >= {"consent"}
    assert "order" not in timeline._sources_with_rows(world["consenting"].pk, every)
    assert timeline._sources_with_rows(world["empty"].pk, every) <= {"consent"}  # sign-up consents, if any
    assert timeline._sources_with_rows(world["hong"].pk, every) == set(every)


def test_an_order_title_names_its_first_line_and_counts_the_others(
    shop: dict[str, Any], world: dict[str, Customer]
) -> None:
    titles = {
        e.body: e.title for e in timeline.customer_timeline(world["kim"], user=shop["manager"], kind="order")
    }
    assert titles == {"K-2": "운동화 외 1건", "K-0": "K-0"}  # line 1 first; no lines: the order number


def test_a_customer_without_history_reads_no_source_table(
    as_manager: Client, world: dict[str, Customer]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = as_manager.get(f"/customers/{world['empty'].pk}/")
    assert response.status_code == 200
    read = " ".join(q["sql"] for q in queries if not q["sql"].startswith("SELECT EXISTS"))  # not the probe
    assert sum(q["sql"].startswith("SELECT EXISTS") for q in queries) == 1
    assert [t for t in TIMELINE_ONLY_TABLES if f'FROM "{t}"' in read] == []
    with CaptureQueriesContext(connection) as queries:
        response = as_manager.get(f"/customers/{world['hong'].pk}/")
    read = " ".join(q["sql"] for q in queries if not q["sql"].startswith("SELECT EXISTS"))
    assert [t for t in TIMELINE_ONLY_TABLES if f'FROM "{t}"' not in read] == []  # the probe finds them all
    assert "운동화" in response.content.decode()
