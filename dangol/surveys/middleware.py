"""The public answer page's shortcut through the middleware (issue 18: ≥ 300 answers/s on 2 cores).

A respondent's GET and POST of `/surveys/a/<token>/` act on no cookie, no session, no login and no CSRF token
(see `views.answer`), yet every request paid for the session, CSRF, authentication, login-required, messages,
axes and static-file middleware and the URL resolver. `AnswerPageShortcut` sits in `settings.MIDDLEWARE` right
after the middleware that must see every request (security headers and HTTPS redirect, Content-Security-Policy,
the public body limit, the NUL check), so those still run on the answer page; for the answer URL only it then
does what the skipped middleware would have done that matters to this page — the language (LocaleMiddleware),
the Host check and Content-Length (CommonMiddleware), X-Frame-Options (XFrameOptionsMiddleware), each by the
middleware's own code — and calls the view. Every other path goes through the whole stack unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import get_script_prefix, reverse

from dangol.surveys.views import answer


def _unused(request: HttpRequest) -> HttpResponseBase:  # pragma: no cover - the hooks below never call it
    raise AssertionError("the shortcut calls the middleware hooks, never their get_response")


class AnswerPageShortcut:
    """For `/surveys/a/<token>/` only: the language, Host check, Content-Length and X-Frame-Options as the
    skipped middleware would do them, then the answer view; any other path goes on down the stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.locale = LocaleMiddleware(_unused)
        self.common = CommonMiddleware(_unused)
        self.xframe = XFrameOptionsMiddleware(_unused)
        self.path: re.Pattern[str] | None = None

    def _answer_path(self) -> re.Pattern[str]:
        """The answer URL as the URLconf spells it (read once: `surveys:answer` with a placeholder token)."""
        if self.path is None:
            sample = reverse("surveys:answer", kwargs={"token": "TOKEN"})
            local = "/" + sample.removeprefix(get_script_prefix())
            before, _, after = local.partition("TOKEN")
            self.path = re.compile(re.escape(before) + r"(?P<token>[^/]+)" + re.escape(after))
        return self.path

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        match = self._answer_path().fullmatch(request.path_info)
        if match is None or request.method not in ("GET", "HEAD", "POST"):
            return self.get_response(request)
        # in the order of settings.MIDDLEWARE: Locale, Common (… the skipped ones …), XFrameOptions
        self.locale.process_request(request)
        redirect = self.common.process_request(request)  # the Host check (DisallowedHost → 400)
        response: HttpResponseBase
        if redirect is not None:
            response = redirect
        else:
            try:
                response = answer(request, token=match["token"])
            # as Django's handler would, so the error page gets the headers below too
            except Exception as exc:
                response = response_for_exception(request, exc)
            response = self.xframe.process_response(request, response)
        response = self.common.process_response(request, response)
        return self.locale.process_response(request, response)
