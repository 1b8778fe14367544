"""Personal data in free text (PIPA): find and mask it before the text is stored.

Masks Korean resident/foreigner registration numbers, mobile and landline phone numbers, payment card
numbers, bank account numbers and e-mail addresses, written with or without hyphens, dots or spaces.
Every kind is replaced by a bracketed label (``[전화번호]`` …); the original digits are never returned.

Precision: order/parcel/reservation numbers, amounts (``12,000원``), dates (``2026-11-24``) and company
representative numbers (``1588-1234``) are left alone where the shape or the words before them say so.
"""

from __future__ import annotations

import re
from typing import Any

LABELS = {
    "rrn": "[주민번호]",
    "card": "[카드번호]",
    "phone": "[전화번호]",
    "account": "[계좌번호]",
    "email": "[이메일]",
}

_SEP = r"[ \t]*[-.–·_][ \t]*|[ \t]+"  # between digit groups: hyphen/dot (spaces around allowed) or spaces
_S = rf"(?:{_SEP})?"

EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*[ \t]?@[ \t]?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
RRN = re.compile(
    rf"(?<![\d])\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]){_S}[1-8](?:\d{{6}}|[*xX]{{6}})(?![\d])"
)
CARD = re.compile(
    rf"(?<![\d])(?:\d{{4}}{_S}\d{{4}}{_S}\d{{4}}{_S}\d{{4}}|3[47]\d{{2}}{_S}\d{{6}}{_S}\d{{5}})(?![\d])"
)
MOBILE = re.compile(
    rf"(?<![\d+])(?:\+?82{_S}\(?0?\)?{_S}1[016789]|\(?01[016789]\)?){_S}\d{{3,4}}{_S}\d{{4}}(?![\d])"
)
LANDLINE = re.compile(rf"(?<![\d])\(?0(?:2|[3-6][1-5]|70|50[2-8]?)\)?{_S}\d{{3,4}}{_S}\d{{4}}(?![\d])")
# Any run of 2–5 digit groups with 10–16 digits in all: an account number when the context says so.
DIGIT_RUN = re.compile(rf"(?<![\d,A-Za-z])\d{{2,7}}(?:{_S}\d{{1,7}}){{0,4}}(?![\d,:])")
DATE_START = re.compile(r"(?:19|20)\d{2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}(?!\d)")
# "주민번호 앞자리 851122 뒷자리 1234567": the halves written apart, after the words that name them.
RRN_WORDS = re.compile(r"주민\s*(?:등록)?\s*번호|주민번호|외국인\s*등록")
RRN_FRONT = re.compile(r"(?<![\d])\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\d])")
RRN_BACK = re.compile(r"(?<![\d])[1-8]\d{6}(?![\d])")

BANK_WORDS = re.compile(
    r"(계좌|통장|입금|송금|이체|환불\s*받을|예금주|은행|뱅크|국민|신한|우리|하나|농협|기업|카카오|토스|케이뱅크|"
    r"새마을|우체국|수협|신협|대구|부산|경남|광주|전북|제주|SC|씨티|산업|저축)"
)
NOT_PII_WORDS = re.compile(
    r"(주문\s*번호|주문|운송장|송장|택배\s*번호|접수\s*번호|예약\s*번호|사업자|모델\s*명|모델|시리얼|쿠폰|"
    r"상품\s*번호|상품\s*코드|코드|회원\s*번호|티켓|바코드|order|invoice|no\.)(\s*번호)?(?:은|는|이|가|도)?\s*[:：#]?\s*$",
    re.IGNORECASE,
)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _context_before(text: str, start: int, width: int = 16) -> str:
    return text[max(0, start - width) : start]


def find_pii(text: str) -> list[dict[str, Any]]:
    """Spans of personal data: ``{"type": kind, "start": i, "end": j}``, non-overlapping, in text order."""
    spans: list[tuple[int, int, str]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in spans)

    def add(a: int, b: int, kind: str) -> None:
        if free(a, b):
            spans.append((a, b, kind))

    for m in EMAIL.finditer(text):
        add(m.start(), m.end(), "email")
    for m in RRN.finditer(text):
        if not NOT_PII_WORDS.search(_context_before(text, m.start())):
            add(m.start(), m.end(), "rrn")
    for words in RRN_WORDS.finditer(text):
        window_end = min(len(text), words.end() + 40)
        for pattern in (RRN_FRONT, RRN_BACK):
            for m in pattern.finditer(text, words.end(), window_end):
                add(m.start(), m.end(), "rrn")
    for m in MOBILE.finditer(text):
        add(m.start(), m.end(), "phone")
    for m in CARD.finditer(text):
        before = _context_before(text, m.start())
        grouped = len(_digits(m.group())) < len(m.group())
        if grouped or not NOT_PII_WORDS.search(before):
            add(m.start(), m.end(), "card")
    for m in LANDLINE.finditer(text):
        if not NOT_PII_WORDS.search(_context_before(text, m.start())):
            add(m.start(), m.end(), "phone")
    for m in DIGIT_RUN.finditer(text):
        raw = m.group().rstrip(" \t")
        digits = _digits(raw)
        if not 10 <= len(digits) <= 16:
            continue
        before = _context_before(text, m.start(), 24)
        after = text[m.start() + len(raw) : m.start() + len(raw) + 12]
        if NOT_PII_WORDS.search(before) or DATE_START.match(raw):
            continue
        groups = len(re.findall(r"\d+", raw))
        bank_context = BANK_WORDS.search(before) or BANK_WORDS.search(after)
        business_number = re.fullmatch(r"\d{3}\D+\d{2}\D+\d{5}", raw) is not None
        if bank_context or (groups >= 3 and len(digits) <= 14 and not business_number):
            add(m.start(), m.start() + len(raw), "account")
    spans.sort()
    return [{"type": kind, "start": a, "end": b} for a, b, kind in spans]


def mask_pii(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The text with personal data replaced by labels, and the spans found (positions in the original)."""
    if not text:
        return text, []
    found = find_pii(text)
    if not found:
        return text, []
    out: list[str] = []
    pos = 0
    for span in found:
        out.append(text[pos : span["start"]])
        out.append(LABELS[span["type"]])
        pos = span["end"]
    out.append(text[pos:])
    return "".join(out), found
