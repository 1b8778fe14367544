# English for the VOC UI strings (merged into the catalogue by scripts/fill_po.py).
# Terms: 건 = case, 전담자 = dedicated handler, 이관 = handoff, 불량고객 = bad customer, 퇴출 = exit,
# 책임자 = manager, 규정 = policy, 상담 = contact.
EN: dict[str, str | tuple[str, str]] = {
    # Shared with the customer page
    "불량고객": "Bad customer",
    "불량고객 기록": "Bad-customer flags",
    "전담자": "Dedicated handler",
    "VOC 접수": "New VOC case",
    "해당하는 고객이 없습니다.": "No matching customers.",
    # Forms
    "제목": "Subject",
    "고객이 한 말(그대로)": "What the customer said (word for word)",
    "분류": "Category",
    "우선순위": "Priority",
    "접수 채널": "Channel",
    "이름(미확인 고객)": "Name (unknown customer)",
    "연락처(미확인 고객)": "Contact details (unknown customer)",
    "진행 중 전체": "All open",
    "접수번호/제목": "Case no. / subject",
    "무엇을 알려 주시겠어요?": "What would you like to tell us?",
    "휴대전화": "Mobile phone",
    "답변을 위해 이름과 연락처를 수집·이용하는 데 동의합니다(필수).": "I agree to the collection and use of my name and contact details so you can reply (required).",
    "답변받을 휴대전화나 이메일 중 하나를 입력하세요.": "Enter a mobile number or an email address for our reply.",
    # Models: categories, SLAs, business hours
    "담당 프로세스 팀": "Process owner team",
    "내부 처리 기준(업무시간)": "Internal target (business hours)",
    "VOC 분류": "VOC category",
    "근본 원인": "Root cause",
    "낮음": "Low",
    "보통": "Normal",
    "높음": "High",
    "긴급": "Urgent",
    "첫 응답(분, 업무시간)": "First response (minutes, business hours)",
    "해결(분, 업무시간)": "Resolution (minutes, business hours)",
    "사전 경고(분)": "Warn before (minutes)",
    "SLA 정책": "SLA policy",
    "여는 시각": "Opens at",
    "닫는 시각": "Closes at",
    "점심 시작": "Lunch starts",
    "점심 끝": "Lunch ends",
    "영업 요일(0=월)": "Working days (0=Mon)",
    "영업시간": "Business hours",
    "날짜": "Date",
    "회사 휴무일": "Company holiday",
    # Difficult-customer types
    "수동적": "Passive",
    "자만하는": "Arrogant",
    "화내는": "Angry",
    "상스러운": "Abusive",
    "위협하는": "Threatening",
    "부정직한": "Dishonest",
    "농락하는": "Manipulative",
    "과도한 요구": "Excessive demands",
    # Case kinds, statuses, channels, resolutions, reactions
    "제안": "Suggestion",
    "접수": "New",
    "처리 중": "Open",
    "고객 응답 대기": "Waiting on customer",
    "해결": "Resolved",
    "종결": "Closed",
    "전화": "Phone",
    "웹": "Web",
    "API": "API",
    "수리/정정": "Repair/correction",
    "교환": "Exchange",
    "보상(금액/포인트)": "Compensation (money/points)",
    "사과만": "Apology only",
    "안내/답변": "Explanation/answer",
    "만족": "Satisfied",
    "불만족": "Dissatisfied",
    # Case fields
    "접수번호": "Case no.",
    "연락처 이름(미확인 고객)": "Contact name (unknown customer)",
    "담당 팀": "Team",
    "담당자": "Assignee",
    "까다로운 고객 유형": "Difficult-customer type",
    "원인 메모": "Cause note",
    "해결 방법": "Resolution type",
    "해결 내용": "Resolution details",
    "보상 비용(원)": "Compensation cost (KRW)",
    "보상 포인트": "Compensation points",
    "고객 반응": "Customer reaction",
    "만족도(1-5)": "Satisfaction (1-5)",
    "계속 이용 의향": "Would stay",
    "필수 단계 생략 승인": "Approve skipping required steps",
    "고객 퇴출 검토": "Review customer exits",
    "VOC 건": "VOC case",
    # Service-recovery steps
    "사과": "Apologise",
    "경청(고객의 말 그대로 기록)": "Listen (record their exact words)",
    "이해 확인(고객 동의)": "Confirm understanding (customer agrees)",
    "변명 없이 해결": "Resolve without excuses",
    "사후 확인": "Follow up",
    "예방 조치": "Preventive action",
    # Bad customers
    "도둑형": "Thief",
    "규칙위반형": "Rule-breaker",
    "호전형": "Belligerent",
    "내분형": "Divisive",
    "파괴형": "Vandal",
    "신용불량형": "Non-payer",
    "주의": "Flagged",
    "퇴출 검토 중": "Exit under review",
    "퇴출 승인": "Exit approved",
    "퇴출 반려": "Exit rejected",
    "해제": "Lifted",
    "근거": "Evidence",
    # Playbooks: passive
    "불만을 말하지 않고 참다가 조용히 떠나는 고객입니다. 먼저 묻고, 말할 기회를 여러 번 주세요.": "Puts up with problems without complaining, then quietly leaves. Ask first, and give them several"
    " chances to speak up.",
    "불편하셨던 점이 있으셨을까요?": "Was there anything that bothered you?",
    "저희가 더 잘할 수 있었던 부분을 한 가지만 말씀해 주시겠어요?": "Could you tell us just one thing we could have done better?",
    "말씀해 주셔서 정말 감사합니다. 바로 확인하겠습니다.": "Thank you so much for telling us. I'll look into it right away.",
    "'괜찮으시죠?'처럼 닫힌 질문으로 끝내지 마세요.": "Don't end with a closed question like 'Everything OK?'",
    "침묵을 만족으로 여기지 마세요.": "Don't take silence for satisfaction.",
    "다른 고객 앞에서 말하기 어려워하면 조용한 곳이나 전화로 옮겨 주세요.": "If they find it hard to talk in front of other customers, move to a quiet spot or the phone.",
    "경고가 필요한 유형이 아닙니다.": "No warning needed for this type.",
    "재구매가 끊기면 전담자가 사후 연락을 맡습니다.": "If they stop buying, a dedicated handler takes on the follow-up call.",
    # Playbooks: arrogant
    "자신이 더 잘 안다고 여기는 고객입니다. 전문성을 존중하되 사실로 답하세요.": "Believes they know better. Respect their expertise, but answer with facts.",
    "어떤 결과를 기대하셨는지 정확히 말씀해 주시겠어요?": "Could you tell me exactly what outcome you expected?",
    "말씀하신 부분이 맞습니다. 그 점을 반영해서 이렇게 처리하겠습니다.": "You're right about that. Taking it into account, here is how we'll handle it.",
    "논쟁하거나 가르치려 들지 마세요.": "Don't argue or lecture.",
    "개인적인 감정으로 받아들이지 마세요.": "Don't take it personally.",
    "다른 고객이 있는 자리에서 언성이 높아지면 상담 공간으로 안내하세요.": "If voices rise in front of other customers, invite them to a consultation area.",
    "규정은 '회사 방침'이 아니라 이유와 함께 설명하세요.": "Explain the policy with its reasons, not just 'company policy'.",
    "같은 요구가 반복되면 책임자가 전담합니다.": "If the same demand keeps coming back, a manager takes over.",
    # Playbooks: angry
    "화가 난 고객입니다. 감정을 먼저 받아 주고, 사실은 그다음입니다.": "An angry customer. Acknowledge the feelings first; the facts come after.",
    "어떤 일이 있으셨는지 처음부터 말씀해 주시겠어요?": "Could you tell me what happened, from the beginning?",
    "지금 가장 급하게 해결되어야 할 것이 무엇일까요?": "What is the most urgent thing for us to fix right now?",
    "많이 불편하셨겠습니다. 정말 죄송합니다.": "That must have been really frustrating. I'm very sorry.",
    "제가 끝까지 책임지고 확인하겠습니다.": "I'll personally see this through to the end.",
    "말을 끊거나 '진정하세요'라고 하지 마세요.": "Don't interrupt or say 'Calm down'.",
    "변명부터 하지 마세요.": "Don't start with excuses.",
    "목소리가 커지면 다른 고객과 떨어진 곳(또는 전화)으로 옮겨 1:1로 대화하세요.": "If they raise their voice, move away from other customers (or to the phone) and talk one-on-one.",
    "욕설이나 위협으로 번지면 '상스러운/위협하는' 유형의 경고 절차를 따르세요.": "If it turns into swearing or threats, follow the warning steps for the 'Abusive/Threatening' types.",
    "같은 건으로 세 번 이상 연락이 오면 전담자를 지정하세요.": "If they contact us three or more times about the same case, assign a dedicated handler.",
    # Playbooks: abusive
    "욕설이나 모욕을 하는 고객입니다. 직원 보호가 먼저입니다.": "Swears at or insults staff. Protecting staff comes first.",
    "불편하신 점을 정확히 도와드리고 싶습니다. 어떤 점이 문제였을까요?": "I want to help you with exactly what went wrong. What was the problem?",
    "원활한 상담을 위해 욕설은 삼가 주시기 바랍니다.": "Please don't swear, so that we can help you properly.",
    "같이 언성을 높이거나 맞대응하지 마세요.": "Don't raise your voice or hit back.",
    "혼자 참고 넘기지 마세요. 반드시 기록하세요.": "Don't just put up with it alone. Always log it.",
    "즉시 1:1 공간이나 전화로 옮기고, 필요하면 책임자가 함께합니다.": "Move to a private space or the phone at once; a manager joins if needed.",
    "1차: '욕설을 계속하시면 상담을 이어가기 어렵습니다.' 2차: '한 번 더 욕설을 하시면 상담을 종료하겠습니다.'"
    " 이후 상담을 종료할 수 있습니다(기록 필수).": "1st: 'If the swearing continues, I won't be able to carry on helping you.' 2nd: 'If you swear once"
    " more, I will end this conversation.' After that you may end the contact (you must log it).",
    "상담을 종료했다면 전담자에게 넘기고, 해당 직원에게 휴식 시간을 주세요.": "If the contact was ended, hand it to a dedicated handler and give the staff member a break.",
    # Playbooks: threatening
    "법적 조치, 온라인 게시, 폭력을 언급하는 고객입니다. 침착하게, 기록하고, 혼자 대응하지 마세요.": "Mentions legal action, posting online or violence. Stay calm, log everything, and don't handle it"
    " alone.",
    "어떤 조치를 원하시는지 구체적으로 말씀해 주시겠어요?": "Could you tell me specifically what you would like us to do?",
    "말씀하신 내용은 정확히 기록해 책임자에게 전달하겠습니다.": "I'll record exactly what you said and pass it on to a manager.",
    "약속할 수 없는 보상을 약속하지 마세요.": "Don't promise compensation you can't deliver.",
    "위협에 겁먹어 규정을 벗어나지 마세요.": "Don't let threats push you outside the policy.",
    "바로 책임자와 함께 1:1로 대응하고, 신체적 위협이면 보안/경찰에 알리세요.": "Deal with it one-on-one together with a manager right away; for physical threats, call security or"
    " the police.",
    "'위협적인 말씀을 계속하시면 상담을 종료하고 관련 내용을 기록하겠습니다.'": "'If the threats continue, I will end this conversation and make a record of it.'",
    "즉시 전담자를 지정하고, 사건 기록(타임라인)을 증거로 보관하세요.": "Assign a dedicated handler at once and keep the case timeline as evidence.",
    # Playbooks: dishonest
    "사실과 다른 주장을 하는 고객입니다. 비난하지 말고 사실을 확인하세요.": "Makes claims that don't match the facts. Don't accuse; check the facts.",
    "구매하신 날짜와 영수증(주문번호)을 확인할 수 있을까요?": "Could I see the purchase date and your receipt (order number)?",
    "사진을 보내 주실 수 있을까요?": "Could you send us a photo?",
    "확인을 위해 기록을 조회하겠습니다. 잠시만 기다려 주세요.": "Let me check our records. One moment, please.",
    "거짓말이라고 단정하지 마세요.": "Don't assume they are lying.",
    "확인 전에 보상을 약속하지 마세요.": "Don't promise compensation before checking.",
    "증빙을 요청할 때는 다른 고객이 없는 곳에서 하세요.": "Ask for proof away from other customers.",
    "'확인된 사실에 따라 처리됩니다'라고 정중히 안내하세요.": "Politely explain: 'We handle this based on the facts we can confirm.'",
    "반복되면 불량고객(규칙위반형/도둑형) 검토 대상으로 전담자가 맡습니다.": "If it happens again, a dedicated handler takes over and reviews them as a bad customer"
    " (Rule-breaker/Thief).",
    # Playbooks: manipulative
    "직원을 놀리거나 시간을 끄는 고객입니다. 정중하게 대화의 목적으로 돌아가세요.": "Toys with staff or wastes time. Politely bring the conversation back to its purpose.",
    "오늘 어떤 부분을 도와드리면 될까요?": "What can I help you with today?",
    "도움이 필요하신 부분을 말씀해 주시면 바로 처리해 드리겠습니다.": "Tell me what you need help with and I'll take care of it right away.",
    "감정적으로 반응하지 마세요.": "Don't react emotionally.",
    "사적인 질문에 답하지 마세요.": "Don't answer personal questions.",
    "다른 고객 응대에 방해가 되면 별도 시간(전화 예약)으로 옮기세요.": "If it keeps you from serving other customers, move it to another time (a booked call).",
    "'업무와 관계없는 대화는 어렵습니다. 도와드릴 일이 없으시면 상담을 마치겠습니다.'": "'I can't continue a conversation that isn't about our service. If there's nothing I can help with,"
    " I'll end here.'",
    "반복되면 전담자를 지정하세요.": "If it happens again, assign a dedicated handler.",
    # Playbooks: excessive demands
    "규정을 크게 넘는 보상이나 특별대우를 요구하는 고객입니다. 할 수 있는 것을 분명히 제시하세요.": "Demands compensation or special treatment far beyond the policy. Be clear about what you can offer.",
    "어떤 방식으로 해결되기를 원하시는지 말씀해 주시겠어요?": "How would you like us to resolve this?",
    "규정상 가능한 방법은 이것과 이것입니다. 이 중에서 선택하실 수 있습니다.": "Under our policy we can offer this or this. You're welcome to choose either.",
    "즉석에서 규정 밖의 보상을 약속하지 마세요.": "Don't promise compensation outside the policy on the spot.",
    "'안 됩니다'로만 끝내지 마세요.": "Don't stop at 'No'.",
    "다른 고객이 듣는 곳에서 협상하지 마세요.": "Don't negotiate where other customers can hear.",
    "'요구하신 내용은 규정상 어렵습니다. 책임자 검토가 필요하면 절차를 안내해 드리겠습니다.'": "'Our policy doesn't allow what you've asked for. If you'd like a manager to review it, I'll explain"
    " the process.'",
    "책임자 검토가 필요하면 전담자를 지정하세요.": "If a manager review is needed, assign a dedicated handler.",
    # Case page
    "기한 초과": "Overdue",
    "첫 응답 기한": "First response due",
    "해결 기한": "Resolution due",
    "응대 단계": "Steps",
    "고객이 한 말을 그대로 적으세요": "Write down exactly what the customer said",
    "고객에게 다시 말한 요약과 고객의 동의": "Your summary back to the customer, and their agreement",
    "예: 불편을 드려 정말 죄송합니다": "e.g. I'm so sorry for the trouble",
    "완료로 기록": "Mark done",
    "해결 (변명 없이)": "Resolve (no excuses)",
    "아직 기록하지 않은 필수 단계가 있습니다.": "Some required steps are not recorded yet.",
    "필수 단계 생략 사유(매니저)": "Reason for skipping required steps (manager)",
    "해결로 기록": "Mark resolved",
    "사후 확인: 만족도": "Follow-up: satisfaction",
    "앞으로도 계속 이용하시겠어요?": "Will you stay with us?",
    "무응답": "No answer",
    "고객의 말": "Customer's comment",
    "만족도": "Satisfaction",
    "경과": "Timeline",
    "응대 안내": "Playbook",
    "물어볼 것": "Ask",
    "이렇게 말하세요": "Say",
    "하지 마세요": "Don't",
    "1:1로 옮기기": "Move to one-on-one",
    "정중한 경고": "Polite warning",
    "담당자 지정": "Set assignee",
    "지정": "Assign",
    "분류 / 담당 프로세스": "Category / owning process",
    "분류 변경": "Change category",
    "이관 사유": "Handoff reason",
    "팀 이관": "Hand off to team",
    "까다로운 고객 / 직원 보호": "Difficult customer / staff protection",
    "유형 지정": "Set type",
    "고객에게 한 경고 문구": "Warning, as said to the customer",
    "정중한 경고 기록": "Log warning",
    "상담을 종료한 이유": "Why the contact was ended",
    "상담 종료 · 전담자에게 넘기기": "End contact · hand to dedicated handler",
    "고객 응답 대기(기한 정지)": "Wait for customer (pause SLA)",
    "처리 재개": "Resume",
    "부서 간 이관": "Handoffs between teams",
    "내부 기한": "Internal due",
    "인수": "Accept",
    "초과": "Late",
    "인수 대기": "Awaiting acceptance",
    "이관 기록이 없습니다.": "No handoffs.",
    # Queue and board
    "해당하는 건이 없습니다.": "No matching cases.",
    "선택한 건 배정": "Assign selected to",
    "일괄 배정": "Assign",
    "VOC 현황": "VOC overview",
    "작업함": "Queue",
    "내 건": "My cases",
    "우리 팀": "My team",
    "미배정": "Unassigned",
    "기한 임박": "Due soon",
    "침묵하는 불만 고객": "Silent unhappy customers",
    "불량고객 검토": "Bad-customer review",
    "고객 대기": "Waiting on customer",
    "기한 초과(처리 중)": "Overdue (open)",
    "최근 30일 접수 / 해결": "Opened / resolved, last 30 days",
    "사후 만족도(30일)": "Follow-up satisfaction (30 days)",
    "회복 비용(30일)": "Recovery cost (30 days)",
    "재오픈": "Reopened",
    "부서 간 이관 기준 준수": "Handoffs on time",
    "주별 접수 (13주)": "Cases per week (13 weeks)",
    "많이 접수된 분류 (30일)": "Top categories (30 days)",
    "팀별 처리 중 / 기한 초과": "Open / overdue by team",
    "재발 방지 조치": "Preventing recurrence",
    "평소보다 늘어난 불만이 없습니다.": "No complaints above their usual level.",
    "까다로운 고객 응대(90일)": "Difficult customers handled (90 days)",
    "VOC 작업함": "VOC queue",
    "지금 필터 저장": "Save current filters",
    "예: 배송 긴급 건": "e.g. Urgent delivery cases",
    # Bad-customer review
    "퇴출은 근거가 있는 검토 결정입니다. 제안 → 고객에게 절차 사전 안내 → 다른 매니저의 승인. 전담자가 지정되고,"
    " 고객 화면과 모든 VOC 건에 상태가 표시되며, 사유와 함께 해제할 수 있습니다. 몰래 하는 블랙리스트는 없습니다.": "An exit is a reviewed decision backed by evidence: proposal → the customer is told the procedure in"
    " advance → approval by another manager. A dedicated handler is assigned, the status shows on the"
    " customer page and on every VOC case, and it can be lifted with a reason. There is no secret blacklist.",
    "퇴출 제안 사유": "Reason for proposing an exit",
    "퇴출 제안(전담자 지정)": "Propose exit (assign handler)",
    "안내 방법(예: 등기우편)": "How notified (e.g. registered mail)",
    "고객에게 절차 안내함": "Customer told the procedure",
    "검토 의견": "Review note",
    "승인": "Approve",
    "반려": "Reject",
    "해제 사유": "Reason for lifting",
    # Public feedback page
    "고객의 소리": "Customer feedback",
    "접수되었습니다. 접수번호 %(number)s로 담당 부서에서 연락드리겠습니다.": "Thank you, we've received it. The team in charge will contact you about case %(number)s.",
    "불편하셨던 점, 궁금한 점, 칭찬하고 싶은 점을 알려 주세요. 담당 부서로 바로 전달됩니다.": "Tell us about a problem, a question or something we did well. It goes straight to the team in charge.",
    "보내기": "Send",
    # Silent unhappy customers
    "최근 90일에 나쁜 경험(약속 불이행, 환불·반품, 낮은 만족도)을 했지만 불만을 말하지 않은 고객입니다."
    " 말하지 않는 고객은 3명 중 1명만 돌아옵니다. 먼저 연락하세요.": "Customers who had a bad experience in the last 90 days (a broken promise, a refund or return, low"
    " satisfaction) but did not complain. Only 1 in 3 customers who stay silent comes back. Reach out first.",
    "나쁜 경험": "Bad experience",
    "최근": "Latest",
    "먼저 연락(VOC 접수)": "Reach out (new VOC case)",
    # Messages
    "배정할 건과 담당자를 선택하세요.": "Choose the cases and an assignee.",
    "%(n)s건을 배정했습니다.": "Cases assigned: %(n)s.",
    "필터를 저장했습니다.": "Filter saved.",
    "알 수 없는 작업입니다.": "Unknown action.",
    "권한이 없습니다.": "You don't have permission.",
    "단계를 기록했습니다.": "Step recorded.",
    "담당자를 지정했습니다.": "Assignee set.",
    "다른 팀으로 이관했습니다.": "Handed off to the other team.",
    "이관을 인수했습니다.": "Handoff accepted.",
    "분류를 바꿨습니다.": "Category changed.",
    "유형별 응대 안내를 확인하세요.": "See the playbook for this type.",
    "정중한 경고를 기록했습니다.": "Warning logged.",
    "상담을 종료하고 전담자에게 넘겼습니다. 잠시 쉬세요.": "Contact ended and handed to the dedicated handler. Take a short break.",
    "해결로 기록했습니다. 사후 확인을 잊지 마세요.": "Marked resolved. Don't forget to follow up.",
    "종결했습니다.": "Case closed.",
    "불만족 응답으로 재오픈되었습니다.": "Reopened: the customer is not satisfied.",
    "사후 만족도를 기록했습니다.": "Follow-up satisfaction recorded.",
    "고객 응답 대기로 바꿨습니다(기한 정지).": "Waiting on customer (SLA paused).",
    "처리를 재개했습니다.": "Resumed.",
    "불량고객 주의 기록을 남겼습니다. 고객 화면과 모든 VOC 건에 표시됩니다.": "Customer flagged. The flag shows on the customer page and on every VOC case.",
    "처리했습니다.": "Done.",
    # Loyalty value page (dangol/loyalty/en_strings.py is owned elsewhere; move these there when convenient)
    "2:8 집중 곡선": "80/20 concentration curve",
    "가로: 가치 순으로 줄 세운 고객 비율, 세로: 그 고객들이 차지하는 비중": "Across: share of customers, ranked by value; up: their share of the total",
    "RFM 격자 (최근성 R × 빈도·금액 FM)": "RFM grid (recency R × frequency/monetary FM)",
    "코호트 재구매율 (첫 구매 월 기준)": "Cohort repurchase rate (by first-purchase month)",
    "첫 구매 월": "First-purchase month",
    "3R": "3R",
    "관련 판매(첫 구매 카테고리 밖의 매출 비중)": "Related sales (revenue share outside the first-purchase category)",
    "여러 카테고리 구매 고객": "Multi-category buyers",
    "최근 월 유지율": "Latest monthly retention",
    "과거 매출": "Past revenue",
    "예측 CLV": "Predicted CLV",
    "균등": "Equal share",
}

