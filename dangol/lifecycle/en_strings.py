EN: dict[str, str | tuple[str, str]] = {
    "개인정보 생애주기": "Lifecycle",
    "정보주체 요구": "Data-subject requests",
    "--now 형식이 올바르지 않습니다: %(value)s": "--now is not a valid date-time: %(value)s",
    "열람": "Access",
    "정정": "Correction",
    "처리정지": "Suspension of processing",
    "자동화된 결정 설명": "Explanation of an automated decision",
    "고객 포털": "Customer portal",
    "서면": "Letter",
    "포털 휴대폰 인증번호": "Portal one-time code to the mobile number",
    "등록 번호로 회신 전화": "Call back on the registered number",
    "신분증 확인(번호 미수집)": "ID document seen (number not collected)",
    "등록 이메일 회신": "Reply from the registered e-mail",
    "매장 방문 본인 확인": "Checked in person at a store",
    "기한 연장": "Extended",
    "처리 완료": "Done",
    "요구 종류": "Request type",
    "접수 경로": "Received via",
    "요구 내용": "Request",
    "접수일시": "Received at",
    "처리 기한": "Due",
    "연장 기한": "Extended to",
    "연장·거절 사유": "Reason for extension or refusal",
    "본인 확인 방법": "Identity check",
    "본인 확인 일시": "Identity checked at",
    "처리 결과": "Outcome",
    "종결일시": "Closed at",
    "처리정지 해제일시": "Suspension lifted at",
    "정보주체 요구 처리": "Handle data-subject requests",
    "본인 확인": "Identity check",
    "열람 자료 제공": "Data provided",
    "삭제(파기)": "Deleted (destroyed)",
    "처리정지 해제": "Lift suspension",
    "설명 제공": "Explanation given",
    "고객 통지": "Customer notified",
    "규칙": "Rule",
    "기록 종류": "Record type",
    "건수": "Count",
    "방법": "Method",
    "기준 시각": "As of",
    "파기 기록": "Destruction log",
    "%(n)s년": "%(n)s years",
    "VOC 건(불만·분쟁 기록)": "VOC cases (complaint and dispute records)",
    "주문(계약·결제 기록)": "Orders (contract and payment records)",
    "환불 사유": "Refund reasons",
    "광고 메시지(수신 동의 철회)": "Advertising messages (consent withdrawn)",
    "동의 철회 시": "Until consent is withdrawn",
    "장기 미이용 고객": "Inactive customers",
    "고객 개인정보 전체": "All of the customer's personal data",
    "회사 개인정보 처리방침(보유기간)": "Company privacy policy (retention period)",
    "모든 앱의 파기 규칙으로 삭제·가명처리(주문·VOC 사실은 남김)": (
        "Deleted or pseudonymised by every app's forgetting rule (order and VOC facts kept)"
    ),
    "소비자 불만·분쟁처리 기록": "Consumer complaint and dispute records",
    "전자상거래법 시행령 제6조": "E-Commerce Act Enforcement Decree art. 6",
    "연락처·본문·메모 삭제, 유형·일자·처리 결과는 남김": "Contacts, text and notes removed; type, dates and outcome kept",
    "계약·대금결제·재화공급 기록": "Contract, payment and delivery records",
    "주문·환불": "Orders and refunds",
    "전자상거래법 제6조, 시행령 제6조": "E-Commerce Act art. 6 and Enforcement Decree art. 6",
    "파기된 고객의 주문번호·환불 사유 가명처리, 금액·일자·상품은 남김": (
        "Order numbers and refund reasons of forgotten customers pseudonymised; amounts, dates and products kept"
    ),
    "마케팅(광고) 정보": "Marketing (advertising) data",
    "광고 메시지": "Advertising messages",
    "개인정보 보호법 제21조, 정보통신망법 제50조": "PIPA art. 21, Network Act art. 50",
    "수신처·본문 삭제, 발송 근거·일시·상태는 남김": "Address and text removed; legal basis, time and status kept",
    "개인정보의 안전성 확보조치 기준 제8조": "Personal Information Security Standards art. 8",
    "멤버십 등급 '%(tier)s': 최근 산정(%(at)s) 기간의 구매액 %(spend)s원, 구매일수 %(visits)s일이 등급 조건(구매액 %(min_spend)s원 이상, 구매일수 %(min_visits)s일 이상)을 충족해 자동으로 정해졌습니다.": (
        "Membership tier '%(tier)s': set automatically because spending of ₩%(spend)s and %(visits)s purchase days "
        "in the window of the last evaluation (%(at)s) meet the tier's conditions (₩%(min_spend)s or more, "
        "%(min_visits)s purchase days or more)."
    ),
    "고객 가치 구분 '%(tier)s', 관계 단계 '%(stage)s': 구매 횟수 %(freq)s회, 평균 구매액 %(money)s원, 마지막 구매 후 경과로 계산한 점수(최근성 %(r)s, 빈도 %(f)s, 금액 %(m)s, 5점 만점)에 따라 자동 분류됩니다. 이 분류는 혜택 안내 대상을 고르는 데만 쓰이며, 처리정지를 요구하시면 분석에서 제외됩니다.": (
        "Customer value '%(tier)s', relationship stage '%(stage)s': classified automatically from %(freq)s "
        "repeat purchases, an average purchase of ₩%(money)s and scores computed from the time since the last "
        "purchase (recency %(r)s, frequency %(f)s, monetary %(m)s, out of 5). It is only used to choose who is "
        "told about benefits; a suspension of processing takes you out of the analysis."
    ),
    "이 고객에 대해 자동으로 내린 등급·분류 결정이 없습니다.": "No automated tier or segment decision was made about this customer.",
    "정보주체 요구를 처리할 권한이 없습니다(개인정보 보호책임자·관리자·매니저).": (
        "You may not handle data-subject requests (privacy officer, admin or manager)."
    ),
    "이미 종결된 요구입니다(%(status)s).": "This request is already closed (%(status)s).",
    "알 수 없는 요구 종류입니다: %(kind)s": "Unknown request type: %(kind)s",
    "알 수 없는 접수 경로입니다: %(channel)s": "Unknown channel: %(channel)s",
    "요구 내용은 %(n)s자 이내로 적어 주세요.": "Keep the request within %(n)s characters.",
    "정정 요구는 무엇을 어떻게 고칠지 적어 주세요.": "For a correction, say what should be changed and how.",
    "정보주체 요구를 접수할 권한이 없습니다.": "You may not open data-subject requests.",
    "이미 파기된 고객입니다.": "This customer has already been forgotten.",
    "본인 확인 방법을 고르세요.": "Choose how the identity was checked.",
    "담당자는 정보주체 요구를 처리할 수 있는 직원이어야 합니다.": (
        "The owner must be a member of staff who may handle data-subject requests."
    ),
    "사유를 적어 주세요. 사유는 고객에게 그대로 안내됩니다.": "Give a reason. It is sent to the customer as written.",
    "사유는 %(n)s자 이내로 적어 주세요.": "Keep the reason within %(n)s characters.",
    "안내 실패: %(why)s": "Notice not sent: %(why)s",
    "기한은 한 번만 연장할 수 있습니다.": "The deadline can be extended only once.",
    "본인 확인을 먼저 기록하세요.": "Record the identity check first.",
    "정정할 항목을 입력하세요.": "Enter the fields to correct.",
    "%(n)s종류의 기록 파기": "%(n)s kinds of records destroyed",
    "고객에게 드린 설명을 적어 주세요.": "Write the explanation given to the customer.",
    "진행 중인 처리정지가 아닙니다.": "This is not a suspension in force.",
    "%(n)s일 지남": "%(n)s days overdue",
    "D-%(n)s": "D-%(n)s",
    "요구가 없습니다.": "No requests.",
    "정보주체 요구 #%(n)s": "Data-subject request #%(n)s",
    "#%(n)s %(kind)s 요구": "#%(n)s %(kind)s request",
    "원래 기한 %(d)s": "Originally due %(d)s",
    "고객 화면": "Customer page",
    "미확인": "Not checked",
    "본인 확인 기록": "Record identity check",
    "고칠 항목만 입력하세요. 직원 수정과 같은 경로로 저장됩니다.": (
        "Enter only the fields to change. They are saved the same way as a staff edit."
    ),
    "모든 앱의 파기 규칙에 따라 이 고객의 개인정보를 삭제하거나 가명처리합니다. 법으로 보관하는 주문·VOC 기록은 사람을 알 수 없게 남습니다. 되돌릴 수 없습니다.": (
        "Every app's forgetting rule deletes or pseudonymises this customer's personal data. Order and VOC records "
        "the law requires are kept without anything that identifies the person. This cannot be undone."
    ),
    "되돌릴 수 없음을 확인했습니다": "I understand this cannot be undone",
    "처리 완료 후 고객 데이터 전체를 JSON으로 내려받아 전달할 수 있습니다.": (
        "Once done, all of the customer's data can be downloaded as JSON and handed over."
    ),
    "처리정지 동안 광고 메시지가 막히고 고객 가치 분석에서 빠집니다.": (
        "While processing is suspended, adverts are blocked and the customer is left out of the value analysis."
    ),
    "고객에게 드린 설명": "Explanation given to the customer",
    "처리 결과 메모": "Outcome note",
    "연장 사유(고객에게 안내됩니다)": "Reason for the extension (sent to the customer)",
    "기한 10일 연장": "Extend by 10 days",
    "거절 사유(고객에게 안내됩니다)": "Reason for refusing (sent to the customer)",
    "고객 데이터 내려받기(JSON)": "Download the customer's data (JSON)",
    "처리 기록": "Record of what was done",
    "정보주체 요구 접수": "Open a data-subject request",
    "전화·서면·이메일로 받은 요구를 기록합니다. 처리 기한(10일)은 접수 시각으로 정해집니다. 본인 확인은 처리 담당자가 기록합니다.": (
        "Record a request received by phone, letter or e-mail. The 10-day deadline runs from the time it is "
        "received. The handler records the identity check."
    ),
    "열람·정정·삭제·처리정지·자동화된 결정 설명 요구입니다. 접수 다음 날부터 10일 안에 답해야 하며, 기한 마지막 날이 토요일·공휴일이면 다음 날까지입니다.": (
        "Requests to access, correct, delete, suspend processing or explain an automated decision. They are "
        "answered within 10 days from the day after receipt; a deadline falling on a Saturday or public holiday "
        "moves to the next day."
    ),
    "기한이 지난 요구가 %(n)s건 있습니다.": (
        "%(n)s request is overdue.",
        "%(n)s requests are overdue.",
    ),
    "요구 접수": "Open a request",
    "보유기간과 파기 기록": "Retention and destruction log",
    "개인정보 보유기간과 파기": "Personal-data retention and destruction",
    "보유기간이 지난 개인정보는 매일 파기 작업이 삭제하거나 되돌릴 수 없게 가명처리합니다. 분석과 법정 보관에 필요한, 사람을 알 수 없는 사실(금액·일자·유형)은 남깁니다. 정보주체가 5만 명 이상이면 접근 기록은 2년 이상 보관합니다.": (
        "A daily job deletes or irreversibly pseudonymises personal data past its retention period, keeping the "
        "non-identifying facts (amounts, dates, types) that analytics and legally kept records need. With 50,000 "
        "or more data subjects, access logs are kept at least 2 years."
    ),
    "보유기간": "Retention",
    "파기 방법": "How destroyed",
    "지금 파기 대상": "Due now",
    "%(soon_days)s일 안에 대상": "Due within %(soon_days)s days",
    "무엇을, 몇 건, 어떤 규칙으로, 언제 파기했는지만 남깁니다. 파기한 내용은 기록하지 않습니다.": (
        "Only what kind, how many, under which rule and when are recorded — never the destroyed data."
    ),
    "가명처리": "Pseudonymised",
    "파기 기록이 없습니다.": "Nothing destroyed yet.",
    "본인 확인을 기록했습니다.": "Identity check recorded.",
    "담당자를 고르세요.": "Choose an owner.",
    "기한을 연장하고 고객에게 사유를 안내했습니다.": "Deadline extended; the reason was sent to the customer.",
    "요구를 거절하고 고객에게 사유를 안내했습니다.": "Request refused; the reason was sent to the customer.",
    "삭제는 되돌릴 수 없습니다. 확인란을 선택하세요.": "Deletion cannot be undone. Tick the confirmation box.",
    "요구를 처리했습니다.": "Request carried out.",
    "처리정지를 해제했습니다.": "Suspension lifted.",
    "고객 번호를 확인하세요.": "Check the customer number.",
    "요구 #%(n)s을(를) 접수했습니다. 처리 기한: %(due)s": "Request #%(n)s opened. Due: %(due)s",
    "삭제 요구": "Deletion request",
    "최근 파기 건수(규칙별)": "Recently destroyed (by rule)",
    "파기됨": "Forgotten",
    "처리정지 일시": "Processing suspended at",
    "파기 일시": "Forgotten at",
    "광고성 메시지: 고객이 개인정보 처리정지를 요구해 광고를 보내지 않습니다(개인정보 보호법 제37조).": (
        "Advertising: the customer asked to suspend the processing of their data, so no adverts are sent (PIPA art. 37)."
    ),
    "개인정보 요구 처리 기한 연장 안내": "Data request deadline extended",
    "개인정보 요구 거절 안내": "Data request refused",
    "개인정보 요구 처리 완료 안내": "Data request completed",
    "개인정보 요구 접수": "Open a data request",
    "처리정지 중: 광고와 고객 가치 분석에서 제외됩니다.": "Processing suspended: left out of adverts and the value analysis.",
    "개인정보 요구": "Data requests",
}
