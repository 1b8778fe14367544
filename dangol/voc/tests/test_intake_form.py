"""The public VOC form routes by the category the customer picks, checks the phone like the staff forms, opens the
number keypad, and answers with the case number (접수번호) — the same page whether or not the sender was a bot."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from dangol.voc.models import Case

INTAKE = "/voc/intake/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.DANGOL_INTAKE_PER_IP_PER_MINUTE = 50
    settings.DANGOL_INTAKE_PER_CONTACT_PER_HOUR = 50


def message(chosen, **fields):
    data = {
        "kind": "complaint",
        "category": chosen.pk,
        "name": "박민수",
        "phone": "010-5555-0101",
        "title": "배송이 늦어요",
        "body": "주문한 지 열흘이 지났는데 아직 못 받았습니다",
        "agree": "on",
    }
    data.update(fields)
    return data


def test_the_case_goes_to_the_team_that_owns_the_chosen_category(client: Client, shop, voc):
    client.post(INTAKE, message(voc["late"]))  # 배송 > 지연: the parent's owner, 물류팀
    client.post(
        INTAKE, message(voc["manner"], phone="010-5555-0202", title="직원이 불친절", body="반말을 했어요")
    )
    late, manner = Case.objects.order_by("id")
    assert (late.category, late.team) == (voc["late"], voc["logistics"])
    assert (manner.category, manner.team) == (voc["manner"], shop["ops"])
    assert late.events.get(kind="opened").message == "웹으로 접수 → 물류팀"


def test_categories_are_chosen_parent_then_child_and_nothing_reads_dashes(client: Client, shop, voc):
    page = client.get(INTAKE).content.decode()
    group = re.search(r'<optgroup label="배송">(.*?)</optgroup>', page, re.S)
    assert group is not None and f'value="{voc["late"].pk}"' in group.group(1) and "지연" in group.group(1)
    assert "배송 전반" in group.group(1)  # the parent itself, for what fits no child
    assert "---------" not in page


def test_the_phone_box_opens_the_number_keypad(client: Client, shop, voc):
    page = client.get(INTAKE).content.decode()
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', page)
    assert phone is not None and 'type="tel"' in phone.group(0) and 'inputmode="tel"' in phone.group(0)


def test_a_short_phone_number_is_refused_in_korean_and_nothing_is_stored(client: Client, shop, voc):
    r = client.post(INTAKE, message(voc["late"], phone="010-12-34"))
    page = r.content.decode()
    assert r.status_code == 200 and "휴대전화 번호를 확인해 주세요(예: 010-1234-5678)." in page
    assert 'value="010-12-34"' in page  # what was typed stays, to be corrected
    assert "접수번호" not in page and Case.objects.count() == 0


def test_a_missing_category_is_asked_for(client: Client, shop, voc):
    r = client.post(INTAKE, message(voc["late"], category=""))
    assert "필수 항목입니다" in r.content.decode()
    assert Case.objects.count() == 0


def test_after_sending_the_customer_sees_the_case_number_not_the_empty_form(client: Client, shop, voc):
    page = client.post(INTAKE, message(voc["late"])).content.decode()
    case = Case.objects.get()
    assert f"접수번호 {case.number}" in page and 'id="intake-done"' in page
    assert 'name="title"' not in page and "<form" not in page.split("<main", 1)[-1]


def _without_number(page: str, number: str) -> str:
    """The page with the case number, the CSRF tokens (masked anew on every response) and the signed link to the
    case (the portal's, which names the number) blanked."""
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "TOKEN", page.replace(number, "VOC-NUMBER"))
    page = re.sub(r'href="/my/c/[^"/]+/"', 'href="CASE-LINK"', page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", page)


def test_a_bot_caught_by_the_hidden_field_sees_the_very_same_confirmation(client: Client, shop, voc):
    person = client.post(INTAKE, message(voc["late"])).content.decode()
    number = Case.objects.get().number
    bot = client.post(INTAKE, message(voc["late"], phone="010-5555-0303", website="https://spam.example"))
    bot_page = bot.content.decode()
    decoy = re.search(r"접수번호 (VOC-\d{6}-\d{6})", bot_page)
    assert decoy is not None and Case.objects.count() == 1
    assert re.fullmatch(r"VOC-\d{6}-\d{6}", number)  # the real number has the decoy's shape
    assert _without_number(bot_page, decoy.group(1)) == _without_number(person, number)
