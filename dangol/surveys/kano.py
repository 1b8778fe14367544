"""The Kano model: classify product/service attributes from paired questions. Of Django, only gettext.

Berger, C. et al. (1993) "Kano's methods for understanding customer-defined quality", Center for Quality
Management Journal 2(4): each respondent answers a functional question ("if the product has X, how do you
feel?") and a dysfunctional one ("if it does not have X?") on the same five answers:

    1 like (좋다)   2 expect (당연하다)   3 neutral (상관없다)   4 can live with (참을 수 있다)   5 dislike (싫다)

The pair is looked up in the evaluation table below and gives one of six categories:
A attractive (매력적), O one-dimensional (일원적), M must-be (당연적), I indifferent (무관심),
R reverse (역), Q questionable (회의적). An attribute's category is the most frequent one (ties broken
M > O > A > I > R > Q: when in doubt, treat it as the more basic need). The customer-satisfaction
coefficients are Better = (A+O)/(A+O+M+I) and Worse = −(O+M)/(A+O+M+I).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

CATEGORIES = ("A", "O", "M", "I", "R", "Q")
TIE_ORDER = ("M", "O", "A", "I", "R", "Q")
ANSWERS = {1: "좋다", 2: "당연하다", 3: "상관없다", 4: "참을 수 있다", 5: "싫다"}
CATEGORY_NAMES = {"A": "매력적", "O": "일원적", "M": "당연적", "I": "무관심", "R": "역", "Q": "회의적"}

# Rows: functional answer 1..5; columns: dysfunctional answer 1..5 (Berger et al. 1993, table 1).
EVALUATION_TABLE: tuple[tuple[str, ...], ...] = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)


class KanoInputError(ValueError):
    """The input cannot be classified; the message says where and why (in the active language)."""


def classify(functional: int, dysfunctional: int) -> str:
    """The Kano category of one respondent's answer pair."""
    if functional not in ANSWERS or dysfunctional not in ANSWERS:
        raise KanoInputError(
            _("답은 1~5 사이여야 합니다: 기능=%(functional)s, 역기능=%(dysfunctional)s")
            % {"functional": functional, "dysfunctional": dysfunctional}
        )
    return EVALUATION_TABLE[functional - 1][dysfunctional - 1]


