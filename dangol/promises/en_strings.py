# English for the promises strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # Error messages (dangol/promises/services.py)
    "약속 내용을 입력하세요.": "Enter what was promised.",
    "기한은 지금보다 뒤여야 합니다.": "The due time must be in the future.",
    "이미 처리된 약속입니다.": "This promise has already been resolved.",
    "약속의 담당자, 담당자 팀의 리더나 매니저만 이행 여부를 기록할 수 있습니다.": (
        "Only the promise's owner, the lead of the owner's team or a manager can record whether it was kept."
    ),
}
