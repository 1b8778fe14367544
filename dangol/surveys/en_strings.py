# English for the survey UI strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    "-": "-",
    "95%% 구간": "95%% interval",
    "API": "API",
    "Better–Worse 도표": "Better–Worse chart",
    "CSAT 평균 추이 (95%% 구간)": "Mean CSAT by month (95%% interval)",
    "CSV(UTF-8 또는 CP949) 또는 엑셀(.xlsx). 첫 줄은 문항 코드(기대 vs 실제는 코드__expectation, Kano는 코드__functional/코드__dysfunctional, 복수 선택은 | 로 구분)와 선택 열 answered_at, customer(고객 외부 ID), touchpoint, staff, ref, comment, wave.": "CSV (UTF-8 or CP949) or Excel (.xlsx). The first row holds question codes (expectation vs perception: "
    "code__expectation; Kano: code__functional/code__dysfunctional; multiple choice separated by |) and the "
    "optional columns answered_at, customer (customer external ID), touchpoint, staff, ref, comment, wave.",
    "Kano 분석": "Kano analysis",
    "Kano 쌍 (기능/역기능)": "Kano pair (functional/dysfunctional)",
    "Kano 조사": "Kano study",
    "Kano 조사가 없습니다.": "No Kano study yet.",
    "NPS 구간": "NPS interval",
    "NPS 추이 (95%% 구간)": "NPS by month (95%% interval)",
    "QR 코드(매장)": "QR code (store)",
    "VOC 종결 후": "After a VOC case closes",
    "VOC 해결률": "VOC resolved",
    "가져오기": "Import",
    "감사합니다": "Thank you",
    "계속 이용 의향": "Would continue",
    "고객": "Customer",
    "고객 CSAT": "Customer CSAT",
    "고객 노력 CES (1–7)": "Customer effort CES (1–7)",
    "고객 만족도": "Customer satisfaction",
    "고객 번호": "Customer number",
    "고객 번호를 찾을 수 없습니다.": "Customer number not found.",
    "고객 세그먼트": "Customer segment",
    "공감성": "Empathy",
    "공정한 보상": "Fair reward",
    "광고성": "Promotional",
    "광고성 설문(마케팅 수신 동의 고객에게만)": "Promotional survey (only customers who accepted marketing)",
    "광고성(마케팅 동의 필요)": "Promotional (needs marketing consent)",
    "교육": "Training",
    "구간": "Band",
    "구간은 95%% 신뢰구간입니다(NPS: 정규 근사, 만족 비율: Wilson). 응답이 30건 미만인 값은 ⚠ 표시 — 믿기 어렵습니다. 5분마다 갱신.": "Intervals are 95%% confidence intervals (NPS: normal approximation; share satisfied: Wilson). Values from "
    "fewer than 30 answers are marked ⚠ — too few to trust. Refreshed every 5 minutes.",
    "구분": "Aspect",
    "그룹": "Group",
    "그룹별 NPS·CSAT": "NPS and CSAT by group",
    "기간(개월)": "Period (months)",
    "기대": "Expected",
    "기대 vs 실제 (1–7)": "Expectation vs perception (1–7)",
    "기대 vs 실제 (항목별 차이)": "Expectation vs perception (gap per item)",
    "기대 vs 실제 문항의 응답이 없습니다.": "No answers to expectation-vs-perception items.",
    "나누어 보기": "Break down by",
    "단일 선택": "Single choice",
    "담당 팀": "Team",
    "담당자": "Assignee",
    "답": "Answer",
    "답하지 않았거나 잘못된 항목이 있습니다. 표시된 곳을 확인해 주세요.": "Some questions are unanswered or invalid. Please check the marked ones.",
    "대응성": "Responsiveness",
    "더 하고 싶은 말씀이 있으면 적어 주세요.": "Anything else you would like to tell us?",
    "데모": "Demo",
    "링크": "Link",
    "링크 수": "Number of links",
    "링크 유효 기간(일)": "Link valid for (days)",
    "링크 응답": "Answered links",
    "링크로 보낸 설문이 없습니다.": "No survey has been sent by link.",
    "만들기": "Create",
    "만족 → 재구매 (응답 후 90일)": "Satisfaction → repurchase (90 days after answering)",
    "만족(4–5) 비율": "Satisfied (4–5)",
    "만족도 (1–5)": "Satisfaction (1–5)",
    "만족도 동인 (무엇이 전반 만족을 설명하나)": "Drivers (what explains overall satisfaction)",
    "만족도 분석": "Satisfaction analysis",
    "명시적 중요도(1–5)": "Stated importance (1–5)",
    "문자": "SMS",
    "문항": "Questions",
    "문항 추가": "Add a question",
    "문항 코드(비우면 자동)": "Question code (blank: automatic)",
    "문항을 추가했습니다.": "Question added.",
    "문항이 없습니다.": "No questions.",
    "물리적": "Physical",
    "물리적(상품·장소·가격)": "Physical (product, place, price)",
    "미응답 초대 %(n)d건에 다시 알림을 표시했습니다.": "Marked %(n)d unanswered invitations for a reminder.",
    "미응답자에게 다시 알림": "Remind those who have not answered",
    "발송 시점": "When to send",
    "발송 채널": "Channel",
    "변화": "drifted",
    "보기": "Show",
    "보내 주신 의견은 서비스를 개선하는 데 쓰겠습니다.": "We will use your answers to improve our service.",
    "복수 선택": "Multiple choice",
    "분류": "Category",
    "분류표: Berger 외(1993). A 매력적, O 일원적, M 당연적, I 무관심, R 역, Q 회의적. 동점은 M > O > A > I. Better = (A+O)/(A+O+M+I), Worse = −(O+M)/(A+O+M+I).": "Evaluation table: Berger et al. (1993). A attractive, O one-dimensional, M must-be, I indifferent, "
    "R reverse, Q questionable. Ties: M > O > A > I. Better = (A+O)/(A+O+M+I), Worse = −(O+M)/(A+O+M+I).",
    "분석": "Analysis",
    "불편을 드려 죄송합니다. 담당 팀이 내용을 확인하고 곧 연락드리겠습니다.": "We are sorry for the trouble. The responsible team will look into it and contact you shortly.",
    "사람": "People",
    "사람(직원 태도·매너)": "People (staff manner and attitude)",
    "사후 만족도": "Satisfaction after recovery",
    "상대 중요도": "Relative importance",
    "상대 중요도: Johnson의 상대 가중치(항목 간 상관을 고려해 R²를 나눔). β: 표준화 회귀계수, p: t-검정.": "Relative importance: Johnson's relative weights (R² split while accounting for correlated items). "
    "β: standardized regression coefficient; p: t-test.",
    "상태": "Status",
    "새 설문": "New survey",
    "새 차수 시작": "Start a new wave",
    "선택": "optional",
    "선택과 집중": "Select and focus",
    "선택지": "Choices",
    "선택지(한 줄에 하나)": "Choices (one per line)",
    "설명력 가운데 사람(직원 태도·매너) 항목 %(p)s, 물리적 항목 %(f)s.": "Of the explained variance, people items (staff manner and attitude) account for %(p)s, physical items for %(f)s.",
    "설문": "Surveys",
    "설문 분석": "Survey analysis",
    "설문 시작": "Start survey",
    "설문 응답": "Survey response",
    "설문 응답 가져오기 (현장 설문)": "Import survey responses (field surveys)",
    "설문 종료": "Close survey",
    "설문 초대": "Survey invitation",
    "설문에 응답할 수 없습니다": "This survey cannot be answered",
    "설문을 고르세요.": "Choose a survey.",
    "설문을 만들었습니다. 문항을 추가하세요.": "Survey created. Add questions.",
    "성과(0–100)": "Performance (0–100)",
    "소중한 의견 감사합니다.": "Thank you for your feedback.",
    "속성": "Attribute",
    "속성별 분류": "Classification by attribute",
    "순서": "Order",
    "시작": "Start",
    "신뢰성": "Reliability",
    "실제": "Experienced",
    "아직 설문이 없습니다.": "No surveys yet.",
    "아직 응답이 없습니다.": "No answers yet.",
    "안내 문구": "Introduction",
    "없을 때": "Without it",
    "열": "Column",
    "열기": "Open",
    "영문 안내 문구": "Introduction (English)",
    "영문 제목": "Title (English)",
    "영문 질문": "Question (English)",
    "예: store-visit-2026": "e.g. store-visit-2026",
    "오류": "Error",
    "오류 행만 건너뛰기": "Skip only the rows with errors",
    "오류가 있을 때": "When there are errors",
    "오른쪽 아래(중요하지만 성과가 낮은 항목)에 먼저 자원을 쓰세요.": "Spend resources first on the lower right (important items that perform poorly).",
    "오른쪽 위: 일원적, 왼쪽 위: 매력적, 오른쪽 아래: 당연적, 왼쪽 아래: 무관심. 차수마다 점이 어떻게 움직이는지 보세요.": "Top right: one-dimensional; top left: attractive; bottom right: must-be; bottom left: indifferent. "
    "Watch how the points move from wave to wave.",
    "웹": "Web",
    "유형": "Type",
    "유형성": "Tangibles",
    "응답": "Answers",
    "응답 %(min_n)s명 미만 — 익명 보호를 위해 비공개": "Fewer than %(min_n)s answers — hidden to protect anonymity",
    "응답 가져오기": "Import responses",
    "응답 링크 만들기": "Make an answer link",
    "응답 시각": "Answered at",
    "응답 적음": "few answers",
    "응답률": "Response rate",
    "응답이 없습니다.": "No answers.",
    "응답이 적어 믿기 어렵습니다": "Too few answers to trust",
    "응대 직원 아이디": "Staff username",
    "의견": "Comment",
    "이 링크는 한 번만 응답할 수 있습니다.": "This link can be used to answer once.",
    "이메일": "E-mail",
    "익명": "Anonymous",
    "익명 링크를 만들었습니다. 누가 어떤 링크를 받았는지는 저장하지 않습니다.": "Anonymous links created. Who received which link is not stored.",
    "익명 설문(고객·직원 정보를 저장하지 않음)": "Anonymous survey (no customer or staff link is stored)",
    "익명 설문입니다. 누가 답했는지 저장하지 않습니다.": "This survey is anonymous. We do not store who answered.",
    "일회용 링크 만들기": "Make a one-time link",
    "일회용 응답 링크를 만들었습니다.": "One-time answer link created.",
    "있을 때": "With it",
    "자료가 없습니다.": "No data.",
    "자유 응답": "Free text",
    "작성 중": "Draft",
    "재구매율": "Repurchase rate",
    "재량권": "Autonomy",
    "저장했습니다.": "Saved.",
    "전반": "Overall",
    "전체 고객 설문": "All customer surveys",
    "전체 응답(가져오기 포함)": "All answers (incl. imports)",
    "전체 취소": "Cancel the whole file",
    "접점": "Touchpoint",
    "접점 상호작용 후": "After an interaction at a touchpoint",
    "제목": "Title",
    "제출": "Submit",
    "종료": "Closed",
    "종류": "Kind",
    "주문 후": "After an order",
    "중요도–성과 (IPA)": "Importance–performance (IPA)",
    "지원": "Support",
    "직무 만족": "Job satisfaction",
    "직원": "Staff",
    "직원 결과": "Employee results",
    "직원 만족과 고객 만족 (서비스–수익 체인)": "Employee and customer satisfaction (service–profit chain)",
    "직원 아이디를 찾을 수 없습니다.": "Staff username not found.",
    "직원 응답": "Employee answers",
    "직원 응답은 익명이며, 최근 조사(90일)에서 팀 응답이 %(min_n)s명 미만이면 팀 결과를 보여 주지 않습니다. 고객 만족과 VOC는 최근 12개월.": "Employee answers are anonymous; a team's results are hidden when fewer than %(min_n)s of its staff "
    "answered the latest round (90 days). Customer satisfaction and VOC: last 12 months.",
    "직원 펄스": "Employee pulse",
    "직접 발송": "Manual",
    "진행 중": "Active",
    "질문": "Question",
    "차수": "Wave",
    "차수별 변화 (동태적 관점)": "Change over waves (the dynamic view)",
    "차원": "Dimension",
    "차이": "Gap",
    "초대": "Invited",
    "최근 응답과 후속 조치": "Latest answers and follow-up",
    "추가": "Add",
    "추천 의향 NPS (0–10)": "Likelihood to recommend NPS (0–10)",
    "카카오톡": "KakaoTalk",
    "코드": "Code",
    "코드(영문)": "Code (Latin letters)",
    "팀": "Team",
    "팀 익명 링크 만들기": "Make anonymous links for a team",
    "파일(CSV 또는 .xlsx)": "File (CSV or .xlsx)",
    "파일이 너무 큽니다(최대 50MB).": "The file is too large (max 50 MB).",
    "필수": "Required",
    "항목": "Item",
    "해결 내용": "Resolution",
    "해결 방법": "Resolution type",
    "행": "Row",
    "현재 차수": "Current wave",
    "확신성": "Assurance",
    "회복 후 만족": "Satisfaction after recovery",
    "후속 VOC": "Follow-up case",
    "후속 VOC가 아직 없습니다.": "No follow-up case yet.",
    "후속 조치": "Follow-up",
    "후속 조치 팀": "Follow-up team",
    "후속 조치가 필요 없는 응답입니다.": "This answer needs no follow-up.",
    "설문 불만족 응답 후속 조치": "Follow-up of a dissatisfied survey answer",
    "매장 QR 코드": "Store QR code",
    "매장 QR 코드 만들기": "Make a store QR code",
    "인쇄": "Print",
    "진행 중인 설문이 아니어서 QR 코드로 응답할 수 없습니다.": "The survey is not active, so the QR code cannot be answered.",
    "휴대폰 카메라로 찍어 1분 설문에 참여해 주세요.": "Scan with your phone camera for a one-minute survey.",
    "찍을 때마다 한 번만 쓸 수 있는 새 응답 링크가 만들어집니다.": "Each scan creates a new link that can be answered once.",
    "고객 태그": "Customer tag",
    "고객 세그먼트에 보내기": "Send to a customer segment",
    "초대 만들기": "Create invitations",
    "광고성 설문이라 마케팅 수신 동의한 고객에게만 보냅니다.": "Promotional survey: sent only to customers who accepted marketing.",
    "이 태그의 고객이 없습니다.": "No customers have this tag.",
    "초대 %(made)d건을 만들었습니다 (수신 동의가 없어 제외 %(skipped)d건).": "Created %(made)d invitations (%(skipped)d left out for lack of consent).",
    # The customer's 360 timeline (dangol/surveys/selectors.py: response_timeline_entries).
    "설문 응답: %(scores)s": "Survey answer: %(scores)s",
    "추천 고객": "Promoter",
    "중립 고객": "Passive",
    "비추천 고객": "Detractor",
}

