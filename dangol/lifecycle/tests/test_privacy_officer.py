"""The privacy officer (개인정보 보호책임자): acts on data-subject requests and sees the destruction log, through
the pages and the API, and has no marketing rights."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from dangol.accounts.models import Role
from dangol.accounts.services import api_token_create, staff_create
from dangol.lifecycle.models import DestructionLog, SubjectRequest
from dangol.lifecycle.services import subject_request_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(shop: dict[str, Any]) -> Any:
    return staff_create(
        username="dpo", password="pw-dpo-12345", role=Role.PRIVACY_OFFICER, display_name="정보호 책임자"
    )


@pytest.fixture
def officer_client(officer: Any) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def test_the_officer_lands_on_the_request_queue_and_acts_on_a_request(officer_client, shop):
    opened = subject_request_open(customer=shop["hong"], kind="access", channel="phone", detail="")
    home = officer_client.get("/")
    assert home.status_code == 302 and home["Location"] == "/privacy/lifecycle/"
    queue = officer_client.get("/privacy/lifecycle/")
    assert queue.status_code == 200 and f"/privacy/lifecycle/requests/{opened.pk}/" in queue.content.decode()
    detail = officer_client.get(f"/privacy/lifecycle/requests/{opened.pk}/")
    assert detail.status_code == 200 and "홍길동" in detail.content.decode()  # may see whom it is about
    officer_client.post(f"/privacy/lifecycle/requests/{opened.pk}/verify/", {"method": "phone_callback"})
    officer_client.post(
        f"/privacy/lifecycle/requests/{opened.pk}/extend/", {"reason": "자료를 모으고 있습니다."}
    )
    opened.refresh_from_db()
    assert opened.status == "extended" and opened.identity_verified_at is not None
    assert officer_client.get(f"/privacy/lifecycle/requests/{opened.pk}/export.json").status_code == 200


def test_the_officer_sees_the_destruction_log_and_the_access_log(officer_client):
    DestructionLog.objects.create(
        rule="inactive",
        record_kind="상담 기록(검사용)",
        count=3,
        method="pseudonymised",
        at=timezone.now(),
        run_for=timezone.now(),
    )
    page = officer_client.get("/privacy/lifecycle/retention/")
    html = page.content.decode()
    assert page.status_code == 200 and "상담 기록(검사용)" in html and "가명처리" in html
    assert officer_client.get("/privacy/access-log/").status_code == 200


def test_the_officer_has_no_marketing_rights(officer, officer_client):
    assert not officer.has_perm("campaigns.view_segment")
    assert not officer.has_perm("customers.change_consent")
    assert not officer.has_perm("customers.add_customersegment")
    assert not officer.has_perm("rewards.view_program")
    assert not officer.has_perm("voc.view_case")
    for url in ("/campaigns/", "/journeys/", "/rewards/", "/messages/", "/value/"):
        response = officer_client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"]


def test_the_officers_api_token_is_capped_to_privacy(officer, shop):
    client = Client()
    key = api_token_create(
        user=officer, name="dpo", scopes=["privacy:read", "privacy:write", "segments:read"]
    )[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    opened = subject_request_open(customer=shop["kim"], kind="suspension", channel="letter", detail="")
    assert client.get("/api/privacy/requests", **auth).status_code == 200
    r = client.post(
        f"/api/privacy/requests/{opened.pk}/refuse",
        json.dumps({"reason": "요구하신 처리는 법령상 보관 의무가 있습니다."}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and SubjectRequest.objects.get(pk=opened.pk).status == "refused"
    segments = client.get("/api/segments", **auth)  # a marketing scope the role cannot back
    assert segments.status_code == 403 and segments.json()["code"] == "forbidden_scope"