# Intent and emotion read from the text (dangol/web/templatetags/dangol.py: reading_label).
EN.update(
    {
        "불만": "Complaint",
        "문의": "Inquiry",
        "구매": "Purchase",
        "갱신/재구매": "Renewal",
        "해지/취소": "Cancellation",
        "칭찬": "Praise",
        "분노": "Anger",
        "실망": "Disappointment",
        "불안": "Anxiety",
        "중립": "Neutral",
    }
)

# The customer's 360 timeline (dangol/voc/selectors.py: case_timeline_entries, flag_timeline_entries).
EN.update(
    {
        "VOC": "VOC",
        "VOC 접수: %(title)s": "VOC opened: %(title)s",
        "VOC 해결: %(title)s": "VOC resolved: %(title)s",
        "VOC 종결: %(title)s": "VOC closed: %(title)s",
        "VOC 재오픈: %(title)s": "VOC reopened: %(title)s",
        "불량고객 지정 검토: %(type)s": "Flagged as a bad customer, under review: %(type)s",
        "불량고객 퇴출 제안: %(type)s": "Exit proposed: %(type)s",
        "퇴출 절차 고객 안내: %(type)s": "Customer told of the exit process: %(type)s",
        "불량고객 퇴출 승인: %(type)s": "Exit approved: %(type)s",
        "불량고객 퇴출 반려: %(type)s": "Exit rejected: %(type)s",
        "불량고객 지정 해제: %(type)s": "Bad-customer flag lifted: %(type)s",
        "불량고객 기록: %(type)s": "Bad-customer record: %(type)s",
    }
)

