"""Pages and API through the real stack: who may build, launch and read; live count; masking by role."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import login
from dangol.accounts.services import api_token_create
from dangol.campaigns.models import Campaign, Segment
from dangol.campaigns.services import campaign_create, campaign_launch, campaign_run, segment_create
from dangol.campaigns.tests.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment(shop: dict[str, Any]) -> Segment:
    return segment_create(
        name="SMS 동의 고객",
        definition=[{"field": "consent", "purpose": "marketing_sms"}],
        by=shop["manager"],
    )


def test_roles_on_the_pages(client: Client, shop: dict[str, Any], segment: Segment, promo: Any) -> None:
    campaign = campaign_create(
        name="되찾기", goal="win_back", segment=segment, template=promo, by=shop["manager"]
    )
    pages = [
        "/campaigns/",
        "/campaigns/segments/new/",
        f"/campaigns/segments/{segment.pk}/",
        "/campaigns/new/",
        f"/campaigns/{campaign.pk}/",
    ]
    expected = {
        "manager": [200, 200, 200, 200, 200],
        "analyst": [200, 200, 200, 403, 200],  # builds segments, reads reports, does not create campaigns
        "agent": [403, 403, 403, 403, 403],
        "viewer": [403, 403, 403, 403, 403],
    }
    for role, codes in expected.items():
        login(client, shop[role])
        assert [client.get(p).status_code for p in pages] == codes, role
    for role in ("analyst", "agent"):
        login(client, shop[role])
        assert client.post(f"/campaigns/{campaign.pk}/launch/").status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    login(client, shop["manager"])
    r = client.post(f"/campaigns/{campaign.pk}/launch/", follow=True)
    assert "발송을 시작했습니다" in r.content.decode()
    r = client.post(f"/campaigns/{campaign.pk}/launch/", follow=True)
    assert "이미 발송을 시작한 캠페인입니다" in r.content.decode()


def test_live_count_and_korean_errors(client: Client, shop: dict[str, Any]) -> None:
    make_customer("초우량", value_tier="super", clv=900_000)
    make_customer("일반", value_tier="regular", clv=10_000)
    login(client, shop["analyst"])
    r = client.post("/campaigns/segments/count/", {"value_tiers": ["super"]})
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="count-value">1명' in body and "가치 등급: 초우량" in body
    r = client.post("/campaigns/segments/count/", {"clv_min": "500000", "clv_max": "100"})
    assert r.status_code == 200 and "최소값이 최대값보다 큽니다" in r.content.decode()
    r = client.post("/campaigns/segments/count/", {"p_alive_min": "150"})
    assert r.status_code == 200 and "활동 확률(%) 이상" in r.content.decode()
    r = client.post("/campaigns/segments/count/", {})
    assert 'id="count-value">4명' in r.content.decode()  # hong, kim and the two above


def test_builder_saves_a_segment(client: Client, shop: dict[str, Any]) -> None:
    login(client, shop["manager"])
    r = client.post(
        "/campaigns/segments/new/",
        {
            "name": "동의·우량",
            "kind": "dynamic",
            "consents": ["marketing_sms"],
            "value_tiers": ["super"],
            "voc_open": "exclude",
        },
    )
    segment = Segment.objects.get(name="동의·우량")
    assert r.status_code == 302 and r["Location"] == f"/campaigns/segments/{segment.pk}/"
    assert segment.definition == [
        {"field": "consent", "purpose": "marketing_sms"},
        {"field": "value_tier", "values": ["super"]},
        {"field": "voc_open", "exclude": True},
    ]
    assert segment.owner == shop["manager"]
    r = client.post("/campaigns/segments/new/", {"name": "동의·우량", "kind": "dynamic"})
    assert r.status_code == 200 and "같은 이름의 세그먼트가 이미 있습니다" in r.content.decode()


def test_sample_and_export_are_masked_for_every_role(
    client: Client, shop: dict[str, Any], segment: Segment
) -> None:
    for role in (
        "analyst",
        "manager",
    ):  # as on the customer list: the unmasked view is the 360's logged reveal
        login(client, shop[role])
        body = client.get(f"/campaigns/segments/{segment.pk}/").content.decode()
        assert "홍*동" in body and "홍길동" not in body and "01012345678" not in body, role
    login(client, shop["agent"])  # roles that may not see segments get nothing
    assert client.get(f"/campaigns/segments/{segment.pk}/").status_code == 403
    assert client.get(f"/campaigns/segments/{segment.pk}/export.csv").status_code == 403
    login(client, shop["manager"])
    r = client.get(f"/campaigns/segments/{segment.pk}/export.csv")  # the CSV is masked for everyone
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "customer_id" and rows[1][0] == str(shop["hong"].pk)
    assert rows[1][1] == "홍*동" and "12345678" not in rows[1][2]


def test_campaign_form_creates_and_the_report_renders(
    client: Client, shop: dict[str, Any], segment: Segment, promo: Any
) -> None:
    login(client, shop["manager"])
    r = client.post(
        "/campaigns/new/",
        {
            "name": "봄 되찾기",
            "goal": "win_back",
            "segment": segment.pk,
            "template": promo.pk,
            "offer": "coupon",
            "window_days": 14,
            "control_percent": 10,
        },
    )
    assert r.status_code == 200 and "쿠폰 혜택에는 사용 중인 쿠폰을 골라야 합니다" in r.content.decode()
    r = client.post(
        "/campaigns/new/",
        {
            "name": "봄 되찾기",
            "goal": "win_back",
            "segment": segment.pk,
            "template": promo.pk,
            "offer": "none",
            "window_days": 14,
            "control_percent": 10,
        },
    )
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and campaign.control_share == Decimal("0.1")
    campaign_launch(campaign=campaign, by=shop["manager"])
    campaign_run(campaign.pk)
    login(client, shop["analyst"])
    body = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'id="report"' in body and 'id="conversion-chart"' in body and "campaign-chart" in body
    progress = client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert "발송 완료" in progress and "hx-trigger" not in progress  # finished: stops polling


def test_api_segments_under_a_scope(client: Client, shop: dict[str, Any], segment: Segment) -> None:
    key = api_token_create(user=shop["analyst"], name="bi", scopes=["segments:read"])[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    r = client.get("/api/segments", **auth)
    assert r.status_code == 200 and [s["name"] for s in r.json()] == ["SMS 동의 고객"]
    r = client.get(f"/api/segments/{segment.pk}", **auth)
    assert r.status_code == 200 and r.json()["count"] == 1 and r.json()["kind"] == "dynamic"
    assert client.get("/api/segments/999999", **auth).status_code == 404
    other = api_token_create(user=shop["analyst"], name="x", scopes=["customers:read"])[1]
    assert client.get("/api/segments", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    # an agent's token cannot use the scope: the role does not back it
    agent = api_token_create(user=shop["agent"], name="a", scopes=["segments:read"])[1]
    assert client.get("/api/segments", HTTP_AUTHORIZATION=f"Bearer {agent}").status_code == 403
