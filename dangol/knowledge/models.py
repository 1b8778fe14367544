"""FAQ and guides (issue 17): articles staff write, the morpheme index that finds them, and what readers do.

An article's category is a code string (Category below), not voc's case categories: knowledge sits beside voc and
must not import it, and FAQ topics (delivery, returns, points, membership, privacy) are the customer's words, not
the routing categories of cases. The body is stored as sanitised HTML (dangol.knowledge.html); `body_text` is its
plain text, kept for the index and the summary. An article is visible to the public while its status is
published or scheduled and `publish_at` has passed, so a scheduled article appears on time without a job.

Readers are counted by session, never by person: a session is stored only as a keyed hash (`session_digest`).
Search queries are stored masked (dangol.reading.text.mask_text), since customers type phone numbers and names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DELIVERY = "delivery", _("배송")
    RETURNS = "returns", _("교환·반품·환불")
    POINTS = "points", _("포인트")
    MEMBERSHIP = "membership", _("멤버십")
    PRIVACY = "privacy", _("개인정보")
    ACCOUNT = "account", _("주문·계정")
    OTHER = "other", _("기타")


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible(self, now: object = None) -> ArticleQuerySet:
        """What the public may read now: published, or scheduled with its time passed."""
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            publish_at__isnull=False,
            publish_at__lte=now or timezone.now(),
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("임시 저장")
        PUBLISHED = "published", _("게시")
        SCHEDULED = "scheduled", _("예약 게시")

    category = models.CharField(_("분류"), max_length=20, choices=Category.choices, default=Category.OTHER)
    title = models.CharField(_("제목"), max_length=200)
    slug = models.SlugField(_("문서 주소"), max_length=80, unique=True, allow_unicode=True)
    summary = models.CharField(_("요약"), max_length=300, blank=True)
    body = models.TextField(
        _("본문"), blank=True
    )  # sanitised HTML only: written through services.article_save
    body_text = models.TextField(blank=True, editable=False)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("게시 시각"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("수정"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    index_length = models.PositiveIntegerField(default=0, editable=False)  # indexed terms, for BM25
    reads = models.PositiveIntegerField(default=0, editable=False)  # distinct sessions
    helpful = models.PositiveIntegerField(default=0, editable=False)
    not_helpful = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("FAQ 문서")
        verbose_name_plural = _("FAQ 문서")
        indexes = [models.Index(fields=["status", "publish_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(publish_at__isnull=False),
                name="knowledge_article_published_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", kwargs={"slug": self.slug})

    def is_visible(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return (
            self.status != self.Status.DRAFT and self.publish_at is not None and self.publish_at <= moment  # type: ignore[operator]
        )


class ArticleTerm(models.Model):
    """The inverted index: one row per (article, morpheme), rebuilt whenever the article is saved."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64)
    frequency = models.PositiveIntegerField(default=1)  # title terms count three times

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "article"], name="knowledge_term_once")]

    def __str__(self) -> str:
        return f"{self.term} ({self.article_id})"


class SearchQuery(models.Model):
    """One public search, masked; `results` 0 is a question the articles do not answer yet."""

    query = models.CharField(max_length=200)  # masked
    normalized = models.CharField(max_length=200, db_index=True)  # masked, lower-cased, spaces collapsed
    results = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("검색어")
        verbose_name_plural = _("검색어")

    def __str__(self) -> str:
        return self.query


class ArticleRead(models.Model):
    """An article read in one browser session (counted once). `inquiry_filed_at` is set when the same session
    filed an inquiry afterwards: the article was read and did not answer."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="session_reads")
    session_digest = models.CharField(max_length=64)
    read_at = models.DateTimeField(default=timezone.now)
    inquiry_filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_digest"], name="knowledge_read_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["session_digest"])]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.read_at:%Y-%m-%d}"


class ArticleVote(models.Model):
    """Helpful or not, once per session per article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    session_digest = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_digest"], name="knowledge_vote_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.helpful}"


class Deflection(models.Model):
    """An inquiry not filed because an article answered it (recorded by the customer portal)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    query = models.CharField(max_length=500, blank=True)  # masked
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("문의 대신 해결")
        verbose_name_plural = _("문의 대신 해결")

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.created_at:%Y-%m-%d}"