# Who raised a case, and the callback number (dangol/voc/models.py Case.origin, Case.callback_phone).
EN.update(
    {
        "접수 주체": "Raised by",
        "고객 접수": "Raised by the customer",
        "시스템 자동 접수": "Opened by the system",
        "고객이 직접 접수하지 않은 건입니다.": "The customer did not raise this case themselves.",
        "회신 전화번호": "Callback number",
        "고객이 이 번호로 연락받기를 원할 때 적으세요. 화면에는 가려서 보입니다.": (
            "Fill in when the customer wants to be called back on this number. It is shown masked."
        ),
        "번호 보기 (열람이 기록됩니다)": "Show the number (the view is logged)",
        "개인정보 원문 열람이 기록되었습니다.": "This view of personal data has been logged.",
        "비워서 저장하면 지워집니다.": "Save it empty to remove it.",
        "회신 전화번호를 저장했습니다.": "Callback number saved.",
    }
)

# The public form's guards and an unlinked case's contact (dangol/voc/intake.py, dangol/voc/display.py).
EN.update(
    {
        "이 칸은 비워 두세요": "Leave this field empty",
        "휴대전화 번호를 확인해 주세요.": "Please check the mobile number.",
        "연락처 보기 (열람이 기록됩니다)": "Show contact details (this view is logged)",
        "연락처가 같은 고객입니다. 같은 사람인지 확인한 뒤 연결하세요.": (
            "Customers with the same contact details. Make sure it is the same person before linking."
        ),
        "이 고객과 연결": "Link to this customer",
        "연락처 원문 포함": "With full contact details",
    }
)

