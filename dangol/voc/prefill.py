"""A case drafted from a logged interaction (a call, a visit, a message): the customer's words as they were logged,
the intent read from them (an angry call is a complaint, not an inquiry), a category suggested from the text and a
priority raised by strong negative emotion. The agent confirms or edits the draft; nothing is saved here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dangol.interactions.models import Interaction
from dangol.reading.text import mask_text, read_text
from dangol.voc.models import Case, Category, Priority

# Emotions that, read strongly enough, make a contact a complaint and raise its priority.
NEGATIVE_EMOTIONS = ("anger", "disappointment")
NEGATIVE_IS_COMPLAINT = 0.5  # an inquiry read this negative is a complaint
STRONG_NEGATIVE = 0.7  # …and this negative raises the priority to high
_CHANNELS = {
    "call_center": Case.Channel.PHONE,
    "store": Case.Channel.STORE,
    "visit": Case.Channel.STORE,
    "delivery": Case.Channel.PHONE,
    "website": Case.Channel.WEB,
    "app": Case.Channel.APP,
    "sns": Case.Channel.SNS,
    "email": Case.Channel.EMAIL,
}
_SPLIT = re.compile(r"[\s/·>,()]+")


@dataclass(frozen=True)
class CaseDraft:
    title: str
    body: str
    kind: str
    priority: str
    channel: str
    touchpoint_id: int | None
    category: Category | None
    reading: dict[str, Any] = field(default_factory=dict)

    def initial(self) -> dict[str, Any]:
        """The new-case form's starting values."""
        return {
            "title": self.title,
            "body": self.body,
            "kind": self.kind,
            "priority": self.priority,
            "channel": self.channel,
            "touchpoint": self.touchpoint_id,
            "category": self.category.pk if self.category else None,
        }


def kind_from_reading(reading: dict[str, Any], logged_as: str = "") -> str:
    """The case kind: what the staff logged it as when that was a complaint or praise, else the intent read from
    the text — and a contact read as clearly angry or disappointed is a complaint whatever its intent."""
    if logged_as in (Case.Kind.COMPLAINT, Case.Kind.PRAISE):
        return logged_as
    intent = reading.get("intent")
    if intent in (Case.Kind.COMPLAINT, Case.Kind.PRAISE):
        return str(intent)
    if _negative_score(reading) >= NEGATIVE_IS_COMPLAINT:
        return Case.Kind.COMPLAINT
    return Case.Kind.INQUIRY


def priority_from_reading(reading: dict[str, Any]) -> str:
    """Urgent for a threat of violence, high for any other threat or strong anger/disappointment, else normal."""
    kinds = [str(c.get("kind", "")) for c in reading.get("difficult_cues") or [] if isinstance(c, dict)]
    if any(k == "threat_violence" for k in kinds):
        return Priority.URGENT
    if any(k.startswith("threat") for k in kinds) or _negative_score(reading) >= STRONG_NEGATIVE:
        return Priority.HIGH
    return Priority.NORMAL


def _negative_score(reading: dict[str, Any]) -> float:
    if reading.get("emotion") not in NEGATIVE_EMOTIONS:
        return 0.0
    try:
        return float(reading.get("emotion_score") or 0)
    except (TypeError, ValueError):
        return 0.0


def _terms(category: Category) -> list[str]:
    words = _SPLIT.split(category.name) + [k.strip() for k in (category.keywords or "").split(",")]
    return [w.lower() for w in words if w.strip()]


def category_suggestion(text: str, keywords: list[str] | None = None) -> Category | None:
    """The active category whose name or keywords (Category.keywords) the text mentions most, a child helped by its
    parent's words ("배송이 늦어요" + 지연 → 배송 > 지연). A one-letter word counts only when it was read as a
    keyword. None when nothing matches."""
    text = (text or "").lower()
    read = {k.lower() for k in keywords or [] if isinstance(k, str)}

    def hits(category: Category) -> int:
        return sum(1 for t in _terms(category) if (len(t) >= 2 and t in text) or t in read)

    categories = list(Category.objects.filter(is_active=True).select_related("parent").order_by("id"))
    own = {c.pk: hits(c) for c in categories}
    best: tuple[int, int, int] | None = None
    chosen = None
    for c in categories:
        if not own[c.pk]:
            continue
        score = 2 * own[c.pk] + (own.get(c.parent_id, 0) if c.parent_id else 0)
        key = (score, 1 if c.parent_id else 0, -c.pk)
        if best is None or key > best:
            best, chosen = key, c
    return chosen


def draft_from_interaction(interaction: Interaction) -> CaseDraft:
    """A case draft from what was logged: the interaction's own reading when it has one, else the text read now."""
    words = f"{interaction.summary}\n{interaction.body or ''}".strip()
    reading: dict[str, Any] = dict(interaction.text_analysis or {})
    if not reading.get("intent"):
        reading = read_text(mask_text(words)) or {}
    touchpoint = interaction.touchpoint if interaction.touchpoint_id else None
    return CaseDraft(
        title=interaction.summary,
        body=interaction.body or "",
        kind=kind_from_reading(reading, interaction.type),
        priority=priority_from_reading(reading),
        channel=_CHANNELS.get(touchpoint.channel, Case.Channel.PHONE) if touchpoint else Case.Channel.PHONE,
        touchpoint_id=interaction.touchpoint_id,
        category=category_suggestion(words, reading.get("keywords")),
        reading=reading,
    )
