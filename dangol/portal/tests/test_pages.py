"""My benefits, my consents, my data and the FAQ suggestions of the new-inquiry form."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from dangol.customers.models import Consent, ConsentEvent
from dangol.knowledge.models import Deflection
from dangol.knowledge.services import article_save
from dangol.lifecycle.models import SubjectRequest
from dangol.lifecycle.services import subject_request_complete
from dangol.messaging.models import Message
from dangol.portal.tests.helpers import signed_in
from dangol.rewards.models import Membership, Program, Tier
from dangol.rewards.services import points_earn
from dangol.voc.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def silver(shop):  # type: ignore[no-untyped-def]
    Program.current()
    Tier.objects.create(code="welcome", name="웰컴", rank=0)
    silver = Tier.objects.create(code="silver", name="실버", rank=1, min_spend=300_000, min_visits=6)
    Tier.objects.create(code="gold", name="골드", rank=2, min_spend=1_000_000, min_visits=12, rule="all")
    now = timezone.now()
    Membership.objects.create(
        customer=shop["hong"], tier=silver, since=now, evaluated_at=now, spend=450_000, visits=7
    )
    return silver


def test_my_benefits_show_points_tier_and_progress(client, shop, silver):
    points_earn(
        customer=shop["hong"],
        points=1200,
        source="manual",
        source_ref="t1",
        reason="테스트",
        by=shop["manager"],
    )
    page = signed_in(client, shop["hong"]).get("/my/benefits/").content.decode()
    assert "1200P" in page
    assert "실버" in page and "다음 등급 '골드'까지" in page
    assert 'id="tier-progress"' in page
    assert "550000원" in page  # 1,000,000 − 450,000 still to spend


def test_why_am_i_in_my_tier_in_plain_korean(client, shop, silver):
    page = signed_in(client, shop["hong"]).get("/my/data/").content.decode()
    assert "현재 등급은 &#x27;실버&#x27;입니다" in page
    assert "구매액 300,000원 이상 또는 구매한 날 6일 이상" in page
    assert "구매액 450,000원, 구매한 날 7일" in page
    assert "최근 12개월" in page


def test_withdrawing_a_consent_takes_effect_at_once_and_is_confirmed(client, shop):
    me = signed_in(client, shop["hong"])
    page = me.get("/my/consents/").content.decode()
    assert "마케팅 문자" in page and "동의함" in page
    response = me.post("/my/consents/", {"purpose": "marketing_sms", "granted": "0"})
    assert response.status_code == 302
    assert Consent.objects.get(customer=shop["hong"], purpose="marketing_sms").granted is False
    event = ConsentEvent.objects.filter(customer=shop["hong"], purpose="marketing_sms").latest("id")
    assert event.granted is False and event.source == "셀프서비스 포털"
    notice = Message.objects.get(purpose_ref__startswith=f"portal-consent:{shop['hong'].pk}:marketing_sms")
    assert "마케팅 문자 수신 철회 처리완료" in notice.body and notice.kind == "informational"
    # Required consents cannot be withdrawn here.
    me.post("/my/consents/", {"purpose": "privacy", "granted": "0"})
    assert Consent.objects.get(customer=shop["hong"], purpose="privacy").granted is True


def test_a_data_request_is_opened_and_access_is_downloadable_once_fulfilled(client, shop):
    me = signed_in(client, shop["hong"])
    response = me.post("/my/data/", {"kind": "access", "detail": ""})
    assert response.status_code == 302
    request = SubjectRequest.objects.get(customer=shop["hong"])
    assert request.kind == "access" and request.channel == "portal" and request.identity_verified_at
    assert me.get(f"/my/data/{request.pk}/download/").status_code == 404  # not fulfilled yet
    subject_request_complete(request=request, by=shop["admin"])
    page = me.get("/my/data/").content.decode()
    assert f"/my/data/{request.pk}/download/" in page
    download = me.get(f"/my/data/{request.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert "홍길동" in json.dumps(data, ensure_ascii=False)
    # Kim cannot download Hong's data by trying the id.
    assert (
        signed_in(client.__class__(), shop["kim"]).get(f"/my/data/{request.pk}/download/").status_code == 404
    )


def test_a_correction_without_detail_gets_a_korean_error(client, shop):
    response = signed_in(client, shop["hong"]).post("/my/data/", {"kind": "correction", "detail": ""})
    assert response.status_code == 400 and "무엇을 어떻게 고칠지" in response.content.decode()


def test_requesting_deletion(client, shop):
    response = signed_in(client, shop["hong"]).post("/my/data/", {"kind": "deletion", "detail": "탈퇴합니다"})
    assert response.status_code == 302
    assert SubjectRequest.objects.filter(customer=shop["hong"], kind="deletion", status="open").exists()


def test_faq_suggestions_and_an_answered_question_files_nothing(client, shop):
    article = article_save(
        by=shop["manager"],
        title="배송 조회 방법",
        body="<p>주문 내역에서 배송 조회를 누르세요.</p>",
        status="published",
    )
    me = signed_in(client, shop["hong"])
    hints = me.get(
        "/my/faq/suggest/", {"title": "배송 조회", "body": "어디서 보나요"}, HTTP_HX_REQUEST="true"
    )
    assert hints.status_code == 200 and "배송 조회 방법" in hints.content.decode()
    done = me.post(
        "/my/faq/answered/", {"article": article.pk, "title": "배송 조회", "body": "어디서 보나요"}
    )
    assert done.status_code == 200 and "문의는 접수하지 않았습니다" in done.content.decode()
    assert Deflection.objects.filter(article=article, customer=shop["hong"]).count() == 1
    assert not Case.objects.exists()
    draft = article_save(by=shop["manager"], title="초안 글", body="<p>아직</p>")
    refused = me.post("/my/faq/answered/", {"article": draft.pk})
    assert refused.status_code == 400 and not Deflection.objects.filter(article=draft).exists()