# SLA targets in hours and minutes (admin site)
EN.update(
    {
        "시간": "hours",
        "분": "minutes",
        "첫 응답 목표": "First response target",
        "업무시간 기준": "In business hours",
        "해결 목표": "Resolution target",
        "사전 경고": "Early warning",
        "기한이 이만큼 남았을 때 담당자에게 알립니다.": "The handler is alerted when this much time is left.",
        "0보다 긴 시간을 입력하세요.": "Enter a time longer than zero.",
        "해결 목표는 첫 응답 목표보다 짧을 수 없습니다.": "The resolution target cannot be shorter than the first response target.",
        "%(h)d시간 %(m)d분": "%(h)dh %(m)dmin",
        "%(h)d시간": "%(h)dh",
        "%(m)d분": "%(m)dmin",
    }
)

# The one-line explanation under "부서 간 이관 기준 준수" on the board (issue 13)
EN.update(
    {
        "최근 30일 다른 부서로 넘긴 건 중 받는 부서가 내부 기준 시간 안에 넘겨받은 비율": (
            "Of the cases handed to another department in the last 30 days, the share it took over within the "
            "internal time limit"
        ),
    }
)

# Messages to the customer from a case, and the exit notice (issue 14)
EN.update(
    {
        "고객에게 답변 보내기": "Send a reply to the customer",
        "고객에게 보낼 답변": "Reply to send to the customer",
        "이메일로 접수한 건은 이메일로, 그 밖에는 문자로 보냅니다. 보낸 답변은 경과에 기록됩니다.": (
            "Cases that came by e-mail are answered by e-mail, the others by text message. "
            "The reply sent is recorded on the timeline."
        ),
        "답변 보내기": "Send reply",
        "고객에게 답변을 보냈습니다. 발송 결과는 메시지 발송함에서 볼 수 있습니다.": (
            "Reply sent to the customer. Its delivery shows in the outbox."
        ),
        "안내문을 문자/이메일로 보내고 증거로 보관": "Send the notice by text or e-mail and keep it as evidence",
        "다른 안내 방법(예: 등기우편)": "Other way of notice (e.g. registered mail)",
        "보낸 안내문": "Notice sent",
    }
)

