import dataclasses
import json
from pathlib import Path

import pytest
from sklearn.metrics import f1_score

from dangol.textmining import EMOTIONS, INTENTS, analyze, analyze_many
from dangol.textmining.model import read_jsonl

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "holdout.jsonl"


def test_output_schema_and_label_sets():
    result = analyze("배송이 일주일째 안 와요 진짜 화나네요!! 010-1234-5678로 연락주세요")
    data = dataclasses.asdict(result)
    assert set(data) == {
        "intent",
        "intent_score",
        "emotion",
        "emotion_score",
        "difficult_cues",
        "keywords",
        "masked_text",
    }
    json.dumps(data, ensure_ascii=False)
    assert data["intent"] in INTENTS and data["emotion"] in EMOTIONS
    assert 0 <= data["intent_score"] <= 1 and 0 <= data["emotion_score"] <= 1
    assert "[전화번호]" in data["masked_text"] and "010" not in data["masked_text"]
    assert data["intent"] == "complaint" and data["emotion"] == "anger"
    assert "배송" in data["keywords"]


@pytest.mark.parametrize(
    ("text", "intent", "emotion"),
    [
        ("자동차보험 만기라 갱신하려고 합니다", "renewal", "neutral"),
        ("인터넷 해지 신청합니다 이사가요", "cancellation", "neutral"),
        ("사장님 너무 친절하시고 음식도 최고예요 ㅎㅎ", "praise", "satisfaction"),
        ("PT 10회권 등록하고 싶어요", "purchase", "neutral"),
        ("택배가 분실된 것 같아요 어떡하죠 ㅠㅠ", "complaint", "anxiety"),
        ("반품은 며칠 안에 해야 하나요?", "inquiry", "neutral"),
    ],
)
def test_reads_typical_messages(text, intent, emotion):
    result = analyze(text)
    assert (result.intent, result.emotion) == (intent, emotion)


def test_intensity_grows_with_how_it_is_said():
    calm = analyze("배송이 늦어서 좀 실망했어요")
    strong = analyze("배송이 너무너무 늦어서 진짜 완전 실망했어요 ㅠㅠㅠ 정말 속상해요!!")
    assert calm.emotion == strong.emotion == "disappointment"
    assert strong.emotion_score > calm.emotion_score


def test_empty_and_odd_input_do_not_break():
    results = analyze_many(["", "   ", "ㅋㅋㅋㅋ", "!!!!", "a" * 5000])
    assert len(results) == 5
    assert all(r.intent in INTENTS for r in results)


def test_macro_f1_on_the_independent_holdout_set():
    rows = read_jsonl(HOLDOUT)
    assert len(rows) >= 300
    results = analyze_many([r["text"] for r in rows])
    intent_f1 = f1_score([r["intent"] for r in rows], [x.intent for x in results], average="macro")
    emotion_f1 = f1_score([r["emotion"] for r in rows], [x.emotion for x in results], average="macro")
    assert intent_f1 >= 0.85, intent_f1
    assert emotion_f1 >= 0.75, emotion_f1


def test_holdout_never_in_training():
    base = {r["text"] for r in read_jsonl(HOLDOUT.parent / "base.jsonl")}
    assert not base & {r["text"] for r in read_jsonl(HOLDOUT)}


def test_the_batch_feature_matrix_equals_scikit_learns_transform():
    """`TextModel.matrix` counts the vocabulary itself (no per-document scikit-learn pipeline): the matrix is
    the one `TfidfVectorizer.transform` gives, value for value, on the holdout set and awkward inputs."""
    from scipy.sparse import hstack

    from dangol.textmining import model, morph

    texts = [r["text"] for r in read_jsonl(HOLDOUT)] + [
        "",
        "   ",
        "ㅋ",
        "배송   \t 늦어요!!\n왜요??",
        "ÀÉ Straße ǅ OK",
        "a b",
    ]
    m = model.get_model()
    tokens = morph.tokenize(texts)
    fast = m.matrix(texts, tokens)
    docs = [model.doc_features(t, k) for t, k in zip(texts, tokens, strict=True)]
    reference = hstack(
        [m.morph_vec.transform(docs), m.char_vec.transform([model.normalise(t) for t in texts])], format="csr"
    )
    assert fast.shape == reference.shape and fast.dtype == reference.dtype
    assert fast.nnz == reference.nnz > 0
    assert (fast != reference).nnz == 0


def test_as_dict_is_dataclasses_asdict_and_independent_of_the_result():
    result = analyze("씨발 환불 안 해주면 고소합니다!! 010-1234-5678")
    data = result.as_dict()
    assert data == dataclasses.asdict(result) and data["difficult_cues"]
    data["difficult_cues"][0]["phrase"] = "changed"
    data["keywords"].append("changed")
    assert result.difficult_cues[0]["phrase"] != "changed" and "changed" not in result.keywords
