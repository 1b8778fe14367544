"""The FAQ on a phone (390×844): a customer searches in Korean, reads an article and says it helped; an agent
puts an article link into a reply. CSP violations fail the test (conftest)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"


def test_a_customer_searches_reads_and_votes_on_a_phone(live_server, phone_page, db):
    from dangol.knowledge.demo import demo_articles_ensure
    from dangol.knowledge.models import Article

    demo_articles_ensure()
    page, base = phone_page, live_server.url
    page.goto(f"{base}/help/")
    assert page.locator("h1").inner_text() == "무엇을 도와드릴까요?"
    _no_sideways_scroll(page)
    page.fill("#help-q", "환볼은 언제 되나요")  # a typo: 환불
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/help/?q=*")
    results = page.locator("#results li")
    assert results.count() >= 1
    assert "환불은 언제 되나요?" in results.first.inner_text()
    assert "환볼" in page.locator("#corrected").inner_text()
    _no_sideways_scroll(page)
    screenshot(page, "help-search-phone")

    results.first.locator("a").click()
    page.wait_for_url("**/help/returns-refund-time/")
    assert page.locator("#article-title").inner_text() == "환불은 언제 되나요?"
    assert "카드 결제" in page.locator("#article-body").inner_text()
    _no_sideways_scroll(page)
    button = page.locator("#vote-yes").bounding_box()
    assert button and button["height"] >= 43.5 and button["x"] + button["width"] <= 390
    page.click("#vote-yes")
    page.locator("#vote [role=status]").wait_for()
    assert "감사합니다" in page.locator("#vote").inner_text()
    screenshot(page, "help-article-phone")
    article = Article.objects.get(slug="returns-refund-time")
    assert (article.reads, article.helpful, article.not_helpful) == (1, 1, 0)
    page.reload()
    assert page.locator("#vote-yes").count() == 0  # one vote per session


def test_an_agent_inserts_an_article_link_into_a_reply(live_server, phone_page, shop):
    from playwright.sync_api import expect

    from dangol.knowledge.demo import demo_articles_ensure
    from dangol.voc import services

    demo_articles_ensure()
    case = services.case_open(customer=shop["hong"], kind="complaint", title="환불 문의", by=shop["agent"])
    page, base = phone_page, live_server.url
    log_in(page, base, "agent", "pw-agent-123")
    page.goto(f"{base}/voc/{case.pk}/")
    page.click("#reply-send > details > summary")
    page.fill("#reply-send-text", "안녕하세요. 환불 안내 드립니다.")
    page.click("#kb-picker-reply-send-text > summary")
    page.fill("#kb-picker-reply-send-text input[name=q]", "환불 언제")
    choice = page.locator("#kb-picker-reply-send-text .kb-insert").first
    expect(choice).to_have_text("환불은 언제 되나요?")  # the search result replaced the most-read list
    choice.click()
    text = page.input_value("#reply-send-text")
    assert text.startswith("안녕하세요. 환불 안내 드립니다.\n환불은 언제 되나요?: ")
    assert text.endswith("/help/returns-refund-time/")
    _no_sideways_scroll(page)


def test_a_manager_writes_an_article_with_the_toolbar_previews_and_publishes_it(
    live_server, phone_page, shop
):
    from dangol.knowledge.models import Article

    page, base = phone_page, live_server.url
    log_in(page, base, "manager", "pw-manager-123")
    page.goto(f"{base}/help/manage/new/")
    page.fill("#id_title", "선물 포장 안내")
    page.select_option("#id_category", "account")
    editor = page.locator("#body-editor")
    editor.click()
    page.keyboard.type("선물 포장은 무료입니다")
    page.keyboard.press("Control+A")
    page.locator(".kb-toolbar button", has_text="굵게").click()
    _no_sideways_scroll(page)
    page.click("#save-preview")
    page.wait_for_url("**/preview/")
    assert page.locator("#article-body b, #article-body strong").inner_text() == "선물 포장은 무료입니다"
    article = Article.objects.get(title="선물 포장 안내")
    assert article.status == "draft" and "선물 포장은 무료입니다" in article.body
    assert (
        "<b>선물 포장은 무료입니다</b>" in article.body
        or "<strong>선물 포장은 무료입니다</strong>" in article.body
    )

    page.goto(f"{base}/help/manage/{article.pk}/")
    page.select_option("#id_status", "published")
    page.click("#save")
    page.wait_for_url(f"**/help/manage/{article.pk}/")
    article.refresh_from_db()
    assert article.status == "published" and article.publish_at is not None
    page.goto(f"{base}/help/?q=포장")
    assert "선물 포장 안내" in page.locator("#results").inner_text()