# Sending to a saved customer-list filter (segment)
EN.update(
    {
        "고객 목록에서 저장한 필터 또는 세그먼트 빌더의 세그먼트입니다. 보내는 시점의 고객에게 보냅니다.": (
            "A filter saved on the customer list or a segment from the segment builder. It goes to the customers"
            " it holds when you send."
        ),
        "선택한 세그먼트가 없어졌습니다. 다시 고르세요.": "The chosen segment no longer exists. Choose again.",
        "‘%(name)s’ 세그먼트에 해당하는 고객이 없습니다.": "No customers match the segment ‘%(name)s’.",
        "세그먼트 고객이 %(limit)s명을 넘습니다. 필터를 좁혀 주세요.": (
            "The segment has more than %(limit)s customers. Narrow the filter."
        ),
        "저장한 고객 세그먼트가 없습니다.": "There are no saved customer segments.",
        "고객 목록에서 필터를 고른 뒤 세그먼트로 저장하세요.": "Choose filters on the customer list and save them as a segment.",
    }
)

# The analysis pages' charts and the plain-Korean help beside R², β and p (issue 13)
EN.update(
    {
        "R²(%(r2)s): 고객마다 다른 전반 만족도를 이 항목들로 얼마나 설명하는지(0–1). 1에 가까울수록 이 항목들만 봐도 만족도를 잘 알 수 있습니다.": (
            "R² (%(r2)s): how much of the difference in overall satisfaction between customers these items "
            "explain (0–1). The closer to 1, the more these items alone tell you about satisfaction."
        ),
        "상대 중요도: 전반 만족도를 설명하는 몫을 항목끼리 나눈 것(합계 100%%). 항목끼리 겹치는 부분도 공정하게 나눕니다(Johnson의 상대 가중치).": (
            "Relative importance: the explained share of overall satisfaction split between the items (100%% in "
            "all), overlaps between items shared fairly (Johnson's relative weights)."
        ),
        "β: 다른 항목이 그대로일 때 이 항목이 오르면 전반 만족도가 얼마나 오르는지(표준화 회귀계수). 클수록 영향이 크고, 음수면 반대로 움직입니다.": (
            "β: how much overall satisfaction rises when this item rises and the others stay the same "
            "(standardised coefficient). Larger means more influence; negative means they move apart."
        ),
        "p: 이 항목이 실제로는 영향이 없는데 우연히 이만큼 나올 확률. 0.05보다 작으면 우연으로 보기 어렵습니다(t-검정).": (
            "p: the chance of a result this strong if the item had no real influence. Below 0.05 it is hard to "
            "call it chance (t-test)."
        ),
        "점선은 항목 평균(중요도, 성과)입니다. 오른쪽 아래(중요하지만 성과가 낮은 항목)에 먼저 자원을 쓰세요.": (
            "The dashed lines are the item averages (importance, performance). Spend first on the lower right "
            "(important, performing poorly)."
        ),
        "오른쪽 위: 일원적, 왼쪽 위: 매력적, 오른쪽 아래: 당연적, 왼쪽 아래: 무관심(점선은 0.5). 차수마다 점이 어떻게 움직이는지 보세요.": (
            "Upper right: one-dimensional, upper left: attractive, lower right: must-be, lower left: "
            "indifferent (dashed lines at 0.5). Watch how the points move between waves."
        ),
        "중요도(%)": "Importance (%)",
        "재구매율(%)": "Repurchase rate (%)",
        "과잉 투자 가능성": "Possible overkill",
        "현재 유지": "Keep up",
        "낮은 우선순위": "Low priority",
        "집중 개선": "Concentrate here",
        "매력적": "Attractive",
        "일원적": "One-dimensional",
        "무관심": "Indifferent",
        "당연적": "Must-be",
    }
)

