"""Reads of the knowledge base: public search and suggestions (visible articles only), the agents' link picker,
and the managers' view of what readers could not find."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from dangol.knowledge import search
from dangol.knowledge.models import Article, ArticleRead, ArticleTerm, Category, Deflection, SearchQuery

MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class SearchResult:
    articles: list[Article]
    corrected: dict[str, list[str]]  # a query term no article has → the indexed terms it was read as


def articles_visible(now: dt.datetime | None = None) -> QuerySet[Article]:
    return Article.objects.visible(now)


def article_visible(slug: str, now: dt.datetime | None = None) -> Article | None:
    return articles_visible(now).filter(slug=slug).first()


def articles_search(
    text: str, *, limit: int = 20, now: dt.datetime | None = None, queryset: QuerySet[Article] | None = None
) -> SearchResult:
    """Articles matching `text` best first (BM25 over morphemes, with jamo typo tolerance): see search.py."""
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    if not text:
        return SearchResult([], {})
    base = articles_visible(now) if queryset is None else queryset
    weights, nouns = search.query_weights(text)
    if not weights:
        return SearchResult([], {})
    documents = dict(base.values_list("pk", "index_length"))
    if not documents:
        return SearchResult([], {})
    vocabulary = set(
        ArticleTerm.objects.filter(article_id__in=documents).values_list("term", flat=True).distinct()
    )
    # Index term → the query terms it counts for, and how much (exact 1, compound ½; typo: the query term's
    # own weight is halved). Postings are merged per query term, so idf counts every article it stands for.
    aliases: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for term in weights:
        if term in vocabulary:
            aliases[term].append((term, 1.0))
    corrected: dict[str, list[str]] = {}
    # A noun no article has, or a typed word Kiwi split into pieces: indexed terms one jamo away stand in.
    misspelled = [t for t in nouns if t not in vocabulary] + [
        w for w in search.split_words(text) if w not in vocabulary and w not in weights
    ]
    for word in dict.fromkeys(misspelled):
        near = search.near_terms(word, vocabulary)
        if near:
            corrected[word] = sorted(near)
            weights[word] = search.FUZZY_WEIGHT
            for other in near:
                aliases[other].append((word, 1.0))
    # Compounds Kiwi keeps whole (배송비, 배송지) count for the noun they start with.
    for noun in nouns:
        if len(noun) >= 2:
            for term in vocabulary:
                if term != noun and term.startswith(noun) and len(term) - len(noun) <= 2:
                    aliases[term].append((noun, search.COMPOUND_WEIGHT))
    postings: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for article_id, term, frequency in ArticleTerm.objects.filter(
        article_id__in=documents, term__in=list(aliases)
    ).values_list("article_id", "term", "frequency"):
        for query_term, factor in aliases[term]:
            postings[query_term][article_id] += frequency * factor
    ranked = search.bm25(weights, postings, documents, len(documents))[:limit]
    by_id = Article.objects.in_bulk([pk for pk, _ in ranked])
    return SearchResult([by_id[pk] for pk, _ in ranked if pk in by_id], corrected)


def articles_suggest(text: str, *, limit: int = 3) -> list[Article]:
    """Published articles that may answer what a customer is typing (the portal's new-inquiry form)."""
    return articles_search(text, limit=max(0, min(limit, 10))).articles


def article_link_choices(query: str, *, limit: int = 8) -> list[dict[str, str]]:
    """Visible articles an agent may link in a reply: title and public path (the page makes it absolute)."""
    query = (query or "").strip()
    if query:
        articles = articles_search(query, limit=limit).articles
    else:
        articles = list(articles_visible().order_by("-reads", "title")[:limit])
    return [
        {
            "title": a.title,
            "summary": a.summary,
            "path": a.get_absolute_url(),
            "category": a.get_category_display(),
        }
        for a in articles
    ]


def articles_by_category(now: dt.datetime | None = None) -> list[tuple[str, list[Article]]]:
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in articles_visible(now).order_by("title"):
        grouped[article.category].append(article)
    return [(str(label), grouped[code]) for code, label in Category.choices if grouped.get(code)]


def articles_for_staff(*, status: str = "", query: str = "") -> QuerySet[Article]:
    articles = Article.objects.select_related("author").order_by("-updated_at")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(slug__icontains=query))
    return articles


def unanswered_searches(*, days: int = 30, limit: int = 20) -> list[dict[str, object]]:
    """The searches most often made that found nothing (masked text)."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        SearchQuery.objects.filter(created_at__gte=since, results=0)
        .values("normalized")
        .annotate(count=Count("id"), last=Max("created_at"))
        .order_by("-count", "-last")[:limit]
    )
    return [dict(row) for row in rows]


def _most_counted(rows_of_articles: QuerySet[Any], limit: int) -> list[dict[str, object]]:
    """The articles with the most rows in this queryset (reads, deflections), most first, with their counts."""
    rows = rows_of_articles.values("article_id").annotate(count=Count("id")).order_by("-count")[:limit]
    articles = Article.objects.in_bulk([r["article_id"] for r in rows])
    return [
        {"article": articles[r["article_id"]], "count": r["count"]}
        for r in rows
        if r["article_id"] in articles
    ]


def read_before_inquiry(*, days: int = 30, limit: int = 20) -> list[dict[str, object]]:
    """Articles most often read in a session that went on to file an inquiry anyway, with their read counts."""
    since = timezone.now() - dt.timedelta(days=days)
    return _most_counted(
        ArticleRead.objects.filter(read_at__gte=since, inquiry_filed_at__isnull=False), limit
    )


def deflection_counts(*, days: int = 30, limit: int = 20) -> list[dict[str, object]]:
    since = timezone.now() - dt.timedelta(days=days)
    return _most_counted(Deflection.objects.filter(created_at__gte=since), limit)


def article_stats(article: Article) -> dict[str, object]:
    votes = article.helpful + article.not_helpful
    return {
        "votes": votes,
        "helpful_share": (article.helpful / votes) if votes else None,
        "deflections": Deflection.objects.filter(article=article).count(),
        "read_then_filed": ArticleRead.objects.filter(
            article=article, inquiry_filed_at__isnull=False
        ).count(),
    }
