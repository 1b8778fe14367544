"""The widgets that write their HTML in Python write exactly what Django's widget templates write."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from dangol.web.customers.forms import CustomerFilterForm
from dangol.web.widgets import PlainDateInput, PlainNumberInput, PlainSelect

# The template-rendered widget each Python one stands for.
_TEMPLATE_WIDGET: dict[type, type] = {
    PlainSelect: forms.Select,
    PlainNumberInput: forms.NumberInput,
    PlainDateInput: forms.DateInput,
}


def _by_template(bound: forms.BoundField) -> str:
    """The field as Django's own widget (the same attrs and choices) renders it through the templates."""
    plain = bound.field.widget
    widget = _TEMPLATE_WIDGET[type(plain)](attrs=plain.attrs)
    if isinstance(plain, forms.Select):
        widget.choices = plain.choices
    if isinstance(plain, forms.widgets.Input):
        widget.input_type = plain.input_type  # Input takes "type" out of attrs
    if isinstance(plain, forms.DateInput):
        widget.format = plain.format
    return bound.as_widget(widget=widget)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"sort": "-clv", "tier": "vip", "stage": "regular", "rfm": "champions", "nps": "promoter"},
        {"consent_stage": "marketing", "movement": "tier_up", "alive_min": "10", "alive_max": "90"},
        {"clv_min": "100000", "clv_max": "5", "joined_from": "2025-01-01", "joined_to": "2024-01-01"},
        {"alive_min": "abc", "joined_from": "not a date", "sort": "bogus", "store": "999", "membership": "x"},
        {"clv_min": '"><script>', "tier": "<b>&'", "q": "홍"},
    ],
)
def test_the_filter_form_renders_as_django_templates_would(
    shop: dict[str, Any], language: str, data: dict[str, str] | None
) -> None:
    with translation.override(language):
        form = CustomerFilterForm(data)
        if form.is_bound:
            form.is_valid()  # errors add aria-invalid to the widgets
        plain_fields = [name for name, field in form.fields.items() if type(field.widget) in _TEMPLATE_WIDGET]
        assert len(plain_fields) == 15
        for name in plain_fields:
            assert str(form[name]) == _by_template(form[name]), name


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "x", "required": True, "disabled": False, "data-x": 'a"b<c>&d', "data-safe": mark_safe("<i>")},
    ],
)
def test_a_select_with_groups_escapes_and_flags_as_the_template_does(attrs: dict[str, Any]) -> None:
    choices = [
        ("", "전체"),
        ("a&b", 'A "quoted" <label>'),
        ("safe", mark_safe("<em>safe</em>")),
        ("그룹 <1>", [("g1", "첫째"), ("g2", "둘째")]),
        (3, "three"),
    ]
    for value in ("", "a&b", "g2", 3, "3", None, "missing"):
        plain = PlainSelect(attrs=attrs, choices=choices).render("pick", value)
        assert plain == forms.Select(attrs=attrs, choices=choices).render("pick", value), value


def test_a_select_whose_label_the_template_would_localise_falls_back_to_the_template() -> None:
    choices = [(1, 1234567), (2, "two")]
    with translation.override("en"):
        assert PlainSelect(choices=choices).render("n", 1) == forms.Select(choices=choices).render("n", 1)


@pytest.mark.parametrize("value", [None, "", 0, 12, "12<3", mark_safe("<b>")])
def test_inputs_render_as_the_template_does(value: Any) -> None:
    attrs = {"inputmode": "numeric", "step": 10000, "min": 0, "required": True, "readonly": False}
    number = PlainNumberInput(attrs=attrs).render("clv_min", value)
    assert number == forms.NumberInput(attrs=attrs).render("clv_min", value)
    date = PlainDateInput(attrs={"type": "date"}).render("joined_from", value)
    assert date == forms.DateInput(attrs={"type": "date"}).render("joined_from", value)