# Error messages (dangol/surveys/kano.py, importing.py, the kano and survey-invite commands)
EN.update(
    {
        "답은 1~5 사이여야 합니다: 기능=%(functional)s, 역기능=%(dysfunctional)s": (
            "Answers must be from 1 to 5: functional=%(functional)s, dysfunctional=%(dysfunctional)s"
        ),
        "%(line)s행 %(column)s: 답은 1~5 사이의 정수여야 합니다 (받은 값: %(value)s).": (
            "Line %(line)s, %(column)s: the answer must be a whole number from 1 to 5 (got %(value)s)."
        ),
        "CSV 파일이 아닙니다 (이진 데이터가 들어 있습니다).": "This is not a CSV file (it contains binary data).",
        "필수 열이 없습니다: %(columns)s. 첫 줄은 attribute,functional,dysfunctional 이어야 합니다.": "Required columns are missing: %(columns)s. The first line must be attribute,functional,dysfunctional.",
        "%(line)s행 attribute: 속성 이름이 비어 있습니다.": "Line %(line)s, attribute: the attribute name is empty.",
        "%(line)s행: 응답자 %(respondent)s의 '%(attribute)s' 답이 두 번 있습니다.": (
            "Line %(line)s: respondent %(respondent)s answered '%(attribute)s' twice."
        ),
        "CSV 형식 오류: %(error)s": "CSV format error: %(error)s",
        "파일이 비어 있습니다. 첫 줄에 attribute,functional,dysfunctional 열 이름이 있어야 합니다.": (
            "The file is empty. The first line must hold the column names attribute,functional,dysfunctional."
        ),
        "분류할 행이 없습니다.": "There are no rows to classify.",
        "문항 열이 없습니다. 첫 줄에 문항 코드(%(codes)s …)를 쓰세요.": (
            "No question columns. Put the question codes (%(codes)s …) in the first line."
        ),
        "응답일시가 미래입니다.": "The answer time is in the future.",
        "고객 외부 ID를 찾을 수 없습니다: %(external_id)s": "No customer has the external ID %(external_id)s",
        "알 수 없는 접점 코드입니다: %(code)s": "Unknown touchpoint code: %(code)s",
        "직원 아이디를 찾을 수 없습니다: %(username)s": "No staff member has the username %(username)s",
        "원본 번호는 60자 이내여야 합니다.": "The source reference can be at most 60 characters.",
        "응답 %(created)s건을 가져왔습니다 (이미 있던 %(unchanged)s건, 오류 %(skipped)s행 건너뜀).": (
            "Responses imported: %(created)s (already there: %(unchanged)s; rows with errors skipped: %(skipped)s)."
        ),
        "응답 %(created)s건을 가져왔습니다 (이미 있던 %(unchanged)s건).": (
            "Responses imported: %(created)s (already there: %(unchanged)s)."
        ),
        "파일을 읽을 수 없습니다: %(path)s (%(error)s)": "Cannot read the file: %(path)s (%(error)s)",
        "--hours는 1~2160 사이여야 합니다.": "--hours must be from 1 to 2160.",
    }
)

