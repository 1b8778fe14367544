import json
import os
import subprocess
import sys
from pathlib import Path

DANGOL = str(Path(sys.executable).parent / "dangol")


def run(args, stdin="", tmp_path=None):
    env = dict(os.environ)
    if tmp_path is not None:
        env["DANGOL_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [DANGOL, "text", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_classify_reads_stdin_and_writes_one_json_line_per_input(tmp_path):
    lines = [
        {"text": "환불 언제 해주나요? 일주일째 기다려요 ㅡㅡ"},
        {"text": "감사합니다 ㅎㅎ 친절하시네요", "id": 7},
        {"text": "제 번호 010 1234 5678 이에요"},
    ]
    proc = run(["classify"], "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 3
    for row in out:
        assert {
            "intent",
            "intent_score",
            "emotion",
            "emotion_score",
            "difficult_cues",
            "keywords",
            "masked_text",
        } <= set(row)
    assert out[1]["id"] == 7 and out[1]["intent"] == "praise"
    assert out[2]["masked_text"] == "제 번호 [전화번호] 이에요"


def test_bad_input_is_a_clear_message_with_the_line_number_and_exit_2(tmp_path):
    proc = run(["classify"], '{"text": "안녕하세요"}\nnot json\n', tmp_path)
    assert proc.returncode == 2
    assert "2번째 줄" in proc.stderr and "JSON" in proc.stderr and "Traceback" not in proc.stderr
    proc = run(["classify"], '{"text": "a"}\n\n{"body": "no text"}\n', tmp_path)
    assert proc.returncode == 2 and "3번째 줄" in proc.stderr and "'text'" in proc.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "intent": "complaint", "emotion": "furious"}\n', encoding="utf-8")
    proc = run(["evaluate", str(bad)], "", tmp_path)
    assert proc.returncode == 2 and "emotion" in proc.stderr and "Traceback" not in proc.stderr
    proc = run(["classify", str(tmp_path / "missing.jsonl")], "", tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_evaluate_prints_accuracy_macro_f1_and_confusion(tmp_path, capsys):
    from dangol.textmining.cli import main

    rows = tmp_path / "eval.jsonl"
    rows.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                {"text": "해지하고 싶어요", "intent": "cancellation", "emotion": "neutral"},
                {"text": "너무 친절하셨어요 감사합니다", "intent": "praise", "emotion": "satisfaction"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["evaluate", str(rows)]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "macro-F1" in out and "cancellation" in out and "실제\\예측" in out
