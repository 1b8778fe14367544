"""English for the portal's messages (msgid → English); scripts/fill_po.py merges it into the catalogue. The last
entries are the portal-related messages added to dangol/voc (services, the public form's confirmation)."""

EN: dict[str, str | tuple[str, str]] = {
    "고객 셀프서비스": "Portal",
    "인증번호가 맞지 않거나 만료되었습니다. 인증번호를 다시 받아 주세요.": (
        "The code is wrong or has expired. Please ask for a new code."
    ),
    "휴대전화 번호를 010-1234-5678처럼 입력해 주세요.": "Enter your mobile number like 010-1234-5678.",
    "조건 없음(기본 등급)": "no condition (the base tier)",
    " 또는 ": " or ",
    " 그리고 ": " and ",
    "이 결정에 이의가 있거나 사람의 검토를 원하시면 아래에서 '자동화된 결정 설명'을 요청해 주세요.": (
        "If you disagree with this decision or want a person to review it, request an 'explanation of an "
        "automated decision' below."
    ),
    "멤버십 등급 제도가 아직 운영되지 않아 고객님에 대해 자동으로 정한 등급이 없습니다.": (
        "The membership tiers are not in use yet, so no tier has been decided about you automatically."
    ),
    "멤버십 등급은 사람이 고르지 않고, 매월 최근 %(months)s개월 동안의 구매액과 구매한 날 수로 자동 산정합니다.": (
        "Membership tiers are not chosen by a person: every month they are computed automatically from your "
        "spending and the number of days you bought something in the last %(months)s months."
    ),
    "고객님의 현재 등급은 '%(tier)s'입니다. 이 등급의 조건은 %(condition)s입니다.": (
        "Your current tier is '%(tier)s'. Its condition is %(condition)s."
    ),
    "산정에 쓴 고객님의 기록: 구매액 %(spend)s, 구매한 날 %(visits)s일.": (
        "Your figures used: spending %(spend)s, %(visits)s days with a purchase."
    ),
    "구매액 %(amount)s 이상": "spending of at least %(amount)s",
    "구매한 날 %(days)s일 이상": "purchases on at least %(days)s days",
    "다음 등급 '%(tier)s'의 조건은 %(condition)s입니다.": "The next tier, '%(tier)s', needs %(condition)s.",
    "조건에 못 미쳤지만 %(date)s까지는 하향을 유예해 지금 등급을 유지합니다.": (
        "You fell short of the condition, but you keep your tier until %(date)s (grace period)."
    ),
    "마지막 등급 변경: %(date)s %(kind)s('%(tier)s').": "Last tier change: %(date)s %(kind)s ('%(tier)s').",
    "고객 첨부 사진": "Customer photos",
    "셀프서비스 접속": "Portal sessions",
    "JPEG, PNG, WebP 사진만 올릴 수 있습니다. 파일 이름이 아니라 내용으로 확인합니다.": (
        "Only JPEG, PNG and WebP photos can be uploaded. The content is checked, not the file name."
    ),
    "빈 파일입니다.": "The file is empty.",
    "사진은 한 장에 %(mb)sMB까지 올릴 수 있습니다.": "Each photo may be at most %(mb)s MB.",
    "사진 파일이 손상되었거나 완전하지 않습니다.": "The photo file is damaged or incomplete.",
    "로그인 인증번호": "Sign-in codes",
    "고객": "Customer",
    "처리가 완료되었습니다.": "It has been resolved.",
    "종결되었습니다.": "It has been closed.",
    "다시 열렸습니다.": "It was reopened.",
    "처리를 다시 시작했습니다.": "Work on it has resumed.",
    "고객님의 답변을 기다리고 있습니다.": "We are waiting for your answer.",
    "만족도 %(score)s점을 남기셨습니다.": "You rated it %(score)s.",
    "찾을 수 없는 문의입니다.": "Inquiry not found.",
    "이미 만족도를 남기셨습니다. 고맙습니다.": "You have already rated it. Thank you.",
    "문의 유형을 골라 주세요.": "Choose the type of inquiry.",
    "고객님의 주문만 고를 수 있습니다.": "You can only choose your own orders.",
    "여기서 바꿀 수 없는 항목입니다.": "This item cannot be changed here.",
    "사진은 %(n)s장까지 올릴 수 있습니다.": "You can upload up to %(n)s photos.",
    "%(name)s: 사진은 한 장에 5MB까지 올릴 수 있습니다.": "%(name)s: each photo may be at most 5 MB.",
    "보냈습니다. 담당자가 확인하고 답변드리겠습니다.": "Sent. The person in charge will check it and answer you.",
    "평가해 주셔서 고맙습니다.": "Thank you for your rating.",
    "다시 열었습니다. 담당자가 다시 살펴보겠습니다.": "Reopened. The person in charge will look at it again.",
    "찾을 수 없는 사진입니다.": "Photo not found.",
    "분류를 목록에서 골라 주세요.": "Choose a category from the list.",
    "주문을 목록에서 골라 주세요.": "Choose an order from the list.",
    "내려받을 수 있는 열람 자료가 없습니다.": "There is no data ready to download.",
    "찾을 수 없는 글입니다.": "Article not found.",
    "요청을 접수했습니다. 10일 안에 처리 결과를 알려 드립니다.": (
        "Your request was received. We will tell you the result within 10 days."
    ),
    "접수되었습니다. 접수번호 %(number)s": "Received. Case number %(number)s",
    "동의했습니다.": "Consent given.",
    "철회했습니다. 지금부터 적용됩니다.": "Consent withdrawn, effective now.",
    "처리 결과를 메시지로 보내 드립니다.": "We will send you a message with the result.",
    "아직 문의하신 내용이 없습니다.": "You have no inquiries yet.",
    "이 글이 도움이 될 수 있어요": "These articles may help",
    "이 글로 해결됐어요(문의하지 않기)": "This answered my question (don't send the inquiry)",
    "처음으로": "Back to start",
    "'%(title)s' 글로 해결되어 다행입니다. 문의는 접수하지 않았습니다.": (
        "Glad '%(title)s' answered your question. No inquiry was filed."
    ),
    "나": "Me",
    "답변": "Reply",
    "진행 상황": "Progress",
    "사진 %(n)s": "Photo %(n)s",
    "사진 %(n)s장": ("%(n)s photo", "%(n)s photos"),
    "내 메뉴": "My menu",
    "처음": "Start",
    "내 문의": "My inquiries",
    "새 문의": "New inquiry",
    "내 혜택": "My benefits",
    "수신 동의": "Consents",
    "내 정보": "My data",
    "로그아웃": "Sign out",
    "사용 가능 포인트": "Available points",
    "곧 소멸되는 포인트": "Points expiring soon",
    "없음": "None",
    "멤버십 등급": "Membership tier",
    "가장 높은 등급입니다.": "This is the highest tier.",
    "이 등급이 정해진 이유": "Why I have this tier",
    "쿠폰": "Coupons",
    "사용할 수 있는 쿠폰이 없습니다.": "You have no coupons to use.",
    "친구 추천": "Refer a friend",
    "내 추천 코드": "My referral code",
    "아직 추천 코드가 없습니다. 매장이나 고객센터에서 만들어 드립니다.": (
        "You have no referral code yet. A store or the customer centre can make one for you."
    ),
    "%(won)s원 상당": "worth ₩%(won)s",
    "적립 예정 %(p)sP": "%(p)sP pending",
    "%(d)s부터 소멸": "expiring from %(d)s",
    "다음 등급 '%(next)s'까지": "To the next tier, '%(next)s':",
    "구매액 %(won)s원": "spend ₩%(won)s",
    "구매한 날 %(n)s일": "%(n)s more days with a purchase",
    "%(d)s까지 현재 등급이 유지됩니다.": "You keep your current tier until %(d)s.",
    "%(d)s까지": "until %(d)s",
    "추천 보상 %(a)s명 · 첫 구매 기다리는 중 %(b)s명": "Rewarded referrals: %(a)s · awaiting first purchase: %(b)s",
    "처리 결과는 어떠셨나요?": "How was the result?",
    "5점 매우 만족, 1점 매우 불만": "5 very satisfied, 1 very dissatisfied",
    "앞으로도 이용하실 건가요?": "Will you keep using us?",
    "예": "Yes",
    "아니요": "No",
    "한마디(선택)": "A comment (optional)",
    "평가 보내기": "Send rating",
    "추가로 말씀하기": "Add a message",
    "내용": "Message",
    "사진의 촬영 위치 등 부가 정보는 지우고 저장합니다.": (
        "Location and other metadata are removed from photos before they are stored."
    ),
    "보내기": "Send",
    "아직 해결되지 않았나요? 다시 열기": "Not solved yet? Reopen",
    "다시 여는 이유": "Why are you reopening it?",
    "다시 열기": "Reopen",
    "사진(JPEG·PNG·WebP, 한 장에 5MB, %(max_photos)s장까지)": (
        "Photos (JPEG, PNG or WebP, 5 MB each, up to %(max_photos)s)"
    ),
    "처리 완료 후 %(reopen_days)s일 안에 다시 열 수 있습니다.": (
        "You can reopen it within %(reopen_days)s days of its resolution."
    ),
    "처리 상황": "Progress",
    "이 링크는 이 접수 건만 보여 줍니다. 다른 사람과 나누지 마세요.": (
        "This link shows only this case. Do not share it with anyone."
    ),
    "찾을 수 없습니다": "Not found",
    "링크가 올바르지 않거나 기간이 지났습니다. 접수번호를 알려 주시면 고객센터에서 안내해 드립니다.": (
        "The link is not valid or has expired. Tell the customer centre your case number and they will help."
    ),
    "유형": "Type",
    "분류": "Category",
    "잘 모르겠어요": "Not sure",
    "관련 주문(선택)": "Related order (optional)",
    "주문과 관계없음": "Not about an order",
    "제목": "Title",
    "문의 접수": "Send inquiry",
    "철회는 바로 적용되고, 처리 결과를 메시지로 알려 드립니다.": (
        "A withdrawal takes effect at once, and we send you a message with the result."
    ),
    "동의함": "Given",
    "선택 안 함": "Not chosen",
    "동의 안 함": "Not given",
    "철회": "Withdraw",
    "동의": "Consent",
    "필수 항목(서비스 이용에 필요)": "Required (needed to use the service)",
    "내 개인정보": "My personal data",
    "요청하기": "Make a request",
    "개인정보의 열람, 정정, 삭제, 처리정지, 자동화된 결정에 대한 설명을 요청하실 수 있습니다. 10일 안에 처리 결과를 알려 드립니다.": (
        "You can ask to see, correct or delete your personal data, to stop its processing, or for an "
        "explanation of an automated decision. We answer within 10 days."
    ),
    "요청 종류": "Request",
    "내용(정정은 무엇을 어떻게 고칠지)": "Details (for a correction: what to change and how)",
    "요청 보내기": "Send request",
    "요청 내역": "My requests",
    "사유": "Reason",
    "내 정보 내려받기(JSON)": "Download my data (JSON)",
    "요청하신 내역이 없습니다.": "You have made no requests.",
    "자동화된 결정: 내 멤버십 등급이 정해진 이유": "Automated decision: why I have my membership tier",
    "기한 %(d)s": "due %(d)s",
    "내 페이지": "My page",
    "최근 문의": "Recent inquiries",
    "새로 문의하기": "Ask something new",
    "%(name)s님, 안녕하세요": "Hello, %(name)s",
    "본인 확인": "Verify it's you",
    "내 문의·혜택 보기": "My inquiries and benefits",
    "로그아웃했습니다.": "You have signed out.",
    "입력하신 번호가 등록된 번호이면 인증번호 6자리를 문자로 보냈습니다. 3분 안에 입력해 주세요.": (
        "If the number is registered, we have sent a 6-digit code by text message. Enter it within 3 minutes."
    ),
    "인증번호": "Code",
    "확인": "Confirm",
    "인증번호 다시 받기": "Get a new code",
    "등록하신 휴대전화 번호로 인증번호를 보내 드립니다.": "We will send a code to your registered mobile number.",
    "휴대전화 번호": "Mobile number",
    "인증번호 받기": "Send me a code",
    "로그인하지 않고도 문의를 남길 수 있습니다:": "You can also write to us without signing in:",
    "고객의 소리": "Voice of the customer",
    # dangol/voc (services for the portal, the public form's link)
    "내용을 입력하거나 사진을 첨부해 주세요.": "Write a message or attach a photo.",
    "종결된 건입니다. 다시 열기를 누른 뒤에 내용을 보내 주세요.": (
        "This case is closed. Reopen it, then send your message."
    ),
    "다시 여는 이유를 적어 주세요.": "Say why you are reopening it.",
    "해결된 지 %(days)s일이 지나 다시 열 수 없습니다. 새 문의로 접수해 주세요.": (
        "It was resolved more than %(days)s days ago and can no longer be reopened. Please send a new inquiry."
    ),
    "이 건의 상태가 방금 바뀌었습니다. 새로 고친 뒤 다시 시도해 주세요.": (
        "This case has just changed. Refresh the page and try again."
    ),
    "처리 상황은 아래 링크에서 확인하실 수 있습니다. 이 링크는 이 접수 건만 보여 주며, 다른 사람과 나누지 마세요.": (
        "You can follow its progress at the link below. The link shows only this case; do not share it."
    ),
    "처리 상황 보기": "See progress",
    # Photos re-encoded with Pillow (images.py)
    "사진의 크기(가로×세로)가 너무 큽니다. 가로×세로 %(pixels)s 화소 이하의 사진을 올려 주세요.": (
        "The photo's dimensions are too large. Please upload a photo of at most %(pixels)s pixels (width × height)."
    ),
    # The referral landing page /r/<code>/ (referrals.py, referral_landing.html, referral_thanks.html)
    "이름을 입력해 주세요.": "Please enter your name.",
    "이름은 %(n)s자까지 입력할 수 있습니다.": "A name may be at most %(n)s characters.",
    "이용약관과 개인정보 수집·이용(필수)에 동의해 주셔야 신청할 수 있습니다.": (
        "To sign up, please agree to the terms of use and to the collection and use of personal data (required)."
    ),
    "추천 링크가 올바르지 않습니다.": "The referral link is not valid.",
    "친구 초대": "Invitation from a friend",
    "%(who)s님이 초대했어요": "%(who)s invited you",
    "가입하고 %(won)s원 이상 첫 구매를 하시면 %(p)s포인트를 드립니다.": (
        "Sign up, and your first purchase of ₩%(won)s or more earns you %(p)s points."
    ),
    "포인트는 반품 기간이 지나면 쓸 수 있게 됩니다. 첫 구매를 환불하면 보상도 취소됩니다.": (
        "The points can be used once the return period has passed. Refunding the first purchase cancels the reward."
    ),
    "이용약관에 동의합니다. (필수)": "I agree to the terms of use. (required)",
    "개인정보 수집·이용에 동의합니다. (필수)": "I agree to the collection and use of my personal data. (required)",
    "수집 항목: 이름, 휴대전화 번호 · 목적: 회원 관리와 추천 보상 지급 · 보유 기간: 탈퇴하시거나 3년 동안 이용이 없을 때까지. 동의하지 않으실 수 있으나, 그 경우 가입과 추천 보상이 불가합니다.": (
        "Collected: name, mobile number · Purpose: membership and paying the referral reward · Kept: until you "
        "leave or for 3 years without use. You may refuse, but then you cannot sign up or receive the reward."
    ),
    "할인·이벤트 소식을 문자로 받겠습니다. (선택)": "Send me discounts and event news by text message. (optional)",
    "선택 항목은 동의하지 않아도 가입과 추천 보상에 영향이 없으며, 언제든 철회할 수 있습니다.": (
        "Optional consents do not affect signing up or the reward, and you can withdraw them at any time."
    ),
    "가입하고 혜택 받기": "Sign up and get the benefit",
    "추천 링크가 올바르지 않거나 더 이상 쓸 수 없습니다. 링크를 보낸 분께 다시 확인해 주세요.": (
        "The referral link is not valid or no longer in use. Please check with the person who sent it."
    ),
    "신청을 받았습니다": "Thank you for signing up",
    "처음 가입하신 분이면 %(won)s원 이상 첫 구매 때 %(p)s포인트가 적립됩니다. 이미 회원이신 분은 추천 혜택 대상이 아닐 수 있습니다.": (
        "If you are new, your first purchase of ₩%(won)s or more earns %(p)s points. Existing members may not "
        "qualify for the referral benefit."
    ),
    # My benefits: the referral link and its copy button (benefits.html)
    "내 추천 링크": "My referral link",
    "링크를 복사했습니다.": "Link copied.",
    "복사하지 못했습니다. 링크를 길게 눌러 복사해 주세요.": "Could not copy. Press and hold the link to copy it.",
    "링크 복사": "Copy link",
    "친구가 이 링크로 가입해 첫 구매를 하면 %(p)s포인트를 드립니다. 추천 보상 %(a)s명 · 첫 구매 기다리는 중 %(b)s명": (
        "When a friend signs up with this link and makes a first purchase, you get %(p)s points. Rewarded: %(a)s · "
        "waiting for a first purchase: %(b)s"
    ),
    "아직 추천 링크가 없습니다.": "You have no referral link yet.",
    "내 추천 링크 만들기": "Make my referral link",
}
