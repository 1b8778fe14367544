# English for the loyalty and text-reading UI strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    "CLV 분포": "CLV distribution", "RFM": "RFM", "RFM 세그먼트": "RFM segments", "가치": "Value",
    "가치 등급": "Value tier", "가치 등급 (미래 가치 기준)": "Value tiers (by future value)", "감정": "Emotion",
    "거래": "transactions", "계산": "computed", "고객 가치": "Customer value",
    "고쳐 주신 내용은 다음 학습에 반영됩니다.": "Thanks: your correction will be used in the next training.",
    "고치기": "Correct", "공감 답변 (감정 먼저, 그다음 상황)": "Empathetic reply (the feeling first, then the situation)",
    "공감 답변 문안": "Empathetic reply template", "관계 단계": "Relationship stage",
    "관계 단계 상승 / 하락": "Moved up / down the ladder", "관계 단계 이동 (지난 계산 대비)": "Ladder movements (since the last run)",
    "관리": "Care", "기준일": "As of", "답변 문안": "Reply text", "동반자": "Partner", "등급": "Tier",
    "상위 20%% 고객의 매출 비중(과거)": "Revenue share of the top 20%% (past)",
    "상위 20%% 고객의 미래 가치 비중(CLV)": "Future-value share of the top 20%% (CLV)", "생존 확률": "P(alive)",
    "아직 계산된 결과가 없습니다. 작업 실행기가 매일 계산합니다(지금 계산: dangol value-refresh).":
        "Nothing computed yet. The job runner computes it daily (to compute now: dangol value-refresh).",
    "예상 고객생애가치(원)": "Predicted CLV (KRW)", "옹호자": "Advocate", "우량": "Superior",
    "위험에 놓인 가치(CLV)": "Value at risk (CLV)", "의도": "Intent", "의도/감정 고치기": "Correct intent/emotion",
    "이번 주 늘어난 이슈": "Issues rising this week", "이전 계산과 비교할 이동이 없습니다.": "No movements since the last run.",
    "일반": "Regular", "잠재고객": "Prospect", "전체 보고서(차트 포함)": "Full report (with charts)",
    "조용히 떠나는 우량 고객": "Valuable customers slipping away",
    "조용히 떠나는 우량 고객 (생존 확률 50%% 미만)": "Valuable customers slipping away (P(alive) below 50%%)",
    "직원 수정": "corrected by staff", "첫 거래": "First purchase", "초우량": "Super-superior", "활동 확률": "P(active)",
}
