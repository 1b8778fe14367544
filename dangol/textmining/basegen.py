"""The seeded generator of the shipped Korean base training set (``data/base.jsonl``).

Messages are assembled from templates and slot fillers across seven domains (retail, delivery, telecom,
insurance, food, health, education), one *context* part carrying the intent and one *feeling* part carrying
the emotion, then roughened the way customers really type: missing spaces, 구어체/반말 endings, ㅠㅠ/ㅋㅋ/!!!,
English loanwords, dropped punctuation. The hand-written messages in ``data/handwritten.jsonl`` are added as
they are. Same seed, same file: ``python -m dangol.textmining.basegen`` rewrites it byte for byte.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

DOMAINS: dict[str, dict[str, list[str]]] = {
    "retail": {
        "item": [
            "운동화",
            "패딩",
            "니트",
            "청바지",
            "가방",
            "원피스",
            "코트",
            "셔츠",
            "후드티",
            "지갑",
            "선글라스",
            "에어팟 케이스",
            "무선청소기",
            "전기포트",
            "노트북",
            "블루투스 스피커",
            "냄비 세트",
            "텀블러",
            "아이패드 케이스",
            "쇼파",
            "책상",
            "매트리스",
            "커튼",
            "립스틱",
            "선크림",
            "스킨케어 세트",
        ],
        "staff": ["매장 직원분", "점원", "매니저님", "캐셔분", "상담원분"],
        "place": ["매장", "온라인몰", "앱", "쇼핑몰", "지점", "아울렛"],
        "plan": ["VIP 멤버십", "유료 멤버십", "정기구독", "프리미엄 회원"],
    },
    "delivery": {
        "item": [
            "택배",
            "소포",
            "주문한 물건",
            "박스",
            "배송 상품",
            "반품 상품",
            "새벽배송 상품",
            "로켓배송 상품",
        ],
        "staff": ["택배 기사님", "배송 기사님", "기사님", "배달원", "라이더님"],
        "place": ["물류센터", "택배사", "고객센터", "배송 앱", "편의점 택배"],
        "plan": ["정기배송", "새벽배송 멤버십", "무료배송 멤버십", "구독배송"],
    },
    "telecom": {
        "item": [
            "인터넷",
            "와이파이",
            "휴대폰",
            "유심",
            "IPTV",
            "셋톱박스",
            "공유기",
            "5G 요금제",
            "알뜰폰",
            "갤럭시",
        ],
        "staff": ["설치 기사님", "상담원", "대리점 직원", "AS 기사님", "콜센터 직원"],
        "place": ["대리점", "고객센터", "통신사 앱", "직영점"],
        "plan": [
            "인터넷 약정",
            "휴대폰 약정",
            "요금제",
            "결합상품",
            "인터넷+TV 결합",
            "데이터 무제한 요금제",
        ],
    },
    "insurance": {
        "item": [
            "실손보험",
            "자동차보험",
            "암보험",
            "치아보험",
            "운전자보험",
            "여행자보험",
            "태아보험",
            "펫보험",
        ],
        "staff": ["설계사님", "보상 담당자", "상담원", "담당 FP", "손해사정사"],
        "place": ["보험사", "고객센터", "보험 앱", "지점"],
        "plan": ["자동차보험", "실손보험", "종신보험", "운전자보험", "화재보험", "펫보험"],
    },
    "food": {
        "item": [
            "치킨",
            "피자",
            "떡볶이",
            "족발",
            "짜장면",
            "케이크",
            "도시락",
            "샐러드",
            "커피",
            "마라탕",
            "초밥",
            "밀키트",
            "반찬",
            "빵",
            "김밥",
        ],
        "staff": ["사장님", "알바생", "배달 기사님", "직원분", "점장님"],
        "place": ["가게", "매장", "식당", "카페", "배달앱", "빵집"],
        "plan": ["반찬 정기배송", "샐러드 구독", "커피 구독", "밀키트 정기배송"],
    },
    "health": {
        "item": [
            "건강검진",
            "진료 예약",
            "처방약",
            "영양제",
            "PT",
            "필라테스",
            "치과 치료",
            "물리치료",
            "안경",
            "렌즈",
        ],
        "staff": ["간호사님", "원장님", "트레이너", "약사님", "접수 직원", "의사 선생님"],
        "place": ["병원", "헬스장", "약국", "치과", "한의원", "필라테스 센터", "안경원"],
        "plan": ["헬스 회원권", "PT 10회권", "필라테스 회원권", "건강검진 패키지", "요가 정기권"],
    },
    "education": {
        "item": [
            "수학 학원",
            "영어 회화",
            "온라인 강의",
            "토익반",
            "코딩 수업",
            "학습지",
            "피아노 레슨",
            "인강",
        ],
        "staff": ["선생님", "강사님", "상담 실장님", "원장님", "튜터"],
        "place": ["학원", "교육센터", "인강 사이트", "어학원"],
        "plan": ["수강권", "학원 수강", "학습지 구독", "온라인 강의 이용권", "영어 회화 과정"],
    },
}

COMPLAINT_CTX = [
    "{item} 주문했는데 {n}일째 안 와요",
    "{item}이 파손된 채로 왔어요",
    "받은 {item}이 불량이에요",
    "주문한 거랑 다른 {item}이 왔어요",
    "{item} 하나가 누락돼서 왔네요",
    "{staff} 태도가 너무 불친절했어요",
    "{place}에 전화했는데 {n}번이나 연결이 안 돼요",
    "요금이 {n}만원이나 더 청구됐어요",
    "{item} 산 지 {n}일 만에 고장났어요",
    "환불해준다고 해놓고 {n}주째 소식이 없네요",
    "{staff}가 약속한 시간에 안 왔어요",
    "{item} 사진이랑 실물이 완전 달라요",
    "결제가 두 번 됐어요",
    "{item} 상태가 엉망이에요",
    "{place}에서 안내를 잘못 해줘서 손해를 봤어요",
    "AS 맡긴 {item}이 아직도 안 왔어요",
    "{item}에서 이상한 냄새가 나요",
    "{staff}가 반말하고 무시했어요",
    "배송완료라고 떴는데 {item}을 못 받았어요",
    "교환 요청한 지 {n}일이 지났는데 처리가 안 됐어요",
    "{place} 대기 시간이 {n}시간이 넘었어요",
    "{item} 설명이랑 성능이 너무 달라요",
    "쿠폰 적용이 안 돼서 비싸게 샀어요",
    "주문 취소했는데 또 결제됐어요",
    "{item} 때문에 피부가 뒤집어졌어요",
    "청구서에 쓰지도 않은 요금이 있어요",
    "상담 내용이랑 처리 결과가 달라요",
]
DOMAIN_COMPLAINT = {
    "delivery": [
        "송장 조회가 {n}일째 그대로예요",
        "{staff}가 문 앞에 던지고 갔어요",
        "택배가 비에 다 젖어서 왔어요",
        "경비실에 맡기지 말라고 했는데 또 맡겼네요",
    ],
    "telecom": [
        "인터넷이 하루에도 {n}번씩 끊겨요",
        "와이파이 속도가 너무 느려요",
        "통화 중에 자꾸 끊겨요",
        "해지했는데 요금이 계속 빠져나가요",
        "설치 기사님이 {n}시간이나 늦게 왔어요",
    ],
    "insurance": [
        "보험금 청구한 지 {n}주가 지났는데 지급이 안 돼요",
        "가입할 때 설명이랑 보장 내용이 달라요",
        "서류를 {n}번이나 다시 내라고 하네요",
        "갱신하면서 보험료가 말도 없이 올랐어요",
    ],
    "food": [
        "{item}이 다 식어서 왔어요",
        "{item}에서 머리카락이 나왔어요",
        "{item} 양이 너무 적어요",
        "주문한 {item}이랑 다른 메뉴가 왔어요",
        "배달이 {n}분이나 늦었어요",
        "{item}이 너무 짜요",
    ],
    "health": [
        "예약했는데 {n}시간이나 기다렸어요",
        "처방약이 잘못 나왔어요",
        "진료비가 안내받은 것보다 많이 나왔어요",
        "{staff}가 설명도 없이 치료를 진행했어요",
        "샤워실이 너무 더러워요",
    ],
    "education": [
        "수업이 {n}번이나 휴강됐어요",
        "{staff}가 수업 시간에 늦게 와요",
        "커리큘럼이 안내받은 거랑 달라요",
        "인강 영상이 계속 끊겨요",
        "교재가 아직 배송이 안 왔어요",
    ],
    "retail": [
        "{item} 사이즈가 표기랑 달라요",
        "{item} 실밥이 다 풀려 있어요",
        "{item} 색이 한 번 빨았더니 다 빠졌어요",
    ],
}
COMPLAINT_ASK = [
    "확인 부탁드립니다",
    "빨리 처리해주세요",
    "어떻게 된 건지 설명해주세요",
    "교환해주세요",
    "환불해주세요",
    "조치해주세요",
    "연락 주세요",
    "답변 부탁드려요",
    "이게 맞나요?",
    "해결해주세요",
    "보상해주세요",
    "",
]

INQUIRY_CTX = [
    "{item} 배송은 보통 며칠 걸리나요",
    "{place} 영업시간이 어떻게 되나요",
    "{item} 재고 있는지 궁금해요",
    "교환이나 반품은 어떻게 하나요",
    "포인트는 언제 적립되나요",
    "{plan} 혜택이 뭐가 있나요",
    "{item} 사용법을 모르겠어요",
    "주소 변경 가능한가요",
    "결제 수단 변경할 수 있나요",
    "{item} AS 기간이 얼마나 되나요",
    "{place} 주차 가능한가요",
    "영수증 재발급 되나요",
    "{plan} 가격이 얼마인가요",
    "할부 가능한가요",
    "쿠폰은 어디서 확인하나요",
    "{item} 사이즈 추천 부탁드려요",
    "{item}은 언제 입고되나요",
    "현금영수증 발급되나요",
    "{place} 위치가 어디인가요",
    "회원 등급 기준이 궁금합니다",
    "{item} 원산지가 어디인가요",
    "비밀번호 변경은 어디서 하나요",
    "배송지를 회사로 바꿀 수 있을까요",
    "{plan} 약관을 어디서 볼 수 있나요",
]
DOMAIN_INQUIRY = {
    "telecom": [
        "데이터 남은 양은 어디서 확인하나요",
        "해외 로밍 요금이 얼마인가요",
        "요금제 변경하면 언제 적용되나요",
        "번호이동 하면 기존 결합 할인은 어떻게 되나요",
    ],
    "insurance": [
        "보험금 청구할 때 어떤 서류가 필요한가요",
        "이 보험이 도수치료도 보장되나요",
        "보험료 납입일 변경 가능한가요",
        "청구는 몇 년 안에 해야 하나요",
    ],
    "food": [
        "{item}에 견과류 들어가나요",
        "배달 가능 지역이 어디까지인가요",
        "단체 주문도 받으시나요",
        "포장 할인 되나요",
    ],
    "health": [
        "{item} 예약 변경 되나요",
        "검진 전날 금식해야 하나요",
        "주말에도 진료하나요",
        "실비 청구용 서류 발급되나요",
    ],
    "education": [
        "수업 시간표가 어떻게 되나요",
        "레벨 테스트는 어떻게 보나요",
        "수강 기간 연기 가능한가요",
        "교재비는 따로인가요",
        "보강은 언제 잡아주시나요",
    ],
    "delivery": [
        "택배 조회는 어디서 하나요",
        "반품 택배는 언제 수거하러 오나요",
        "제주도도 배송되나요",
        "배송 시간 지정 되나요",
    ],
    "retail": [
        "{item} 소재가 뭔가요",
        "매장 픽업 가능한가요",
        "선물 포장 되나요",
        "{item} 세탁 방법 알려주세요",
    ],
}
INQUIRY_ASK = [
    "알려주세요",
    "궁금합니다",
    "답변 부탁드려요",
    "문의드립니다",
    "확인 부탁드려요",
    "",
    "",
    "알려주실 수 있나요?",
]

PURCHASE_CTX = [
    "{item} 주문하고 싶어요",
    "{item} 구매하려고 합니다",
    "{item} {n}개 살게요",
    "{item} 사고 싶은데 결제 어떻게 해요",
    "{plan} 가입하고 싶어요",
    "{item} 예약 주문 가능할까요",
    "{item} 견적 받고 싶어요",
    "{item} 하나 더 구매할게요",
    "{item} 바로 구매 원합니다",
    "{plan} 신청할게요",
    "{item} 단체 주문 하려고요",
    "선물용으로 {item} 사려구요",
    "{item} 장바구니에 담았는데 결제 진행할게요",
    "{item} 세트로 구매 가능한가요",
    "{item} 재입고되면 살게요",
    "{item} 큰 사이즈로 주문할게요",
    "{place}에서 {item} 사려고 하는데 예약 되나요",
    "{plan} 새로 등록하고 싶습니다",
]
DOMAIN_PURCHASE = {
    "telecom": [
        "신규 가입하려고 합니다",
        "{item} 개통하고 싶어요",
        "인터넷 새로 설치 신청할게요",
        "{plan} 가입 원해요",
    ],
    "insurance": ["{item} 가입하고 싶습니다", "{item} 가입 상담 받고 싶어요", "{item} 설계 부탁드립니다"],
    "food": ["{item} {n}인분 주문할게요", "{item} 포장 주문 가능한가요", "내일 {item} {n}개 예약할게요"],
    "health": ["{item} 등록하려고요", "{plan} 끊으려고 해요", "{item} 예약 잡아주세요"],
    "education": ["{item} 등록하고 싶어요", "{item} 수강 신청할게요", "다음 달 {item} 새로 시작하려고요"],
}
PURCHASE_ASK = [
    "가능할까요?",
    "부탁드려요",
    "진행해주세요",
    "결제 링크 보내주세요",
    "언제 받을 수 있나요?",
    "",
    "",
]

RENEWAL_CTX = [
    "{plan} 연장하고 싶어요",
    "{plan} 만기가 다가와서 갱신하려고요",
    "{plan} 재계약할게요",
    "{plan} {n}개월 더 연장해주세요",
    "{plan} 기간이 끝나가는데 계속 이용하려고요",
    "{plan} 재약정 하고 싶어요",
    "{plan} 갱신 절차가 어떻게 되나요",
    "다음 달에도 {plan} 계속 쓸게요",
    "{plan} 1년 더 연장 원합니다",
    "{plan} 자동갱신 해주세요",
    "{plan} 재등록할게요",
    "{plan} 만료 전에 연장 결제하려구요",
    "{plan} 갱신하면 혜택 있나요",
    "{plan} 기존 조건 그대로 갱신 부탁드려요",
]
DOMAIN_RENEWAL = {
    "insurance": [
        "자동차보험 만기 갱신하려고 합니다",
        "{plan} 만기 연장 부탁드려요",
        "보험 갱신 안내받았는데 갱신할게요",
    ],
    "telecom": ["약정 끝나서 재약정 하려고요", "{plan} 재약정 할인 받고 싶어요", "휴대폰 약정 연장할게요"],
    "education": ["다음 학기도 재등록할게요", "{plan} 한 달 더 연장할게요", "수강 기간 연장 신청합니다"],
    "health": ["{plan} 다음 달도 연장할게요", "회원권 만료돼서 재등록하려구요", "PT {n}회 더 연장할게요"],
}
RENEWAL_ASK = ["부탁드립니다", "처리해주세요", "어떻게 하면 되나요?", "진행해주세요", "", ""]

CANCEL_CTX = [
    "{item} 주문 취소해주세요",
    "{plan} 해지하고 싶어요",
    "회원 탈퇴하려고요",
    "{plan} 그만할게요",
    "{item} 주문 취소하고 환불 받고 싶어요",
    "{plan} 해지 신청합니다",
    "예약 취소할게요",
    "{plan} 자동결제 해지해주세요",
    "{plan} 이번 달까지만 이용하고 끊을게요",
    "{item} 결제 취소 부탁드려요",
    "{plan} 중도 해지하면 위약금이 얼마예요",
    "{plan} 구독 해지할게요",
    "{item} 구매 취소합니다",
    "계약 해지하려고 합니다",
    "{plan} 더 이상 안 쓸게요 해지해주세요",
    "{plan} 환불 요청합니다 중도에 그만두려고요",
    "주문한 {item} 안 받을게요 취소해주세요",
]
DOMAIN_CANCEL = {
    "telecom": ["인터넷 해지하려고요", "번호이동 하려고 해지 신청합니다", "부가서비스 해지해주세요"],
    "insurance": ["{item} 해약하고 싶어요", "{item} 해지 신청합니다", "특약 해지하려구요"],
    "education": [
        "학원 그만 다니려고요",
        "{item} 수강 취소하고 환불 받고 싶어요",
        "다음 달부터 {item} 안 할게요",
    ],
    "health": ["회원권 환불 받고 싶어요", "{item} 예약 취소할게요", "PT 남은 횟수 환불해주세요"],
    "food": ["방금 주문한 {item} 취소해주세요", "{plan} 해지할게요", "예약한 {item} 취소합니다"],
}
CANCEL_ASK = ["처리 부탁드립니다", "해주세요", "어떻게 하면 되나요?", "확인 부탁드려요", "", ""]

PRAISE_CTX = [
    "{staff} 너무 친절하셨어요",
    "{staff} 덕분에 문제 잘 해결했어요",
    "{item} 너무 마음에 들어요",
    "{place} 서비스 최고예요",
    "{staff} 칭찬하고 싶어요",
    "{item} 품질이 정말 좋네요",
    "응대가 정말 빠르고 정확했어요",
    "{staff}께 감사 인사 전해주세요",
    "{item} 받아보고 감동했어요",
    "항상 믿고 이용하고 있어요",
    "{staff}가 끝까지 챙겨주셨어요",
    "{place} 다시 방문할게요",
    "{item} 가성비 최고예요",
    "포장이 정말 꼼꼼했어요",
    "친구한테도 추천했어요",
    "{staff} 설명이 너무 자세했어요",
    "처리가 생각보다 훨씬 빨랐어요",
    "{place} 분위기도 좋고 직원분들도 친절해요",
]
DOMAIN_PRAISE = {
    "delivery": ["배송이 엄청 빨랐어요", "{staff}가 비 오는데도 잘 챙겨주셨어요", "하루 만에 도착했어요"],
    "food": ["{item} 진짜 맛있어요", "{item}이 따끈따끈하게 왔어요", "사장님이 서비스도 챙겨주셨어요"],
    "health": [
        "{staff}가 친절하게 설명해주셨어요",
        "덕분에 많이 좋아졌어요",
        "{staff} 덕분에 살 많이 뺐어요",
    ],
    "education": [
        "{staff} 수업이 너무 재밌어요",
        "아이 성적이 많이 올랐어요",
        "{staff} 덕분에 시험 합격했어요",
    ],
    "telecom": ["{staff}가 설치를 깔끔하게 해주셨어요", "인터넷 속도 아주 만족해요"],
    "insurance": ["보험금이 빨리 나왔어요", "{staff}가 꼼꼼하게 챙겨주셨어요"],
}
PRAISE_ASK = [
    "감사합니다",
    "고맙습니다",
    "번창하세요",
    "또 올게요",
    "칭찬 부탁드려요",
    "최고예요",
    "",
    "수고하세요",
]

FEEL = {
    "anger": [
        "진짜 화나네요",
        "어이가 없네요",
        "장난하세요?",
        "짜증나 죽겠어요",
        "이게 말이 됩니까",
        "열받네요",
        "몇 번을 말해야 알아듣나요",
        "정말 기가 막히네요",
        "도대체 일을 어떻게 하는 거예요",
        "참다참다 글 씁니다",
        "이딴 식으로 할 거예요?",
        "빡치네요 진짜",
        "사람 무시하는 것도 아니고",
        "너무 화가 나서 잠이 안 와요",
        "당장 책임자 연결하세요",
        "일처리 이따위로 하지 마세요",
        "황당해서 말이 안 나오네요",
        "분통 터지네요",
        "지금 장난하는 거죠?",
        "이게 회사냐고요",
        "열불나네",
        "돈 받고 이러는 거 아니죠",
    ],
    "disappointment": [
        "좀 실망이에요",
        "기대했는데 아쉽네요",
        "많이 서운하네요",
        "속상하네요",
        "예전 같지 않네요",
        "믿었는데 실망스럽습니다",
        "아쉬운 마음에 글 남겨요",
        "좀 허탈하네요",
        "기대가 컸던 만큼 실망도 크네요",
        "씁쓸하네요",
        "이번엔 좀 별로였어요",
        "단골이었는데 아쉽습니다",
        "마음이 좀 그렇네요",
        "생각했던 거랑 달라서 아쉬워요",
        "다음엔 좀 더 신경 써주셨으면 해요",
        "실망했어요",
        "좋아했던 곳이라 더 아쉬워요",
        "솔직히 좀 별로네요",
    ],
    "anxiety": [
        "너무 걱정돼요",
        "불안해서 문의드려요",
        "급해요",
        "어떡하죠",
        "혹시 문제 생긴 건 아니겠죠?",
        "큰일났어요",
        "빨리 답변 부탁드려요 급합니다",
        "마음이 조마조마해요",
        "혹시나 해서요",
        "괜찮은 건지 모르겠어요",
        "잘못될까 봐 걱정이에요",
        "제발 빨리 확인해주세요",
        "무서워요",
        "오늘 안에 꼭 해결돼야 해요",
        "시간이 없어서 초조해요",
        "손해 볼까 봐 걱정돼요",
        "애가 타네요",
        "당장 필요해서요",
    ],
    "neutral": [
        "",
        "",
        "",
        "",
        "확인 부탁드립니다",
        "참고 부탁드려요",
        "문의드립니다",
        "안녕하세요",
        "수고하십니다",
        "질문 있습니다",
        "요청드립니다",
        "감사합니다",
    ],
    "satisfaction": [
        "너무 좋아요",
        "정말 만족해요",
        "감사합니다",
        "최고예요",
        "덕분에 기분 좋아요",
        "잘 쓰고 있어요",
        "늘 만족하며 이용 중이에요",
        "완전 마음에 들어요",
        "감동이에요",
        "진짜 좋네요",
        "믿고 이용합니다",
        "항상 감사드려요",
        "대만족입니다",
        "행복해요",
        "좋은 서비스 감사해요",
        "역시 최고네요",
    ],
}
FEEL_TAIL = {
    "anger": ["!!", "!!!", " ㅡㅡ", " -_-", "", "", "!", " 진짜", "?!"],
    "disappointment": ["..", "ㅠ", " ㅠㅠ", "", "", " 에휴", "ㅜㅜ", "..."],
    "anxiety": [" ㅠㅠ", "ㅠ", "", "!", "..", " ㅜㅜ", "ㅠㅠㅠ"],
    "neutral": ["", "", "", ".", "."],
    "satisfaction": [" ㅎㅎ", "^^", "!", " ㅋㅋ", "", "~", " :)", "!!", " 👍"],
}
GREETING = [
    "",
    "",
    "",
    "안녕하세요. ",
    "안녕하세요~ ",
    "저기요 ",
    "문의드려요. ",
    "수고하십니다. ",
    "여기요 ",
    "hello~ ",
]
INTENT_EMOTION = {
    "complaint": {"anger": 0.38, "disappointment": 0.3, "anxiety": 0.14, "neutral": 0.18},
    "inquiry": {"neutral": 0.6, "anxiety": 0.2, "satisfaction": 0.08, "disappointment": 0.06, "anger": 0.06},
    "purchase": {"neutral": 0.55, "satisfaction": 0.25, "anxiety": 0.12, "disappointment": 0.08},
    "renewal": {"neutral": 0.5, "satisfaction": 0.25, "anxiety": 0.1, "disappointment": 0.1, "anger": 0.05},
    "cancellation": {
        "neutral": 0.4,
        "disappointment": 0.25,
        "anger": 0.2,
        "anxiety": 0.1,
        "satisfaction": 0.05,
    },
    "praise": {"satisfaction": 0.9, "neutral": 0.1},
}
TABLES = {
    "complaint": (COMPLAINT_CTX, DOMAIN_COMPLAINT, COMPLAINT_ASK),
    "inquiry": (INQUIRY_CTX, DOMAIN_INQUIRY, INQUIRY_ASK),
    "purchase": (PURCHASE_CTX, DOMAIN_PURCHASE, PURCHASE_ASK),
    "renewal": (RENEWAL_CTX, DOMAIN_RENEWAL, RENEWAL_ASK),
    "cancellation": (CANCEL_CTX, DOMAIN_CANCEL, CANCEL_ASK),
    "praise": (PRAISE_CTX, DOMAIN_PRAISE, PRAISE_ASK),
}
CASUAL = [
    ("해주세요", "해줘요"),
    ("부탁드립니다", "부탁해요"),
    ("하고 싶어요", "하고싶음"),
    ("했어요", "했음"),
    ("네요", "네"),
    ("습니다", "슴다"),
    ("할게요", "할께요"),
    ("돼요", "되요"),
    ("있나요", "있나용"),
    ("주세요", "주셈"),
    ("요", "용"),
]
LOANWORDS = [
    ("환불", "refund"),
    ("배송", "delivery"),
    ("취소", "cancel"),
    ("앱", "app"),
    ("서비스", "service"),
    ("확인", "check"),
    ("최고", "best"),
]


JOSA = {
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "은": ("은", "는"),
    "는": ("은", "는"),
}


def _has_final(word: str) -> bool:
    last = word[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.isdigit() and last in "013678"


def _fill(rng: random.Random, template: str, domain: str) -> str:
    slots = DOMAINS[domain]
    out = template
    for key in ("item", "staff", "place", "plan"):
        marker = "{" + key + "}"
        while marker in out:
            word = rng.choice(slots[key])
            at = out.index(marker)
            after = out[at + len(marker) : at + len(marker) + 1]
            if after in JOSA and (at + len(marker) + 1 >= len(out) or out[at + len(marker) + 1] in " .,?!에"):
                pair = JOSA[after]
                out = (
                    out[:at] + word + (pair[0] if _has_final(word) else pair[1]) + out[at + len(marker) + 1 :]
                )
            else:
                out = out.replace(marker, word, 1)
    while "{n}" in out:
        out = out.replace("{n}", str(rng.choice([2, 3, 4, 5, 7, 10, 14, 20, 30])), 1)
    return out


def _roughen(rng: random.Random, text: str) -> str:
    if rng.random() < 0.25:
        a, b = rng.choice(CASUAL)
        text = text.replace(a, b, 1)
    if rng.random() < 0.1:
        a, b = rng.choice(LOANWORDS)
        text = text.replace(a, b, 1)
    if rng.random() < 0.3:  # spacing mistakes
        text = "".join(ch for ch in text if ch != " " or rng.random() > 0.45)
    if rng.random() < 0.3:
        text = text.rstrip(".")
    return text


def message(rng: random.Random, intent: str, emotion: str) -> str:
    domain = rng.choice(sorted(DOMAINS))
    general, by_domain, asks = TABLES[intent]
    pool = general + by_domain.get(domain, []) * 2
    ctx = _fill(rng, rng.choice(pool), domain)
    ask = rng.choice(asks)
    feel = rng.choice(FEEL[emotion])
    tail = rng.choice(FEEL_TAIL[emotion])
    if intent == "praise" and emotion == "satisfaction" and rng.random() < 0.5:
        ask = ""
    parts = [ctx]
    if rng.random() < 0.5:
        parts = [feel, ctx, ask] if feel and rng.random() < 0.35 else [ctx, feel, ask]
    else:
        parts = [ctx, ask, feel]
    sep = rng.choice([". ", " ", ", ", ".. ", "\n"])
    body = sep.join(p for p in parts if p).strip()
    return _roughen(rng, rng.choice(GREETING) + body + tail).strip()


def generate(seed: int = 2026, per_intent: int = 520) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for intent, mix in INTENT_EMOTION.items():
        emotions, weights = zip(*mix.items(), strict=True)
        made = 0
        tries = 0
        while made < per_intent and tries < per_intent * 20:
            tries += 1
            emotion = rng.choices(emotions, weights)[0]
            text = message(rng, intent, emotion)
            if text in seen:
                continue
            seen.add(text)
            rows.append({"text": text, "intent": intent, "emotion": emotion})
            made += 1
    hand = DATA / "handwritten.jsonl"
    if hand.exists():
        for line in hand.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["text"] not in seen:
                    seen.add(row["text"])
                    rows.append({"text": row["text"], "intent": row["intent"], "emotion": row["emotion"]})
    rng.shuffle(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DATA / "base.jsonl"
    rows = generate()
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} messages -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
