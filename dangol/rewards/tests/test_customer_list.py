"""The customer list shows the membership tier beside the value tier, and filters by it (issue 15)."""

from __future__ import annotations

import re

from django.utils import timezone

from conftest import login
from dangol.loyalty.models import CustomerValue
from dangol.rewards.models import Membership


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td data-label=.*?</tr>", html, flags=re.S)


def test_membership_tier_beside_value_tier_and_a_filter_by_it(shop, tiers, client):
    hong, kim = shop["hong"], shop["kim"]
    now = timezone.now()
    Membership.objects.create(customer=hong, tier=tiers["gold"], since=now, evaluated_at=now)
    Membership.objects.create(customer=kim, tier=tiers["silver"], since=now, evaluated_at=now)
    # where they disagree is where a marketer acts: gold member, but a low value tier
    CustomerValue.objects.create(customer=hong, value_tier="care", computed_at=now)
    login(client, shop["agent"])
    html = client.get("/customers/").content.decode()
    assert "멤버십 등급" in html and "가치 등급" in html
    hong_row = next(r for r in _rows(html) if f"/customers/{hong.pk}/" in r)
    assert re.search(r"membership-tier\"><span class=\"badge\">골드", hong_row)
    assert "tier-care" in hong_row  # the value tier in the same row

    only_gold = client.get("/customers/", {"membership": "gold"}).content.decode()
    rows = _rows(only_gold)
    assert len(rows) == 1 and f"/customers/{hong.pk}/" in rows[0]
    assert '<option value="gold" selected>' in only_gold
    silver = _rows(client.get("/customers/", {"membership": "silver"}).content.decode())
    assert len(silver) == 1 and f"/customers/{kim.pk}/" in silver[0]
    # an unknown tier is a form error in Korean, not a 500, and filters nothing away
    bad = client.get("/customers/", {"membership": "platinum"})
    assert bad.status_code == 200 and "올바르게 선택해 주세요" in bad.content.decode()
    # htmx row updates carry the column too
    part = client.get(
        "/customers/", {"membership": "gold"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-rows"
    )
    assert "membership-tier" in part.content.decode() and "<html" not in part.content.decode()
