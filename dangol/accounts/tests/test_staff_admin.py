"""The admin's day: staff logins and roles on the staff page, the admin site in Dangol's name, the favicon."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from conftest import login
from dangol.accounts.models import Role


def _create(client: Client, **overrides: str) -> object:
    data = {
        "username": "newbie",
        "display_name": "박신입",
        "role": "agent",
        "team": "",
        "email": "",
        "password": "tjdnf-5678-quiet",
    }
    return client.post("/staff/", {**data, **overrides}, follow=True)


def test_admin_creates_a_login_that_can_then_sign_in_with_its_role_and_team(client, shop):
    login(client, shop["admin"])
    page = _create(client, team=str(shop["ops"].pk))
    assert "‘박신입’(newbie) 로그인을 만들었습니다" in page.content.decode()
    user = User.objects.get(username="newbie")
    assert (user.staff.role, user.staff.team, user.staff.display_name) == ("agent", shop["ops"], "박신입")
    assert list(user.groups.values_list("name", flat=True)) == ["agent"] and not user.is_staff
    listing = client.get("/staff/").content.decode()
    assert "박신입" in listing and "매장운영팀" in listing

    newcomer = Client()
    signed_in = newcomer.post("/login/", {"username": "newbie", "password": "tjdnf-5678-quiet"})
    assert signed_in.status_code == 302
    assert newcomer.get("/customers/").status_code == 200
    assert newcomer.post(f"/customers/{shop['hong'].pk}/notes/", {"body": "첫 메모"}).status_code == 200


def test_the_create_form_refuses_a_taken_id_and_a_weak_password_in_korean(client, shop):
    login(client, shop["admin"])
    taken = _create(client, username="AGENT").content.decode()
    assert "이미 있는 아이디입니다." in taken
    weak = _create(client, password="1234").content.decode()
    assert "이 비밀번호는 너무 짧습니다." in weak
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("role", ["manager", "agent", "analyst", "viewer"])
def test_only_the_admin_role_reaches_the_staff_page(client, shop, role):
    login(client, shop[role])
    assert client.get("/staff/").status_code == 403
    assert _create(client).status_code == 403
    assert (
        client.post(f"/staff/{shop['viewer'].pk}/", {"display_name": "x", "role": "admin"}).status_code == 403
    )
    assert client.post(f"/staff/{shop['viewer'].pk}/active/", {"active": "0"}).status_code == 403
    assert not User.objects.filter(username="newbie").exists()
    assert User.objects.get(username="viewer").staff.role == "viewer"
    assert 'href="/staff/"' not in client.get("/customers/").content.decode()


def test_a_role_change_takes_effect_on_the_next_request(client, shop):
    viewer = Client()
    login(viewer, shop["viewer"])
    note = {"body": "역할 바뀐 뒤 메모"}
    assert viewer.post(f"/customers/{shop['hong'].pk}/notes/", note).status_code == 403

    login(client, shop["admin"])
    edit = client.get(f"/staff/{shop['viewer'].pk}/").content.decode()
    assert '<option value="viewer" selected>' in edit
    saved = client.post(
        f"/staff/{shop['viewer'].pk}/",
        {"display_name": "정조회", "role": "manager", "team": shop["cs"].pk},
        follow=True,
    )
    assert "‘정조회’의 역할과 팀을 저장했습니다." in saved.content.decode()
    assert viewer.post(f"/customers/{shop['hong'].pk}/notes/", note).status_code == 200
    profile = User.objects.get(username="viewer").staff
    assert (profile.role, profile.team, profile.display_name) == ("manager", shop["cs"], "정조회")


def test_promotion_to_admin_opens_the_admin_site_and_demotion_closes_it(client, shop):
    login(client, shop["admin"])
    client.post(f"/staff/{shop['analyst'].pk}/", {"display_name": "분석", "role": "admin", "team": ""})
    assert User.objects.get(username="analyst").is_staff
    client.post(f"/staff/{shop['analyst'].pk}/", {"display_name": "분석", "role": "analyst", "team": ""})
    assert not User.objects.get(username="analyst").is_staff


def test_a_deactivated_login_can_no_longer_sign_in_or_use_its_session(client, shop):
    agent = Client()
    login(agent, shop["agent"])
    login(client, shop["admin"])
    done = client.post(f"/staff/{shop['agent'].pk}/active/", {"active": "0"}, follow=True)
    assert "‘agent’ 로그인을 비활성화했습니다." in done.content.decode()
    assert agent.get("/customers/").status_code == 302  # back to the login page
    assert Client().post("/login/", {"username": "agent", "password": "pw-agent-123"}).status_code == 200
    client.post(f"/staff/{shop['agent'].pk}/active/", {"active": "1"})
    assert Client().post("/login/", {"username": "agent", "password": "pw-agent-123"}).status_code == 302


def test_an_admin_cannot_demote_or_deactivate_themselves(client, shop):
    login(client, shop["admin"])
    page = client.post(
        f"/staff/{shop['admin'].pk}/", {"display_name": "관리자", "role": "viewer", "team": ""}
    ).content.decode()
    assert "자기 자신의 관리자 역할은 바꿀 수 없습니다." in page
    client.post(f"/staff/{shop['admin'].pk}/active/", {"active": "0"})
    admin = User.objects.get(username="admin")
    assert admin.is_active and admin.staff.role == Role.ADMIN


def test_the_admin_site_speaks_as_dangol_with_korean_sections(client, shop):
    login(client, shop["admin"])
    body = client.get("/admin/").content.decode()
    assert "단골 관리" in body and "관리 메뉴" in body
    for section in ("VOC(고객의 소리)", "주문", "직원과 권한", "접점과 상호작용", "로그인 잠금"):
        assert f">{section}</a>" in body, section
    assert "Django administration" not in body and "사이트 관리" not in body


def test_favicon_is_served_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age=86400" in response["Cache-Control"]


def test_every_page_links_the_icon(client, shop):
    body = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in body and "favicon.svg" in body
