"""Pages the flows do not visit load without a Content-Security-Policy violation (the page fixtures fail on any)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    ("/admin/", "#content"),
    ("/admin/axes/accessattempt/", "#changelist"),
    ("/api/docs", ".swagger-ui .info"),
    ("/imports/", "main"),
    ("/privacy/access-log/", "main"),
    ("/voc/queue/", "main"),
    ("/customers/new/", "main form"),
    ("/surveys/new/", "main form"),
    ("/staff/", "#staff-create"),
    ("/admin/voc/slapolicy/add/", "#slapolicy_form"),
]


def test_admin_api_docs_and_forms_load_under_the_policy(live_server, desktop_page, shop):
    page, base = desktop_page, live_server.url
    log_in(page, base, "admin", "pw-admin-123")
    for path, ready in ADMIN_PAGES:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_selector(ready)
    missing = page.goto(f"{base}/no-such-page/")
    assert missing is not None and missing.status == 404
    page.wait_for_selector("article.narrow-box")


def test_public_pages_load_under_the_policy(live_server, phone_page, shop):
    page, base = phone_page, live_server.url
    for path in ("/login/", "/voc/intake/"):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_selector("main form")
