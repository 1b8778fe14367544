from __future__ import annotations

from typing import Any

# code → (Korean, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "unauthorized": (
        "인증이 필요합니다. 유효한 API 토큰을 보내 주세요.",
        "Authentication required: send a valid API token.",
    ),
    "forbidden_scope": (
        "이 토큰에는 해당 작업 권한(scope)이 없습니다.",
        "This token lacks the scope for this operation.",
    ),
    "not_found": ("대상을 찾을 수 없습니다.", "Not found."),
    "invalid_input": ("입력값이 올바르지 않습니다.", "The input is not valid."),
    "conflict": (
        "다른 변경과 충돌했습니다. 새로 읽은 뒤 다시 시도하세요.",
        "Conflicting change; re-read and retry.",
    ),
    "rate_limited": ("요청이 너무 많습니다.", "Too many requests."),
    "busy": (
        "지금 다른 작업이 데이터를 쓰고 있습니다. 잠시 후 같은 요청을 다시 보내 주세요(멱등 키가 있으면 그대로).",
        "Another write holds the database; retry the same request shortly (with the same idempotency key).",
    ),
    "bad_request": ("요청을 처리할 수 없습니다.", "The request cannot be processed."),
}


def error_body(
    code: str, *, details: Any = None, message_ko: str | None = None, message_en: str | None = None
) -> dict[str, Any]:
    ko, en = MESSAGES.get(code, MESSAGES["bad_request"])
    body: dict[str, Any] = {"code": code, "message": message_ko or ko, "message_en": message_en or en}
    if details is not None:
        body["details"] = details
    return body
