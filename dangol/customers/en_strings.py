# English for the customers UI strings (merged into the catalogue by scripts/fill_po.py).
# Strings the customer page shares with VOC (불량고객, 전담자, VOC 접수) live in dangol/voc/en_strings.py.
EN: dict[str, str | tuple[str, str]] = {
    "VOC 기록이 없습니다.": "No VOC cases yet.",
    "불량고객 주의 기록": "Flag as bad customer",
    "근거(일시, 내용, 관련 건)": "Evidence (when, what happened, related cases)",
}
