# English for the api strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # Error messages (dangol/api/surveys.py)
    "이 작업을 할 권한(역할)이 없습니다.": "Your role does not allow this action.",
    "%(field)s을(를) 찾을 수 없습니다.": "%(field)s not found.",
    "진행 중인 설문에만 응답을 저장할 수 있습니다.": "Responses can only be saved to an active survey.",
    # Data-subject requests (dangol/api/privacy.py)
    "정보주체 요구를 찾을 수 없습니다.": "Data-subject request not found.",
}

# Error messages raised to the user (services, views, commands).
EN.update(
    {
        "%(field)s%(particle)s 1년보다 이전입니다. 날짜를 확인하세요.": "%(field)s is more than a year ago; check the date.",
        "%(field)s%(particle)s 미래 시각입니다.": "%(field)s is in the future.",
        "%(field)s에 시간대(예: +09:00)를 포함하세요.": "%(field)s must include a UTC offset (e.g. +09:00).",
        "cursor 값이 올바르지 않습니다.": "The cursor is not valid.",
        "date를 읽을 수 없습니다. 메일의 Date: 헤더나 ISO 8601 시각을 보내 주세요.": "date is not readable: send the message's Date: header or an ISO 8601 time.",
        "고객을 찾을 수 없습니다.": "Customer not found.",
        "병합된 고객입니다.": "This customer has been merged into another.",
        "알 수 없는 접점 코드입니다: %(touchpoint)s": "Unknown touchpoint code: %(touchpoint)s",
        "이 건을 처리할 권한이 없습니다.": "You are not allowed to handle this case.",
        "주문을 찾을 수 없습니다. 주문을 먼저 등록하세요.": "Order not found. Register the order first.",
        "포인트 프로그램 시작 전의 주문은 적립하지 않습니다.": "Orders placed before the points program started earn no points.",
        "해당 요청 키의 포인트 사용이 없습니다.": "No point redemption has this request key.",
    }
)
