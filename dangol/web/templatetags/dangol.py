from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

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