# The agent's day (issue 13): working a case, the follow-up before closing, replies and their templates
# (dangol/voc/templates/voc/_case_live.html, new.html, replies.html, reply_edit.html; dangol/voc/reply_views.py).
EN.update(
    {
        "접수할 때 적은 고객의 말입니다. 맞는지 확인하고 고치세요.": (
            "The customer's words as taken down when the case was opened. Check them and correct if needed."
        ),
        "사후 확인(만족도)을 기록하면 종결할 수 있습니다. 고객과 연락이 닿지 않으면 매니저에게 요청하세요.": (
            "Record the follow-up (satisfaction) to close the case. If the customer cannot be reached, ask a manager."
        ),
        "사후 확인 없이 종결하는 사유(매니저)": "Reason for closing without the follow-up (manager)",
        "이 답변으로 응대 기록": "Record this reply",
        "고객에게 한 답변": "Reply given to the customer",
        "답변 기록": "Record reply",
        "답변을 기록했습니다.": "Reply recorded.",
        "답변 문안 관리": "Manage reply templates",
        "고객의 말에서 읽은 내용입니다. 맞는지 확인하고 고치세요.": (
            "Read from the customer's words. Check and correct before saving."
        ),
        "추천 분류": "Suggested category",
        "검색어(쉼표로 구분)": "Keywords (comma-separated)",
        "예: 택배, 도착, 늦게": "e.g. parcel, arrival, late",
        "모든 의도": "Any intent",
        "모든 감정": "Any emotion",
        "{issue} 자리에는 고객의 용건(분류나 읽어 낸 핵심어)이 들어갑니다.": (
            "{issue} is replaced by the customer's matter (the category or the keywords read from the text)."
        ),
        "답변 문안을 저장했습니다. 상담 화면에 바로 쓰입니다.": "Reply template saved. The case screen uses it now.",
        "다시 사용합니다.": "In use again.",
        "사용을 멈췄습니다. 기록은 남아 있습니다.": "No longer in use. It is kept for the record.",
        "상담 화면은 고객의 말에서 읽은 의도와 감정에 맞는 문안을 제안합니다(의도·감정이 모두 맞는 문안 → 의도만 맞는 문안 → 기본 문안). 감정을 먼저 받아 주고, 그다음 상황을 말하세요.": (
            "The case screen suggests the template matching the intent and emotion read from the customer's words "
            "(intent and emotion → intent only → the general one). Acknowledge the feeling first, then the situation."
        ),
        "문안 추가": "Add template",
        "문안이 없습니다.": "No templates.",
        "답변 문안 고치기": "Edit reply template",
        "사용 중": "In use",
        "사용 안 함": "Not in use",
        "사용 멈추기": "Stop using",
        "다시 사용": "Use again",
    }
)

