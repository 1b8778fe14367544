"""The staff forms for a case start where the agent works, ask only what is unknown, offer categories parent →
child, and put errors beside the button that caused them."""

from __future__ import annotations

import re

from django.test import Client

from conftest import login
from dangol.voc import services


def _selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else None


def test_a_new_case_starts_at_the_touchpoint_the_agent_used_last(as_agent: Client, shop, voc):
    services.case_open(
        customer=shop["hong"],
        kind="complaint",
        title="계산 착오",
        by=shop["agent"],
        channel="store",
        touchpoint=shop["store"],
    )
    page = as_agent.get("/voc/new/").content.decode()
    assert _selected(page, "touchpoint") == str(shop["store"].pk)
    assert _selected(page, "channel") == "store"


def test_without_a_case_of_their_own_an_agent_starts_where_their_team_works(client: Client, shop, voc):
    for title in ("배송 문의", "환불 문의"):  # the cs team takes its cases at the call center
        services.case_open(
            customer=shop["hong"],
            kind="inquiry",
            title=title,
            by=shop["manager"],
            channel="phone",
            touchpoint=shop["call"],
        )
    services.case_open(  # the store team's case elsewhere does not count for cs
        customer=shop["hong"],
        kind="complaint",
        title="매장 혼잡",
        by=shop["clerk"],
        channel="store",
        touchpoint=shop["store"],
    )
    page = login(client, shop["agent"]).get("/voc/new/").content.decode()
    assert _selected(page, "touchpoint") == str(shop["call"].pk)
    assert _selected(page, "channel") == "phone"
    assert "---------" not in page


def test_a_known_customer_is_not_asked_for_an_unknown_contacts_name(as_agent: Client, shop, voc):
    known = as_agent.get("/voc/new/", {"customer": shop["hong"].pk}).content.decode()
    assert 'name="contact_name"' not in known and 'name="contact_info"' not in known
    assert "홍*동" in known and f"#{shop['hong'].pk}<" not in known
    unknown = as_agent.get("/voc/new/").content.decode()
    assert 'name="contact_name"' in unknown and 'name="contact_info"' in unknown
    r = as_agent.post(
        "/voc/new/",
        {
            "customer": shop["hong"].pk,
            "kind": "complaint",
            "title": "배송 지연",
            "priority": "normal",
            "channel": "phone",
            "category": voc["late"].pk,
        },
    )
    assert r.status_code == 302


def test_categories_are_chosen_parent_then_child_on_the_form_and_the_case(as_agent: Client, shop, voc):
    page = as_agent.get("/voc/new/").content.decode()
    group = re.search(r'<optgroup label="배송">(.*?)</optgroup>', page, re.S)
    assert group is not None and f'value="{voc["late"].pk}"' in group.group(1)
    case = services.case_open(
        customer=shop["hong"], kind="complaint", title="배송 지연", category=voc["late"], by=shop["agent"]
    )
    live = as_agent.get(f"/voc/{case.pk}/").content.decode()
    group = re.search(r'<optgroup label="배송">(.*?)</optgroup>', live, re.S)
    assert group is not None and re.search(rf'value="{voc["late"].pk}"\s+selected', group.group(1))


def test_phone_boxes_on_the_case_open_the_number_keypad(as_agent: Client, shop, voc):
    page = as_agent.get("/voc/new/").content.decode()
    callback = re.search(r'<input[^>]*name="callback_phone"[^>]*>', page)
    assert (
        callback is not None and 'type="tel"' in callback.group(0) and 'inputmode="tel"' in callback.group(0)
    )


def test_a_form_error_sits_beside_its_button_not_at_the_top(as_agent: Client, shop, voc):
    r = as_agent.post(
        "/voc/new/", {"kind": "complaint", "title": "누구인지 모름", "priority": "normal", "channel": "phone"}
    )
    page = r.content.decode()
    error = page.index("고객을 선택하거나 연락처를 입력하세요.")
    button = page.index('id="case-submit"')
    assert page.rindex('class="form-submit"', 0, button) < error < button  # in the submit row, just above it
