# English for the orders error messages (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    "환불 금액은 0보다 커야 합니다.": "The refund amount must be greater than 0.",
    "환불 금액이 남은 결제 금액보다 큽니다.": "The refund is larger than the amount left to refund.",
    "환불 사유를 입력하세요.": "Enter a reason for the refund.",
}