# Error messages (dangol/voc/business_time.py, the text commands)
EN.update(
    {
        "여는 시각은 닫는 시각보다 앞서야 합니다.": "The opening time must be before the closing time.",
        "점심시간은 영업시간 안에 있어야 합니다.": "The lunch break must fall within business hours.",
        "영업일이 하루 이상 있어야 합니다.": "There must be at least one working day.",
        "영업일을 찾을 수 없습니다(휴일 설정을 확인하세요).": "No working day found (check the holiday settings).",
        "dangol.textmining 라이브러리가 없습니다.": "The dangol.textmining library is not installed.",
        "--folds 는 2 이상이어야 합니다.": "--folds must be 2 or more.",
    }
)

# Board: repurchase after a bad experience, due soon / overdue (issue 13, numbers a manager can trust)
EN.update(
    {
        "나쁜 경험 뒤 재구매 (90일)": "Buying again after a bad experience (90 days)",
        "%(start)s ~ %(end)s에 불만을 접수했거나 나쁜 경험(약속 불이행, 환불, 낮은 만족도)을 한 고객이 해결(없으면 "
        "접수·경험) 뒤 90일 안에 다시 주문했는지 봅니다. 90일이 지난 고객만 셉니다. 고객마다 기간 안 첫 불만 하나로 "
        "묶고, 그 전 1년 안에 산 적이 있는 고객만 셉니다. 비교 집단은 같은 기간에 나쁜 경험이 없던 고객의 기간 끝 뒤 "
        "90일입니다.": (
            "Customers who complained or had a bad experience (a broken promise, a refund, a low score) between "
            "%(start)s and %(end)s: did they order again within 90 days of the resolution (or, without one, of the "
            "complaint or experience)? Only customers whose 90 days have passed count, each once by their first "
            "complaint in the period, and only those who had bought in the year before. The comparison group is "
            "customers with no bad experience in the period, over the 90 days after it."
        ),
        "집단별 90일 재구매율과 95%% 신뢰구간": "90-day repurchase rate by group with 95%% confidence intervals",
        "집단": "Group",
        "고객 수": "Customers",
        "다시 산 고객": "Bought again",
        "재구매율": "Repurchase rate",
        "95%% 신뢰구간": "95%% interval",
        "자료(001)": "Source (001)",
        "자료(001): 불만이 해결되면 불만 고객의 80%%가 남고, 만족스럽게 해결되면 54%%가 다시 삽니다. 침묵하는 불만 "
        "고객은 3분의 1만 돌아옵니다. 신뢰구간은 Wilson 방식이며, 고객 수가 적으면 구간이 넓어 믿기 어렵습니다.": (
            "Source (001): when their complaint is resolved, 80%% of dissatisfied customers stay; resolved to their "
            "satisfaction, 54%% buy again; of the silent dissatisfied only a third come back. Intervals are Wilson "
            "intervals; with few customers they are wide and the rate is not to be trusted."
        ),
        "90일 안에 다시 산 고객의 비율": "Share who bought again within 90 days",
        "만족스럽게 해결": "Resolved to their satisfaction",
        "해결(만족 확인 없음)": "Resolved (satisfaction not confirmed)",
        "미해결": "Unresolved",
        "나쁜 경험 없음(비교)": "No bad experience (comparison)",
        "유형": "Type",
        "비워 두면 불만·문의에 적용됩니다. 칭찬·제안은 그 유형을 고른 정책이 있을 때만 기한이 생깁니다.": (
            "Left empty, the policy covers complaints and inquiries. Praise and suggestions get due times only "
            "from a policy for their type."
        ),
        "주의 지정": "Flagged",
        "퇴출 제안": "Exit proposed",
        "고객에게 절차 안내": "Customer told the procedure",
        "고객 기록 병합": "Customer records merged",
        "고객 기록 병합 취소": "Customer merge undone",
        "%(name)s 전반": "%(name)s (general)",
    }
)

