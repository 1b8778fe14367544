"""Playwright driving Debian's chromium against Django's live server. No downloaded browsers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian chromium is missing: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield from _failing_on_csp_violations(page)
    context.close()


@pytest.fixture
def desktop_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="ko-KR", timezone_id="Asia/Seoul"
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield from _failing_on_csp_violations(page)
    context.close()


# Reports every securitypolicyviolation of every document the page loads (the console messages cover the rest).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.documentURI}`
  + (e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : "") + (e.sample ? `: ${e.sample}` : "")));
"""


def _failing_on_csp_violations(page: Any) -> Iterator[Any]:
    """Yield the page; afterwards fail the test if the Content-Security-Policy refused anything on it."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.expose_function("__cspViolation", report)
    page.add_init_script(_REPORT_VIOLATIONS)
    page.on("console", console)
    yield page
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))


def screenshot(page: Any, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    # Each role lands on its own home: an agent and a manager on /, an analyst on /value/.
    page.wait_for_url(lambda url: url.startswith(base_url) and "/login/" not in url)
