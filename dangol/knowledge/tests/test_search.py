"""Korean search: morphemes, BM25, jamo typo tolerance, visibility; and the portal's calls."""

import datetime as dt

import pytest
from django.utils import timezone

from dangol.knowledge import search, selectors, services
from dangol.knowledge.models import Article, ArticleTerm, Deflection, SearchQuery


def slugs(articles):
    return [a.slug for a in articles]


@pytest.mark.parametrize("query", ["배송이 안 와요", "배송을 언제 받나요", "배송"])
def test_particles_do_not_matter_배송이_배송을_배송_find_the_delivery_articles(articles, query):
    found = slugs(selectors.articles_search(query).articles)
    assert found, query
    assert all(s.startswith("delivery-") for s in found[:3]), found


def test_the_index_holds_morphemes_not_words_with_particles(articles):
    terms = set(ArticleTerm.objects.filter(article=articles["delivery-delay"]).values_list("term", flat=True))
    assert "배송" in terms and "지연" in terms
    assert "배송이" not in terms and "늦어지고" not in terms
    assert "늦다" in terms  # verb stems in dictionary form


def test_bm25_puts_the_article_about_the_asked_topic_first(articles):
    assert slugs(selectors.articles_search("환불은 언제 되나요").articles)[:1] == ["returns-refund-time"]
    assert slugs(selectors.articles_search("포인트 소멸").articles)[:1] == ["points-expiry"]
    assert slugs(selectors.articles_search("회원 탈퇴").articles)[:1] == ["account-withdraw"]


@pytest.mark.parametrize(
    ("typo", "meant", "slug"),
    [
        ("배숑 조회", "배송", "delivery-tracking"),
        ("환볼 언제", "환불", "returns-refund-time"),
        ("멤버쉽 등급", "멤버십", "membership-tiers"),
    ],
)
def test_a_one_letter_typo_in_a_noun_still_finds_the_article(articles, typo, meant, slug):
    result = selectors.articles_search(typo)
    assert slug in slugs(result.articles)[:2]
    assert meant in next(iter(result.corrected.values()))


def test_jamo_distance_is_one_letter_of_a_syllable_not_a_whole_syllable():
    assert search.jamo("배송") == "ㅂㅐㅅㅗㅇ"
    assert search.within_one_edit(search.jamo("배숑"), search.jamo("배송"))
    assert not search.within_one_edit(search.jamo("배달"), search.jamo("배송"))
    assert search.near_terms("배", ["배송", "배"]) == []  # one syllable: too short to guess


def test_nonsense_finds_nothing(articles):
    assert selectors.articles_search("양자역학 블랙홀").articles == []
    assert selectors.articles_search("   ").articles == []
    assert selectors.articles_search("을를이가").articles == []


def test_drafts_and_future_scheduled_articles_are_not_found_until_their_time(articles, shop):
    now = timezone.now()
    draft = services.article_save(
        by=shop["manager"], title="택배 파업 안내", body="<p>택배 파업으로 배송이 늦습니다.</p>"
    )
    later = services.article_save(
        by=shop["manager"],
        title="설 연휴 택배 안내",
        body="<p>설 연휴에는 택배가 쉽니다.</p>",
        status=Article.Status.SCHEDULED,
        publish_at=now + dt.timedelta(days=2),
    )
    assert draft.publish_at is None and not draft.is_visible()
    found = slugs(selectors.articles_search("택배").articles)
    assert draft.slug not in found and later.slug not in found
    assert selectors.article_visible(later.slug) is None
    assert later.slug in slugs(selectors.articles_search("택배", now=now + dt.timedelta(days=3)).articles)
    assert selectors.article_visible(later.slug, now=now + dt.timedelta(days=3)) is not None


def test_the_portal_calls_suggest_and_deflection_record(articles, shop):
    suggested = selectors.articles_suggest("반품하고 싶은데 어떻게 하나요", limit=2)
    assert len(suggested) <= 2 and suggested[0].slug == "returns-how"
    assert suggested[0].title and suggested[0].summary
    assert suggested[0].get_absolute_url() == "/help/returns-how/"
    services.deflection_record(article=suggested[0], query="반품 010-1234-5678 홍길동", customer=shop["hong"])
    services.deflection_record(article=suggested[0], query="반품")
    row = Deflection.objects.order_by("pk").first()
    assert row.customer == shop["hong"] and "1234-5678" not in row.query and "반품" in row.query
    assert selectors.deflection_counts()[0]["count"] == 2


def test_search_queries_are_stored_masked(db):
    services.search_record(query="제 번호 010-9876-5432 로 연락 주세요", results=0)
    stored = SearchQuery.objects.get()
    assert "9876" not in stored.query and "5432" not in stored.normalized
    assert selectors.unanswered_searches()[0]["count"] == 1


def test_the_demo_command_creates_the_korean_faq_once(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("knowledge_demo", stdout=out)
    call_command("knowledge_demo", stdout=out)
    assert Article.objects.visible().count() == 16
    assert set(Article.objects.values_list("category", flat=True)) >= {
        "delivery", "returns", "points", "membership", "privacy"
    }  # fmt: skip
    assert "16건 생성" in out.getvalue() and "0건 생성" in out.getvalue()
    assert ArticleTerm.objects.filter(term="배송").exists()
