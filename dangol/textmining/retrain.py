"""Learning from staff corrections: retrain on the base set plus staff labels, keep the better model.

The new pipeline is scored by stratified k-fold cross-validation (macro-F1 per label set) on base + labels.
It replaces the model in use only when neither macro-F1 is worse than the model in use by more than
``tolerance`` (default 0.01); otherwise the previous model stays. The model in use carries its own
cross-validated scores; the shipped base model's are computed once and kept in ``data/base_cv.json``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dangol.textmining import model, morph
from dangol.textmining.model import EMOTIONS, INTENTS

TOLERANCE = 0.01
BASE_CV = model.DATA / "base_cv.json"


class LabelError(ValueError):
    pass


def clean_labels(rows: Sequence[dict[str, Any]]) -> tuple[list[dict[str, str]], int]:
    """Rows with a text and known labels; the count of rows skipped."""
    good: list[dict[str, str]] = []
    skipped = 0
    for row in rows:
        text = str(row.get("text") or "").strip()
        if text and row.get("intent") in INTENTS and row.get("emotion") in EMOTIONS:
            good.append({"text": text, "intent": str(row["intent"]), "emotion": str(row["emotion"])})
        else:
            skipped += 1
    return good, skipped


def cross_validate(
    rows: Sequence[dict[str, str]],
    *,
    folds: int = 5,
    seed: int = 0,
    tokens: Sequence[Sequence[tuple[str, str, int, int]]] | None = None,
) -> dict[str, float]:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    texts = [r["text"] for r in rows]
    intents = [r["intent"] for r in rows]
    emotions = [r["emotion"] for r in rows]
    toks = list(morph.tokenize(texts) if tokens is None else tokens)
    pred_i = [""] * len(rows)
    pred_e = [""] * len(rows)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(texts, intents):
        m = model.fit(
            [texts[i] for i in train],
            [intents[i] for i in train],
            [emotions[i] for i in train],
            [toks[i] for i in train],
        )
        pi, pe = m.predict([texts[i] for i in test], [toks[i] for i in test])
        for j, i in enumerate(test):
            pred_i[i], pred_e[i] = pi[j], pe[j]
    return {
        "intent_macro_f1": round(float(f1_score(intents, pred_i, average="macro")), 4),
        "emotion_macro_f1": round(float(f1_score(emotions, pred_e, average="macro")), 4),
        "folds": folds,
        "n": len(rows),
    }


def base_cv(folds: int = 5) -> dict[str, float]:
    """Cross-validated scores of the shipped base set (cached in data/base_cv.json by base digest)."""
    digest = model.base_digest()
    if BASE_CV.is_file():
        cached = json.loads(BASE_CV.read_text(encoding="utf-8"))
        if (
            cached.get("base") == digest
            and cached.get("version") == model.FEATURE_VERSION
            and cached.get("folds") == folds
        ):
            return cached
    scores: dict[str, Any] = dict(cross_validate(model.base_rows(), folds=folds))
    scores.update({"base": digest, "version": model.FEATURE_VERSION})
    with contextlib.suppress(OSError):
        BASE_CV.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return scores


def retrain(
    labels: Sequence[dict[str, Any]] | str | Path,
    *,
    base: Sequence[dict[str, Any]] | None = None,
    directory: Path | None = None,
    folds: int = 5,
    tolerance: float = TOLERANCE,
) -> dict[str, Any]:
    """Train on base + labels; adopt the new model unless it is worse than the one in use. Returns a report."""
    if isinstance(labels, str | Path):
        labels = model.read_jsonl(Path(labels))
    label_rows, skipped = clean_labels(labels)
    target = directory or model.model_dir()
    if base is None:
        base_rows = model.base_rows()
        shipped_base = True
    else:
        base_rows, _ = clean_labels(base)
        shipped_base = False
    rows = base_rows + label_rows
    tokens = morph.tokenize([r["text"] for r in rows])
    new_cv = cross_validate(rows, folds=folds, tokens=tokens)

    previous = model.load_saved(target)
    if previous is not None and previous.meta.get("cv"):
        prev_cv = previous.meta["cv"]
    elif shipped_base:
        prev_cv = base_cv(folds)
    else:
        prev_cv = cross_validate(base_rows, folds=folds, tokens=tokens[: len(base_rows)])

    worse = [
        label
        for label in ("intent_macro_f1", "emotion_macro_f1")
        if new_cv[label] < float(prev_cv[label]) - tolerance
    ]
    report: dict[str, Any] = {
        "labels": len(label_rows),
        "skipped": skipped,
        "base": len(base_rows),
        "folds": folds,
        "new": {k: new_cv[k] for k in ("intent_macro_f1", "emotion_macro_f1")},
        "previous": {k: float(prev_cv[k]) for k in ("intent_macro_f1", "emotion_macro_f1")},
        "tolerance": tolerance,
        "directory": str(target),
    }
    if worse:
        report.update({"kept": "previous", "worse": worse})
        return report
    new = model.fit(
        [r["text"] for r in rows], [r["intent"] for r in rows], [r["emotion"] for r in rows], tokens
    )
    new.meta.update({"source": "retrain", "labels": len(label_rows), "cv": report["new"]})
    model.save(new, target)
    model.reset()
    report["kept"] = "new"
    return report
