"""The main menu of the base layout, rendered once per process for each of its variants (issue 18).

Every logged-in page drew the same 15 menu entries: 13 `{% if %}`, 15 `{% url %}` and 14 `{% translate %}`,
about a third of an empty page's CPU. What the entries show depends only on the page's `nav` (which entry is
current), nine permissions, whether the user may open the messages, the language and the URL configuration, so
`web/_mainnav.html` is rendered from exactly those values, in a context of its own, and the HTML is kept per
combination. A template that used anything else would not see it, so the kept HTML cannot go stale from data
that is not in its key. The user's name, role and the CSRF token stay in base.html, drawn on every request.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from dangol.messaging.selectors import message_access

register = template.Library()

# the permissions the menu asks for, as "app_label.codename", in the order web/_mainnav.html checks them
MENU_PERMISSIONS = (
    "loyalty.view_customervalue",
    "rewards.view_program",
    "campaigns.view_campaign",
    "journeys.view_journey",
    "knowledge.change_article",
    "imports.add_importjob",
    "accounts.view_staffprofile",
    "privacy.view_accesslog",
    "lifecycle.view_subjectrequest",
)
_KEPT_MAX = 512  # distinct menus kept; past it the dict starts again (a handful of roles × pages × languages)
_kept: dict[tuple[Any, ...], SafeString] = {}


def _forget(**kwargs: Any) -> None:
    _kept.clear()


setting_changed.connect(_forget)  # a test's LANGUAGES, ROOT_URLCONF or TEMPLATES
file_changed.connect(_forget)  # runserver: an edited template or catalogue


@register.simple_tag(takes_context=True)
def main_nav(context: Any) -> SafeString:
    """The menu entries for `context["user"]` (logged in) on the page whose `nav` is `context["nav"]`."""
    user = context["user"]
    allowed = tuple(user.has_perm(permission) for permission in MENU_PERMISSIONS)
    can_message = message_access(user) != "none"  # the outbox's own rule: no entry that answers 403
    nav = context.get("nav")
    key = (nav, allowed, can_message, get_language(), get_script_prefix(), get_urlconf())
    try:
        return _kept[key]
    except KeyError:
        keep = True
    except TypeError:  # a nav that is not hashable: drawn every time
        keep = False
    perms: dict[str, dict[str, bool]] = {}
    for permission, yes in zip(MENU_PERMISSIONS, allowed, strict=True):
        app_label, codename = permission.split(".")
        perms.setdefault(app_label, {})[codename] = yes
    html = get_template("web/_mainnav.html").render({"nav": nav, "perms": perms, "can_message": can_message})
    kept = mark_safe(html.strip())  # the template's own (escaped) output, without the edge newlines
    if keep:
        if len(_kept) >= _KEPT_MAX:
            _kept.clear()
        _kept[key] = kept
    return kept
