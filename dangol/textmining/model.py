"""The intent and emotion classifiers: kiwipiepy morphemes + character n-grams → logistic regression.

Features per message: TF-IDF over morpheme unigrams/bigrams (with lexicon hits as extra tokens) and over
character 1–3-grams within words (robust to spacing mistakes and typos). Two multinomial logistic
regressions (intent, emotion) give probabilities directly. Models live in the model directory
(``DANGOL_TEXT_MODEL_DIR``, default ``$DANGOL_VAR_DIR/textmining-model`` or ``./var/textmining-model``):
the first use trains from the shipped base set (a few seconds) and saves it there; ``retrain`` writes there too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dangol.textmining import lexicon, morph

INTENTS = ("complaint", "inquiry", "purchase", "renewal", "cancellation", "praise")
EMOTIONS = ("anger", "disappointment", "anxiety", "neutral", "satisfaction")
FEATURE_VERSION = 3
DATA = Path(__file__).resolve().parent / "data"
BASE_PATH = DATA / "base.jsonl"

_lock = threading.Lock()
_loaded: TextModel | None = None


def model_dir() -> Path:
    explicit = os.environ.get("DANGOL_TEXT_MODEL_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("DANGOL_VAR_DIR") or "var") / "textmining-model"


def identity(tokens: list[str]) -> list[str]:
    return tokens


def lexicon_tokens(text: str, lex: lexicon.LexiconReading | None = None) -> list[str]:
    hits, signals = lex if lex is not None else lexicon.read(text)
    out = [f"LEX_{emotion}" for emotion, n in hits.items() for _ in range(min(n, 3))]
    if signals["crying"]:
        out.append("SIG_crying")
    if signals["laughing"]:
        out.append("SIG_laughing")
    if signals["exclaim"] >= 2:
        out.append("SIG_exclaim")
    if "?" in text:
        out.append("SIG_question")
    return out


def normalise(text: str) -> str:
    return text.lower()


def doc_features(
    text: str, tokens: Sequence[tuple[str, str, int, int]], lex: lexicon.LexiconReading | None = None
) -> list[str]:
    return morph.morph_features(tokens) + lexicon_tokens(text, lex)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def base_rows() -> list[dict[str, Any]]:
    return read_jsonl(BASE_PATH)


def base_digest() -> str:
    return hashlib.sha256(BASE_PATH.read_bytes()).hexdigest()[:16]


@dataclass
class TextModel:
    morph_vec: Any
    char_vec: Any
    intent_clf: Any
    emotion_clf: Any
    meta: dict[str, Any] = field(default_factory=dict)

    def matrix(
        self,
        texts: Sequence[str],
        tokens: Sequence[Sequence[tuple[str, str, int, int]]],
        lex: Sequence[lexicon.LexiconReading] | None = None,
    ) -> Any:
        """Both feature blocks side by side. `lex`: `lexicon.read` of each text, when the caller has it."""
        from scipy.sparse import hstack

        readings: Sequence[lexicon.LexiconReading | None] = lex if lex is not None else [None] * len(texts)
        docs = [doc_features(t, toks, r) for t, toks, r in zip(texts, tokens, readings, strict=True)]
        if _fast_ok(self.morph_vec, "callable") and _fast_ok(self.char_vec, "char_wb"):
            chars = [normalise(t) for t in texts]
            return hstack(
                [
                    _tfidf(self.morph_vec, [_lookup(self.morph_vec.vocabulary_, d) for d in docs]),
                    _tfidf(self.char_vec, [_char_wb_indices(self.char_vec.vocabulary_, t) for t in chars]),
                ],
                format="csr",
            )
        return hstack(
            [self.morph_vec.transform(docs), self.char_vec.transform([normalise(t) for t in texts])],
            format="csr",
        )

    def predict_proba(
        self,
        texts: Sequence[str],
        tokens: Sequence[Sequence[tuple[str, str, int, int]]],
        lex: Sequence[lexicon.LexiconReading] | None = None,
    ) -> tuple[Any, Any]:
        x = self.matrix(texts, tokens, lex)
        return self.intent_clf.predict_proba(x), self.emotion_clf.predict_proba(x)

    def predict(
        self, texts: Sequence[str], tokens: Sequence[Sequence[tuple[str, str, int, int]]] | None = None
    ) -> tuple[list[str], list[str]]:
        toks = morph.tokenize(texts) if tokens is None else tokens
        pi, pe = self.predict_proba(texts, toks)
        ci, ce = self.intent_clf.classes_, self.emotion_clf.classes_
        return [str(ci[i]) for i in pi.argmax(axis=1)], [str(ce[i]) for i in pe.argmax(axis=1)]


# ---- TfidfVectorizer.transform for the two vectorisers above, without scikit-learn's per-document machinery
# (decode → preprocess → analyse → count into a dict → array extends: a third of the reading outside Kiwi).
# The same numbers: counts of the features in the vocabulary, 1 + ln(count), × idf, each row scaled to unit
# length (tested equal to `transform`). Any other vectoriser configuration goes through `transform`.

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char_wb normalisation


def _fast_ok(vec: Any, analyzer: str) -> bool:
    kind = "callable" if callable(vec.analyzer) else vec.analyzer
    return bool(
        kind == analyzer
        and (analyzer != "char_wb" or (tuple(vec.ngram_range) == (1, 3) and vec.lowercase))
        and vec.preprocessor is None
        and vec.strip_accents is None
        and not vec.binary
        and vec.sublinear_tf
        and vec.use_idf
        and vec.norm == "l2"
        and vec.input == "content"
    )


def _lookup(vocabulary: dict[str, int], features: Sequence[str]) -> list[int | None]:
    get = vocabulary.get
    return [get(f) for f in features]


def _char_wb_indices(vocabulary: dict[str, int], text: str) -> list[int | None]:
    """Vocabulary indexes of the 1–3-character n-grams inside each space-padded word (scikit-learn's
    `char_wb`: a padded word has at least 3 characters, so every n-gram length applies to every word)."""
    get = vocabulary.get
    out: list[int | None] = []
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        w = f" {word} "
        n = len(w)
        out += [get(w[i : i + k]) for k in (1, 2, 3) for i in range(n - k + 1)]
    return out


def _tfidf(vec: Any, rows: Sequence[Sequence[int | None]]) -> Any:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    indptr = [0]
    indices: list[int] = []
    values: list[int] = []
    for row in rows:
        counts = Counter(row)
        counts.pop(None, None)
        indices += counts.keys()  # type: ignore[arg-type]
        values += counts.values()
        indptr.append(len(indices))
    x = csr_matrix(
        (np.asarray(values, dtype=vec.dtype), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(rows), len(vec.vocabulary_)),
    )
    x.sort_indices()
    np.log(x.data, x.data)
    x.data += 1.0
    x.data *= vec.idf_[x.indices]
    return normalize(x, norm="l2", copy=False)


def fit(
    texts: Sequence[str],
    intents: Sequence[str],
    emotions: Sequence[str],
    tokens: Sequence[Sequence[tuple[str, str, int, int]]] | None = None,
) -> TextModel:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    toks = morph.tokenize(texts) if tokens is None else tokens
    docs = [doc_features(t, tk) for t, tk in zip(texts, toks, strict=True)]
    morph_vec = TfidfVectorizer(analyzer=identity, sublinear_tf=True, min_df=2, dtype=_float32())
    char_vec = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 3),
        sublinear_tf=True,
        min_df=2,
        max_features=40000,
        dtype=_float32(),
    )
    x = hstack(
        [morph_vec.fit_transform(docs), char_vec.fit_transform([normalise(t) for t in texts])], format="csr"
    )
    intent_clf = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced")
    emotion_clf = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced")
    with threadpool_limits(1):  # small problem: BLAS threads only fight each other (and the web workers)
        intent_clf.fit(x, list(intents))
        emotion_clf.fit(x, list(emotions))
    for vec in (morph_vec, char_vec):
        vec.stop_words_ = None  # only kept for introspection; large
    return TextModel(
        morph_vec, char_vec, intent_clf, emotion_clf, meta={"version": FEATURE_VERSION, "n": len(texts)}
    )


def _float32() -> Any:
    import numpy as np

    return np.float32


def save(model: TextModel, directory: Path | None = None) -> Path:
    import joblib

    target = directory or model_dir()
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target, suffix=".tmp")
    os.close(fd)
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, target / "model.joblib")
    meta_tmp = target / "model.json.tmp"
    meta_tmp.write_text(json.dumps(model.meta, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(meta_tmp, target / "model.json")
    return target / "model.joblib"


SHIPPED = DATA / "model.joblib"


def load_saved(directory: Path | None = None, *, path: Path | None = None) -> TextModel | None:
    import joblib

    path = path or (directory or model_dir()) / "model.joblib"
    if not path.is_file():
        return None
    try:
        model = joblib.load(path)
    except Exception:
        return None
    if not isinstance(model, TextModel) or model.meta.get("version") != FEATURE_VERSION:
        return None
    if model.meta.get("source") == "base" and model.meta.get("base") != base_digest():
        return None  # the shipped base set changed: train again
    return model


def train_base() -> TextModel:
    rows = base_rows()
    model = fit([r["text"] for r in rows], [r["intent"] for r in rows], [r["emotion"] for r in rows])
    model.meta.update({"source": "base", "base": base_digest()})
    return model


RECHECK_SECONDS = 30.0
_seen: tuple[float, float] = (0.0, -1.0)  # (when we last looked, mtime of the model directory's model then)


def _saved_mtime() -> float:
    try:
        return (model_dir() / "model.joblib").stat().st_mtime
    except OSError:
        return -1.0


def get_model() -> TextModel:
    """The model in use: the model directory's (retrained), else the shipped one, else one trained from the
    base set on first use (and saved). A model retrained by another process is picked up within 30 s."""
    global _loaded, _seen
    now = time.monotonic()
    if _loaded is not None:
        if now - _seen[0] < RECHECK_SECONDS:
            return _loaded
        mtime = _saved_mtime()
        if mtime == _seen[1]:
            _seen = (now, mtime)
            return _loaded
    with _lock:
        mtime = _saved_mtime()
        if _loaded is None or mtime != _seen[1]:
            model = load_saved() or (_loaded if _loaded is not None else None) or load_saved(path=SHIPPED)
            if model is None:
                model = train_base()
                with contextlib.suppress(OSError):  # read-only var dir: keep the model in memory
                    save(model)
                mtime = _saved_mtime()
            _loaded = model
        _seen = (now, mtime)
    return _loaded


def ship() -> Path:
    """Train the base model and write it into the package (``data/model.joblib``), deterministically."""
    import joblib

    model = train_base()
    joblib.dump(model, SHIPPED, compress=3)
    return SHIPPED


def reset() -> None:
    """Forget the model in memory (the next call loads from the model directory again)."""
    global _loaded, _seen
    _loaded = None
    _seen = (0.0, -1.0)
