"""Data-subject requests on a phone (390×844): an agent takes a deletion request from a call; a manager checks the
caller's identity, carries it out, and reads the retention page — no horizontal scrolling, no CSP violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"page is {width}px wide"


def test_a_deletion_request_from_a_phone_call_to_the_destruction_log(
    live_server: Any, phone_page: Any, shop: dict[str, Any]
) -> None:
    from dangol.customers.models import Customer
    from dangol.lifecycle.models import DestructionLog, SubjectRequest

    page, base = phone_page, live_server.url
    hong = shop["hong"]
    log_in(page, base, "agent", "pw-agent-123")
    page.goto(f"{base}/customers/{hong.pk}/")
    page.click("#open-subject-request")
    page.select_option("select[name=kind]", "deletion")
    page.fill("textarea[name=detail]", "전화로 모든 정보 삭제를 요청하셨습니다.")
    page.click("#new-request button[type=submit]")
    page.wait_for_url(f"{base}/customers/{hong.pk}/")
    request = SubjectRequest.objects.get()
    assert (request.kind, request.channel, request.opened_by_id) == ("deletion", "phone", shop["agent"].pk)

    page.context.clear_cookies()  # the same phone, now the manager (CSP violations still fail the test)
    mp = page
    log_in(mp, base, "manager", "pw-manager-123")
    mp.goto(f"{base}/privacy/lifecycle/")
    assert f"#{request.pk}" in mp.locator("#queue").inner_text()
    _no_sideways_scroll(mp)
    mp.click(f"#queue a:text('#{request.pk}')")
    mp.select_option("#verify-form select[name=method]", "phone_callback")
    mp.click("#verify-form button[type=submit]")
    mp.wait_for_selector("#identity:has-text('회신 전화')")
    mp.click("#complete-form button[type=submit]")  # without the confirmation: refused, nothing deleted
    mp.wait_for_selector("text=확인란을 선택하세요")
    assert Customer.objects.get(pk=hong.pk).name == "홍길동"
    mp.check("#complete-form input[name=confirm]")
    mp.click("#complete-form button[type=submit]")
    mp.wait_for_selector("#status:has-text('처리 완료')")
    _no_sideways_scroll(mp)
    screenshot(mp, "lifecycle-request-phone")
    assert Customer.objects.get(pk=hong.pk).status == "forgotten"
    assert "홍길동" not in mp.content()

    mp.goto(f"{base}/privacy/lifecycle/retention/")
    mp.wait_for_selector("#destruction-log")
    assert DestructionLog.objects.filter(request=request).exists()
    assert "VOC" in mp.locator("#policy").inner_text()
    _no_sideways_scroll(mp)
    screenshot(mp, "lifecycle-retention-phone", full_page=True)
