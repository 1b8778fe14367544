"""My inquiries: the customer sees only their own cases and photos, only what was shared with them, and acts
on them through voc's services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dangol.orders.models import Order
from dangol.portal.images import upload_dir
from dangol.portal.models import Photo
from dangol.portal.tests.helpers import GPS_MARK, jpeg, png, signed_in, webp
from dangol.voc import services as voc
from dangol.voc.models import Case, Category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path


def _case(customer, title="배송이 늦어요", kind="inquiry", **kw):  # type: ignore[no-untyped-def]
    return voc.case_open(customer=customer, kind=kind, title=title, body="언제 오나요?", channel="web", **kw)


def _upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_my_inquiries_list_only_my_cases(client, shop):
    mine = _case(shop["hong"], title="홍길동의 문의")
    _case(shop["kim"], title="김영희의 문의")
    page = signed_in(client, shop["hong"]).get("/my/cases/").content.decode()
    assert "홍길동의 문의" in page and mine.number in page
    assert "김영희의 문의" not in page


def test_another_customers_case_and_photo_are_not_found_by_id(client, shop):
    theirs = _case(shop["kim"], title="김영희의 문의")
    kim = signed_in(Client(), shop["kim"])
    kim.post(f"/my/cases/{theirs.pk}/message/", {"text": "사진 보냅니다", "photos": _upload("a.png", png())})
    photo = Photo.objects.get()
    hong = signed_in(client, shop["hong"])
    for url in (
        f"/my/cases/{theirs.pk}/",
        f"/my/photos/{photo.uid}/",
        "/my/photos/not-a-uuid/",
        "/my/cases/999999/",
    ):
        assert hong.get(url).status_code == 404, url
    for url, data in (
        (f"/my/cases/{theirs.pk}/message/", {"text": "끼어들기"}),
        (f"/my/cases/{theirs.pk}/rate/", {"score": "1"}),
        (f"/my/cases/{theirs.pk}/reopen/", {"reason": "다시"}),
    ):
        assert hong.post(url, data).status_code == 404, url
    assert not theirs.events.filter(message__contains="끼어들기").exists()
    # The owner sees it, served as an attachment-safe file that the browser may not sniff.
    response = kim.get(f"/my/photos/{photo.uid}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename=")


def test_the_history_shows_replies_sent_and_never_internal_notes(client, shop):
    case = _case(shop["hong"])
    voc.case_record_step(case=case, step="apologise", by=shop["agent"], note="내부 메모: 고객이 예민함")
    voc.case_polite_warning(case=case, by=shop["agent"], text="내부 경고 기록")
    voc.case_reply_send(case=case, by=shop["agent"], text="내일 도착 예정입니다.")
    page = signed_in(client, shop["hong"]).get(f"/my/cases/{case.pk}/").content.decode()
    assert "내일 도착 예정입니다." in page
    assert "언제 오나요?" in page
    assert "내부 메모" not in page and "내부 경고" not in page and "이상담" not in page


def test_reply_with_text_and_a_photo_joins_the_case_without_its_metadata(client, shop, settings):
    case = _case(shop["hong"])
    voc.case_pause(case=case, by=shop["agent"])
    me = signed_in(client, shop["hong"])
    response = me.post(
        f"/my/cases/{case.pk}/message/",
        {"text": "포장 상태 사진입니다", "photos": _upload("box.jpg", jpeg(exif=True), "image/jpeg")},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN  # waiting for the customer: the clock runs again
    event = case.events.get(kind="portal_message")
    assert "포장 상태 사진입니다" in event.message and event.data["photos"] == 1
    photo = Photo.objects.get(case=case, event=event)
    stored = (upload_dir() / photo.path).read_bytes()
    assert GPS_MARK not in stored and b"Exif" not in stored
    assert stored.startswith(b"\xff\xd8") and stored.endswith(b"\xff\xd9")
    where = (upload_dir() / photo.path).resolve()
    assert not where.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not where.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    page = me.get(f"/my/cases/{case.pk}/").content.decode()
    assert "포장 상태 사진입니다" in page and f"/my/photos/{photo.uid}/" in page


def test_a_text_file_renamed_jpg_is_refused(client, shop):
    case = _case(shop["hong"])
    me = signed_in(client, shop["hong"])
    fake = _upload("photo.jpg", b"this is not an image, just text\n" * 10, "image/jpeg")
    response = me.post(f"/my/cases/{case.pk}/message/", {"text": "사진", "photos": fake})
    assert response.status_code == 400
    assert "JPEG, PNG, WebP 사진만 올릴 수 있습니다" in response.content.decode()
    assert not Photo.objects.exists() and not case.events.filter(kind="portal_message").exists()
    truncated = _upload("cut.png", png()[:-20])
    response = me.post(f"/my/cases/{case.pk}/message/", {"text": "사진", "photos": truncated})
    assert response.status_code == 400 and "손상" in response.content.decode()


def test_an_oversized_photo_is_refused(client, shop, settings):
    case = _case(shop["hong"])
    big = png() + b"\x00" * (5 * 1024 * 1024)
    response = signed_in(client, shop["hong"]).post(
        f"/my/cases/{case.pk}/message/", {"text": "큰 사진", "photos": _upload("big.png", big)}
    )
    assert response.status_code == 400 and "5MB" in response.content.decode()


def test_rating_the_resolution_feeds_the_follow_up_check(client, shop):
    case = _case(shop["hong"])
    voc.case_resolve(case=case, by=shop["agent"], resolution_type="info", note="안내함")
    me = signed_in(client, shop["hong"])
    assert "처리 결과는 어떠셨나요?" in me.get(f"/my/cases/{case.pk}/").content.decode()
    response = me.post(
        f"/my/cases/{case.pk}/rate/", {"score": "5", "would_continue": "yes", "comment": "빨라요"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.satisfaction_score == 5 and case.would_continue is True
    assert case.steps.filter(step="follow_up").exists()
    again = me.post(f"/my/cases/{case.pk}/rate/", {"score": "1"})
    assert again.status_code == 400 and "이미 만족도를 남기셨습니다" in again.content.decode()


def test_a_low_rating_reopens_the_case_to_the_lead(client, shop):
    case = _case(shop["hong"])
    voc.case_resolve(case=case, by=shop["agent"], resolution_type="info")
    signed_in(client, shop["hong"]).post(f"/my/cases/{case.pk}/rate/", {"score": "1", "would_continue": "no"})
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.reopened_count == 1
    # Resolved again, the customer is asked again.
    voc.case_resolve(case=case, by=shop["manager"], resolution_type="refund")
    me = signed_in(Client(), shop["hong"])
    assert "처리 결과는 어떠셨나요?" in me.get(f"/my/cases/{case.pk}/").content.decode()
    assert me.post(f"/my/cases/{case.pk}/rate/", {"score": "4"}).status_code == 302
    case.refresh_from_db()
    assert case.satisfaction_score == 4


def test_a_bad_score_gets_a_korean_error(client, shop):
    case = _case(shop["hong"])
    voc.case_resolve(case=case, by=shop["agent"], resolution_type="info")
    response = signed_in(client, shop["hong"]).post(f"/my/cases/{case.pk}/rate/", {"score": "9"})
    assert response.status_code == 400 and "만족도는 1~5 사이여야 합니다" in response.content.decode()


def test_reopen_within_the_window_and_not_after(client, shop):
    case = _case(shop["hong"])
    voc.case_resolve(case=case, by=shop["agent"], resolution_type="info")
    me = signed_in(client, shop["hong"])
    assert me.post(f"/my/cases/{case.pk}/reopen/", {"reason": ""}).status_code == 400
    response = me.post(f"/my/cases/{case.pk}/reopen/", {"reason": "아직 안 왔어요"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.events.filter(kind="reopened", data__customer=True).exists()
    voc.case_resolve(case=case, by=shop["agent"], resolution_type="info")
    Case.objects.filter(pk=case.pk).update(resolved_at=timezone.now() - dt.timedelta(days=15))
    response = me.post(f"/my/cases/{case.pk}/reopen/", {"reason": "또 문제"})
    assert response.status_code == 400 and "다시 열 수 없습니다" in response.content.decode()


def test_a_new_inquiry_goes_to_the_owning_team_with_my_order(client, shop):
    category = Category.objects.create(code="delivery", name="배송", owner_team=shop["ops"])
    order = Order.objects.create(
        external_id="ORD-1", customer=shop["hong"], ordered_at=timezone.now(), total_amount=32000
    )
    theirs = Order.objects.create(external_id="ORD-2", customer=shop["kim"], ordered_at=timezone.now())
    me = signed_in(client, shop["hong"])
    form = me.get("/my/cases/new/").content.decode()
    assert "ORD-1" in form and "ORD-2" not in form
    refused = me.post("/my/cases/new/", {"kind": "inquiry", "title": "남의 주문", "order": theirs.pk})
    assert refused.status_code == 400 and "주문을 목록에서 골라 주세요" in refused.content.decode()
    response = me.post(
        "/my/cases/new/",
        {
            "kind": "complaint",
            "category": category.pk,
            "order": order.pk,
            "title": "상자가 찌그러졌어요",
            "body": "사진 첨부합니다",
            "photos": [_upload("a.png", png(exif=True)), _upload("b.webp", webp(), "image/webp")],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(title="상자가 찌그러졌어요")
    assert case.customer == shop["hong"] and case.team == shop["ops"] and case.channel == "web"
    assert "ORD-1" in case.body
    assert Photo.objects.filter(case=case, event__kind="portal_message").count() == 2
    assert response["Location"] == f"/my/cases/{case.pk}/"


def test_a_new_inquiry_without_a_title_gets_a_korean_error(client, shop):
    response = signed_in(client, shop["hong"]).post("/my/cases/new/", {"kind": "inquiry", "title": ""})
    assert response.status_code == 400 and "제목을 입력하세요" in response.content.decode()
    assert not Case.objects.exists()


def test_the_public_form_gives_a_signed_link_to_that_one_case(shop):
    response = Client().post(
        "/voc/intake/",
        {
            "kind": "inquiry",
            "name": "손님",
            "phone": "010-2222-3333",
            "title": "영업시간 문의",
            "body": "몇 시까지?",
            "agree": "on",
        },
    )
    assert response.status_code == 200, response.content.decode()[:500]
    case = Case.objects.get(title="영업시간 문의")
    link = response.context["link"]
    assert link.startswith("/my/c/")
    page = Client().get(link)
    assert (
        page.status_code == 200
        and "영업시간 문의" in page.content.decode()
        and case.number in page.content.decode()
    )
    other = _case(shop["kim"], title="다른 사람 문의")
    forged = link[:-3] + ("aaa" if not link.endswith("aaa/") else "bbb") + "/"
    assert Client().get(forged).status_code == 404
    assert "다른 사람 문의" not in Client().get(forged).content.decode()
    assert other.number not in page.content.decode()


def test_every_portal_post_is_rate_limited(client, shop):
    case = _case(shop["hong"])
    me = signed_in(client, shop["hong"])
    codes = [me.post(f"/my/cases/{case.pk}/message/", {"text": f"{n}"}).status_code for n in range(21)]
    assert codes[:20] == [302] * 20 and codes[20] == 429


def test_pages_need_a_portal_session_and_forms_need_csrf(shop):
    assert Client().get("/my/cases/").status_code == 302
    strict = signed_in(Client(enforce_csrf_checks=True), shop["hong"])
    case = _case(shop["hong"])
    assert strict.post(f"/my/cases/{case.pk}/message/", {"text": "csrf 없이"}).status_code == 403


def test_staff_see_the_customers_photo_from_the_case_page_and_each_view_is_logged(client, shop):
    from dangol.privacy.models import AccessLog

    case = _case(shop["hong"])
    signed_in(Client(), shop["hong"]).post(
        f"/my/cases/{case.pk}/message/", {"text": "사진", "photos": _upload("a.png", png())}
    )
    photo = Photo.objects.get()
    staff_url = f"/my/staff/photos/{photo.uid.hex}/"
    event = case.events.get(kind="portal_message")
    assert event.data["photo_links"] == [staff_url]
    # Neither an anonymous visitor nor a signed-in customer is staff.
    assert Client().get(staff_url).status_code == 302
    assert signed_in(Client(), shop["hong"]).get(staff_url).status_code == 302
    client.force_login(shop["agent"], backend="django.contrib.auth.backends.ModelBackend")
    assert staff_url in client.get(f"/voc/{case.pk}/").content.decode()
    response = client.get(staff_url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    log = AccessLog.objects.get(fields="case_photo")
    assert log.staff == shop["agent"] and log.customer_id == shop["hong"].pk


def test_the_public_case_page_is_rate_limited_per_client(shop):
    from dangol.portal.links import case_link_path

    link = case_link_path(_case(shop["hong"]).number)
    visitor = Client(REMOTE_ADDR="10.1.2.3")
    assert [visitor.get(link).status_code for _ in range(30)] == [200] * 30
    limited = visitor.get(link)
    assert limited.status_code == 429 and "요청이 너무 많습니다" in limited.content.decode()


def test_an_inquiry_filed_after_reading_faq_articles_marks_those_reads(client, shop):
    """The FAQ's "read, then filed anyway" list counts the articles this browser read before the inquiry."""
    from dangol.knowledge.models import Article, ArticleRead
    from dangol.knowledge.services import article_save

    article = article_save(
        by=shop["manager"], title="배송 조회", body="<p>배송 조회 방법</p>", status=Article.Status.PUBLISHED
    )
    assert client.get(article.get_absolute_url()).status_code == 200
    me = signed_in(client, shop["hong"])
    assert me.post("/my/cases/new/", {"kind": "inquiry", "title": "아직 안 왔어요"}).status_code == 302
    read = ArticleRead.objects.get(article=article)
    assert read.inquiry_filed_at is not None
