"""Managers edit the program's rules on the program page, validated in Korean (issue 15)."""

from __future__ import annotations

from conftest import login
from dangol.rewards.forms import RULE_FIELDS
from dangol.rewards.models import Program


def _current(**changes) -> dict:
    program = Program.current()
    data = {name: getattr(program, name) for name in RULE_FIELDS}
    data.update(changes)
    return data


def test_a_manager_changes_the_rules_on_the_program_page(shop, program, client):
    login(client, shop["manager"])
    page = client.get("/rewards/").content.decode()
    assert 'id="rules-edit"' in page and 'name="expiry_months"' in page
    r = client.post(
        "/rewards/rules/", _current(expiry_months=18, min_redeem_points=500, max_redeem_percent=30)
    )
    assert r.status_code == 302
    saved = Program.current()
    assert (saved.expiry_months, saved.min_redeem_points, saved.max_redeem_percent) == (18, 500, 30)
    assert saved.updated_by == shop["manager"]
    follow = client.get("/rewards/").content.decode()
    assert "규칙을 저장했습니다" in follow and "18개월" in follow


def test_bad_rules_are_refused_in_korean_and_nothing_changes(shop, program, client):
    login(client, shop["manager"])
    before = {name: getattr(Program.current(), name) for name in RULE_FIELDS}
    for bad, message in (
        ({"min_redeem_points": 5000, "max_redeem_points": 1000}, "최소 포인트 이상이어야"),
        ({"max_redeem_percent": 150}, "1 이상 100 이하로"),
        ({"expiry_months": 0}, "1 이상 120 이하로"),
        ({"point_value_won": "0"}, "0원보다 커야"),
        ({"return_window_days": "열흘"}, "정수를 입력하세요"),
        ({"expiry_months": 1, "expiry_notice_days": 60}, "유효기간보다 먼저일 수 없습니다"),
    ):
        r = client.post("/rewards/rules/", _current(**bad))
        assert r.status_code == 422 and message in r.content.decode(), (bad, r.content.decode()[-3000:])
    assert {name: getattr(Program.current(), name) for name in RULE_FIELDS} == before


def test_only_managers_edit_the_rules(shop, program, client):
    for who in ("agent", "analyst"):
        login(client, shop[who])
        assert client.post("/rewards/rules/", _current(expiry_months=6)).status_code == 403
    login(client, shop["analyst"])
    assert 'id="rules-edit"' not in client.get("/rewards/").content.decode()
    assert Program.current().expiry_months != 6
