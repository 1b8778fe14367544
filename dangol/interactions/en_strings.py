# English for the interactions strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # Error messages (dangol/interactions/models.py, services.py)
    "상호작용 기록은 수정할 수 없습니다.": "Interaction records cannot be changed.",
    "상호작용 기록은 삭제할 수 없습니다.": "Interaction records cannot be deleted.",
    "알 수 없는 상호작용 유형입니다: %(type)s": "Unknown interaction type: %(type)s",
    "요약을 입력하세요.": "Enter a summary.",
    "요약은 200자까지 입력할 수 있습니다.": "A summary can be at most 200 characters.",
    "미래 시각으로는 기록할 수 없습니다.": "A time in the future cannot be recorded.",
    "병합된 고객에게는 기록할 수 없습니다. 병합된 고객을 사용하세요.": (
        "This customer has been merged into another; record it on the customer it was merged into."
    ),
}
