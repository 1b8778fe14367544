import json
import random

import pytest
from django.core.management import call_command

from dangol.voc.models import TextLabel

pytest.importorskip("dangol.textmining")


def small_base(tmp_path, n=400):
    from dangol.textmining.model import base_rows

    rows = base_rows()
    random.Random(5).shuffle(rows)
    path = tmp_path / "base.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:n]), encoding="utf-8")
    return path


def test_text_retrain_exports_staff_labels_and_adopts_a_model_that_is_not_worse(db, tmp_path, capsys):
    TextLabel.objects.create(
        text="쿠폰이 적용 안 돼서 비싸게 샀어요 확인해주세요", intent="complaint", emotion="disappointment"
    )
    TextLabel.objects.create(
        text="해지 방어 전화 그만하세요 짜증나요", intent="cancellation", emotion="anger"
    )
    TextLabel.objects.create(
        text="상담원분 덕분에 잘 해결했어요 감사합니다", intent="praise", emotion="satisfaction"
    )
    export = tmp_path / "labels.jsonl"
    model_dir = tmp_path / "model"
    # A 400-message base in 3 folds moves by a few points from the split alone: allow for it here.
    call_command(
        "text_retrain",
        "--folds",
        "3",
        "--tolerance",
        "0.05",
        "--model-dir",
        str(model_dir),
        "--export",
        str(export),
        "--base",
        str(small_base(tmp_path)),
        "--json",
    )
    report = json.loads(capsys.readouterr().out)
    assert report["labels"] == 3 and report["base"] == 400 and report["kept"] == "new"
    assert [json.loads(line)["intent"] for line in export.read_text("utf-8").splitlines()] == [
        "complaint",
        "cancellation",
        "praise",
    ]
    assert (model_dir / "model.joblib").exists()


def test_text_retrain_keeps_the_previous_model_when_labels_make_it_worse(db, tmp_path, capsys):
    from dangol.textmining.model import EMOTIONS, INTENTS, base_rows

    rng = random.Random(1)
    for i, row in enumerate(base_rows()[:200]):
        TextLabel.objects.create(
            text=f"{row['text']} {i}", intent=rng.choice(INTENTS), emotion=rng.choice(EMOTIONS)
        )
    model_dir = tmp_path / "model"
    call_command(
        "text_retrain", "--folds", "3", "--model-dir", str(model_dir), "--base", str(small_base(tmp_path))
    )
    out = capsys.readouterr().out
    assert "기존 모델을 유지" in out
    assert not (model_dir / "model.joblib").exists()


def test_text_retrain_without_labels_says_so(db, capsys):
    call_command("text_retrain")
    assert "라벨이 없습니다" in capsys.readouterr().out
