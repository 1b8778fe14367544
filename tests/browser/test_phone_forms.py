"""On a phone (390×844): a case form's error shows beside the button that caused it, not at the top of the page
(which is off screen), and every tap target on the case page and the public form is at least 44 px high."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

TAP_TARGETS = (
    "button, select, summary, [role=button], .tabs a, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)


def _too_small(page: Any) -> list[str]:
    """The visible tap targets under 44 px high, described for the failure message."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.offsetParent !== null && !el.closest('.honeypot'))
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([, box]) => box.width > 0 && box.height < 43.5)
            .map(([el, box]) => `${el.outerHTML.slice(0, 80)} ${Math.round(box.height)}px`)""",
        TAP_TARGETS,
    )


def test_a_case_error_appears_beside_its_button_on_a_phone(live_server, phone_page, shop):
    from dangol.voc import services

    case = services.case_open(customer=shop["hong"], kind="complaint", title="배송 지연", by=shop["agent"])
    page, base = phone_page, live_server.url
    log_in(page, base, "agent", "pw-agent-123")
    page.goto(f"{base}/voc/{case.pk}/")
    page.click("#resolve-panel > summary")
    page.click("#resolve-submit")  # apologise, listen and confirm are not recorded yet

    error = page.locator("#resolve-panel .form-errors")
    error.wait_for()
    assert "필수 단계" in error.inner_text()
    assert page.locator("#case-errors").inner_text().strip() == ""  # not at the top of the page
    button = page.locator("#resolve-submit").bounding_box()
    shown = error.bounding_box()
    assert button and shown and 0 <= shown["y"] - (button["y"] + button["height"]) < 40  # right under it
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= 844  # on screen
    screenshot(page, "voc-case-phone-error")

    # the next error, from another form, moves beside that form's button and the first one clears
    page.fill("li[data-step=listen] textarea", "   ")  # the listen step without the customer's words
    page.click("#step-listen")
    page.locator("li[data-step=listen] .form-errors").wait_for()
    assert page.locator("#resolve-panel .form-errors").inner_text().strip() == ""
    assert _too_small(page) == []


def test_the_public_form_on_a_phone_from_keypad_to_case_number(live_server, phone_page, shop):
    from dangol.voc.models import Case, Category

    delivery = Category.objects.create(code="delivery", name="배송", owner_team=shop["ops"])
    late = Category.objects.create(code="delivery-late", name="지연", parent=delivery)
    page, base = phone_page, live_server.url
    page.goto(f"{base}/voc/intake/")
    page.wait_for_selector("main form")
    assert _too_small(page) == []
    assert page.get_attribute("input[name=phone]", "type") == "tel"  # the number keypad
    page.select_option("select[name=category]", str(late.pk))
    page.fill("input[name=name]", "박민수")
    page.fill("input[name=phone]", "010-12-34")
    page.fill("input[name=title]", "배송이 늦어요")
    page.fill("textarea[name=body]", "주문한 지 열흘이 지났는데 아직 못 받았습니다")
    page.check("input[name=agree]")
    page.click("#intake-submit")
    page.locator("text=휴대전화 번호를 확인해 주세요").wait_for()
    page.fill("input[name=phone]", "010-1234-5678")
    page.check("input[name=agree]")
    page.click("#intake-submit")
    page.locator("#intake-done").wait_for()
    case = Case.objects.get()
    assert f"접수번호 {case.number}" in page.inner_text("#intake-done") and case.team == shop["ops"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    screenshot(page, "voc-intake-phone-done")
