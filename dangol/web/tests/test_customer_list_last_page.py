"""The customer list counts its matches only when its page does not show where they end (most searches fit on
one page: a name, a phone number, an e-mail, a customer number), and shows the same count either way; the
rows' column names and choice labels are what the models' labels say, in the page's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dangol.customers.models import ConsentStage, Customer
from dangol.loyalty.models import CustomerValue, LadderStage, ValueTier
from dangol.web.customers import views
from dangol.web.tests.customers import name_matches

pytestmark = pytest.mark.django_db


def _get(client: Client, **params: Any) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/customers/", params)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def _counts(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if "COUNT(" in sql.upper() and "customers_customer" in sql]


def _count_text(html: str) -> str:
    start = html.index('id="customer-count"')
    return html[start : html.index("</p>", start)]


def test_a_search_that_fits_on_its_page_is_not_counted_again(as_agent: Client, shop: dict[str, Any]) -> None:
    name_matches("홍나", 3)
    html, sqls = _get(as_agent, q="홍나")
    assert "총 3명" in _count_text(html)
    assert _counts(sqls) == []
    html, sqls = _get(as_agent, q="홍나없음")
    assert "총 0명" in _count_text(html)
    assert "조건에 맞는 고객이 없습니다." in html
    assert _counts(sqls) == []


def test_the_last_page_counts_the_pages_before_it_and_its_rows(
    as_agent: Client, shop: dict[str, Any]
) -> None:
    name_matches("홍나", views.PAGE_SIZE + 4)
    first, sqls = _get(as_agent, q="홍나")
    assert f"총 {views.PAGE_SIZE + 4}명" in _count_text(first)
    assert len(_counts(sqls)) == 1  # a next page: the count is read
    last, sqls = _get(as_agent, q="홍나", page=2)
    assert f"총 {views.PAGE_SIZE + 4}명" in _count_text(last)
    assert _counts(sqls) == []
    assert "page=3" not in last and "page=1" in last
    # Past the end the page shows nothing, so the count is read.
    past, sqls = _get(as_agent, q="홍나", page=3)
    assert f"총 {views.PAGE_SIZE + 4}명" in _count_text(past)
    assert len(_counts(sqls)) == 1


def test_a_last_page_past_the_cap_says_more(
    as_agent: Client, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    name_matches("홍나", views.PAGE_SIZE + 4)
    monkeypatch.setattr(views, "COUNT_CAP", views.PAGE_SIZE + 2)
    last, sqls = _get(as_agent, q="홍나", page=2)
    assert f"{views.PAGE_SIZE + 2}명 이상" in _count_text(last) and "총" not in _count_text(last)
    assert _counts(sqls) == []
    first, _sqls = _get(as_agent, q="홍나")
    assert _count_text(first) == _count_text(last)


def test_the_rows_show_the_column_names_and_the_consent_label(as_agent: Client, shop: dict[str, Any]) -> None:
    customers = name_matches("홍나", 2)
    html, _sqls = _get(as_agent, q="홍나")
    assert html.count(f'<span class="badge">{customers[0].get_consent_stage_display()}</span>') == 2
    for name in ("이름", "전화번호", "가치 등급", "CLV(원)", "가입일"):
        assert html.count(f'data-label="{name}"') == 2
        assert re.search(rf"<th[^>]*>(?:<a [^>]*>)?{re.escape(name)}(?: [↑↓])?(?:</a>)?</th>", html), name


@pytest.mark.parametrize("language", ["ko", "en"])
def test_display_labels_equal_the_models_get_display(language: str) -> None:
    with translation.override(language):
        customer = Customer(name="홍길동")
        for code in [*ConsentStage.values, "not-a-stage"]:
            customer.consent_stage = code
            assert views._display(customer, "consent_stage") == customer.get_consent_stage_display()
        value = CustomerValue()
        for code in [*ValueTier.values, "unknown"]:
            value.value_tier = code
            assert views._display(value, "value_tier") == value.get_value_tier_display()
        for code in [*LadderStage.values, "unknown"]:
            value.stage = code
            assert views._display(value, "stage") == value.get_stage_display()
