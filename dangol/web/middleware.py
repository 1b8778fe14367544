from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
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
