import re

import pytest
from django.test import Client

from conftest import login
from dangol.interactions.models import Interaction
from dangol.privacy.models import AccessLog

PHONE = re.compile(r"010-\d{4}-\d{4}")


def test_every_page_requires_login(client: Client, shop):
    for url in [
        "/",
        "/customers/",
        f"/customers/{shop['hong'].pk}/",
        "/promises/",
        "/imports/",
        "/privacy/access-log/",
        "/customers/export.csv",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_search_by_last4_name_email_and_filters(as_agent: Client, shop):
    hong, kim = shop["hong"], shop["kim"]
    by_last4 = as_agent.get("/customers/", {"q": "5678"}).content.decode()
    assert f"/customers/{hong.pk}/" in by_last4 and f"/customers/{kim.pk}/" not in by_last4
    by_name = as_agent.get("/customers/", {"q": "김영"}).content.decode()
    assert f"/customers/{kim.pk}/" in by_name and f"/customers/{hong.pk}/" not in by_name
    by_email = as_agent.get("/customers/", {"q": "gildong@"}).content.decode()
    assert f"/customers/{hong.pk}/" in by_email
    by_tag = as_agent.get("/customers/", {"tag": "VIP"}).content.decode()
    assert f"/customers/{hong.pk}/" in by_tag and f"/customers/{kim.pk}/" not in by_tag
    by_consent = as_agent.get("/customers/", {"consent_stage": "marketing_partial"}).content.decode()
    assert f"/customers/{hong.pk}/" in by_consent and f"/customers/{kim.pk}/" not in by_consent
    by_store = as_agent.get("/customers/", {"store": shop["store"].pk}).content.decode()
    assert f"/customers/{hong.pk}/" in by_store and f"/customers/{kim.pk}/" not in by_store


def test_korean_name_prefix_lists_in_name_order_and_uses_the_name_index(shop):
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from dangol.customers.models import Customer
    from dangol.customers.selectors import CustomerFilters, customer_search

    now = timezone.now()
    for k, name in enumerate(["김하늘", "김가람", "김나래"]):  # joined newest first in this order
        Customer.objects.create(name=name, joined_at=now - dt.timedelta(days=k))
    found = customer_search(CustomerFilters(q="김"))
    names = [c.name for c in found]
    assert names == sorted(names) and {"김가람", "김나래", "김하늘"} <= set(names)
    if connection.vendor == "sqlite":  # no sort of every match: the name index yields the order
        sql, params = found.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_htmx_search_returns_only_the_rows(as_agent: Client, shop):
    response = as_agent.get(
        "/customers/", {"q": "5678"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-rows"
    )
    body = response.content.decode()
    assert "<html" not in body and "<table" in body


def test_360_shows_address_consents_and_told_facts(as_agent: Client, shop):
    from dangol.customers.services import note_add, preference_set

    hong = shop["hong"]
    preference_set(customer=hong, key="배송 요청", value="경비실에 맡겨 주세요", by=shop["agent"])
    note_add(customer=hong, body="명절 선물 대량 구매 고객", by=shop["agent"], pinned=True)
    body = as_agent.get(f"/customers/{hong.pk}/").content.decode()
    assert "홍*동 선생님" in body  # 호칭, masked for an agent
    assert "✓ 마케팅 문자" in body and "경비실에 맡겨 주세요" in body and "명절 선물 대량 구매 고객" in body
    assert "010-****-5678" in body
    assert not PHONE.search(body)


def test_agent_adds_note_interaction_and_promise_without_reload(as_agent: Client, shop):
    hong = shop["hong"]
    r = as_agent.post(f"/customers/{hong.pk}/notes/", {"body": "사이즈 교환 원하심"}, HTTP_HX_REQUEST="true")
    assert (
        r.status_code == 200
        and "사이즈 교환 원하심" in r.content.decode()
        and "<html" not in r.content.decode()
    )
    r = as_agent.post(
        f"/customers/{hong.pk}/interactions/",
        {
            "touchpoint": shop["call"].pk,
            "type": "complaint",
            "summary": "배송 지연 불만",
            "body": "이틀 늦음",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "배송 지연 불만" in r.content.decode()
    assert Interaction.objects.get(customer=hong).staff == shop["agent"]
    r = as_agent.post(
        f"/customers/{hong.pk}/promises/",
        {"text": "목요일까지 환불", "due_at": "2099-01-01T10:00"},
        HTTP_HX_REQUEST="true",
    )
    assert "목요일까지 환불" in r.content.decode()


def test_bad_note_gets_a_korean_error_in_place(as_agent: Client, shop):
    r = as_agent.post(f"/customers/{shop['hong'].pk}/notes/", {"body": "   "}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert r["HX-Retarget"] == "#note-errors"
    assert "필수" in r.content.decode() or "입력" in r.content.decode()
    r = as_agent.post(
        f"/customers/{shop['hong'].pk}/promises/",
        {"text": "어제까지", "due_at": "2001-01-01T10:00"},
        HTTP_HX_REQUEST="true",
    )
    assert r["HX-Retarget"] == "#promise-errors" and "기한" in r.content.decode()


def test_timeline_filters_by_type_and_touchpoint(as_agent: Client, shop):
    from dangol.interactions.services import interaction_log

    hong = shop["hong"]
    interaction_log(
        customer=hong, touchpoint=shop["call"], type="inquiry", summary="전화 문의", staff=shop["agent"]
    )
    interaction_log(
        customer=hong, touchpoint=shop["web"], type="message", summary="웹 채팅", staff=shop["agent"]
    )
    all_ = as_agent.get(f"/customers/{hong.pk}/timeline/").content.decode()
    assert "전화 문의" in all_ and "웹 채팅" in all_
    only_web = as_agent.get(
        f"/customers/{hong.pk}/timeline/", {"touchpoint": shop["web"].pk}
    ).content.decode()
    assert "웹 채팅" in only_web and "전화 문의" not in only_web
    notes_only = as_agent.get(f"/customers/{hong.pk}/timeline/", {"kind": "note"}).content.decode()
    assert "전화 문의" not in notes_only


def test_viewer_cannot_write(client: Client, shop):
    login(client, shop["viewer"])
    assert client.post(f"/customers/{shop['hong'].pk}/notes/", {"body": "x"}).status_code == 403
    assert client.get(f"/customers/{shop['hong'].pk}/").status_code == 200


@pytest.mark.parametrize("role", ["agent", "analyst", "viewer"])
def test_roles_without_personal_data_never_see_an_unmasked_phone(client: Client, shop, role):
    login(client, shop[role])
    hong = shop["hong"]
    pages = [
        client.get("/customers/").content.decode(),
        client.get("/customers/", {"q": "5678"}).content.decode(),
        client.get(f"/customers/{hong.pk}/").content.decode(),
        b"".join(client.get("/customers/export.csv", {"unmasked": "1"}).streaming_content).decode(),
    ]
    for page in pages:
        assert "010-1234-5678" not in page and "gildong@example.com" not in page
    assert client.post(f"/customers/{hong.pk}/reveal/").status_code == 403
    assert AccessLog.objects.count() == 0


def test_manager_reveal_and_export_are_logged(as_manager: Client, shop):
    hong = shop["hong"]
    body = as_manager.get(f"/customers/{hong.pk}/").content.decode()
    assert "010-1234-5678" not in body and 'id="reveal"' in body
    revealed = as_manager.post(f"/customers/{hong.pk}/reveal/", REMOTE_ADDR="10.1.2.3").content.decode()
    assert "010-1234-5678" in revealed and "gildong@example.com" in revealed
    log = AccessLog.objects.get()
    assert (log.staff, log.customer_id, log.action, log.ip) == (shop["manager"], hong.pk, "view", "10.1.2.3")
    assert "phone" in log.fields
    export = b"".join(as_manager.get("/customers/export.csv", {"unmasked": "1"}).streaming_content).decode()
    assert "010-1234-5678" in export
    assert AccessLog.objects.filter(action="export", customer_count=2).exists()


def test_access_log_page_is_for_admins_and_cannot_be_edited(client: Client, shop):
    from dangol.privacy.services import access_log_write

    row = access_log_write(
        staff=shop["manager"], action="view", fields=["phone"], customer_id=shop["hong"].pk
    )
    login(client, shop["manager"])
    assert client.get("/privacy/access-log/").status_code == 403
    login(client, shop["admin"])
    page = client.get("/privacy/access-log/", {"staff": "manager"}).content.decode()
    assert "manager" in page and f"#{shop['hong'].pk}" in page
    csv_body = client.get("/privacy/access-log/", {"format": "csv"}).content.decode()
    assert "manager" in csv_body
    row.detail = "changed"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_english_ui_after_language_switch(as_agent: Client, shop):
    korean = as_agent.get("/customers/").content.decode()
    assert "고객 찾기" in korean
    as_agent.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    english = as_agent.get("/customers/").content.decode()
    assert "Find customers" in english and "고객 찾기" not in english


def test_merged_customer_redirects_to_survivor(as_manager: Client, shop):
    from dangol.customers.services import customer_create

    dup = customer_create(data={"name": "홍길동", "phone": "010-1234-5678"})
    page = as_manager.get(f"/customers/{shop['hong'].pk}/").content.decode()
    assert "중복 의심 고객" in page
    as_manager.post(f"/customers/{shop['hong'].pk}/merge/", {"other": dup.pk})
    response = as_manager.get(f"/customers/{dup.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/customers/{shop['hong'].pk}/"


def test_agent_registers_a_customer_with_a_korean_error_first(as_agent, shop):
    from dangol.customers.models import Customer

    bad = as_agent.post("/customers/new/", {"name": "신규", "phone": "12345", "acquisition_channel": "store"})
    assert bad.status_code == 200 and "올바른 국내 전화번호가 아닙니다" in bad.content.decode()
    ok = as_agent.post(
        "/customers/new/",
        {"name": "신규고객", "phone": "01022223333", "acquisition_channel": "store", "tags": "앱전용, VIP"},
    )
    created = Customer.objects.get(name="신규고객")
    assert ok["Location"] == f"/customers/{created.pk}/" and created.phone == "010-2222-3333"
    assert sorted(t.name for t in created.tags.all()) == ["VIP", "앱전용"]
    assert as_agent.get(f"/customers/{created.pk}/edit/").status_code == 403


def test_manager_edit_is_logged_and_detects_a_concurrent_change(as_manager, shop):
    hong = shop["hong"]
    page = as_manager.get(f"/customers/{hong.pk}/edit/").content.decode()
    assert "010-1234-5678" in page
    assert AccessLog.objects.filter(customer_id=hong.pk, action="view").count() == 1
    form = {
        "name": "홍길동",
        "preferred_name": "길동님",
        "phone": "010-1234-5678",
        "acquisition_channel": "store",
        "version": hong.version,
    }
    assert as_manager.post(f"/customers/{hong.pk}/edit/", form).status_code == 302
    assert AccessLog.objects.filter(customer_id=hong.pk, action="change").exists()
    stale = as_manager.post(f"/customers/{hong.pk}/edit/", {**form, "preferred_name": "홍 선생님"})
    assert "다른 사용자가 먼저" in stale.content.decode()


def test_timeline_filters_by_interaction_type(as_agent, shop):
    from dangol.interactions.services import interaction_log

    hong = shop["hong"]
    interaction_log(customer=hong, touchpoint=shop["call"], type="complaint", summary="배송 불만")
    interaction_log(customer=hong, touchpoint=shop["call"], type="praise", summary="친절 칭찬")
    body = as_agent.get(f"/customers/{hong.pk}/timeline/", {"type": "praise"}).content.decode()
    assert "친절 칭찬" in body and "배송 불만" not in body


def test_a_preference_is_stored_masked(as_agent, shop):
    from dangol.customers.models import Preference

    hong = shop["hong"]
    value = "부재 시 010-1234-5678 로, 주민번호 900101-1234567"
    r = as_agent.post(
        f"/customers/{hong.pk}/preferences/", {"key": "연락 방법", "value": value}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200, r.content.decode()
    stored = Preference.objects.get(customer=hong).value
    assert "[전화번호]" in stored and "[주민번호]" in stored, stored
    assert "1234-5678" not in stored and "1234567" not in stored, stored
