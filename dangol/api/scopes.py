"""What a request may do: the token's scopes, checked by every endpoint, and the error an endpoint raises."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dangol.accounts.models import ApiToken


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        *,
        details: Any = None,
        message: str | None = None,
        message_en: str | None = None,
    ):
        super().__init__(code)
        self.status, self.code, self.details, self.message = status, code, details, message
        self.message_en = message_en


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    return _require(request, scope)


def _require(request: HttpRequest, scope: str) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise ApiProblem(403, "forbidden_scope", details={"required": scope})
    return token
