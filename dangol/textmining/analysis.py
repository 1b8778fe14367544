"""Reading one message: intent, emotion with intensity, difficult-customer cues, keywords, masked text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dangol.textmining import lexicon, model, morph
from dangol.textmining.pii import mask_pii

THREAT_TYPES = {"상스러운", "위협하는"}


@dataclass
class Analysis:
    intent: str
    intent_score: float
    emotion: str
    emotion_score: float
    difficult_cues: list[dict[str, str]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    masked_text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """`dataclasses.asdict`, built directly: asdict deep-copies field by field, which was about a sixth of
        the classify time spent outside Kiwi (bench/textmining)."""
        return {
            "intent": self.intent,
            "intent_score": self.intent_score,
            "emotion": self.emotion,
            "emotion_score": self.emotion_score,
            "difficult_cues": [dict(c) for c in self.difficult_cues],
            "keywords": list(self.keywords),
            "masked_text": self.masked_text,
        }


def intensity(
    emotion: str,
    p: float,
    text: str,
    cues: Sequence[dict[str, str]],
    *,
    lex: lexicon.LexiconReading | None = None,
) -> float:
    """How strongly the emotion is expressed, 0–1 (stated rule, see docs/textmining.md).

    neutral: 0.3 × (1 − p). Otherwise 0.3 + 0.4 × p, plus 0.08 per intensifier (너무, 진짜 … up to 3), 0.05 per
    ! or repeated ?! (up to 4), 0.05 per crying mark for disappointment/anxiety or laughing mark for
    satisfaction (up to 2), 0.06 per strong word of that emotion (up to 3), 0.15 for anger with swearing or a threat.
    `lex` is `lexicon.read(text)` when the caller has it already (the features read the same signals).
    """
    if emotion == "neutral":
        return round(max(0.0, 0.3 * (1.0 - p)), 3)
    hits, sig = lex if lex is not None else lexicon.read(text)
    score = 0.3 + 0.4 * p
    score += 0.08 * min(sig["intensifiers"], 3)
    score += 0.05 * min(sig["exclaim"], 4)
    if emotion in {"disappointment", "anxiety"}:
        score += 0.05 * min(sig["crying"], 2)
    if emotion == "satisfaction":
        score += 0.05 * min(sig["laughing"], 2)
    score += 0.06 * min(hits.get(emotion, 0), 3)
    if emotion == "anger" and any(c["type"] in THREAT_TYPES for c in cues):
        score += 0.15
    return round(min(1.0, score), 3)


def analyze_many(texts: Sequence[str]) -> list[Analysis]:
    """Read a batch of messages (one Kiwi pass, one matrix product): the fast path for classify and bench."""
    if not texts:
        return []
    masked = [mask_pii(t or "")[0] for t in texts]
    tokens = morph.tokenize(masked)
    lex = [lexicon.read(t) for t in masked]  # read once: the features and the intensity both use it
    m = model.get_model()
    pi, pe = m.predict_proba(masked, tokens, lex=lex)
    intent_names = [str(c) for c in m.intent_clf.classes_]
    emotion_names = [str(c) for c in m.emotion_clf.classes_]
    anger = emotion_names.index("anger")
    # the per-row picks as whole-batch array operations, then plain Python numbers (no NumPy call per message)
    rows = np.arange(len(masked))
    best_i, best_e = pi.argmax(axis=1), pe.argmax(axis=1)
    p_intent = pi[rows, best_i].tolist()
    p_emotion_best = pe[rows, best_e].tolist()
    p_anger = pe[:, anger].tolist()
    out: list[Analysis] = []
    for row, (text, i, e) in enumerate(zip(masked, best_i.tolist(), best_e.tolist(), strict=True)):
        cues = lexicon.find_cues(text)
        emotion = emotion_names[e]
        p_emotion = p_emotion_best[row]
        if emotion in {"neutral", "satisfaction"} and any(c["type"] in THREAT_TYPES for c in cues):
            # A swear word or a threat is anger whatever the rest of the wording (transparent rule).
            emotion, p_emotion = "anger", max(p_anger[row], 0.5)
        out.append(
            Analysis(
                intent=intent_names[i],
                intent_score=round(p_intent[row], 3),
                emotion=emotion,
                emotion_score=intensity(emotion, p_emotion, text, cues, lex=lex[row]),
                difficult_cues=cues,
                keywords=morph.keywords_from_tokens(text, tokens[row]),
                masked_text=text,
            )
        )
    return out


def analyze(text: str) -> Analysis:
    """Intent, emotion (+intensity), difficult-customer cues, keywords and the masked text of one message."""
    return analyze_many([text])[0]


def as_dict(result: Analysis) -> dict[str, Any]:
    return result.as_dict()
