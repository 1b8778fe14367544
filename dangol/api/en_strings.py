# English for the api strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # Error messages (dangol/api/surveys.py)
    "이 작업을 할 권한(역할)이 없습니다.": "Your role does not allow this action.",
    "%(field)s을(를) 찾을 수 없습니다.": "%(field)s not found.",
    "진행 중인 설문에만 응답을 저장할 수 있습니다.": "Responses can only be saved to an active survey.",
}
