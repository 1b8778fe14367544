import collections
import json

from dangol.textmining import EMOTIONS, INTENTS, basegen
from dangol.textmining.model import DATA, read_jsonl


def test_base_set_is_exactly_what_the_seeded_generator_writes():
    expected = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in basegen.generate())
    assert (DATA / "base.jsonl").read_text(encoding="utf-8") == expected


def test_base_set_has_hundreds_of_varied_messages_per_label():
    rows = read_jsonl(DATA / "base.jsonl")
    intents = collections.Counter(r["intent"] for r in rows)
    emotions = collections.Counter(r["emotion"] for r in rows)
    assert set(intents) == set(INTENTS) and min(intents.values()) >= 300
    assert set(emotions) == set(EMOTIONS) and min(emotions.values()) >= 300
    assert len({r["text"] for r in rows}) == len(rows)
    texts = [r["text"] for r in rows]
    assert (
        sum("ㅠ" in t or "ㅜ" in t for t in texts) > 100
        and sum("ㅋㅋ" in t or "ㅎㅎ" in t for t in texts) > 50
    )
    assert (
        sum(any(c.isascii() and c.isalpha() for c in t) for t in texts) > 200
    )  # English loanwords, IPTV, PT …


def test_holdout_labels_are_valid():
    rows = read_jsonl(DATA / "holdout.jsonl")
    assert all(r["intent"] in INTENTS and r["emotion"] in EMOTIONS for r in rows)
    assert len({r["text"] for r in rows}) == len(rows) >= 300
