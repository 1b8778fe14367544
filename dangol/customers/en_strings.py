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

# The analyst's customer list: value filters, count, sorting, export and saved segments
EN.update(
    {
        "지난 분석 대비": "Since the last analysis",
        "최근 NPS": "Latest NPS",
        "활동 확률(%) 이상": "P(alive) % from",
        "활동 확률(%) 이하": "P(alive) % to",
        "CLV(원) 이상": "CLV (KRW) from",
        "CLV(원) 이하": "CLV (KRW) to",
        "CLV(원)": "CLV (KRW)",
        "정렬": "Sort",
        "적용": "Apply",
        "필터 지우기": "Clear filters",
        "저장한 세그먼트 %(n)s개": ("%(n)s saved segment", "%(n)s saved segments"),
        "현재 필터를 세그먼트로 저장 (설문 발송 대상)": "Save the current filter as a segment (for survey sends)",
        "예: 이탈 위험 우량 고객": "e.g. High-value customers at risk",
        "%(n)s명 이상": "More than %(n)s customers",
        "총 %(n)s명": "%(n)s customers",
        "고객 번호": "Customer no.",
        "예상 CLV(원)": "Expected CLV (KRW)",
        "활동 확률(%)": "P(alive) (%)",
        "필터 값이 올바르지 않습니다. 고객 목록에서 다시 내보내 주세요.": (
            "A filter value is not valid. Export again from the customer list."
        ),
        "세그먼트 이름과 필터를 확인하세요.": "Check the segment name and the filters.",
        "현재 필터를 ‘%(name)s’ 세그먼트로 저장했습니다.": "Saved the current filter as the segment ‘%(name)s’.",
        "‘%(name)s’ 세그먼트를 삭제했습니다.": "Deleted the segment ‘%(name)s’.",
        "등급 상승": "Tier up",
        "등급 하락": "Tier down",
        "관계 단계 상승": "Stage up",
        "관계 단계 하락": "Stage down",
        "비추천 (0–6)": "Detractor (0–6)",
        "중립 (7–8)": "Passive (7–8)",
        "추천 (9–10)": "Promoter (9–10)",
        "기본 (최근 가입 순)": "Default (newest first)",
        "범위의 끝이 시작보다 작습니다.": "The end of the range is below its start.",
        "세그먼트 이름": "Segment name",
        "세그먼트 이름을 입력하세요.": "Enter a segment name.",
        "같은 이름의 세그먼트가 이미 있습니다.": "A segment with this name already exists.",
        "목록 조건": "List query",
        "고객 세그먼트": "Customer segment",
        "필터": "Filters",
    }
)

# Night-time advertising consent (messaging's night rule)
EN.update({"야간 광고 수신 동의": "Advertising at night (21:00–08:00)"})

# Merges name the other customer (masked) with the particle that fits the name (dangol.common.korean)
EN.update(
    {
        "고객 %(name)s%(eul)s 이 고객으로 병합": "Customer %(name)s merged into this customer",
        "이 고객을 고객 %(name)s%(ro)s 병합": "This customer merged into customer %(name)s%(ro)s",
        "병합을 취소했습니다. 고객 %(name)s%(i_ga)s 다시 활성 상태입니다.": "Merge undone. Customer %(name)s%(i_ga)s is active again.",
        "외부 ID %(external_id)s%(eul)s 다른 고객이 쓰고 있어 취소할 수 없습니다.": (
            "Another customer now uses external ID %(external_id)s, so the merge cannot be undone."
        ),
    }
)

# Error messages (dangol/customers/phone.py, services.py)
EN.update(
    {
        "전화번호가 비어 있습니다.": "The phone number is empty.",
        "국내 전화번호가 아닙니다: %(number)s": "Not a Korean phone number: %(number)s",
        "휴대전화 번호는 010 뒤에 8자리여야 합니다: %(number)s": (
            "A mobile number must be 010 followed by 8 digits: %(number)s"
        ),
        "전화번호 자릿수가 맞지 않습니다: %(number)s": "The phone number has the wrong number of digits: %(number)s",
        "서울 지역번호(02) 전화번호 자릿수가 맞지 않습니다: %(number)s": (
            "A Seoul (02) phone number has the wrong number of digits: %(number)s"
        ),
        "올바른 국내 전화번호가 아닙니다: %(number)s": "Not a valid Korean phone number: %(number)s",
        "이름은 비워 둘 수 없습니다.": "The name cannot be empty.",
        "이메일 형식이 올바르지 않습니다: %(email)s": "Not a valid email address: %(email)s",
        "성별은 F, M, O 중 하나여야 합니다.": "Gender must be one of F, M, O.",
        "알 수 없는 유입 경로입니다: %(channel)s": "Unknown acquisition channel: %(channel)s",
        "이미 있는 외부 ID입니다: %(external_id)s": "This external ID is already in use: %(external_id)s",
        "다른 사용자가 먼저 이 고객 정보를 수정했습니다. 새로 고친 뒤 다시 시도하세요.": (
            "Someone else changed this customer first. Reload the page and try again."
        ),
        "알 수 없는 동의 항목입니다: %(purpose)s": "Unknown consent purpose: %(purpose)s",
        "메모 내용을 입력하세요.": "Enter the note.",
        "메모는 5,000자까지 입력할 수 있습니다.": "A note can be at most 5,000 characters.",
        "항목과 내용을 모두 입력하세요.": "Enter both the item and its value.",
    }
)
# Template labels: blocktranslate doubles the percent sign in the msgid.
EN.update(
    {
        "활동 확률(%%) 이상": "P(alive) %% from",
        "활동 확률(%%) 이하": "P(alive) %% to",
        "CLV": "CLV",
        "고객 목록에서 저장한 필터": "Filters saved on the customer list",
    }
)
