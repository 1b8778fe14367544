"""The public help centre, votes, the managers' editor and insights, the agents' picker, through the real stack."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login
from dangol.knowledge import services
from dangol.knowledge.models import Article, ArticleRead, ArticleTerm, ArticleVote, SearchQuery
from dangol.knowledge.sanitize import body_clean


def test_the_sanitiser_removes_scripts_event_handlers_and_javascript_links():
    dirty = (
        '<p onclick="steal()">안내<script>alert(1)</script></p><img src=x onerror="alert(1)">'
        '<a href="javascript:alert(1)">나쁜 링크</a><a href="JaVaScRiPt:alert(2)">또</a>'
        '<a href="https://example.com/a">좋은 링크</a><iframe src="https://evil"></iframe>'
        '<style>body{display:none}</style><h2 style="color:red">제목</h2><ul><li>하나</li></ul>'
    )
    clean = body_clean(dirty)
    for bad in ("script", "alert", "onclick", "onerror", "<img", "javascript", "iframe", "style", "display"):
        assert bad not in clean.lower(), bad
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow">좋은 링크</a>' in clean
    assert "<h2>제목</h2>" in clean and "<li>하나</li>" in clean and "<p>안내</p>" in clean


def test_the_public_help_centre_needs_no_login_and_lists_published_articles(client, articles):
    page = client.get("/help/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "배송은 얼마나 걸리나요?" in html and "개인정보" in html
    assert page["Cache-Control"] == "no-store"


def test_searching_shows_results_and_records_the_query_masked(client, articles):
    page = client.get("/help/", {"q": "배송이 늦어요 010-1234-5678"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="results"' in html and "배송이 늦어지고 있어요" in html
    nothing = client.get("/help/", {"q": "양자역학"}).content.decode()
    assert 'id="no-results"' in nothing
    stored = list(SearchQuery.objects.order_by("pk").values_list("query", "results"))
    assert (
        len(stored) == 2
        and "1234-5678" not in stored[0][0]
        and stored[0][1] > 0
        and stored[1] == ("양자역학", 0)
    )


def test_an_article_page_shows_the_sanitised_body_and_counts_one_read_per_session(client, articles, shop):
    article = services.article_save(
        by=shop["manager"],
        title="반품 주소 안내",
        body='<p>반품은 <strong>물류센터</strong>로</p><script>alert("x")</script><a href="javascript:x()">y</a>',
        status=Article.Status.PUBLISHED,
        category="returns",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>물류센터</strong>" in html and 'alert("x")' not in html and "javascript:" not in html
    client.get(article.get_absolute_url())
    other = Client()
    other.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.reads == 2 and ArticleRead.objects.filter(article=article).count() == 2


def test_drafts_and_future_scheduled_articles_are_not_public(client, shop):
    draft = services.article_save(by=shop["manager"], title="준비 중", body="<p>비밀</p>")
    later = services.article_save(
        by=shop["manager"],
        title="예약 문서",
        body="<p>나중에</p>",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(hours=3),
    )
    assert client.get(f"/help/{draft.slug}/").status_code == 404
    assert client.get(f"/help/{later.slug}/").status_code == 404
    assert client.post(f"/help/{later.slug}/vote/", {"helpful": "yes"}).status_code == 404
    html = client.get("/help/").content.decode()
    assert "준비 중" not in html and "예약 문서" not in html
    Article.objects.filter(pk=later.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(f"/help/{later.slug}/").status_code == 200  # its time came: no job needed


def test_a_session_votes_once_per_article(client, articles):
    article = articles["points-use"]
    client.get(article.get_absolute_url())
    first = client.post(f"/help/{article.slug}/vote/", {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and "감사합니다" in first.content.decode()
    again = client.post(f"/help/{article.slug}/vote/", {"helpful": "no"}, HTTP_HX_REQUEST="true")
    assert "이미 의견을 남기셨습니다" in again.content.decode()
    article.refresh_from_db()
    assert (article.helpful, article.not_helpful) == (1, 0) and ArticleVote.objects.count() == 1
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'id="vote-yes"' not in page  # the buttons are gone for this session
    Client().post(f"/help/{article.slug}/vote/", {"helpful": "no"})
    article.refresh_from_db()
    assert (article.helpful, article.not_helpful) == (1, 1)


def test_a_vote_without_a_choice_gets_a_korean_error_not_a_500(client, articles):
    response = client.post("/help/points-use/vote/", {"helpful": "maybe"})
    assert response.status_code == 400 and "골라 주세요" in response.content.decode()


def test_public_pages_are_rate_limited(client, articles, settings):
    settings.DANGOL_HELP_PER_IP_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/help/", {"q": "배송"}).status_code == 200
    refused = client.get("/help/points-use/")
    assert refused.status_code == 429 and refused["Retry-After"]


def test_managers_write_preview_and_publish_and_the_body_is_sanitised(client, shop):
    manager = login(client, shop["manager"])
    response = manager.post(
        "/help/manage/new/",
        {
            "title": "선물 포장 안내",
            "category": "account",
            "body": '<p>선물 포장은 <em>무료</em>입니다.<img src=x onerror="alert(1)"></p>',
            "status": "draft",
            "then": "preview",
        },
    )
    article = Article.objects.get(title="선물 포장 안내")
    assert response.status_code == 302 and response["Location"] == f"/help/manage/{article.pk}/preview/"
    assert article.body == "<p>선물 포장은 <em>무료</em>입니다.</p>" and article.author == shop["manager"]
    preview = manager.get(f"/help/manage/{article.pk}/preview/")
    assert preview.status_code == 200 and "<em>무료</em>" in preview.content.decode()
    assert Client().get(article.get_absolute_url()).status_code == 404
    data = {"title": "선물 포장 안내", "category": "account", "body": article.body, "slug": article.slug}
    manager.post(f"/help/manage/{article.pk}/", {**data, "status": "published"})
    article.refresh_from_db()
    assert article.status == "published" and article.publish_at is not None
    assert Client().get(article.get_absolute_url()).status_code == 200
    assert ArticleTerm.objects.filter(article=article, term="포장").exists()  # indexed on save


def test_scheduling_needs_a_future_time_with_a_korean_error(client, shop):
    manager = login(client, shop["manager"])
    base = {
        "title": "연휴 배송",
        "category": "delivery",
        "body": "<p>연휴 배송 안내</p>",
        "status": "scheduled",
    }
    response = manager.post("/help/manage/new/", {**base, "publish_at": "2020-01-01T09:00"})
    assert response.status_code == 400 and "지금보다 뒤여야" in response.content.decode()
    assert not Article.objects.exists()
    when = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    manager.post("/help/manage/new/", {**base, "publish_at": when})
    article = Article.objects.get()
    assert article.status == "scheduled" and article.publish_at > timezone.now()
    assert not Article.objects.visible().exists()
    empty = manager.post("/help/manage/new/", {"title": "", "category": "x", "status": "published"})
    assert empty.status_code == 400 and "제목" in empty.content.decode()


@pytest.mark.parametrize("who", ["agent", "analyst", "viewer"])
def test_only_managers_and_admins_edit_articles(client, shop, articles, who):
    other = login(client, shop[who])
    assert other.get("/help/manage/").status_code == 403
    assert other.get("/help/manage/new/").status_code == 403
    assert (
        other.post("/help/manage/new/", {"title": "x", "category": "other", "status": "draft"}).status_code
        == 403
    )
    assert other.get(f"/help/manage/{articles['points-use'].pk}/").status_code == 403


def test_anonymous_visitors_cannot_reach_the_staff_pages(client, articles):
    response = client.get("/help/manage/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get("/help/picker/").status_code == 302


def test_managers_see_unanswered_searches_and_articles_read_before_an_inquiry(client, shop, articles):
    reader = Client()
    reader.get("/help/", {"q": "선물 포장 되나요 010-2222-3333"})
    reader.get("/help/", {"q": "선물 포장 되나요 010-2222-3333"})
    reader.get(articles["returns-how"].get_absolute_url())
    services.inquiry_filed_record(session_key=reader.session.session_key)
    services.deflection_record(article=articles["points-use"], query="포인트 사용")
    admin_page = login(Client(), shop["admin"]).get("/help/manage/")
    assert admin_page.status_code == 200
    html = login(client, shop["manager"]).get("/help/manage/").content.decode()
    unanswered = html.split('id="unanswered"')[1].split("</section>")[0]
    assert "선물 포장 되나요" in unanswered and "(2)" in unanswered and "2222" not in html
    filed = html.split('id="read-then-filed"')[1].split("</section>")[0]
    assert "반품은 어떻게 신청하나요?" in filed and "(1)" in filed
    assert "포인트는 어떻게 사용하나요?" in html.split('id="deflections"')[1]


def test_agents_pick_an_article_link_for_a_reply(client, shop, articles):
    agent = login(client, shop["agent"])
    response = agent.get("/help/picker/", {"q": "환불 언제", "target": "id_body"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'data-kb-url="http://testserver/help/returns-refund-time/"' in html
        and 'data-kb-target="id_body"' in html
    )
    draft = services.article_save(by=shop["manager"], title="환불 초안", body="<p>환불 초안</p>")
    assert draft.slug not in agent.get("/help/picker/", {"q": "환불"}).content.decode()


def test_a_title_makes_a_unique_slug_and_staff_page_names_are_never_slugs(shop):
    one = services.article_save(by=None, title="배송 안내", body="<p>a</p>")
    two = services.article_save(by=None, title="배송 안내", body="<p>b</p>")
    reserved = services.article_save(by=None, title="x", body="<p>c</p>", slug="manage")
    assert one.slug == "배송-안내" and two.slug == "배송-안내-2" and reserved.slug != "manage"
    assert Client().get("/help/manage/").status_code == 302  # still the staff page
