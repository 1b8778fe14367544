# English for the privacy UI strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # Limits of the public pages (dangol.privacy.throttle)
    "요청 횟수 제한 기록": "Rate limit counter",
    "요청이 너무 많습니다": "Too many requests",
    "짧은 시간에 요청이 너무 많이 들어왔습니다. %(minutes)s분 뒤에 다시 시도해 주세요.": (
        "Too many requests in a short time. Please try again in %(minutes)s minute.",
        "Too many requests in a short time. Please try again in %(minutes)s minutes.",
    ),
    "보내신 내용은 저장되지 않았습니다. 급한 일이면 고객센터로 연락해 주세요.": (
        "What you sent was not saved. If it is urgent, please contact our customer center."
    ),
    "보내신 내용이 너무 큽니다": "What you sent is too large",
    "한 번에 보낼 수 있는 내용은 %(limit_kb)sKB까지입니다. 내용을 줄여서 다시 보내 주세요.": (
        "You can send up to %(limit_kb)s KB at a time. Please shorten it and send it again."
    ),
    # Error messages (dangol/privacy/models.py)
    "접근 기록은 수정할 수 없습니다.": "Access records cannot be changed.",
    "접근 기록은 삭제할 수 없습니다.": "Access records cannot be deleted.",
}
