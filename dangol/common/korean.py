"""Korean particles (조사) chosen by the sound the word ends in: 웹으로, 전화로, 매장을, 고객이.

A particle pair has one form for a word ending in a consonant (받침) and one for a word ending in a vowel;
로/으로 takes 로 after ㄹ as after a vowel (서울로, 이메일로). Digits are read the Korean way (1 일 → 로, 3 삼 →
으로, 10 십 → 으로, 100 백 → 으로) and Latin letters as spoken in Korean: acronyms letter by letter (SNS 에스엔에스
→ 로, URL 유알엘 → 로), words by their ending (web 웹 → 으로, app 앱 → 을, phone 폰 → 을, email → 로). When a word
ends in nothing readable the written both-ways form is used: 을(를), (으)로.
"""

from __future__ import annotations

# pair → (form after a consonant, form after a vowel, form after ㄹ)
_PAIRS: dict[frozenset[str], tuple[str, str, str]] = {
    frozenset({"로", "으로"}): ("으로", "로", "로"),
    frozenset({"을", "를"}): ("을", "를", "을"),
    frozenset({"이", "가"}): ("이", "가", "이"),
    frozenset({"은", "는"}): ("은", "는", "은"),
    frozenset({"과", "와"}): ("과", "와", "과"),
    frozenset({"아", "야"}): ("아", "야", "아"),
    frozenset({"이나", "나"}): ("이나", "나", "이나"),
    frozenset({"이랑", "랑"}): ("이랑", "랑", "이랑"),
}
_UNKNOWN = {"으로": "(으)로", "을": "을(를)", "이": "이(가)", "은": "은(는)", "과": "와(과)"}

VOWEL, CONSONANT, RIEUL = "vowel", "consonant", "rieul"

# How each digit is read at the end of a number: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGITS = [CONSONANT, RIEUL, VOWEL, CONSONANT, VOWEL, VOWEL, CONSONANT, RIEUL, RIEUL, VOWEL]
# A number ending in zeros ends in its unit: 십, 백, 천, 만 (to 천만), 억 (to 천억), 조.
_ZERO_UNITS = {1: CONSONANT, 2: CONSONANT, 3: CONSONANT, 4: CONSONANT, 8: CONSONANT, 12: VOWEL}
# Latin letters by their Korean names: 에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티
# 유 브이 더블유 엑스 와이 제트.
_LETTER_NAMES = {"l": RIEUL, "m": CONSONANT, "n": CONSONANT, "r": RIEUL}
_TRAILING = " \t\n)]}>»”’\"'.,!?…·-_~"


def final_sound(word: str) -> str | None:
    """VOWEL, CONSONANT, RIEUL (ends in ㄹ) or None when the end of the word cannot be read."""
    text = (word or "").rstrip(_TRAILING)
    if not text:
        return None
    last = text[-1]
    code = ord(last)
    if 0xAC00 <= code <= 0xD7A3:  # a Hangul syllable: 28 finals per vowel, 0 = none, 8 = ㄹ
        final = (code - 0xAC00) % 28
        return VOWEL if final == 0 else RIEUL if final == 8 else CONSONANT
    if 0x3131 <= code <= 0x314E:  # a lone consonant jamo (ㅋ, ㄹ)
        return RIEUL if last == "ㄹ" else CONSONANT
    if 0x314F <= code <= 0x3163:  # a lone vowel jamo
        return VOWEL
    if last.isdigit() and last.isascii():
        digits = ""
        for ch in reversed(text):
            if ch == ",":  # 12,000
                continue
            if not (ch.isdigit() and ch.isascii()):
                break
            digits = ch + digits
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        if not stripped:
            return CONSONANT  # 영
        if zeros == 0:
            return _DIGITS[int(stripped[-1])]
        return next((_ZERO_UNITS[z] for z in sorted(_ZERO_UNITS, reverse=True) if zeros >= z), CONSONANT)
    if last.isascii() and last.isalpha():
        letters = ""
        for ch in reversed(text):
            if not (ch.isascii() and ch.isalpha()):
                break
            letters = ch + letters
        if len(letters) == 1 or letters.isupper():
            return _LETTER_NAMES.get(letters[-1].lower(), VOWEL)  # read letter by letter
        return _english_word_end(letters.lower())
    return None


def _english_word_end(word: str) -> str:
    """How an English word borrowed into Korean usually ends: web 웹, app 앱, chat 챗, phone 폰, mobile 모바일,
    email 이메일, store 스토어, card 카드, desk 데스크."""
    vowels = "aeiou"
    if word.endswith("ng") or word[-1] in "mn":
        return CONSONANT
    if word[-1] == "l":
        return RIEUL
    if word[-1] == "e" and len(word) > 2 and word[-2] not in vowels:
        # a silent e: phone 폰, home 홈, mobile 모바일; site 사이트, store 스토어
        return CONSONANT if word[-2] in "mn" else RIEUL if word[-2] == "l" else VOWEL
    if word[-1] in "bkpt" and len(word) > 1 and word[-2] in vowels:
        return CONSONANT  # a short closed syllable: web 웹, book 북, shop 샵, chat 챗
    if word.endswith("ck"):
        return CONSONANT
    return VOWEL


def particle(word: str, pair: str) -> str:
    """The particle of `pair` ("로/으로", "을/를", "이/가", "은/는", "와/과", either order) that fits `word`."""
    forms = _PAIRS.get(frozenset(part.strip() for part in pair.split("/")))
    if forms is None:
        raise ValueError(f"unknown particle pair: {pair!r}")
    after_consonant, after_vowel, after_rieul = forms
    sound = final_sound(word)
    if sound is None:
        return _UNKNOWN.get(after_consonant, f"{after_consonant}({after_vowel})")
    return {CONSONANT: after_consonant, VOWEL: after_vowel, RIEUL: after_rieul}[sound]


def josa(word: str, pair: str) -> str:
    """`word` with the particle that fits it: josa("웹", "로/으로") → "웹으로", josa("전화", "로/으로") → "전화로"."""
    return f"{word}{particle(word, pair)}"