# Invitations delivered by message (issue 14)
EN.update(
    {
        "초대를 보내지 못했습니다: %(reason)s": "The invitation was not sent: %(reason)s",
        "초대 메시지를 %(channel)s(으)로 보냈습니다.": "Invitation sent by %(channel)s.",
        "초대 %(made)d건을 보냈습니다 (수신 동의나 연락처가 없어 제외 %(skipped)d건: 메시지 발송함에서 이유를 볼 수 있습니다).": (
            "Sent %(made)d invitations (%(skipped)d left out for lack of consent or address: the outbox says why)."
        ),
        "미응답 초대 %(n)d건에 다시 알림을 보냈습니다.": "Sent a reminder to %(n)d unanswered invitations.",
        "규칙에 막혀 보내지 못함 %(n)s건": (
            "%(n)s not sent: stopped by a rule",
            "%(n)s not sent: stopped by a rule",
        ),
    }
)

# Error messages raised to the user (services, views, commands).
EN.update(
    {
        "%(max_length)s자 이내로 입력해 주세요.": "Please keep it within %(max_length)s characters.",
        "%(low)s~%(high)s 사이에서 골라 주세요.": "Please choose between %(low)s and %(high)s.",
        "1~5 사이에서 골라 주세요.": "Please choose between 1 and 5.",
        "QR 코드가 올바르지 않습니다. 매장에 비치된 QR 코드를 다시 찍어 주세요.": "The QR code is not valid. Please scan the QR code in the store again.",
        "답을 골라 주세요.": "Please choose an answer.",
        "두 질문에 모두 답해 주세요.": "Please answer both questions.",
        "링크 수는 1~1000개입니다.": "The number of links must be between 1 and 1000.",
        "링크 유효 기간은 1~365일이어야 합니다.": "Links must stay valid for 1 to 365 days.",
        "명시적 중요도는 1~5입니다.": "Stated importance must be between 1 and 5.",
        "목록에 있는 선택지만 고를 수 있습니다.": "Only the listed options can be chosen.",
        "문항 코드는 영문 소문자, 숫자, -, _ 로 40자 이내여야 합니다.": "A question code is up to 40 lowercase letters, digits, - and _.",
        "문항이 없는 설문은 시작할 수 없습니다.": "A survey without questions cannot be started.",
        "선택지를 두 개 이상 입력하세요.": "Enter at least two options.",
        "설문 링크가 올바르지 않습니다. 받으신 링크를 그대로 열어 주세요.": "The survey link is not valid. Please open the link exactly as you received it.",
        "설문 응답 기간이 지났습니다. 관심 가져 주셔서 감사합니다.": "The survey has closed for responses. Thank you for your interest.",
        "알 수 없는 구분입니다: %(aspect)s": "Unknown aspect: %(aspect)s",
        "알 수 없는 문항 유형입니다: %(kind)s": "Unknown question type: %(kind)s",
        "알 수 없는 발송 시점입니다: %(trigger)s": "Unknown trigger: %(trigger)s",
        "알 수 없는 발송 채널입니다: %(channel)s": "Unknown channel: %(channel)s",
        "알 수 없는 상태입니다: %(status)s": "Unknown status: %(status)s",
        "알 수 없는 설문 종류입니다: %(kind)s": "Unknown survey kind: %(kind)s",
        "알 수 없는 차원입니다: %(dimension)s": "Unknown dimension: %(dimension)s",
        "응답이 있는 설문에는 문항을 추가할 수 없습니다. 새 설문을 만드세요.": "Questions cannot be added to a survey that has responses. Create a new survey.",
        "의견을 입력해 주세요.": "Please enter your comment.",
        "이 설문에 이미 있는 문항 코드입니다: %(code)s": "This survey already has a question with the code %(code)s",
        "이미 쓰는 코드입니다: %(code)s": "This code is already in use: %(code)s",
        "이미 응답하신 설문입니다. 참여해 주셔서 감사합니다.": "You have already answered this survey. Thank you for taking part.",
        "제목을 입력하세요.": "Enter a title.",
        "종료된 설문입니다. 관심 가져 주셔서 감사합니다.": "This survey has ended. Thank you for your interest.",
        "직원 펄스 설문이 아닙니다.": "This is not an employee pulse survey.",
        "진행 중인 설문에만 초대를 만들 수 있습니다.": "Invitations can be made only for a running survey.",
        "질문을 입력하세요.": "Enter the question.",
        "차수 이름을 20자 이내로 입력하세요.": "Enter a wave name of up to 20 characters.",
        "코드는 영문 소문자, 숫자, -, _ 로 40자 이내여야 합니다.": "A code is up to 40 lowercase letters, digits, - and _.",
        "하나 이상 골라 주세요.": "Please choose at least one.",
        "하나만 골라 주세요.": "Please choose only one.",
    }
)

