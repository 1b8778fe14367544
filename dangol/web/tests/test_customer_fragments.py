"""The 360 page's loops written in Python (dangol.web.customers.fragments) write exactly what the template
loops they replace wrote: the timeline's rows, its tabs and the touchpoint and type selects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dangol.customers.history import TimelineEntry
from dangol.interactions.models import Interaction
from dangol.web.customers import fragments
from dangol.web.customers.timeline import timeline_kinds_for

# The loops as the templates wrote them before (customers/_timeline.html and _live.html).
TABS = (
    '{% for value, label in timeline_kinds %}<a href="?kind={{ value }}" hx-get="{{ timeline_url }}?kind={{ value }}"'
    ' hx-target="#timeline" {% if timeline_kind == value %}aria-current="true"{% endif %}>{{ label }}</a>\n'
    "  {% endfor %}"
)
FILTER_OPTIONS = (
    '{% for v, l in choices %}<option value="{{ v }}" {% if selected == v %}selected{% endif %}>{{ l }}</option>'
    "{% endfor %}"
)
FORM_OPTIONS = '{% for v, l in choices %}<option value="{{ v }}">{{ l }}</option>{% endfor %}'

AT = dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC)  # 2026-03-02 00:30 in Seoul: the date moves


def _entries() -> list[TimelineEntry]:
    """Every shape an entry takes on the timeline, and text that must be escaped, cut or kept."""
    analyses: list[Any] = [
        None,
        {},
        {"intent": "complaint", "emotion": "anger", "difficult_cues": [{"type": "위협하는", "phrase": "x"}]},
        {"intent": "praise", "emotion": "disappointment", "difficult_cues": []},
        {"intent": "inquiry", "emotion": "neutral"},
        {"emotion": "anger"},
        {"intent": None, "emotion": None, "difficult_cues": None},
        {"intent": "<b>new</b>", "difficult_cues": [{"phrase": "no type"}, {"type": "<i>&</i>"}]},
    ]
    bodies = [
        "",
        "짧은 내용",
        "줄1\r\n줄2\r줄3\n<script>alert('x')</script> & \"q\"",
        "가" * 300,
        "가" * 301,
        "긴 내용 " * 80,
        "e\u0301" * 299 + "끝",  # 598 code points, 300 characters once composed (NFC)
        "가\u0301" * 300 + "나",  # combining marks that do not compose are not counted
    ]
    entries = []
    for n, (kind, url, amount, status_label) in enumerate(
        [
            ("interaction", "", None, ""),
            ("order", "", 12345, ""),
            ("refund", "", -5000, "결제"),
            ("case", "/voc/7/", None, "진행 중"),
            ("survey", "/surveys/r/1/", 0, ""),
            ("note", "", None, ""),
        ]
    ):
        for k, analysis in enumerate(analyses):
            entries.append(
                TimelineEntry(
                    kind=kind,
                    at=AT - dt.timedelta(hours=n * 7 + k),
                    title=["배송 문의", "<b>굵게</b> & '따옴표'", mark_safe("<em>safe</em>")][k % 3],
                    body=bodies[(n + k) % len(bodies)],
                    touchpoint=["", "강남점", "<콜센터>"][k % 3],
                    touchpoint_id=k or None,
                    type=[gettext_lazy("문의"), "VOC 불만", "주문 & 결제"][n % 3],
                    staff=["", "이상담", "a&b"][(n + k) % 3],
                    amount=amount,
                    status="open",
                    status_label=status_label,
                    tone=["", "warn", "bad"][k % 3],
                    url=url,
                    ref_id=100 + k,
                    analysis=analysis if kind == "interaction" else None,
                )
            )
    return entries


def _by_template(template: str, context: dict[str, Any]) -> str:
    return engines["django"].from_string(template).render(context)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("role", ["agent", "viewer"])  # may open a case from an interaction, or not
@pytest.mark.parametrize(
    ("count", "before", "older"),
    [
        (48, None, ""),
        (48, AT, "kind=interaction&before=2026-03-01T15%3A30%3A00%2B00%3A00"),
        (0, None, ""),
        (0, AT, ""),
        (3, None, "touchpoint=3&type=<x>&before=x"),
    ],
)
def test_the_timeline_rows_are_what_the_template_draws(
    shop: dict[str, Any], language: str, role: str, count: int, before: Any, older: str
) -> None:
    user = shop[role]
    customer = shop["hong"]
    request = RequestFactory().get(f"/customers/{customer.pk}/")
    request.user = user
    entries = _entries()[:count]
    template = get_template("customers/_timeline_rows.html")
    with translation.override(language):
        python = fragments.timeline_rows(
            entries,
            customer_pk=customer.pk,
            can_add_case=user.has_perm("voc.add_case"),
            before=before,
            older=older,
            timeline_url=f"/customers/{customer.pk}/timeline/",
        )
        assert python is not None
        context = {
            "customer": customer,
            "timeline": entries,
            "timeline_before": before,
            "timeline_older": older,
        }
        by_template = template.render(context, request)
        by_python = template.render({**context, "timeline_rows": python}, request)
    assert by_python == by_template
    if count:
        assert by_python.count('<li class="kind-') == count
        assert ("VOC로 접수" in by_python or "Open a VOC case" in by_python) == (role == "agent")


@pytest.mark.django_db
@pytest.mark.parametrize("analysis", ["a text, not an object", {"difficult_cues": "not a list"}, [1, 2]])
def test_an_entry_the_rows_cannot_draw_is_left_to_the_template(shop: dict[str, Any], analysis: Any) -> None:
    entries = [*_entries()[:3], TimelineEntry(kind="interaction", at=AT, title="x", analysis=analysis)]
    rows = fragments.timeline_rows(
        entries,
        customer_pk=1,
        can_add_case=True,
        before=None,
        older="",
        timeline_url="/customers/1/timeline/",
    )
    assert rows is None
    request = RequestFactory().get("/customers/1/")
    request.user = shop["agent"]
    html = get_template("customers/_timeline_rows.html").render(
        {"customer": shop["hong"], "timeline": entries, "timeline_rows": rows}, request
    )
    assert html.count('<li class="kind-') == 4


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("current", ["", "interaction", "points", "bogus"])
def test_the_timeline_tabs_are_what_the_template_drew(
    shop: dict[str, Any], language: str, current: str
) -> None:
    with translation.override(language):
        for role in ("agent", "viewer", "manager"):
            kinds = timeline_kinds_for(shop[role])
            url = "/customers/7/timeline/"
            context = {"timeline_kinds": kinds, "timeline_url": url, "timeline_kind": current}
            assert fragments.timeline_tabs(kinds, current=current, timeline_url=url) == _by_template(
                TABS, context
            )
        assert fragments.timeline_tabs([], current=current, timeline_url=url) == _by_template(
            TABS, {**context, "timeline_kinds": []}
        )


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(
    ("choices", "selected"),
    [
        ([(1, "강남점"), (2, "<콜센터> & '앱'"), (30, mark_safe("<b>safe</b>"))], 2),
        ([(1, "강남점"), (2, "콜센터")], None),
        ([(1, "강남점"), (2, "콜센터")], "2"),  # the form cleans it to an int: a text never matches
        (Interaction.Type.choices, "complaint"),
        (Interaction.Type.choices, ""),
        ([], None),
    ],
)
def test_the_select_options_are_what_the_template_drew(language: str, choices: Any, selected: Any) -> None:
    with translation.override(language):
        context = {"choices": choices, "selected": selected}
        assert fragments.filter_options(choices, selected=selected) == _by_template(FILTER_OPTIONS, context)
        assert fragments.form_options(choices) == _by_template(FORM_OPTIONS, context)
