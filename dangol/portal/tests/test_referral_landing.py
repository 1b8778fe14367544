"""The referral landing page /r/<code>/: a referee leaves a name and a mobile number with explicit consents, and
rewards' referral rules (first qualifying purchase, self-referral, reversal on refund) apply from there."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from dangol.customers.models import Consent, Customer
from dangol.orders.services import order_refund
from dangol.portal.tests.helpers import signed_in
from dangol.rewards import earning
from dangol.rewards.models import PointBalance, Program, Referral, ReferralCode
from dangol.rewards.referrals import referral_code_for
from dangol.rewards.tests.conftest import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):  # type: ignore[no-untyped-def]
    program = Program.current()
    program.started_at = timezone.now() - dt.timedelta(days=365)
    program.save()
    return program


@pytest.fixture
def code(shop, program) -> str:  # type: ignore[no-untyped-def]
    return referral_code_for(shop["hong"]).code


def _sign_up(client: Client, code: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"name": "박신규", "phone": "010-7777-8888", "terms": "1", "privacy": "1", **fields}
    return client.post(f"/r/{code}/", {k: v for k, v in data.items() if v is not None})


def _without_tokens(html: bytes) -> bytes:
    """The page without its per-client CSRF token and CSP nonce, the only parts that may differ."""
    return re.sub(rb'("X-CSRFToken": "|nonce="|name="csrfmiddlewaretoken" value=")[^"]*', rb"\1", html)


def _points(customer: Customer) -> tuple[int, int]:
    balance = PointBalance.objects.filter(pk=customer.pk).first()
    return (balance.available, balance.pending) if balance else (0, 0)


def test_the_landing_page_shows_the_masked_referrer_and_the_offer(client, shop, code):
    page = client.get(f"/r/{code.lower()}/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "홍*동님이 초대했어요" in html and "홍길동" not in html
    assert "30,000원 이상 첫 구매를 하시면 2,000포인트를 드립니다" in html
    assert 'name="terms"' in html and 'name="privacy"' in html and 'name="marketing"' in html
    assert "csrfmiddlewaretoken" in html
    missing = client.get("/r/NOPE2345/")
    assert missing.status_code == 404 and "추천 링크가 올바르지 않거나" in missing.content.decode()


def test_a_new_referee_becomes_a_customer_and_the_first_purchase_rewards_both(client, shop, code):
    hong = shop["hong"]
    response = _sign_up(client, code, marketing="1")
    assert response.status_code == 302 and response["Location"] == f"/r/{code}/thanks/"
    assert "신청을 받았습니다" in client.get(response["Location"]).content.decode()
    park = Customer.objects.get(phone="010-7777-8888")
    assert park.name == "박신규" and park.acquisition_channel == "referral"
    granted = dict(Consent.objects.filter(customer=park).values_list("purpose", "granted"))
    assert granted == {"terms": True, "privacy": True, "marketing_sms": True}
    referral = Referral.objects.get(referee=park)
    assert referral.referrer == hong and referral.status == "registered"

    first = place_order(park, 50_000, when=timezone.now())
    earning.points_earn_for_order(order=first)
    referral.refresh_from_db()
    assert referral.status == "rewarded" and referral.qualifying_order == first
    assert _points(hong)[1] == 3000 and _points(park)[1] >= 2000

    order_refund(order=first, amount=30_000, reason="반품", by=shop["manager"])
    referral.refresh_from_db()
    assert referral.status == "reversed"
    assert _points(hong) == (0, 0)


def test_marketing_consent_is_separate_and_optional(client, shop, code):
    assert _sign_up(client, code).status_code == 302
    park = Customer.objects.get(phone="010-7777-8888")
    assert set(Consent.objects.filter(customer=park, granted=True).values_list("purpose", flat=True)) == {
        "terms",
        "privacy",
    }


def test_without_the_required_consents_nothing_is_recorded_and_the_error_is_korean(client, shop, code):
    response = _sign_up(client, code, privacy=None)
    html = response.content.decode()
    assert response.status_code == 400
    assert "이용약관과 개인정보 수집·이용(필수)에 동의해 주셔야 신청할 수 있습니다" in html
    assert 'value="박신규"' in html  # what was typed is kept
    bad = _sign_up(client, code, phone="12345", name="")
    assert bad.status_code == 400
    assert "이름을 입력해 주세요" in bad.content.decode() and "010-1234-5678" in bad.content.decode()
    assert not Customer.objects.filter(name="박신규").exists() and not Referral.objects.exists()


def test_a_known_number_gets_exactly_the_same_answer_and_is_not_changed(shop, code):
    kim = shop["kim"]
    known = _sign_up(
        Client(REMOTE_ADDR="10.0.0.1"), code, name="가짜이름", phone="010-9876-5432", marketing="1"
    )
    unknown = _sign_up(
        Client(REMOTE_ADDR="10.0.0.2"), code, name="박신규", phone="010-5555-6666", marketing="1"
    )
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code,
        unknown["Location"],
        unknown.content,
    )
    pages = [Client().get(r["Location"]) for r in (known, unknown)]
    assert [p.status_code for p in pages] == [200, 200]
    assert _without_tokens(pages[0].content) == _without_tokens(pages[1].content)
    kim.refresh_from_db()
    assert kim.name == "김영희" and Customer.objects.filter(phone="010-9876-5432").count() == 1
    assert not Consent.objects.filter(customer=kim, purpose="marketing_sms", granted=True).exists()
    assert Referral.objects.get(referee=kim).referrer == shop["hong"]  # matched: the referral is recorded
    # the same number twice changes nothing more and answers the same
    again = _sign_up(Client(REMOTE_ADDR="10.0.0.3"), code, phone="010-5555-6666")
    assert again.status_code == 302 and Customer.objects.filter(phone="010-5555-6666").count() == 1
    assert Referral.objects.filter(referee__phone="010-5555-6666").count() == 1


def test_self_referral_by_the_referrers_own_number_is_refused_with_the_same_page(client, shop, code):
    hong = shop["hong"]
    response = _sign_up(client, code, name="홍길동", phone="010-1234-5678")
    assert response.status_code == 302 and response["Location"] == f"/r/{code}/thanks/"
    referral = Referral.objects.get()
    assert referral.referee == hong and referral.status == "rejected" and referral.reject_reason
    order = place_order(hong, 80_000, when=timezone.now())
    earning.points_earn_for_order(order=order)
    assert Referral.objects.get().status == "rejected"
    assert _points(hong)[1] == 0 or _points(hong)[1] < 3000  # only the order's own points, no referral reward


def test_the_landing_page_is_rate_limited_per_client(shop, code):
    visitor = Client(REMOTE_ADDR="10.9.9.9")
    assert {visitor.get(f"/r/{code}/").status_code for _ in range(30)} == {200}
    limited = visitor.get(f"/r/{code}/")
    assert limited.status_code == 429 and "요청이 너무 많습니다" in limited.content.decode()
    assert Client(REMOTE_ADDR="10.9.9.10").get(f"/r/{code}/").status_code == 200


def test_sign_ups_for_one_number_are_limited(shop, code):
    for n in range(3):
        assert _sign_up(Client(REMOTE_ADDR=f"10.8.0.{n}"), code).status_code == 302
    assert _sign_up(Client(REMOTE_ADDR="10.8.0.9"), code).status_code == 429


def test_my_benefits_shows_the_full_link_and_a_copy_button(client, shop, program, settings):
    settings.DANGOL_PUBLIC_URL = "https://dangol.example.com/"
    me = signed_in(client, shop["kim"])
    page = me.get("/my/benefits/").content.decode()
    assert "내 추천 링크 만들기" in page and not ReferralCode.objects.exists()
    assert me.post("/my/benefits/referral-code/").status_code == 302
    assert me.post("/my/benefits/referral-code/").status_code == 302
    code = ReferralCode.objects.get(customer=shop["kim"]).code  # once, however often asked
    page = me.get("/my/benefits/").content.decode()
    assert f'value="https://dangol.example.com/r/{code}/"' in page
    assert 'id="referral-copy"' in page and "portal/referral.js" in page
    assert Client().post("/my/benefits/referral-code/").status_code in (302, 403)
    assert ReferralCode.objects.count() == 1
