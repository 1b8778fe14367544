"""Signing in with a one-time code: hashed, 3 minutes, 5 tries, rate limits, no enumeration, short sessions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from dangol.messaging.models import Message
from dangol.portal import auth
from dangol.portal.models import LoginCode, PortalSession

pytestmark = pytest.mark.django_db


def _code_from_outbox() -> str:
    message = Message.objects.filter(purpose_ref__startswith="portal-code:").latest("id")
    match = re.search(r"인증번호 (\d{6})", message.body)
    assert match, message.body
    return match.group(1)


def _ask(client: Client, phone: str):  # type: ignore[no-untyped-def]
    return client.post("/my/login/", {"phone": phone})


def test_a_customer_signs_in_with_the_code_sent_to_their_phone(client, shop):
    response = _ask(client, "010-1234-5678")
    assert response.status_code == 200
    assert "인증번호 6자리를 문자로 보냈습니다" in response.content.decode()
    code = _code_from_outbox()
    row = LoginCode.objects.get()
    assert code not in row.code_hash and "01012345678" not in row.phone_hash  # only keyed hashes are stored
    message = Message.objects.get(purpose_ref__startswith="portal-code:")
    assert message.customer == shop["hong"] and message.kind == "informational"
    response = client.post("/my/login/verify/", {"phone": "01012345678", "code": code})
    assert response.status_code == 302 and response["Location"] == "/my/"
    home = client.get("/my/")
    assert home.status_code == 200 and "홍길동님, 안녕하세요" in home.content.decode()
    # A portal session is not a staff login: the staff pages still send the visitor to the staff login.
    staff_page = client.get("/customers/")
    assert staff_page.status_code == 302 and staff_page["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_the_code_is_used_once(client, shop):
    _ask(client, "01012345678")
    code = _code_from_outbox()
    assert client.post("/my/login/verify/", {"phone": "01012345678", "code": code}).status_code == 302
    again = Client().post("/my/login/verify/", {"phone": "01012345678", "code": code})
    assert again.status_code == 400 and "인증번호가 맞지 않거나 만료되었습니다" in again.content.decode()


def test_an_expired_code_is_refused(client, shop):
    _ask(client, "01012345678")
    code = _code_from_outbox()
    LoginCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post("/my/login/verify/", {"phone": "01012345678", "code": code})
    assert response.status_code == 400
    assert "만료" in response.content.decode()
    assert not PortalSession.objects.exists()


def test_five_wrong_codes_use_the_code_up(client, shop):
    _ask(client, "01012345678")
    code = _code_from_outbox()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post("/my/login/verify/", {"phone": "01012345678", "code": wrong})
        assert response.status_code == 400
    assert LoginCode.objects.get().tries == 5
    # The right code no longer works after five wrong tries.
    response = client.post("/my/login/verify/", {"phone": "01012345678", "code": code})
    assert response.status_code == 400
    assert not PortalSession.objects.exists()


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", html)


def test_registered_and_unknown_numbers_get_the_same_answer(shop):
    known = _ask(Client(), "010-1234-5678")
    unknown = _ask(Client(), "010-5555-0000")
    assert known.status_code == unknown.status_code == 200
    known_html = _without_tokens(known.content.decode()).replace("010-1234-5678", "PHONE")
    unknown_html = _without_tokens(unknown.content.decode()).replace("010-5555-0000", "PHONE")
    assert known_html == unknown_html
    assert LoginCode.objects.count() == 2  # a code row either way
    assert (
        Message.objects.filter(purpose_ref__startswith="portal-code:").count() == 1
    )  # sent to the customer only
    # Trying a code for the unknown number answers exactly like a wrong code for the known one.
    a = Client().post("/my/login/verify/", {"phone": "01012345678", "code": "000000"})
    b = Client().post("/my/login/verify/", {"phone": "01055550000", "code": "000000"})
    assert a.status_code == b.status_code == 400
    assert _without_tokens(a.content.decode()).replace("010-1234-5678", "P") == _without_tokens(
        b.content.decode()
    ).replace("010-5555-0000", "P")


def test_asking_too_often_for_one_number_gets_the_korean_429_page(shop):
    for _ in range(3):
        assert _ask(Client(REMOTE_ADDR=f"10.0.0.{_ + 1}"), "01012345678").status_code == 200
    response = _ask(Client(REMOTE_ADDR="10.0.0.9"), "01012345678")
    assert response.status_code == 429
    assert "요청이 너무 많습니다" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert LoginCode.objects.count() == 3


def test_one_client_asking_for_many_numbers_is_limited(shop):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for n in range(10):
        assert _ask(client, f"010-7777-{n:04d}").status_code == 200
    assert _ask(client, "010-7777-0099").status_code == 429


def test_a_bad_number_gets_a_korean_error(client, shop):
    response = _ask(client, "hello")
    assert response.status_code == 400
    assert "휴대전화 번호를 010-1234-5678처럼 입력해 주세요" in response.content.decode()


def test_signing_out_ends_the_session_at_once(client, shop):
    _ask(client, "01012345678")
    client.post("/my/login/verify/", {"phone": "01012345678", "code": _code_from_outbox()})
    cookie = client.cookies[auth.COOKIE].value
    assert client.get("/my/").status_code == 200
    response = client.post("/my/logout/")
    assert "로그아웃했습니다" in response.content.decode()
    assert PortalSession.objects.get().ended_at is not None
    replay = Client()
    replay.cookies[auth.COOKIE] = cookie  # a copied cookie is worthless once the session ended
    assert replay.get("/my/").status_code == 302


def test_an_idle_session_lapses(client, shop):
    _ask(client, "01012345678")
    client.post("/my/login/verify/", {"phone": "01012345678", "code": _code_from_outbox()})
    PortalSession.objects.update(last_seen_at=timezone.now() - auth.IDLE - dt.timedelta(seconds=1))
    response = client.get("/my/cases/")
    assert response.status_code == 302 and response["Location"] == "/my/login/"


def test_a_forged_cookie_signs_nobody_in(client, shop):
    client.cookies[auth.COOKIE] = "not-a-signed-value"
    assert client.get("/my/").status_code == 302


def test_asking_again_retires_the_older_code(client, shop):
    _ask(client, "01012345678")
    first = _code_from_outbox()
    _ask(client, "01012345678")
    second = _code_from_outbox()
    if first != second:
        response = client.post("/my/login/verify/", {"phone": "01012345678", "code": first})
        assert response.status_code == 400
    assert client.post("/my/login/verify/", {"phone": "01012345678", "code": second}).status_code == 302


def test_a_session_ends_at_its_hard_limit_however_active(client, shop):
    _ask(client, "01012345678")
    client.post("/my/login/verify/", {"phone": "01012345678", "code": _code_from_outbox()})
    PortalSession.objects.update(
        expires_at=timezone.now() - dt.timedelta(seconds=1), last_seen_at=timezone.now()
    )
    assert client.get("/my/").status_code == 302
    assert PortalSession.objects.get().ended_at is not None
