import json
import random

from dangol.textmining import EMOTIONS, INTENTS, model, retrain


def small_base(n=400, seed=3):
    rows = model.base_rows()
    random.Random(seed).shuffle(rows)
    return rows[:n]


def test_retrain_keeps_the_previous_model_when_the_new_one_is_worse(tmp_path):
    rng = random.Random(0)
    noise = [
        {"text": r["text"] + " " + str(i), "intent": rng.choice(INTENTS), "emotion": rng.choice(EMOTIONS)}
        for i, r in enumerate(small_base(200, seed=9))
    ]
    report = retrain(noise, base=small_base(), directory=tmp_path, folds=3)
    assert report["kept"] == "previous", report
    assert report["worse"]
    assert not (tmp_path / "model.joblib").exists()


def test_retrain_adopts_a_model_that_is_not_worse_and_reports_cv_macro_f1(tmp_path):
    labels = [
        {"text": "쿠폰 적용이 안 되는데 확인 좀 해주세요", "intent": "complaint", "emotion": "neutral"},
        {"text": "해지 방어 전화 그만 좀 하세요 짜증나요", "intent": "cancellation", "emotion": "anger"},
        {"text": "bad row without labels"},
    ]
    report = retrain(
        labels, base=small_base(), directory=tmp_path, folds=3, tolerance=0.05
    )  # small base: noisy CV
    assert report["kept"] == "new", report
    assert report["labels"] == 2 and report["skipped"] == 1
    assert 0 < report["new"]["intent_macro_f1"] <= 1 and 0 < report["new"]["emotion_macro_f1"] <= 1
    meta = json.loads((tmp_path / "model.json").read_text())
    assert meta["source"] == "retrain" and meta["cv"] == report["new"]
    saved = model.load_saved(tmp_path)
    assert saved is not None and saved.predict(["해지하려고요"])[0][0] in INTENTS


def test_a_model_retrained_elsewhere_is_picked_up_without_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGOL_TEXT_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(model, "RECHECK_SECONDS", 0.0)
    model.reset()
    shipped = model.get_model()
    assert shipped.meta["source"] == "base"
    seen = model._seen
    report = retrain(
        [{"text": "멤버십 연장할게요", "intent": "renewal", "emotion": "neutral"}],
        base=small_base(200),
        directory=tmp_path,
        folds=2,
        tolerance=0.2,
    )
    assert report["kept"] == "new"
    model._loaded, model._seen = shipped, seen  # a web process that did not run the retrain, 30 s later
    current = model.get_model()
    assert current is not shipped and current.meta["source"] == "retrain"
