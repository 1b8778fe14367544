"""Abuse of the public VOC form and of the cases it opens, through the real stack (test client, database):
each test makes the attack and shows that it now fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login
from dangol.privacy.models import AccessLog
from dangol.voc.models import Case, Category

pytestmark = pytest.mark.usefixtures("now_frozen")

INTAKE = "/voc/intake/"
# Ten complaints that say different things (so none is folded into another as a repeat).
SAYINGS = [
    ("배송이 늦어요", "주문한 지 열흘이 지났는데 아직 못 받았습니다"),
    ("환불 문의", "반품한 상품의 환불이 언제 되는지 알려 주세요"),
    ("직원 태도", "강남점 계산대 직원이 반말을 했습니다"),
    ("포장 파손", "상자가 찌그러져 와서 컵 두 개가 깨졌어요"),
    ("앱 로그인 오류", "어제부터 앱에 로그인이 안 됩니다"),
    ("주차 요금", "영수증을 보여 줬는데도 주차비를 받았어요"),
    ("포인트 누락", "지난달 구매 포인트가 적립되지 않았습니다"),
    ("매장 청결", "화장실이 너무 지저분했습니다"),
    ("가격 표시", "진열대 가격과 계산된 가격이 달랐어요"),
    ("쿠폰 사용", "생일 쿠폰이 결제 화면에서 적용되지 않아요"),
]


def complaint(n: int, **fields: str) -> dict[str, str]:
    title, body = SAYINGS[n % len(SAYINGS)]
    data = {
        "kind": "complaint",
        "category": str(Category.objects.get(code="delivery-late").pk),  # the voc fixture's 배송 > 지연
        "name": "박민수",
        "phone": f"010-5555-{n:04d}",
        "title": title,
        "body": body,
        "agree": "on",
    }
    data.update(fields)
    return data


def shown_contact(page: str) -> str:
    return page.split('id="case-contact">')[1].split("</span>")[0].strip()


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.DANGOL_INTAKE_PER_IP_PER_MINUTE = 5
    settings.DANGOL_INTAKE_PER_IP_PER_HOUR = 20
    settings.DANGOL_INTAKE_PER_CONTACT_PER_HOUR = 3
    settings.DANGOL_INTAKE_DUPLICATE_MINUTES = 30


def test_thirty_quick_posts_from_one_ip_store_only_the_first_few(client: Client, shop, voc):
    answers = [client.post(INTAKE, complaint(n), REMOTE_ADDR="203.0.113.7") for n in range(30)]

    assert [r.status_code for r in answers[:5]] == [200] * 5
    assert {r.status_code for r in answers[5:]} == {429}
    assert Case.objects.count() == 5
    refused = answers[-1]
    page = refused.content.decode()
    assert 'id="too-many-requests"' in page and "요청이 너무 많습니다" in page and "분 뒤에 다시" in page
    assert '<html lang="ko"' in page  # the base layout, in Korean
    assert 1 <= int(refused["Retry-After"]) <= 60
    # another client is not held back by this one
    assert client.post(INTAKE, complaint(40), REMOTE_ADDR="198.51.100.9").status_code == 200
    # an IPv6 client cannot step around the limit by taking the next address of its /64
    v6 = [client.post(INTAKE, complaint(50 + n), REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}") for n in range(6)]
    assert [r.status_code for r in v6] == [200] * 5 + [429]


def test_the_same_phone_from_many_ips_is_limited_too(client: Client, shop, voc):
    # the same number written three ways is one contact
    phones = ["010-7777-1234", "01077771234", "+82 10 7777 1234"]
    answers = [
        client.post(INTAKE, complaint(n, phone=phones[n % 3]), REMOTE_ADDR=f"203.0.113.{n + 1}")
        for n in range(10)
    ]

    assert [r.status_code for r in answers] == [200] * 3 + [429] * 7
    assert Case.objects.count() == 3
    assert set(Case.objects.values_list("contact_info", flat=True)) == {"010-7777-1234"}
    # the same goes for an e-mail address, whatever its case
    mails = [
        client.post(INTAKE, complaint(n, phone="", email="Spam@Example.com"), REMOTE_ADDR=f"198.51.100.{n}")
        for n in range(5)
    ]
    assert [r.status_code for r in mails] == [200] * 3 + [429] * 2


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_stored(client: Client, shop, voc):
    form = client.get(INTAKE).content.decode()
    assert 'name="website"' in form and 'tabindex="-1"' in form and 'aria-hidden="true"' in form

    r = client.post(INTAKE, complaint(1, website="https://cheap-pills.example"))

    page = r.content.decode()
    assert r.status_code == 200 and "접수되었습니다" in page and "접수번호 VOC-" in page
    assert Case.objects.count() == 0
    # a person (who leaves it empty) is served as before
    assert "접수되었습니다" in client.post(INTAKE, complaint(1)).content.decode()
    assert Case.objects.count() == 1


def test_a_repeated_complaint_joins_the_first_case(
    client: Client, shop, voc, settings, monkeypatch, now_frozen
):
    settings.DANGOL_INTAKE_PER_CONTACT_PER_HOUR = 10
    first = client.post(INTAKE, complaint(0, phone="010-3333-4444"))
    case = Case.objects.get()
    assert case.number in first.content.decode()

    # the same words again, from another network, with the number typed differently
    again = client.post(
        INTAKE,
        complaint(0, phone="01033334444", body="주문한 지 열흘이 지났는데 아직도 못 받았습니다!!"),
        REMOTE_ADDR="198.51.100.20",
    )

    assert again.status_code == 200 and case.number in again.content.decode()
    assert Case.objects.count() == 1
    repeat = case.events.get(kind="resubmitted")
    assert repeat.message.startswith("같은 내용 재접수") and repeat.by is None
    # something else from the same contact is a case of its own
    client.post(INTAKE, complaint(3, phone="010-3333-4444"))
    assert Case.objects.count() == 2
    # and the same words long after the first are a new case too
    monkeypatch.setattr(timezone, "now", lambda: now_frozen + dt.timedelta(minutes=31))
    client.post(INTAKE, complaint(0, phone="010-3333-4444"), REMOTE_ADDR="198.51.100.21")
    assert Case.objects.count() == 3


def test_an_oversized_body_is_refused_before_it_is_read(client: Client, shop, voc, settings):
    huge = complaint(1, body="가" * 300_000)  # about 2.7 MB once form-encoded

    r = client.post(INTAKE, huge)

    assert r.status_code == 413 and "보내신 내용이 너무 큽니다" in r.content.decode()
    assert Case.objects.count() == 0
    # a 45 MB claim is answered from its Content-Length alone: the 10 bytes actually sent are never read
    claim = client.generic(
        "POST",
        INTAKE,
        b"kind=x&a=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(45 * 1024 * 1024),
    )
    assert claim.status_code == 413
    # the same holds for an anonymous post to a page behind the login
    assert client.post("/voc/queue/save/", {"name": "x" * 300_000}).status_code == 413
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    # staff with a session may still send a large form (the bulk API and imports have their own limits)
    login(client, shop["agent"])
    assert (
        client.post("/voc/queue/save/", {"name": "큰 필터", "query": "q=" + "x" * 300_000}).status_code == 302
    )


def test_a_known_customers_phone_does_not_link_the_case_but_staff_get_a_suggestion(client: Client, shop, voc):
    hong = shop["hong"]
    staff_matter = str(voc["manner"].pk)  # 직원 > 태도: routed to the store team, the clerk's
    # hong's number, typed by anyone
    client.post(INTAKE, complaint(2, name="홍길동", phone="010-1234-5678", category=staff_matter))

    case = Case.objects.get()
    assert case.customer is None and case.contact_name == "홍길동" and case.contact_info == "010-1234-5678"
    assert not hong.cases.exists()

    login(client, shop["clerk"])
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert 'id="link-suggestions"' in page and f'name="customer" value="{hong.pk}"' in page
    assert shown_contact(page) == "홍*동 010-****-5678"
    suggestions = page.split('id="link-suggestions"')[1].split("</details>")[0]
    assert "홍*동" in suggestions and "010-****-5678" in suggestions and "010-1234-5678" not in suggestions
    r = client.post(f"/voc/{case.pk}/act/link_customer/", {"customer": hong.pk}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "고객과 연결했습니다" in r.content.decode()
    case.refresh_from_db()
    assert case.customer == hong and case.events.get(kind="linked").message == "고객 홍*동과 연결"
    # an e-mail matches a customer the same way
    client.post(
        INTAKE,
        complaint(4, phone="", email="YoungHee@example.com", category=staff_matter),
        REMOTE_ADDR="198.51.100.30",
    )
    by_mail = Case.objects.get(customer__isnull=True)
    page = client.get(f"/voc/{by_mail.pk}/").content.decode()
    assert f'name="customer" value="{shop["kim"].pk}"' in page


def test_viewers_and_analysts_see_the_contact_masked_and_a_managers_look_is_logged(client: Client, shop, voc):
    client.post(INTAKE, complaint(5, name="박민수", phone="010-2222-3333", email="stranger@example.com"))
    case = Case.objects.get()
    assert case.contact_info == "010-2222-3333, stranger@example.com"
    raw = ("박민수", "010-2222-3333", "stranger@example.com")

    for role in ("viewer", "analyst"):
        login(client, shop[role])
        page = client.get(f"/voc/{case.pk}/").content.decode()
        assert not any(value in page for value in raw)
        assert shown_contact(page) == "박*수 010-****-3333, st******@example.com"
        assert 'id="reveal-contact"' not in page
        assert client.post(f"/voc/{case.pk}/reveal/").status_code == 403
        queue = client.get("/voc/queue/", {"queue": "all"}).content.decode()
        assert case.number in queue and not any(value in queue for value in raw)
        export = client.get(f"/voc/{case.pk}/evidence.csv", {"unmasked": "1"}).content.decode()
        assert "010-****-3333" in export and not any(value in export for value in raw)
    assert not AccessLog.objects.filter(action="view").exists()

    manager = shop["manager"]
    login(client, manager)
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert 'id="reveal-contact"' in page and "010-2222-3333" not in page
    shown = client.post(f"/voc/{case.pk}/reveal/", HTTP_HX_REQUEST="true", REMOTE_ADDR="192.0.2.44")
    assert shown.status_code == 200 and all(value in shown.content.decode() for value in raw)
    log = AccessLog.objects.get(action="view")
    assert (log.staff, log.ip, log.fields) == (manager, "192.0.2.44", "contact_info,contact_name")
    assert case.number in log.detail
    export = client.get(f"/voc/{case.pk}/evidence.csv", {"unmasked": "1"}).content.decode()
    assert "010-2222-3333, stranger@example.com" in export
    assert AccessLog.objects.get(action="export", fields__contains="contact_info").staff == manager
