"""Korean search over the articles: morphemes, an inverted index, BM25 and jamo-level typo tolerance.

- Terms are the content morphemes Kiwi finds (dangol.textmining.morph, the project's one shared analyser):
  nouns, roots, foreign words and numbers, and verb/adjective stems in dictionary form (와요 → 오다); particles
  and endings are dropped, so 배송이/배송을/배송 are all the term 배송. Title terms count three times.
- Ranking is Okapi BM25 (k1=1.2, b=0.75) over the articles the public may see now:
  idf = ln(1 + (N - df + 0.5) / (df + 0.5)), score = Σ w · idf · tf·(k1+1) / (tf + k1·(1 - b + b·len/avglen)).
  A query term's weight w is 1 for a noun, 0.1 for a verb beside nouns (it only breaks ties), 0.3 for a
  one-syllable word.
- Compounds Kiwi keeps whole (배송비, 배송지) count, at half their frequency, for the noun they start with.
- Typo tolerance: a query noun of two or more syllables that no article contains, or a typed word Kiwi could only
  cut into one-syllable pieces (환볼 → 환 + 볼), stands for the indexed terms at Levenshtein distance ≤ 1 over
  their jamo (syllables split into initial, vowel and final): 배숑→배송, 환볼→환불, 멤버쉽→멤버십; weight 0.5.
  The vocabulary is scanned in Python, which suits an FAQ of hundreds of articles, not a web-scale corpus.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from dangol.textmining.morph import tokenize

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3
FUZZY_WEIGHT = 0.5
MAX_QUERY_TERMS = 16
TERM_LENGTH = 64

_CONTENT_TAGS = {"NNG", "NNP", "NR", "SL", "SH", "SN", "XR", "VV", "VA"}
_NOUN_TAGS = {"NNG", "NNP", "XR"}
_VERB_TAGS = {"VV", "VA"}
# Query weights: a verb stem (받, 늦) or a one-syllable word says less about the topic than a noun.
WEAK_WEIGHT = 0.3
VERB_WEIGHT = 0.1  # beside nouns, a verb only breaks ties (받다 in "배송을 언제 받나요")
COMPOUND_WEIGHT = 0.5  # 배송 also finds 배송비, 배송지 (Kiwi keeps such compounds whole)
PARTICLES = (
    "에서",
    "으로",
    "이랑",
    "하고",
    "이",
    "가",
    "을",
    "를",
    "은",
    "는",
    "에",
    "로",
    "도",
    "만",
    "와",
    "과",
    "의",
    "요",
)


def _keep(form: str, tag: str) -> str | None:
    tag = tag.split("-")[0]  # VA-I, VV-R: irregular stems
    if tag not in _CONTENT_TAGS:
        return None
    term = form.lower().strip()[: TERM_LENGTH - 1]
    if not term or (tag in {"VV", "VA"} and term in {"하", "되", "있", "없", "보", "주"}):
        return None  # light verbs carry no topic
    # Verb and adjective stems as their dictionary form (오 → 오다): the noun 오(誤) stays a different term.
    return term + "다" if tag in {"VV", "VA"} else term


def terms_of(texts: Iterable[str]) -> list[list[tuple[str, bool]]]:
    """For each text: its content terms in order, each with whether it is a noun (typo tolerance applies)."""
    return [[(term, kind == "noun") for term, kind in row] for row in terms_with_kind(texts)]


def terms_with_kind(texts: Iterable[str]) -> list[list[tuple[str, str]]]:
    """For each text: its content terms in order, each with its kind: noun, verb or other."""
    batch = [t or "" for t in texts]
    out: list[list[tuple[str, str]]] = []
    for tokens in tokenize(batch):
        row = []
        for form, tag, _, _ in tokens:
            term = _keep(form, tag)
            if term:
                base = tag.split("-")[0]
                row.append(
                    (term, "noun" if base in _NOUN_TAGS else "verb" if base in _VERB_TAGS else "other")
                )
        out.append(row)
    return out


def query_weights(text: str) -> tuple[dict[str, float], set[str]]:
    """The query's terms with their weights, and the nouns among them (which typo tolerance may correct)."""
    (terms,) = terms_with_kind([text])
    weights: dict[str, float] = {}
    nouns: set[str] = set()
    has_nouns = any(kind == "noun" for _, kind in terms)
    for term, kind in terms[:MAX_QUERY_TERMS]:
        if kind == "verb":
            weight = VERB_WEIGHT if has_nouns else 1.0
        else:
            weight = WEAK_WEIGHT if len(term) < 2 else 1.0
        weights[term] = max(weights.get(term, 0.0), weight)
        if kind == "noun":
            nouns.add(term)
    return weights, nouns


def split_words(text: str) -> list[str]:
    """The query's Hangul words that Kiwi could only cut into one-syllable pieces (a misspelled 환볼 → 환 + 볼),
    without a trailing particle: typo tolerance tries them whole."""
    words = []
    for word in text.split()[:MAX_QUERY_TERMS]:
        word = "".join(ch for ch in word if "가" <= ch <= "힣")
        for particle in PARTICLES:
            if len(word) > len(particle) + 1 and word.endswith(particle):
                word = word[: -len(particle)]
                break
        if len(word) >= 2:
            words.append(word)
    if not words:
        return []
    return [
        word
        for word, terms in zip(words, terms_with_kind(words), strict=True)
        if len(terms) >= 2 and all(kind == "noun" and len(term) == 1 for term, kind in terms)
    ]


def document_terms(title: str, body_text: str) -> Counter[str]:
    """Term frequencies of an article: its title's terms weigh TITLE_WEIGHT."""
    title_terms, body_terms = terms_of([title, body_text])
    counts: Counter[str] = Counter()
    for term, _ in title_terms:
        counts[term] += TITLE_WEIGHT
    for term, _ in body_terms:
        counts[term] += 1
    return counts


# ---------------------------------------------------------------- jamo edit distance

_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]


def jamo(text: str) -> str:
    """Hangul syllables split into their letters (각 → ㄱㅏㄱ); other characters stay as they are."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _VOWELS[(code % 588) // 28] + _FINALS[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance(a, b) ≤ 1, in linear time."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def near_terms(term: str, vocabulary: Iterable[str]) -> list[str]:
    """Indexed terms one jamo edit from `term` (nouns of two or more syllables only: shorter ones collide)."""
    if len(term) < 2:
        return []
    spelled = jamo(term)
    return [v for v in vocabulary if len(v) >= 2 and v != term and within_one_edit(spelled, jamo(v))]


# ---------------------------------------------------------------- ranking


def bm25(
    query_weights: dict[str, float],
    postings: dict[str, dict[int, float]],
    lengths: dict[int, int],
    total_documents: int,
) -> list[tuple[int, float]]:
    """(document id, score) best first. `postings` term → {document: tf}; `lengths` document → indexed terms."""
    if not total_documents or not lengths:
        return []
    average = sum(lengths.values()) / max(1, len(lengths)) or 1.0
    scores: dict[int, float] = defaultdict(float)
    for term, weight in query_weights.items():
        docs = postings.get(term) or {}
        if not docs:
            continue
        df = len(docs)
        idf = math.log(1 + (total_documents - df + 0.5) / (df + 0.5))
        for doc, tf in docs.items():
            norm = K1 * (1 - B + B * lengths.get(doc, 0) / average)
            scores[doc] += weight * idf * tf * (K1 + 1) / (tf + norm)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
