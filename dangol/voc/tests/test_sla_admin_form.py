"""SLA targets are entered in hours and minutes on the admin site and stored in minutes."""

from __future__ import annotations

from conftest import login
from dangol.voc.admin import hours_minutes_text
from dangol.voc.models import SlaPolicy


def _post(client, url, **values):
    data = {
        "name": "긴급",
        "priority": "urgent",
        "category": "",
        "first_response_minutes_0": "0",
        "first_response_minutes_1": "30",
        "resolution_minutes_0": "4",
        "resolution_minutes_1": "15",
        "warn_before_minutes_0": "1",
        "warn_before_minutes_1": "",
        **values,
    }
    return client.post(url, data)


def test_admin_enters_hours_and_minutes_and_the_policy_stores_minutes(client, shop):
    login(client, shop["admin"])
    add = client.get("/admin/voc/slapolicy/add/").content.decode()
    assert 'name="resolution_minutes_0"' in add and 'name="resolution_minutes_1"' in add and "시간" in add
    response = _post(client, "/admin/voc/slapolicy/add/")
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SlaPolicy.objects.get(name="긴급")
    assert (policy.first_response_minutes, policy.resolution_minutes, policy.warn_before_minutes) == (
        30,
        255,
        60,
    )

    edit = client.get(f"/admin/voc/slapolicy/{policy.pk}/change/").content.decode()
    assert (
        'name="resolution_minutes_0" value="4"' in edit and 'name="resolution_minutes_1" value="15"' in edit
    )
    listing = client.get("/admin/voc/slapolicy/").content.decode()
    assert "4시간 15분" in listing and "30분" in listing and "1시간" in listing


def test_the_form_refuses_minutes_past_59_and_a_resolution_shorter_than_the_first_response(client, shop):
    login(client, shop["admin"])
    past_59 = _post(client, "/admin/voc/slapolicy/add/", first_response_minutes_1="75").content.decode()
    assert 'name="first_response_minutes_1"' in past_59 and "59" in past_59
    shorter = _post(
        client, "/admin/voc/slapolicy/add/", first_response_minutes_0="5", resolution_minutes_0="1"
    ).content.decode()
    assert "해결 목표는 첫 응답 목표보다 짧을 수 없습니다." in shorter
    assert not SlaPolicy.objects.exists()


def test_a_blank_target_is_required_and_zero_is_refused(client, shop):
    login(client, shop["admin"])
    blank = _post(client, "/admin/voc/slapolicy/add/", resolution_minutes_0="", resolution_minutes_1="")
    assert blank.status_code == 200 and "필수 항목입니다." in blank.content.decode()
    zero = _post(
        client, "/admin/voc/slapolicy/add/", first_response_minutes_0="0", first_response_minutes_1="0"
    )
    assert "0보다 긴 시간을 입력하세요." in zero.content.decode()
    assert not SlaPolicy.objects.exists()


def test_minutes_read_as_hours_and_minutes():
    assert [hours_minutes_text(m) for m in (45, 60, 125, None)] == ["45분", "1시간", "2시간 5분", "—"]
