"""The base layout's main menu, drawn once per process for each variant ({% main_nav %}, dangol_nav.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.template.loader import get_template
from django.test import Client

from conftest import login
from dangol.web.templatetags import dangol_nav

MENU = "web/_mainnav.html"


def _menu(html: str) -> str:
    """The <ul class="mainnav"> of a page, up to the user's name (the part the tag draws)."""
    start = html.index('<ul class="mainnav">')
    return html[start : html.index('<li class="who">', start)]


def _normalised(html: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+', r"\1X", html)


@pytest.fixture(autouse=True)
def _nothing_kept():
    dangol_nav._kept.clear()
    yield
    dangol_nav._kept.clear()


def test_the_menu_is_drawn_once_then_kept_and_the_page_is_the_same(client: Client, shop):
    login(client, shop["agent"])
    first = client.get("/promises/")
    assert first.status_code == 200
    assert MENU in [t.name for t in first.templates]
    second = client.get("/promises/")
    assert MENU not in [t.name for t in second.templates]  # the kept HTML
    assert _normalised(second.content.decode()) == _normalised(first.content.decode())
    menu = _menu(first.content.decode())
    assert '<a href="/promises/" aria-current="page">약속</a>' in menu
    assert 'href="/customers/" >고객</a>' in menu  # not the current page
    assert 'href="/messages/"' in menu  # agents see the messages
    assert 'href="/staff/"' not in menu and 'href="/value/"' not in menu  # an agent's menu


def test_each_role_page_and_language_gets_its_own_menu(client: Client, shop):
    agent = _menu(login(client, shop["agent"]).get("/customers/").content.decode())
    admin = _menu(login(Client(), shop["admin"]).get("/customers/").content.decode())
    viewer = _menu(login(Client(), shop["viewer"]).get("/customers/").content.decode())
    assert 'href="/staff/"' in admin and 'href="/staff/"' not in agent
    assert 'href="/messages/"' in admin and 'href="/messages/"' not in viewer
    assert '<a href="/customers/" aria-current="page">고객</a>' in agent
    on_voc = _menu(client.get("/voc/").content.decode())
    assert (
        '<a href="/voc/" aria-current="page">VOC</a>' in on_voc and 'aria-current="page">고객' not in on_voc
    )
    english = login(Client(HTTP_ACCEPT_LANGUAGE="en"), shop["agent"]).get("/customers/")
    assert '<a href="/customers/" aria-current="page">Customer</a>' in _menu(english.content.decode())
    assert "고객</a>" in _menu(client.get("/customers/").content.decode())  # Korean still kept for Korean


def test_a_permission_granted_shows_on_the_next_request(client: Client, shop):
    login(client, shop["agent"])
    assert 'href="/staff/"' not in _menu(client.get("/promises/").content.decode())
    agent = User.objects.get(pk=shop["agent"].pk)
    agent.user_permissions.add(Permission.objects.get(codename="view_staffprofile"))
    assert '<a href="/staff/" >직원</a>' in _menu(client.get("/promises/").content.decode())


def test_a_user_without_a_staff_profile_sees_the_messages_only_as_a_superuser(client: Client, shop):
    plain = User.objects.create_user("plain", password="pw-plain-123")
    root = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    assert 'href="/messages/"' not in _menu(login(client, plain).get("/promises/").content.decode())
    everything = _menu(login(Client(), root).get("/promises/").content.decode())
    assert 'href="/messages/"' in everything and 'href="/staff/"' in everything
    assert 'href="/lifecycle/"' not in everything  # the URL is /privacy/lifecycle/
    assert 'href="/privacy/lifecycle/"' in everything


def test_the_messages_entry_shows_exactly_when_the_outbox_opens(client: Client, shop):
    # an agent sees the messages of the customers they can see: without customers.view_customer, none
    login(client, shop["agent"])
    assert 'href="/messages/"' in _menu(client.get("/promises/").content.decode())
    assert client.get("/messages/").status_code == 200
    view_customer = Permission.objects.get(codename="view_customer", content_type__app_label="customers")
    for group in shop["agent"].groups.all():
        group.permissions.remove(view_customer)
    shop["agent"].user_permissions.remove(view_customer)
    page = client.get("/promises/")
    assert page.status_code == 200
    assert 'href="/messages/"' not in _menu(page.content.decode())
    assert client.get("/messages/").status_code == 403


def test_every_permission_the_menu_template_checks_is_in_its_key() -> None:
    # A check missing from MENU_PERMISSIONS would be drawn as "not allowed" for everyone, and kept.
    source = Path(get_template(MENU).origin.name).read_text(encoding="utf-8")
    checked = {f"{app}.{codename}" for app, codename in re.findall(r"perms\.(\w+)\.(\w+)", source)}
    assert checked and checked == set(dangol_nav.MENU_PERMISSIONS)
    assert not re.search(r"\b(user|request)\b", source)  # nothing outside the key