# survey-rollups command (issue 18)
EN.update(
    {
        "집계를 지웠습니다(응답 %(n)s건을 다시 셉니다).": "Roll-ups cleared (%(n)s responses to count again).",
        "응답 %(n)s건을 집계했습니다.": "Counted %(n)s responses into the roll-ups.",
        "집계": "Counting",
        "검사": "Checking",
        "다름: %(key)s 집계 %(table)s, 재집계 %(recount)s": "Differs: %(key)s roll-up %(table)s, recount %(recount)s",
        "응답 %(responses)s건, 집계 행 %(rows)s개, 아직 집계되지 않은 응답 %(pending)s건, 차이 %(diff)s개": (
            "%(responses)s responses, %(rows)s roll-up rows, %(pending)s responses not counted yet, "
            "%(diff)s differences"
        ),
        "재구매 집계": "Repurchase roll-up",
        "재구매 기간(90일)이 끝난 고객 응답 %(n)s건을 집계했습니다.": (
            "Counted %(n)s customer answers whose 90-day repurchase window has closed."
        ),
    }
)

# The public answer page (issue 18)
EN.update(
    {
        "허용되지 않는 문자(NUL)가 들어 있습니다. 지우고 다시 보내 주세요.": (
            "The text contains a character that is not allowed (NUL). Remove it and send again."
        ),
    }
)
