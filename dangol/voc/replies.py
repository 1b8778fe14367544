"""Empathetic reply templates (seed 002 공감적 듣기: name the feeling first, then the context).

The team keeps the texts on a page (managers edit, add and stop using them); the case screen suggests the one for
the intent and emotion read from the customer's words. A template may say `{issue}`: the case's matter, taken from
its category or the Korean keywords read from the text — never from the customer's raw words, which may carry
anything (markup, a half-typed tag, personal data)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangol.voc.models import Case, ReplyTemplate

INTENTS = ("complaint", "inquiry", "purchase", "renewal", "cancellation", "praise")
EMOTIONS = ("anger", "disappointment", "anxiety", "neutral", "satisfaction")
READING_LABELS = {
    "complaint": gettext_lazy("불만"),
    "inquiry": gettext_lazy("문의"),
    "purchase": gettext_lazy("구매"),
    "renewal": gettext_lazy("갱신/재구매"),
    "cancellation": gettext_lazy("해지/취소"),
    "praise": gettext_lazy("칭찬"),
    "anger": gettext_lazy("분노"),
    "disappointment": gettext_lazy("실망"),
    "anxiety": gettext_lazy("불안"),
    "neutral": gettext_lazy("중립"),
    "satisfaction": gettext_lazy("만족"),
}
ISSUE = "{issue}"
MAX_TEXT = 1000
MAX_ISSUE = 20

_KOREAN_WORD = re.compile(r"^[가-힣]{1,12}$")
# What may stay in a phrase built from category names: letters, digits, spaces and a few joiners (배송 지연,
# 품질/신선도, 결제·환불). Angle brackets, quotes, braces and ampersands go.
_NOT_PLAIN = re.compile(r"[^\w\s·/\-]")
# When nothing names the matter, the kind of contact does ("말씀하신 불편 사항 건은").
_BY_INTENT = {
    "complaint": "불편 사항",
    "inquiry": "문의",
    "purchase": "구매 문의",
    "renewal": "재이용",
    "cancellation": "해지 요청",
    "praise": "칭찬",
}


def _plain(text: str, limit: int = MAX_ISSUE) -> str:
    text = _NOT_PLAIN.sub(" ", strip_tags(text or ""))
    return " ".join(text.split())[:limit].strip()


def issue_phrase(case: Case) -> str:
    """What the reply calls the customer's matter: the category (배송 지연), else up to two Korean keywords read
    from the text, else the kind of contact — plain words only, at most MAX_ISSUE characters."""
    category = case.category if case.category_id else None
    if category is not None:
        name = _plain(category.name)
        parent = _plain(category.parent.name) if category.parent_id and category.parent else ""
        # "결제·환불" + "환불 지연" reads as "환불 지연": the parent only when the child does not repeat it
        shares_a_word = any(word and word in name for word in re.split(r"[\s·/]+", parent))
        phrase = name if not parent or shares_a_word else _plain(f"{parent} {name}")
        if phrase:
            return phrase
    reading: dict[str, Any] = case.text_analysis or {}
    words = [k for k in reading.get("keywords") or [] if isinstance(k, str) and _KOREAN_WORD.match(k)]
    if words:
        return _plain(" ".join(words[:2]))
    return _BY_INTENT.get(str(reading.get("intent") or ""), "요청")


def reply_template_for(intent: str, emotion: str) -> ReplyTemplate | None:
    """The template in use that fits best: intent and emotion, then the intent alone, then the general one."""
    candidates = {
        (t.intent, t.emotion): t
        for t in ReplyTemplate.objects.filter(
            is_active=True, intent__in={intent, ""}, emotion__in={emotion, ""}
        )
    }
    for key in ((intent, emotion), (intent, ""), ("", "")):
        if key in candidates:
            return candidates[key]
    return None


def reply_suggestion(case: Case) -> str:
    """The team's empathetic reply for this case's intent and emotion, with `{issue}` filled in (plain text; the
    page escapes it like any other text)."""
    reading: dict[str, Any] = case.text_analysis or {}
    template = reply_template_for(str(reading.get("intent") or ""), str(reading.get("emotion") or ""))
    if template is None:
        return ""
    return template.text.replace(ISSUE, issue_phrase(case)) if ISSUE in template.text else template.text


def reply_templates() -> list[ReplyTemplate]:
    """Every template, those in use first, then by intent and emotion."""
    return list(
        ReplyTemplate.objects.select_related("updated_by__staff").order_by(
            "-is_active", "intent", "emotion", "id"
        )
    )


def _validated(*, intent: str, emotion: str, text: str) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    intent, emotion, text = (intent or "").strip(), (emotion or "").strip(), (text or "").strip()
    if intent and intent not in INTENTS:
        errors["intent"] = _("의도를 목록에서 고르세요.")
    if emotion and emotion not in EMOTIONS:
        errors["emotion"] = _("감정을 목록에서 고르세요.")
    if not text:
        errors["text"] = _("답변 문안을 입력하세요.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("답변 문안은 %(max_length)s자 이내로 적어 주세요.") % {
            "max_length": f"{MAX_TEXT:,}"
        }
    elif "{" in text.replace(ISSUE, "") or "}" in text.replace(ISSUE, ""):
        errors["text"] = _("중괄호는 {issue}(고객의 용건)에만 쓸 수 있습니다.")
    if errors:
        raise ValidationError(errors)
    return intent, emotion, text


_TAKEN = "같은 의도·감정에 사용 중인 문안이 이미 있습니다. 그 문안을 고치거나 먼저 사용을 멈추세요."


@transaction.atomic
def reply_template_save(
    *,
    template: ReplyTemplate | None,
    intent: str,
    emotion: str,
    text: str,
    is_active: bool = True,
    by: User,
) -> ReplyTemplate:
    """Add a template (`template=None`) or change one. One template in use per intent and emotion (a database
    constraint, so two managers saving at once cannot both win)."""
    intent, emotion, text = _validated(intent=intent, emotion=emotion, text=text)
    template = template or ReplyTemplate()
    template.intent, template.emotion, template.text = intent, emotion, text
    template.is_active, template.updated_by = is_active, by
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise ValidationError(_TAKEN) from exc
    return template


@transaction.atomic
def reply_template_set_active(*, template: ReplyTemplate, active: bool, by: User) -> ReplyTemplate:
    """Stop using a template (kept for the record) or use it again."""
    try:
        with transaction.atomic():
            ReplyTemplate.objects.filter(pk=template.pk).update(
                is_active=active, updated_by=by, updated_at=timezone.now()
            )
    except IntegrityError as exc:
        raise ValidationError(_TAKEN) from exc
    template.refresh_from_db()
    return template