@dataclass
class KanoResult:
    """Counts per category for one attribute (in one wave), with the majority category and Better/Worse."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    def add(self, category: str, times: int = 1) -> None:
        self.counts[category] += times

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def category(self) -> str | None:
        """The most frequent category; ties go to the more basic need (M > O > A > I > R > Q)."""
        if self.n == 0:
            return None
        top = max(self.counts.values())
        return next(c for c in TIE_ORDER if self.counts[c] == top)

    @property
    def better(self) -> float | None:
        """Satisfaction coefficient (A+O)/(A+O+M+I); None when nobody gave a classifiable A/O/M/I answer."""
        a, o, m, i = (self.counts[c] for c in "AOMI")
        total = a + o + m + i
        return round((a + o) / total, 4) if total else None

    @property
    def worse(self) -> float | None:
        """Dissatisfaction coefficient −(O+M)/(A+O+M+I), between −1 and 0."""
        a, o, m, i = (self.counts[c] for c in "AOMI")
        total = a + o + m + i
        return round(-(o + m) / total, 4) if total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts,
            "n": self.n,
            "category": self.category,
            "better": self.better,
            "worse": self.worse,
        }


def evaluate(pairs: Iterable[tuple[int, int]]) -> KanoResult:
    """Classify answer pairs (functional, dysfunctional) of one attribute."""
    result = KanoResult()
    for functional, dysfunctional in pairs:
        result.add(classify(functional, dysfunctional))
    return result


@dataclass
class KanoRow:
    attribute: str
    functional: int
    dysfunctional: int
    wave: str = ""
    respondent: str = ""


def analyse(rows: Iterable[KanoRow]) -> list[dict[str, Any]]:
    """Per attribute (in first-seen order): the overall result, and one result per wave when waves are given.

    Waves keep their first-seen order, so "동태적 관점" drift reads left to right (attractive → one-dimensional
    → must-be as competitors catch up).
    """
    overall: dict[str, KanoResult] = {}
    by_wave: dict[str, dict[str, KanoResult]] = {}
    for row in rows:
        category = classify(row.functional, row.dysfunctional)
        overall.setdefault(row.attribute, KanoResult()).add(category)
        if row.wave:
            by_wave.setdefault(row.attribute, {}).setdefault(row.wave, KanoResult()).add(category)
    out = []
    for attribute, result in overall.items():
        item: dict[str, Any] = {"attribute": attribute, **result.as_dict()}
        waves = by_wave.get(attribute)
        if waves:
            item["waves"] = [{"wave": wave, **r.as_dict()} for wave, r in waves.items()]
            categories = [r.category for r in waves.values()]
            item["drift"] = [c for i, c in enumerate(categories) if i == 0 or c != categories[i - 1]]
        out.append(item)
    return out


REQUIRED_COLUMNS = ("attribute", "functional", "dysfunctional")
COLUMN_ALIASES = {
    "attribute": "attribute",
    "속성": "attribute",
    "항목": "attribute",
    "functional": "functional",
    "기능": "functional",
    "기능적": "functional",
    "dysfunctional": "dysfunctional",
    "역기능": "dysfunctional",
    "역기능적": "dysfunctional",
    "respondent": "respondent",
    "응답자": "respondent",
    "wave": "wave",
    "차수": "wave",
}


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise KanoInputError(_("파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요."))


def _answer(value: str, line: int, column: str) -> int:
    text = value.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) != 1 or not text.isascii() or not text.isdigit() or int(text) not in ANSWERS:
        raise KanoInputError(
            _("%(line)s행 %(column)s: 답은 1~5 사이의 정수여야 합니다 (받은 값: %(value)s).")
            % {"line": line, "column": column, "value": repr(value)}
        )
    return int(text)


def read_csv(text: str) -> list[KanoRow]:
    """Rows of a Kano CSV (attribute,functional,dysfunctional[,respondent][,wave]); errors name the line."""
    if "\x00" in text:
        raise KanoInputError(_("CSV 파일이 아닙니다 (이진 데이터가 들어 있습니다)."))
    reader = csv.reader(io.StringIO(text, newline=""))
    header: dict[str, int] | None = None
    rows: list[KanoRow] = []
    seen: set[tuple[str, str, str]] = set()
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = {}
                for position, name in enumerate(cells):
                    key = COLUMN_ALIASES.get(name.strip().lstrip("\ufeff").lower())
                    if key and key not in header:
                        header[key] = position
                missing = [c for c in REQUIRED_COLUMNS if c not in header]
                if missing:
                    raise KanoInputError(
                        _(
                            "필수 열이 없습니다: %(columns)s. "
                            "첫 줄은 attribute,functional,dysfunctional 이어야 합니다."
                        )
                        % {"columns": ", ".join(missing)}
                    )
                continue
            line = reader.line_num
            values = {key: (cells[pos].strip() if pos < len(cells) else "") for key, pos in header.items()}
            if not values["attribute"]:
                raise KanoInputError(_("%(line)s행 attribute: 속성 이름이 비어 있습니다.") % {"line": line})
            row = KanoRow(
                attribute=values["attribute"],
                functional=_answer(values["functional"], line, "functional"),
                dysfunctional=_answer(values["dysfunctional"], line, "dysfunctional"),
                wave=values.get("wave", ""),
                respondent=values.get("respondent", ""),
            )
            if row.respondent:
                identity = (row.attribute, row.wave, row.respondent)
                if identity in seen:
                    raise KanoInputError(
                        _("%(line)s행: 응답자 %(respondent)s의 '%(attribute)s' 답이 두 번 있습니다.")
                        % {"line": line, "respondent": row.respondent, "attribute": row.attribute}
                    )
                seen.add(identity)
            rows.append(row)
    except csv.Error as exc:
        raise KanoInputError(_("CSV 형식 오류: %(error)s") % {"error": exc}) from exc
    if header is None:
        raise KanoInputError(
            _("파일이 비어 있습니다. 첫 줄에 attribute,functional,dysfunctional 열 이름이 있어야 합니다.")
        )
    if not rows:
        raise KanoInputError(_("분류할 행이 없습니다."))
    return rows
