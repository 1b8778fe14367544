import json
import re
from pathlib import Path

from dangol.textmining import find_pii, mask_pii
from dangol.textmining.pii import LABELS

CASES = [
    json.loads(line) for line in (Path(__file__).parent / "pii_cases.jsonl").read_text("utf-8").splitlines()
]


def score():
    tp = fn = fp = 0
    misses, extras = [], []
    for case in CASES:
        text = case["text"]
        spans = find_pii(text)
        expected = [
            (p["type"], text.index(p["value"]), text.index(p["value"]) + len(p["value"])) for p in case["pii"]
        ]
        for kind, a, b in expected:
            if any(s["start"] <= a and s["end"] >= b for s in spans):
                tp += 1
            else:
                fn += 1
                misses.append((kind, text))
        for s in spans:
            if not any(not (s["end"] <= a or s["start"] >= b) for _, a, b in expected):
                fp += 1
                extras.append((s["type"], text))
    return tp, fn, fp, misses, extras


def test_the_test_set_is_realistic_and_covers_every_kind_with_and_without_separators():
    kinds = {p["type"] for c in CASES for p in c["pii"]}
    assert kinds == set(LABELS)
    values = [p["value"] for c in CASES for p in c["pii"] if p["type"] != "email"]
    assert (
        any(v.isdigit() for v in values) and any("-" in v for v in values) and any(" " in v for v in values)
    )
    assert sum(1 for c in CASES if not c["pii"]) >= 15  # order numbers, amounts, dates, company numbers


def test_masking_recall_is_one_and_precision_high():
    tp, fn, fp, misses, extras = score()
    assert misses == []
    assert tp / (tp + fn) == 1.0
    assert tp / (tp + fp) >= 0.95, extras


def test_masked_text_keeps_no_digits_of_personal_data():
    for case in CASES:
        masked, found = mask_pii(case["text"])
        for p in case["pii"]:
            assert p["value"] not in masked
            assert LABELS[p["type"]] in masked
        if not case["pii"]:
            assert masked == case["text"] and found == []


def test_mask_pii_contract():
    masked, found = mask_pii("연락처 010-1234-5678, 메일 hong@naver.com")
    assert masked == "연락처 [전화번호], 메일 [이메일]"
    assert [f["type"] for f in found] == ["phone", "email"]
    assert all(not re.search(r"\d{4}", json.dumps(f)) for f in found)  # spans only, never the value
    assert mask_pii("") == ("", [])
