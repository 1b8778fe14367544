# English for the customers UI strings (merged into the catalogue by scripts/fill_po.py).
# Strings the customer page shares with VOC (불량고객, 전담자, VOC 접수) live in dangol/voc/en_strings.py.
EN: dict[str, str | tuple[str, str]] = {
    "VOC 기록이 없습니다.": "No VOC cases yet.",
    "불량고객 주의 기록": "Flag as bad customer",
    "근거(일시, 내용, 관련 건)": "Evidence (when, what happened, related cases)",
    # Merging duplicates and undoing a merge
    "같은 고객끼리는 병합할 수 없습니다.": "A customer cannot be merged into itself.",
    "이미 병합된 고객입니다.": "This customer has already been merged.",
    "중복 고객을 병합했습니다. 옮긴 기록: %(moved)s.": "Duplicate merged. Records moved: %(moved)s.",
    "중복 고객을 병합했습니다. 옮길 기록은 없었습니다.": "Duplicate merged. There were no records to move.",
    "%(kind)s %(count)s건": "%(kind)s: %(count)s",
    "%(kind)s %(n)s건": "%(kind)s: %(n)s",
    "동의 이력": "Consent history",
    "동의 상태": "Consent status",
    "병합 기록": "Merges",
    "고객 #%(pk)s을(를) 이 고객으로 병합": "Customer #%(pk)s merged into this customer",
    "이 고객을 고객 #%(pk)s(으)로 병합": "This customer merged into customer #%(pk)s",
    "옮긴 기록": "Records moved",
    "병합 취소": "Undo merge",
    "병합 취소됨": "Merge undone",
    "병합을 취소했습니다. 고객 #%(pk)s이(가) 다시 활성 상태입니다.": (
        "Merge undone. Customer #%(pk)s is active again."
    ),
    "되돌린 기록: %(moved)s.": "Records put back: %(moved)s.",
    "이미 취소된 병합입니다.": "This merge has already been undone.",
    "옮긴 기록의 목록이 없는 예전 병합이라 취소할 수 없습니다.": (
        "This merge was recorded before moved records were listed, so it cannot be undone."
    ),
    "이후에 이 고객이 다른 병합에 포함되었습니다. 나중 병합을 먼저 취소하세요.": (
        "One of these customers was merged again later. Undo the later merge first."
    ),
    "병합된 고객의 상태가 병합 기록과 달라 취소할 수 없습니다.": (
        "The merged customer no longer matches the merge record, so the merge cannot be undone."
    ),
    "외부 ID %(external_id)s를 다른 고객이 쓰고 있어 취소할 수 없습니다.": (
        "Another customer now uses external ID %(external_id)s, so the merge cannot be undone."
    ),
    "되돌리는 방법이 등록되지 않은 기록이 있습니다: %(kind)s": "No undo is registered for these records: %(kind)s",
    "다음 가치 계산 때 갱신": "Updated at the next value run",
    # The 360 timeline (dangol/web/customers/timeline.py and each app's *_timeline_entries).
    "가치 변화": "Value changes",
    "이전 기록 더 보기": "Show older",
    "마케팅 수신 동의 (%(channel)s)": "Marketing consent given (%(channel)s)",
    "마케팅 수신 동의 철회 (%(channel)s)": "Marketing consent withdrawn (%(channel)s)",
    "%(purpose)s 동의": "%(purpose)s: consent given",
    "%(purpose)s 동의 철회": "%(purpose)s: consent withdrawn",
    "경로: %(source)s": "Source: %(source)s",
    "버전 %(version)s": "Version %(version)s",
    "앱 푸시": "App push",
    "환불 %(amount)s": "Refund %(amount)s",
    "주문 %(order)s": "Order %(order)s",
    "사유: %(reason)s": "Reason: %(reason)s",
    "기한 %(due)s": "Due %(due)s",
}
