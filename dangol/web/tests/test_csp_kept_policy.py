"""The Content-Security-Policy header built once per process (`KeptPolicyCSPMiddleware`) is django-csp's own."""

from __future__ import annotations

import csp.constants
import pytest
from csp.utils import build_policy
from django.test import Client, override_settings

POLICY = "Content-Security-Policy"


@pytest.mark.django_db
def test_a_response_without_a_nonce_gets_the_settings_policy_as_django_csp_builds_it():
    first = Client().get("/healthz")
    second = Client().get("/healthz")
    assert first.status_code == 200
    assert first[POLICY] == second[POLICY] == build_policy()
    assert "default-src 'self'" in first[POLICY] and "nonce-" not in first[POLICY]
    assert "Content-Security-Policy-Report-Only" not in first  # the settings set no report-only policy


@pytest.mark.django_db
def test_a_changed_setting_is_followed_not_the_kept_policy():
    assert "img-src 'self' data:" in Client().get("/healthz")[POLICY]  # kept now
    changed = {"DIRECTIVES": {"default-src": [csp.constants.SELF], "img-src": ["https://img.example.com"]}}
    with override_settings(CONTENT_SECURITY_POLICY=changed):
        policy = Client().get("/healthz")[POLICY]
        assert "img-src https://img.example.com" in policy and "data:" not in policy
    with override_settings(CONTENT_SECURITY_POLICY={**changed, "EXCLUDE_URL_PREFIXES": ["/healthz"]}):
        assert POLICY not in Client().get("/healthz")
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=changed):
        assert "img-src https://img.example.com" in Client().get("/healthz")[POLICY + "-Report-Only"]
    assert "img-src 'self' data:" in Client().get("/healthz")[POLICY]  # the settings' own again


# A page that uses the nonce (a fresh one in every header) and a view that changes the policy (csp_replace) take
# django-csp's own path: dangol/accounts/tests/test_deploy.py and dangol/loyalty/tests/test_ladder_page.py.
