"""The 360 page's loops written in Python instead of through the template engine (issue 18).

The page drew about four hundred template nodes, most of them inside a few loops: each timeline entry took
about twenty (the date, touchpoint, staff, badge, title, amount, status, the text reading, the body, the link
to open a case), the two touchpoint selects and the two type selects about 140, the timeline's tabs about fifty.
The functions here write the same bytes directly, with the template engine's own rules for each value
(`render_value_in_context`) and each filter (local time, `is_safe`, autoescape), so the page spends its CPU on
its data rather than on node dispatch. `dangol/web/tests/test_customer_fragments.py` renders each one both
ways, from the template text it replaces, and compares.

The timeline rows keep their loop in `customers/_timeline_rows.html` as the specification, and the template
draws it when it gets no rows from here: when an entry's text reading is not the JSON object the text mining
stores (whatever the template would make of anything else).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date, linebreaksbr, truncatechars
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs
from django.utils.translation import gettext

from dangol.customers.history import TimelineEntry
from dangol.web.templatetags.dangol import reading_label, won

# The context a template renders with (autoescape on, the active language's formats and time zone).
_CONTEXT = Context(autoescape=True)
# What `{{ a.b }}` finds when `a` has no `b`: the engine's string_if_invalid (""), the filters still applied.
_INVALID = ""


def _out(value: Any) -> str:
    """`{{ value }}`: `render_value_in_context`, with shortcuts for what the page's values mostly are (text,
    whole numbers, lazy translations) that give what it gives."""
    cls = type(value)
    if cls is str:
        return html.escape(value)  # django.utils.html.escape without its lazy-argument check
    if cls is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # localize() of an int without grouping
    if isinstance(value, Promise):  # neither local time nor localize touch it; conditional_escape of its text
        text = str(value)
        return str(text.__html__()) if hasattr(text, "__html__") else html.escape(text)
    return str(render_value_in_context(value, _CONTEXT))


def _filter(value: Any, func: Callable[..., Any], *args: Any) -> Any:
    """`value|func:arg`, as the engine applies a filter (FilterExpression.resolve)."""
    if getattr(func, "expects_localtime", False):
        value = template_localtime(value)
    if getattr(func, "needs_autoescape", False):
        result = func(value, *args, autoescape=True)
    else:
        result = func(value, *args)
    if getattr(func, "is_safe", False) and isinstance(value, SafeData):
        return mark_safe(result)
    return result


def _drawable(entry: TimelineEntry) -> bool:
    """The entry's text reading is what the text mining stores (or nothing): a JSON object whose cues are a list
    of objects. Anything else is left to the template."""
    analysis = entry.analysis
    if not analysis:
        return True
    if not isinstance(analysis, dict):
        return False
    cues = analysis.get("difficult_cues")
    return cues is None or (isinstance(cues, list) and all(isinstance(cue, dict) for cue in cues))


def _analysis(analysis: dict[str, Any]) -> str:
    intent = _filter(analysis.get("intent", _INVALID), reading_label)
    emotion = analysis.get("emotion")
    tone = "bad" if emotion == "anger" or emotion == "disappointment" else ""
    emotion_label = _filter(analysis.get("emotion", _INVALID), reading_label)
    cues = "".join(
        f' <span class="badge bad">⚠ {_out(cue.get("type", _INVALID))}</span>'
        for cue in analysis.get("difficult_cues") or ()
    )
    return (
        f'<div><span class="badge">{_out(intent)}</span> <span class="badge {tone}">{_out(emotion_label)}</span>'
        f"{cues}</div>"
    )


def _row(entry: TimelineEntry, case_link: str | None, case_label: str) -> str:
    when = _out(_filter(entry.at, date, "SHORT_DATETIME_FORMAT"))
    if entry.touchpoint:
        when += f" · {_out(entry.touchpoint)}"
    if entry.staff:
        when += f" · {_out(entry.staff)}"
    title = _out(entry.title)
    if entry.url:
        title = f'<a href="{_out(entry.url)}">{title}</a>'
    what = f'<span class="badge kind-{_out(entry.kind)}">{_out(entry.type)}</span> {title}'
    if entry.amount is not None:
        what += f' <span class="num">{_out(_filter(entry.amount, won))}</span>'
    if entry.status_label:
        what += f' <span class="badge {_out(entry.tone)}">{_out(entry.status_label)}</span>'
    analysis = _analysis(entry.analysis) if entry.analysis else ""
    body = ""
    if entry.body:
        text = _filter(_filter(entry.body, truncatechars, 300), linebreaksbr)
        body = f'<div class="muted">{_out(text)}</div>'
    to_case = ""
    if entry.kind == "interaction" and case_link is not None:
        to_case = (
            f'<a href="{case_link}{_out(entry.ref_id)}" class="secondary"><small>{case_label}</small></a>'
        )
    return (
        f'\n  <li class="kind-{_out(entry.kind)}">\n'
        f'    <div class="when">{when}</div>\n'
        f'    <div class="what">{what}</div>\n'
        f"    {analysis}\n"
        f"    {body}\n"
        f"    {to_case}\n"
        "  </li>\n"
    )


def timeline_rows(
    entries: Sequence[TimelineEntry],
    *,
    customer_pk: int,
    can_add_case: bool,
    before: Any,
    older: str,
    timeline_url: str,
) -> SafeString | None:
    """What `customers/_timeline_rows.html` draws for these entries (its context: `timeline`, `customer`,
    `perms.voc.add_case`, `timeline_before`, `timeline_older`; `timeline_url` is the customer's timeline), or
    None when one of them is left to it."""
    if not all(_drawable(entry) for entry in entries):
        return None
    out: list[str] = []
    if entries:
        case_link = None
        if can_add_case:
            case_link = f"{_out(reverse('voc:new'))}?customer={_out(customer_pk)}&interaction="
        case_label = _out(gettext("VOC로 접수"))
        out.extend(_row(entry, case_link, case_label) for entry in entries)
    else:
        empty = "" if before else f'<li class="muted">{_out(gettext("기록이 없습니다."))}</li>'
        out.append(f"\n  {empty}\n")
    out.append("\n")
    if older:
        query = _out(older)
        out.append(
            f'<li class="more" id="timeline-older"><a href="?{query}" hx-get="{_out(timeline_url)}?{query}" '
            f'hx-target="#timeline-older" hx-swap="outerHTML">{_out(gettext("이전 기록 더 보기"))}</a></li>'
        )
    return mark_safe("".join(out))


def timeline_tabs(kinds: Sequence[tuple[str, Any]], *, current: str, timeline_url: str) -> SafeString:
    """The timeline's tab per kind (`timeline_kinds`), with the current one marked, for `_timeline.html`."""
    url = _out(timeline_url)
    out = []
    for value, label in kinds:
        kind = _out(value)
        mark = 'aria-current="true"' if current == value else ""
        out.append(
            f'<a href="?kind={kind}" hx-get="{url}?kind={kind}" hx-target="#timeline" {mark}>{_out(label)}</a>\n  '
        )
    return mark_safe("".join(out))  # escaped as the template escapes


def filter_options(choices: Sequence[tuple[Any, Any]], *, selected: Any) -> SafeString:
    """`<option>`s of the timeline's filter selects (value, label), the chosen one selected."""
    return mark_safe(  # escaped as the template escapes
        "".join(
            f'<option value="{_out(value)}" {"selected" if selected == value else ""}>{_out(label)}</option>'
            for value, label in choices
        )
    )


def form_options(choices: Sequence[tuple[Any, Any]]) -> SafeString:
    """`<option>`s of the interaction form's selects (value, label)."""
    return mark_safe(  # escaped as the template escapes
        "".join(f'<option value="{_out(value)}">{_out(label)}</option>' for value, label in choices)
    )
