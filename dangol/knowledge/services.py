"""Writes of the knowledge base: saving an article (sanitise, index), and what readers do (searches, reads,
votes, deflections). Every free text a customer typed is masked before it is stored."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.knowledge import search
from dangol.knowledge.models import (
    Article,
    ArticleRead,
    ArticleTerm,
    ArticleVote,
    Category,
    Deflection,
    SearchQuery,
)
from dangol.knowledge.sanitize import body_clean, body_text, summary_from
from dangol.reading.text import mask_text

_SPACES = re.compile(r"\s+")
_SLUG_OK = re.compile(r"^[-\w]+$")
RESERVED_SLUGS = {"manage", "picker"}  # the staff pages under /help/


def session_digest(session_key: str) -> str:
    """A browser session as stored by this app: a keyed hash, never the key itself."""
    return salted_hmac("dangol.knowledge.session", session_key).hexdigest()[:40]


# ---------------------------------------------------------------- articles


def index_rebuild(article: Article) -> int:
    """Replace the article's rows in the inverted index; returns the number of distinct terms."""
    counts = search.document_terms(article.title, article.body_text)
    ArticleTerm.objects.filter(article=article).delete()
    ArticleTerm.objects.bulk_create(
        [ArticleTerm(article=article, term=term, frequency=n) for term, n in counts.items()]
    )
    Article.objects.filter(pk=article.pk).update(index_length=sum(counts.values()))
    article.index_length = sum(counts.values())
    return len(counts)


def _slug_for(title: str, wanted: str, *, exclude: int | None) -> str:
    base = (wanted or slugify(title, allow_unicode=True) or "article")[:70].strip("-") or "article"
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    slug, n = base, 2
    taken = Article.objects.exclude(pk=exclude) if exclude else Article.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_save(
    *,
    by: User | None,
    article: Article | None = None,
    title: str,
    body: str,
    category: str = Category.OTHER,
    summary: str = "",
    slug: str = "",
    status: str = Article.Status.DRAFT,
    publish_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Article:
    """Create or update an article: the body is sanitised, the summary defaults to its first words, the slug is
    made unique, and the index is rebuilt in the same transaction. Publishing sets the time to now; scheduling
    needs a time in the future. Raises ValidationError (Korean messages) on bad input."""
    now = now or timezone.now()
    title = _SPACES.sub(" ", title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("제목을 입력하세요.")
    elif len(title) > 200:
        errors["title"] = _("제목은 200자 이내로 입력하세요.")
    if category not in Category.values:
        errors["category"] = _("분류를 고르세요.")
    if status not in Article.Status.values:
        errors["status"] = _("상태를 고르세요.")
    slug = (slug or "").strip().lower()
    if slug and not _SLUG_OK.match(slug):
        errors["slug"] = _("문서 주소에는 글자, 숫자, -, _ 만 쓸 수 있습니다.")
    clean = body_clean(body)
    text = body_text(clean)
    if status != Article.Status.DRAFT and not text:
        errors["body"] = _("본문이 없는 문서는 게시할 수 없습니다.")
    if status == Article.Status.SCHEDULED and (publish_at is None or publish_at <= now):
        errors["publish_at"] = _("예약 게시 시각은 지금보다 뒤여야 합니다.")
    if errors:
        raise ValidationError(errors)
    if article is None:
        article = Article(author=by)
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    was_visible = article.pk is not None and article.is_visible(now)
    article.title = title
    article.category = category
    article.body = clean
    article.body_text = text
    article.summary = (summary or "").strip()[:300] or summary_from(text)
    article.slug = _slug_for(title, slug, exclude=article.pk)
    article.status = status
    if status == Article.Status.PUBLISHED:
        # Republishing an article already public keeps its first time.
        article.publish_at = article.publish_at if was_visible and article.publish_at else now
    elif status == Article.Status.SCHEDULED:
        article.publish_at = publish_at
    else:
        article.publish_at = None
    article.updated_by = by
    article.save()
    index_rebuild(article)
    return article


# ---------------------------------------------------------------- readers


def normalize_query(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()[:200]


def search_record(*, query: str, results: int) -> SearchQuery | None:
    """Remember a public search (masked: customers type phone numbers and names into search boxes)."""
    masked = mask_text((query or "").strip()[:200])
    if not masked.strip():
        return None
    return SearchQuery.objects.create(
        query=masked, normalized=normalize_query(masked), results=min(results, 32767)
    )


def read_record(*, article: Article, session_key: str) -> bool:
    """Count a read once per session; True when this session had not read the article yet."""
    digest = session_digest(session_key)
    try:
        with transaction.atomic():
            ArticleRead.objects.create(article=article, session_digest=digest)
            Article.objects.filter(pk=article.pk).update(reads=F("reads") + 1)
    except IntegrityError:
        return False
    return True


def vote_record(*, article: Article, session_key: str, helpful: bool) -> bool:
    """Helpful or not, once per session per article; False when this session has voted on it already."""
    digest = session_digest(session_key)
    try:
        with transaction.atomic():
            ArticleVote.objects.create(article=article, session_digest=digest, helpful=helpful)
            field = "helpful" if helpful else "not_helpful"
            Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
    except IntegrityError:
        return False
    return True


def has_voted(*, article: Article, session_key: str | None) -> bool:
    if not session_key:
        return False
    return ArticleVote.objects.filter(article=article, session_digest=session_digest(session_key)).exists()


def inquiry_filed_record(*, session_key: str, now: dt.datetime | None = None) -> int:
    """The session filed an inquiry: the articles it read before (and not yet marked) did not answer it.
    Called by the customer portal after it files; returns the number of reads marked."""
    if not session_key:
        return 0
    return ArticleRead.objects.filter(
        session_digest=session_digest(session_key), inquiry_filed_at__isnull=True
    ).update(inquiry_filed_at=now or timezone.now())


def deflection_record(*, article: Article, query: str, customer: Customer | None = None) -> None:
    """An article answered the customer, who did not file the inquiry (called by the customer portal)."""
    Deflection.objects.create(
        article=article,
        query=mask_text((query or "").strip()[:500]),
        customer=customer if customer is not None and customer.pk else None,
    )
