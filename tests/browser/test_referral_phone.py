"""A friend opens a customer's referral link on a phone (390×844) and signs up; the referrer copies the link from
my benefits. The page fixture fails on any Content-Security-Policy violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_friend_signs_up_from_the_referral_link_and_the_referrer_copies_it(
    transactional_db, live_server, phone_page, shop, settings
):
    from dangol.customers.models import Customer
    from dangol.portal import auth
    from dangol.rewards.models import Referral
    from dangol.rewards.referrals import referral_code_for

    page, base = phone_page, live_server.url
    settings.DANGOL_PUBLIC_URL = base
    code = referral_code_for(shop["hong"]).code

    page.goto(f"{base}/r/{code}/")
    page.locator("#referral-landing >> text=홍*동님이 초대했어요").wait_for()
    assert _fits(page)
    page.fill("input[name=name]", "박신규")
    page.fill("input[name=phone]", "010-7777-8888")
    page.check("#consent-terms")
    page.check("#consent-privacy")
    screenshot(page, "referral-landing-phone")
    page.click("#referral-submit")
    page.wait_for_url(f"{base}/r/{code}/thanks/")
    page.locator("#referral-done").wait_for()
    assert _fits(page)
    park = Customer.objects.get(phone="010-7777-8888")
    assert Referral.objects.get(referee=park).status == "registered"

    # The referrer, signed in to the portal, copies the full link from my benefits.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    started = auth.session_start(customer=shop["hong"])
    page.context.add_cookies([{"name": auth.COOKIE, "value": started.cookie_value, "url": f"{base}/my/"}])
    page.goto(f"{base}/my/benefits/")
    link = f"{base}/r/{code}/"
    assert page.input_value("#referral-link") == link
    assert _fits(page)
    page.click("#referral-copy")
    page.locator("#referral-copy-status >> text=링크를 복사했습니다.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    screenshot(page, "referral-benefits-phone")
