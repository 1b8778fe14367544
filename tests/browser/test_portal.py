"""The customer's portal on a phone (390×844): sign in with the code from the outbox, follow a case, reply
with a photo, rate it, change a consent, request deletion. The page fixture fails on any CSP violation."""

from __future__ import annotations

import re

import pytest

from dangol.portal.tests.helpers import png
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_customer_follows_their_case_on_a_phone(
    transactional_db, live_server, phone_page, shop, settings, tmp_path
):
    from dangol.customers.models import Consent
    from dangol.knowledge.services import article_save
    from dangol.lifecycle.models import SubjectRequest
    from dangol.messaging.models import Message
    from dangol.portal.links import case_link_path
    from dangol.portal.models import Photo
    from dangol.voc import services as voc
    from dangol.voc.models import Case

    settings.VAR_DIR = tmp_path
    page, base = phone_page, live_server.url
    hong = shop["hong"]
    case = voc.case_open(
        customer=hong, kind="inquiry", title="배송이 늦어요", body="언제 오나요?", channel="web"
    )
    voc.case_reply_send(case=case, by=shop["agent"], text="내일 오전에 도착할 예정입니다.")
    voc.case_record_step(case=case, step="apologise", by=shop["agent"], note="내부 메모는 보이면 안 됨")

    article_save(
        by=shop["manager"],
        title="배송 조회 방법",
        body="<p>주문 내역에서 배송 조회를 누르세요.</p>",
        status="published",
    )
    # The signed link of the public form shows that one case, without signing in.
    page.goto(f"{base}{case_link_path(case.number)}")
    page.locator("#case-link-page >> text=배송이 늦어요").wait_for()

    # Sign in with the code that went to the outbox.
    page.goto(f"{base}/my/login/")
    page.fill("input[name=phone]", "010-1234-5678")
    page.click("#phone-submit")
    page.locator("#code-sent").wait_for()
    message = Message.objects.filter(purpose_ref__startswith="portal-code:", customer=hong).latest("id")
    code = re.search(r"인증번호 (\d{6})", message.body).group(1)  # type: ignore[union-attr]
    page.fill("input[name=code]", code)
    page.click("#code-submit")
    page.wait_for_url(f"{base}/my/")
    assert _fits(page)

    # A new inquiry: FAQ articles are suggested as I type (htmx); the benefits page loads.
    page.click("#nav-new")
    page.fill("#id_title", "배송 조회는 어디서 하나요")
    page.locator("#faq-suggestions >> text=배송 조회 방법").wait_for()
    assert _fits(page)
    page.click("text=내 혜택")
    page.locator("#benefit-cards").wait_for()
    page.goto(f"{base}/my/")

    # Follow the case: the reply sent to me is there, the internal note is not.
    page.click(f"#my-cases a[href='/my/cases/{case.pk}/']")
    page.locator("#case-history").wait_for()
    history = page.inner_text("#case-history")
    assert "내일 오전에 도착할 예정입니다." in history and "내부 메모" not in history
    assert _fits(page)

    # Reply with a photo.
    photo_file = tmp_path / "box.png"
    photo_file.write_bytes(png(8, 8, exif=True))
    page.fill("textarea[name=text]", "상자 사진 보내 드려요")
    page.set_input_files("#reply input[name=photos]", str(photo_file))
    page.click("#reply-submit")
    page.locator("#case-history >> text=상자 사진 보내 드려요").wait_for()
    page.locator("#case-history .photo-link").first.wait_for()
    assert Photo.objects.filter(case=case, customer=hong).count() == 1
    screenshot(page, "portal-case-phone", full_page=True)

    # Staff resolve it; I rate the resolution.
    voc.case_resolve(case=Case.objects.get(pk=case.pk), by=shop["agent"], resolution_type="info")
    page.reload()
    page.locator("#rate").wait_for()
    page.check("input[name=score][value='4']")
    page.check("input[name=would_continue][value='yes']")
    page.click("#rate-submit")
    page.locator("p.flash >> text=평가해 주셔서 고맙습니다.").wait_for()
    case.refresh_from_db()
    assert case.satisfaction_score == 4 and case.would_continue is True

    # Change a consent: the withdrawal holds at once.
    page.click("#nav-consents")
    page.locator("#consent-marketing_sms button").click()
    page.locator("p.flash >> text=철회했습니다").wait_for()
    assert Consent.objects.get(customer=hong, purpose="marketing_sms").granted is False
    assert _fits(page)
    screenshot(page, "portal-consents-phone", full_page=True)

    # Ask for my data to be deleted.
    page.click("#nav-data")
    page.select_option("#id_kind", "deletion")
    page.fill("textarea[name=detail]", "탈퇴하고 싶습니다")
    page.click("#data-submit")
    page.locator("p.flash >> text=요청을 접수했습니다").wait_for()
    assert SubjectRequest.objects.filter(customer=hong, kind="deletion", channel="portal").exists()
    assert _fits(page)

    # Sign out: the pages are closed again.
    page.click("#portal-logout")
    page.locator("#portal-ended").wait_for()
    page.goto(f"{base}/my/cases/")
    page.wait_for_url(f"{base}/my/login/")