# The public form and the staff case forms (issue 13, the agent on a phone)
EN.update(
    {
        "어떤 일인가요?": "What is it about?",
        "고르신 내용을 맡은 부서로 바로 전달됩니다.": "It goes straight to the department in charge of what you pick.",
        "골라 주세요": "Please choose",
        "휴대전화 번호를 확인해 주세요(예: 010-1234-5678).": "Please check the mobile number (e.g. 010-1234-5678).",
        "접수되었습니다. 알려 주셔서 고맙습니다.": "Received. Thank you for telling us.",
        "담당 부서에서 확인한 뒤 남겨 주신 연락처로 답변드립니다. 다시 문의하실 때 접수번호를 알려 주세요.": (
            "The department in charge will look into it and reply to the contact you left. Please quote the case "
            "number if you get in touch again."
        ),
        "다른 내용 보내기": "Send something else",
        "접점 모름": "Touchpoint unknown",
        "분류 없음(나중에 지정)": "No category (set it later)",
        "이관할 팀": "Team to hand over to",
    }
)

# Error messages raised to the user (services, views, commands).
EN.update(
    {
        "감정을 목록에서 고르세요.": "Choose an emotion from the list.",
        "검토 의견을 기록하세요.": "Record your review comment.",
        "고객 반응 값이 올바르지 않습니다.": "The customer reaction value is not valid.",
        "고객과 연결된 건에서만 약속을 기록할 수 있습니다.": "Promises can be recorded only on a case linked to a customer.",
        "고객에게 다시 말한 내용(요약)과 고객의 동의를 기록하세요.": "Record what you said back to the customer (a summary) and the customer's agreement.",
        "고객에게 절차를 먼저 안내한 뒤 승인할 수 있습니다.": "Tell the customer about the procedure before approving.",
        "고객에게 한 경고 문구를 기록하세요.": "Record the warning given to the customer.",
        "고객에게 한 답변을 적으세요.": "Write the reply given to the customer.",
        "고객을 선택하거나 연락처를 입력하세요.": "Choose a customer or enter contact details.",
        "고객이 한 말을 그대로 기록하세요.": "Record what the customer said, word for word.",
        "그 전화번호의 고객이 없습니다.": "No customer has that phone number.",
        "근거를 구체적으로(10자 이상) 기록하세요.": "Record the evidence in detail (at least 10 characters).",
        "기한을 입력하세요.": "Enter a due date.",
        "다른 직원(전담자)에게 넘겨야 합니다.": "Hand the case to another staff member (a dedicated handler).",
        "다른 직원이 먼저 이 건을 수정했습니다. 새로 고친 뒤 다시 시도하세요.": "Another staff member changed this case first. Reload and try again.",
        "다시 여는 사유를 입력하세요.": "Enter a reason for reopening.",
        "답변 문안은 %(max_length)s자 이내로 적어 주세요.": "Keep the reply text within %(max_length)s characters.",
        "답변 문안을 입력하세요.": "Enter the reply text.",
        "답변을 보낼 수 없습니다: %(blocked_reason)s": "The reply cannot be sent: %(blocked_reason)s",
        "대기 중인 건이 아닙니다.": "The case is not on hold.",
        "만족도는 1~5 사이여야 합니다.": "Satisfaction must be between 1 and 5.",
        "병합된 고객에게는 연결할 수 없습니다.": "A case cannot be linked to a merged customer.",
        "보상 비용과 포인트는 0 이상이어야 합니다.": "Compensation cost and points must be 0 or more.",
        "분류를 선택하세요.": "Choose a category.",
        "사후 확인 없이 종결하는 사유를 입력하세요.": "Enter a reason for closing without a follow-up.",
        "사후 확인(고객 만족도)을 기록한 뒤에 종결할 수 있습니다. 고객과 연락이 닿지 않으면 매니저가 사유를 적고 종결합니다.": "Record the follow-up (customer satisfaction) before closing. If the customer cannot be reached, a manager closes the case with a reason.",
        "상담을 종료한 이유를 기록하세요.": "Record why the contact was ended.",
        "안내문을 보낼 수 없습니다: %(blocked_reason)s": "The notice cannot be sent: %(blocked_reason)s",
        "알 수 없는 VOC 유형입니다: %(kind)s": "Unknown VOC type: %(kind)s",
        "알 수 없는 단계입니다: %(step)s": "Unknown step: %(step)s",
        "알 수 없는 분류입니다: %(category_code)s": "Unknown category: %(category_code)s",
        "알 수 없는 불량고객 유형입니다.": "Unknown bad-customer type.",
        "알 수 없는 우선순위입니다.": "Unknown priority.",
        "알 수 없는 우선순위입니다: %(priority)s": "Unknown priority: %(priority)s",
        "알 수 없는 유형입니다.": "Unknown type.",
        "알 수 없는 접수 주체입니다: %(origin)s": "Unknown origin: %(origin)s",
        "알 수 없는 접수 채널입니다: %(channel)s": "Unknown channel: %(channel)s",
        "앞 단계를 먼저 기록하세요: %(labels)s": "Record the earlier steps first: %(labels)s",
        "어떻게 안내했는지 기록하세요(예: 등기우편, 전화).": "Record how the customer was told (e.g. registered mail, phone).",
        "의도를 목록에서 고르세요.": "Choose an intent from the list.",
        "의도와 감정을 목록에서 고르세요.": "Choose an intent and an emotion from the list.",
        "이 건에는 고객 연락처가 없어 답변을 보낼 수 없습니다. 고객을 연결하거나 연락처를 입력하세요.": "This case has no customer contact details, so no reply can be sent. Link a customer or enter contact details.",
        "이 건을 처리할 권한이 없습니다(다른 팀 담당).": "You are not allowed to handle this case (another team owns it).",
        "이관 사유를 입력하세요.": "Enter a reason for the handoff.",
        "이관할 팀을 선택하세요.": "Choose the team to hand over to.",
        "이미 고객과 연결된 건입니다.": "The case is already linked to a customer.",
        "이미 기록된 단계입니다.": "This step has already been recorded.",
        "이미 다른 단계로 처리된 기록입니다.": "This flag has already moved to another stage.",
        "이미 이 팀이 담당하고 있습니다.": "This team already owns the case.",
        "이미 종결된 건입니다.": "The case is already closed.",
        "이미 진행 중인 기록이 있습니다.": "An open flag already exists.",
        "이미 해결되었거나 종결된 건입니다.": "The case is already resolved or closed.",
        "인수할 이관 기록이 없습니다.": "There is no handoff to accept.",
        "전담자를 선택하세요.": "Choose a dedicated handler.",
        "제안한 사람이 아닌 다른 매니저가 검토해야 합니다.": "A manager other than the proposer must review it.",
        "종결되었거나 해결된 건입니다. 다시 연 뒤에 답변을 기록하세요.": "The case is closed or resolved. Reopen it before recording a reply.",
        "종결된 건입니다.": "The case is closed.",
        "중괄호는 {issue}(고객의 용건)에만 쓸 수 있습니다.": "Braces may be used only for {issue} (the customer's issue).",
        "직원을 선택하세요.": "Choose a staff member.",
        "처리 중인 건만 대기로 바꿀 수 있습니다.": "Only a case in progress can be put on hold.",
        "퇴출 검토는 매니저만 할 수 있습니다.": "Only a manager can review an exit.",
        "퇴출을 제안하는 이유를 기록하세요.": "Record why you propose an exit.",
        "필수 단계(%(labels)s)를 생략하는 사유를 입력하세요.": "Enter a reason for skipping the required steps (%(labels)s).",
        "필수 단계를 먼저 기록하세요: %(labels)s. 생략하려면 매니저의 승인이 필요합니다.": "Record the required steps first: %(labels)s. Skipping them needs a manager's approval.",
        "해결 방법을 선택하세요.": "Choose a resolution.",
        "해결 처리한 뒤에 종결할 수 있습니다.": "Resolve the case before closing it.",
        "해결되었거나 종결된 건만 다시 열 수 있습니다.": "Only a resolved or closed case can be reopened.",
        "해결된 건에만 만족도를 기록할 수 있습니다.": "Satisfaction can be recorded only on a resolved case.",
        "해제 사유를 기록하세요.": "Record a reason for lifting the flag.",
    }
)
