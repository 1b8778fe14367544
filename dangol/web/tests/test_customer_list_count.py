"""The customer list's count: exact up to the cap, "N명 이상" past it (the count stays an index walk of cap + 1
entries however many customers match: bench/pages)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dangol.customers.models import Customer
from dangol.web.customers import views


def _count_text(client: Client, **params: str) -> str:
    html = client.get("/customers/", params).content.decode()
    start = html.index('id="customer-count"')
    return html[start : html.index("</p>", start)]


@pytest.mark.django_db
def test_count_is_exact_below_the_cap_and_capped_above(
    as_agent: Client, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    active = Customer.objects.filter(status=Customer.Status.ACTIVE).count()
    assert active >= 2
    monkeypatch.setattr(views, "COUNT_CAP", active)
    assert f"총 {active}명" in _count_text(as_agent)
    monkeypatch.setattr(views, "COUNT_CAP", active - 1)
    text = _count_text(as_agent)
    assert f"{active - 1}명 이상" in text and "총" not in text
    # A search under the cap is exact.
    assert "총 1명" in _count_text(as_agent, q="gildong@")
