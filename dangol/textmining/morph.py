"""kiwipiepy morphology: one shared analyser, morpheme features, nouns for keywords.

The Kiwi model ships inside the ``kiwipiepy_model`` package; nothing is downloaded at run time.
Business terms (product names, the shop's own words) are added from ``data/userdict.txt`` and from the file
named by ``DANGOL_TEXT_USERDICT`` (one ``word`` or ``word<TAB>TAG`` a line) so they stay whole.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

_lock = threading.Lock()
_analyse_lock = threading.Lock()  # one batch at a time through the single Kiwi worker (threaded servers)
_kiwi: Any = None

NOUN_TAGS = {"NNG", "NNP", "SL", "SH", "NR"}
STOPWORDS = frozenset(
    [
        "고객",
        "고객님",
        "문의",
        "안녕",
        "안녕하세요",
        "감사",
        "수고",
        "부탁",
        "확인",
        "요청",
        "답변",
        "연락",
        "처리",
        "정도",
        "경우",
        "때문",
        "이번",
        "저번",
        "지난번",
        "다음",
        "오늘",
        "어제",
        "내일",
        "지금",
        "자꾸",
        "계속",
        "그냥",
        "진짜",
        "정말",
        "너무",
        "혹시",
        "제발",
        "당장",
        "이거",
        "그거",
        "저거",
        "여기",
        "거기",
        "저기",
        "뭐",
        "무엇",
        "어디",
        "언제",
        "우리",
        "저희",
        "제가",
        "사람",
        "분",
        "님",
        "번",
        "개",
        "일",
        "주",
        "달",
        "년",
        "시간",
        "분들",
        "생각",
        "말씀",
        "얘기",
        "부분",
        "관련",
        "해당",
        "내용",
        "상황",
        "이용",
        "사용",
        "가능",
        "진행",
        "방법",
        "얼마",
        "동안",
        "그동안",
        "하루",
        "이틀",
        "사흘",
        "몇",
        "주일",
        "일주일",
        "째",
        "것",
        "거",
        "수",
        "중",
        "등",
        "전",
        "후",
        "위",
        "안",
        "밖",
        "쪽",
        "도",
        "점",
        "원",
        "만원",
        "천원",
        "건",
        "회",
        "명",
        "개월",
        "모레",
        "직접",
        "hello",
        "hi",
        "plz",
        "please",
        "thanks",
        "thank",
        "you",
        "the",
        "a",
        "to",
        "is",
        "my",
        "me",
    ]
)
_SPACE_RUN = re.compile(r"\s+")


def kiwi() -> Any:
    """The shared Kiwi analyser (single worker thread: one core per process; batch calls stream through it)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    from kiwipiepy import Kiwi

                    analyser = Kiwi(num_workers=1)
                for word, tag in _user_words():
                    try:
                        analyser.add_user_word(word, tag, 0.0)
                    except Exception:  # noqa: S112 - a bad dictionary line must not stop the analyser
                        continue
                _kiwi = analyser
    return _kiwi


def _user_words() -> list[tuple[str, str]]:
    paths = [DATA / "userdict.txt"]
    extra = os.environ.get("DANGOL_TEXT_USERDICT")
    if extra:
        paths.append(Path(extra))
    words: list[tuple[str, str]] = []
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            word, _, tag = line.partition("\t")
            words.append((word.strip(), (tag.strip() or "NNP")))
    return words


def tokenize(texts: Sequence[str]) -> list[list[tuple[str, str, int, int]]]:
    """(form, tag, start, length) per morpheme, for each text; streamed through Kiwi in one batch."""
    if not texts:
        return []
    analyser = kiwi()
    with _analyse_lock:
        return [
            [(tok.form, tok.tag, tok.start, tok.len) for tok in tokens]
            for tokens in analyser.tokenize([t if t.strip() else "." for t in texts])
        ]


def morph_features(tokens: Iterable[tuple[str, str, int, int]]) -> list[str]:
    """Morpheme unigrams (form/coarse tag) and bigrams of content morphemes and endings."""
    feats: list[str] = []
    prev = "<s>"
    for form, tag, _, _ in tokens:
        t = tag[:2]
        if t in {"SF", "SP", "SS", "SE", "SO"}:
            unit = form[:1] + "/" + t
        elif t == "SN":
            unit = "<num>"
        elif t == "SL":
            unit = form.lower() + "/SL"
        else:
            unit = form + "/" + t
        feats.append(unit)
        feats.append(prev + "_" + unit)
        prev = unit
    feats.append(prev + "_</s>")
    return feats


def keywords_from_tokens(text: str, tokens: Sequence[tuple[str, str, int, int]], limit: int = 8) -> list[str]:
    """Nouns and noun compounds (adjacent nouns written together stay whole: 갤럭시워치, 배송지연)."""
    out: list[str] = []
    run: list[tuple[int, int]] = []

    def flush() -> None:
        if not run:
            return
        start, end = run[0][0], run[-1][1]
        word = _SPACE_RUN.sub(" ", text[start:end]).strip()
        if word.isascii():
            word = word.lower()
        if len(word) >= 2 and word not in STOPWORDS and not word.isdigit() and word not in out:
            out.append(word)
        run.clear()

    pending_prefix: tuple[int, int] | None = (
        None  # 재(배송), 무(제한): a prefix joins the noun right after it
    )
    for form, tag, start, length in tokens:
        if start > 0 and text[start - 1] == "[" and text[start + length : start + length + 1] == "]":
            flush()  # a mask label such as [전화번호]
            pending_prefix = None
            continue
        if tag == "XPN":
            flush()
            pending_prefix = (start, start + length)
            continue
        if tag == "XSN" and run and start == run[-1][1]:  # 요금+제, 회원+권: a suffix stays on its noun
            run.append((start, start + length))
            continue
        if tag in NOUN_TAGS or (tag == "SN" and not run):
            if run and start > run[-1][1]:  # a space between two nouns: two keywords
                flush()
            if form in STOPWORDS and not run:
                pending_prefix = None
                continue
            if pending_prefix and pending_prefix[1] == start and not run:
                run.append(pending_prefix)
            run.append((start, start + length))
        else:
            flush()
        pending_prefix = None
    flush()
    return out[:limit]


def keywords(texts: Sequence[str], limit: int = 8) -> list[list[str]]:
    return [keywords_from_tokens(t, toks, limit) for t, toks in zip(texts, tokenize(texts), strict=True)]
