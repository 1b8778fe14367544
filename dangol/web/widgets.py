"""Form widgets that write their HTML in Python instead of through Django's widget templates.

A page with many selects (the customer list's filter panel: nine selects, about eighty options) spent a
quarter of its CPU in the template engine, one `{% include %}` per option and per attribute list. These
widgets build the same markup directly, byte for byte what Django's `django/forms/widgets/*.html` templates
write (`dangol/web/tests/test_widgets.py` renders both ways and compares). Anything those templates would
render differently (a label that is not text, which the template would localise) goes through the
template as before.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe


def _text(value: Any) -> str | None:
    """`{{ value }}` for text (escaped unless already safe); None for anything the template would localise."""
    if isinstance(value, str | Promise):
        return str(conditional_escape(str(value)))
    return None


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: "%s" % value, escaped unless the value was safe (the filter is_safe)."""
    try:
        text = "%s" % value  # noqa: UP031 (the filter's own formatting: a tuple is unpacked)
    except (TypeError, ValueError):
        return ""
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(out)


class PlainSelect(forms.Select):
    """`forms.Select` written in Python (django/forms/widgets/select.html and select_option.html)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                label = _text(group_name)
                if label is None:
                    return super().render(name, value, attrs, renderer)
                out.append(f'\n  <optgroup label="{label}">')
            for option in group_choices:
                label = _text(option["label"])
                if label is None or option["template_name"] != self.option_template_name:
                    return super().render(name, value, attrs, renderer)
                out.append(
                    f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{label}</option>\n'
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))


class _PlainInput(forms.widgets.Input):
    """`forms.Input` written in Python (django/forms/widgets/input.html)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
        return mark_safe(
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )


class PlainNumberInput(_PlainInput, forms.NumberInput):
    pass


class PlainDateInput(_PlainInput, forms.DateInput):
    pass
