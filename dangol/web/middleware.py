from __future__ import annotations

import http.client
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

from dangol.api.errors import error_body


class PagesLoginRequired(LoginRequiredMiddleware):
    """Every page needs a login; the API authenticates with its own tokens and answers JSON."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RejectNulBytes:
    """NUL characters are never valid text, and PostgreSQL cannot store them: refuse them at the door.

    One check for every page, form and API call, so no single field can forget it.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._has_nul(request):
            from django.http import HttpResponseBadRequest, JsonResponse

            if request.path.startswith("/api/"):
                return JsonResponse(
                    error_body("invalid_input", message_ko="입력값에 NUL 문자(\\u0000)가 들어 있습니다."),
                    status=422,
                )
            return HttpResponseBadRequest("입력값에 허용되지 않는 문자(NUL)가 들어 있습니다.".encode())
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        raw_query = request.META.get("QUERY_STRING", "")
        if "%00" in raw_query or "\x00" in raw_query or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            return False  # uploaded files are checked by the importer
        try:
            body = request.body
        except Exception:  # body too large or already read: other layers answer that
            return False
        return b"\x00" in body or b"\\u0000" in body or b"%00" in body


# what a view (django-csp's decorators) sets on its response to change that response's policy
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_policies: dict[bool, str] = {}  # report_only → the settings' policy, built once per process


def _settings_policy(report_only: bool) -> str:
    """The settings' policy header as django-csp builds it for a response without a nonce or a view's change."""
    policy = _policies.get(report_only)
    if policy is None:
        policy = _policies[report_only] = build_policy(report_only=report_only)
    return policy


def _forget_policies(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.clear()


setting_changed.connect(_forget_policies)


class KeptPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; a response that used no nonce and whose view changed no part of the policy gets
    the settings' policy built once per process instead of for every response (issue 18: building it was ~0.1
    ms of CPU per response, 12% of a survey answer's in-process CPU in a profile). Any other response (a page with an
    inline script's nonce, a view decorated with `csp_replace` …) goes through django-csp's own code."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE_POLICY
        ):
            return super().process_response(request, response)
        # below: django-csp's process_response (4.0) with build_policy(...) read from _settings_policy
        if (
            response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
            and settings.DEBUG
        ):
            return response
        for header, exempt, setting_name, report_only in (
            (HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY", False),
            (HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
        ):
            policy = _settings_policy(report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting_name, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # as django-csp: reading the nonce after the header was written is an error
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
