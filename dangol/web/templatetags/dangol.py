from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangol.common import korean
from dangol.privacy.masking import mask_name

register = template.Library()


@register.filter
def won(value: Any) -> str:
    """12345 → ₩12,345 (negative amounts keep their sign)."""
    if value is None or value == "":
        return "₩0"
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}₩{abs(amount):,}"


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    params = context["request"].GET.copy()
    for key, val in changes.items():
        if val in (None, ""):
            params.pop(key, None)
        else:
            params[key] = val
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def yesno_ko(value: bool) -> str:
    return _("예") if value else _("아니요")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


def _reading_labels() -> dict[str, str]:
    return {
        "complaint": _("불만"),
        "inquiry": _("문의"),
        "purchase": _("구매"),
        "renewal": _("갱신/재구매"),
        "cancellation": _("해지/취소"),
        "praise": _("칭찬"),
        "anger": _("분노"),
        "disappointment": _("실망"),
        "anxiety": _("불안"),
        "neutral": _("중립"),
        "satisfaction": _("만족"),
    }


@register.filter
def reading_label(value: Any) -> str:
    """An intent or emotion read from the text (complaint, anger, …) in the reader's language."""
    return _reading_labels().get(str(value), str(value))


@register.filter
def when(value: Any) -> str:
    """A moment as 2026-11-22 14:05 in Seoul time, from a datetime or an ISO 8601 text (JSON history columns
    keep "2026-11-16T13:00:00+00:00"); '' for nothing, the text itself when it is not a time."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@register.filter
def masked_name(value: Any) -> str:
    """A customer's name as lists show it: 홍*동 (dangol.privacy.masking.mask_name)."""
    return mask_name(str(value or ""))


@register.filter
def particle(word: Any, pair: str) -> str:
    """Only the particle that fits the word: {{ name }}{{ name|particle:"을/를" }} (dangol.common.korean).

    Empty outside Korean, so a translation may keep the placeholder (msgfmt requires every one)."""
    if not (get_language() or "ko").startswith("ko"):
        return ""
    return korean.particle(str(word or ""), pair)


@register.filter
def josa(word: Any, pair: str) -> str:
    """The word with the particle that fits it: {{ channel|josa:"로/으로" }} → 웹으로."""
    return korean.josa(str(word or ""), pair)
