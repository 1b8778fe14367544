"""The number a customer asks to be called back on: validated and stored whole in its own field, shown masked,
revealed only to roles that may see personal data — and every reveal is in the access log."""

from __future__ import annotations

import json

from django.test import Client

from conftest import login
from dangol.accounts.services import api_token_create
from dangol.privacy.models import AccessLog
from dangol.voc import services
from dangol.voc.models import Case, CaseEvent

WHOLE, MASKED = "010-1234-5678", "010-****-5678"


def new_case_form(**extra: str) -> dict[str, str]:
    return {"kind": "complaint", "title": "환불 문의", "priority": "normal", "channel": "phone", **extra}


def test_the_new_case_form_normalises_the_number_and_refuses_an_invalid_one_in_korean(
    as_agent: Client, shop, voc
):
    kim = shop["kim"]
    page = as_agent.post(f"/voc/new/?customer={kim.pk}", new_case_form(callback_phone="010-123"))
    assert page.status_code == 200 and "휴대전화 번호는 010 뒤에 8자리여야 합니다" in page.content.decode()
    assert not Case.objects.exists()
    as_agent.post(f"/voc/new/?customer={kim.pk}", new_case_form(callback_phone="010 1234 5678"))
    assert Case.objects.get().callback_phone == WHOLE


def test_agents_and_viewers_see_the_number_masked_and_cannot_reveal_it(client: Client, shop, voc):
    case = services.case_open(
        customer=shop["kim"], kind="complaint", title="환불", callback_phone="01012345678", by=shop["agent"]
    )
    for who in ("agent", "viewer"):
        login(client, shop[who])
        page = client.get(f"/voc/{case.pk}/").content.decode()
        assert MASKED in page and WHOLE not in page, who
        assert 'id="reveal-callback-phone"' not in page, who
        assert client.post(f"/voc/{case.pk}/reveal-callback-phone/").status_code == 403, who
    assert not AccessLog.objects.exists()


def test_a_manager_reveals_the_whole_number_and_the_look_is_logged(as_manager: Client, shop, voc):
    case = services.case_open(
        customer=shop["kim"], kind="complaint", title="환불", callback_phone=WHOLE, by=shop["agent"]
    )
    page = as_manager.get(f"/voc/{case.pk}/").content.decode()
    assert MASKED in page and WHOLE not in page and 'id="reveal-callback-phone"' in page
    assert not AccessLog.objects.exists()  # seeing the masked page is not a look at personal data
    revealed = as_manager.post(f"/voc/{case.pk}/reveal-callback-phone/", HTTP_HX_REQUEST="true")
    assert revealed.status_code == 200 and WHOLE in revealed.content.decode()
    log = AccessLog.objects.get()
    assert (log.staff, log.action, log.fields, log.customer_id) == (
        shop["manager"],
        AccessLog.Action.VIEW,
        "callback_phone",
        shop["kim"].pk,
    )
    assert case.number in log.detail


def test_the_case_page_sets_and_clears_the_number_and_the_timeline_shows_it_masked(
    as_agent: Client, shop, voc
):
    case = services.case_open(customer=shop["kim"], kind="complaint", title="환불", by=shop["agent"])
    r = as_agent.post(
        f"/voc/{case.pk}/act/callback_phone/",
        {"callback_phone": "1234", "version": case.version},
        HTTP_HX_REQUEST="true",
    )
    assert r["HX-Retarget"] == "#case-errors" and "전화번호" in r.content.decode()
    r = as_agent.post(
        f"/voc/{case.pk}/act/callback_phone/",
        {"callback_phone": "+82 10-1234-5678", "version": case.version},
        HTTP_HX_REQUEST="true",
    )
    assert "회신 전화번호를 저장했습니다" in r.content.decode() and MASKED in r.content.decode()
    case.refresh_from_db()
    assert case.callback_phone == WHOLE
    message = CaseEvent.objects.filter(case=case, kind="callback_phone").latest("id").message
    assert MASKED in message and WHOLE not in message
    as_agent.post(
        f"/voc/{case.pk}/act/callback_phone/",
        {"callback_phone": "", "version": case.version},
        HTTP_HX_REQUEST="true",
    )
    case.refresh_from_db()
    assert case.callback_phone == ""


def test_the_api_accepts_a_callback_number_and_refuses_an_invalid_one(client: Client, shop, voc):
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=shop['agent'], name='t', scopes=['voc:write'])[1]}"
    }

    def create(phone: str):
        body = {"customer_id": shop["kim"].pk, "title": "회신 요청", "callback_phone": phone}
        return client.post("/api/voc/cases", json.dumps(body), content_type="application/json", **auth)

    r = create("01012345678")
    assert r.status_code == 201, r.content
    assert Case.objects.get(pk=r.json()["id"]).callback_phone == WHOLE
    bad = create("12345")
    assert bad.status_code == 422 and "callback_phone" in bad.json()["details"], bad.content
    assert Case.objects.count() == 1
