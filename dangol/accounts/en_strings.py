# English for the accounts UI strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # API token scopes
    "VOC 조회": "Read VOC cases",
    "VOC 등록/처리": "Create/handle VOC cases",
    "설문 조회": "Read surveys",
    "설문 등록/응답": "Create/answer surveys",
}
