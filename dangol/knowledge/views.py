"""FAQ pages: the public help centre (search, article, votes; no login, rate limited), the managers' article
list and editor, and the agents' link picker (an htmx partial)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangol.knowledge import selectors, services
from dangol.knowledge.models import Article, Category
from dangol.privacy import throttle


def _read_rules() -> list[throttle.Rule]:
    return [
        throttle.Rule(int(getattr(settings, "DANGOL_HELP_PER_IP_PER_MINUTE", 60)), 60),
        throttle.Rule(int(getattr(settings, "DANGOL_HELP_PER_IP_PER_HOUR", 1000)), 3600),
    ]


def _vote_rules() -> list[throttle.Rule]:
    return [throttle.Rule(int(getattr(settings, "DANGOL_HELP_VOTES_PER_IP_PER_HOUR", 60)), 3600)]


def _session_key(request: HttpRequest) -> str:
    """The browser's session (made for an anonymous reader when needed): reads and votes count once per it."""
    if not request.session.session_key:
        request.session.save()
    return str(request.session.session_key)


def _public_headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # per-session vote state; never cached by a shared proxy
    return response


# ---------------------------------------------------------------- public


@login_not_required
@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    try:
        throttle.hit("help-read-ip", throttle.client_key(request), _read_rules())
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    query = (request.GET.get("q") or "").strip()[: selectors.MAX_QUERY_CHARS]
    context: dict[str, object] = {"query": query}
    if query:
        result = selectors.articles_search(query, limit=20)
        services.search_record(query=query, results=len(result.articles))
        context.update(results=result.articles, corrected=result.corrected, searched=True)
    else:
        context["categories"] = selectors.articles_by_category()
    return _public_headers(render(request, "knowledge/help_index.html", context))


@login_not_required
@require_GET
def article_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        throttle.hit("help-read-ip", throttle.client_key(request), _read_rules())
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    article = selectors.article_visible(slug)
    if article is None:
        raise Http404(_("문서를 찾을 수 없습니다."))
    session_key = _session_key(request)
    services.read_record(article=article, session_key=session_key)
    return _public_headers(
        render(
            request,
            "knowledge/article.html",
            {
                "article": article,
                "voted": services.has_voted(article=article, session_key=session_key),
                "related": [
                    a
                    for a in selectors.articles_search(article.title, limit=4).articles
                    if a.pk != article.pk
                ][:3],
            },
        )
    )


@login_not_required
@require_POST
def article_vote(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        throttle.hit("help-vote-ip", throttle.client_key(request), _vote_rules())
    except throttle.RateLimited as limited:
        return throttle.too_many_requests(request, limited)
    article = selectors.article_visible(slug)
    if article is None:
        raise Http404(_("문서를 찾을 수 없습니다."))
    choice = request.POST.get("helpful")
    if choice not in {"yes", "no"}:
        response = render(
            request, "knowledge/_vote.html", {"article": article, "error": _("도움이 되었는지 골라 주세요.")}
        )
        response.status_code = 400
        return _public_headers(response)
    counted = services.vote_record(
        article=article, session_key=_session_key(request), helpful=choice == "yes"
    )
    context = {"article": article, "voted": True, "counted": counted}
    if request.headers.get("HX-Request"):
        return _public_headers(render(request, "knowledge/_vote.html", context))
    return redirect(article.get_absolute_url() + "#vote")


# ---------------------------------------------------------------- staff


class ArticleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("제목"), max_length=200)
    category = forms.ChoiceField(label=gettext_lazy("분류"), choices=Category.choices)
    slug = forms.CharField(
        label=gettext_lazy("문서 주소"),
        max_length=70,
        required=False,
        help_text=gettext_lazy("비워 두면 제목으로 만듭니다. 예: delivery-time"),
    )
    summary = forms.CharField(
        label=gettext_lazy("요약"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("검색 결과와 추천에 보입니다. 비워 두면 본문 앞부분을 씁니다."),
    )
    body = forms.CharField(
        label=gettext_lazy("본문"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14, "data-editor": "1"}),
    )
    status = forms.ChoiceField(label=gettext_lazy("상태"), choices=Article.Status.choices)
    publish_at = forms.DateTimeField(
        label=gettext_lazy("예약 게시 시각"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("예약 게시일 때만 씁니다."),
    )


def _editor(request: HttpRequest, article: Article | None) -> HttpResponse:
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.article_save(
                    by=request.user,  # type: ignore[arg-type]
                    article=article,
                    title=data["title"],
                    body=data["body"],
                    category=data["category"],
                    summary=data["summary"],
                    slug=data["slug"],
                    status=data["status"],
                    publish_at=data["publish_at"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("문서를 저장했습니다."))
                if request.POST.get("then") == "preview":
                    return redirect("knowledge:preview", pk=saved.pk)
                return redirect("knowledge:edit", pk=saved.pk)
        status = 400
    else:
        initial = (
            {
                "title": article.title,
                "category": article.category,
                "slug": article.slug,
                "summary": article.summary,
                "body": article.body,
                "status": article.status,
                "publish_at": article.publish_at,
            }
            if article
            else {"status": Article.Status.DRAFT, "category": Category.DELIVERY}
        )
        form = ArticleForm(initial=initial)
        status = 200
    return render(
        request,
        "knowledge/edit.html",
        {
            "nav": "knowledge",
            "form": form,
            "article": article,
            "stats": selectors.article_stats(article) if article else None,
        },
        status=status,
    )


@require_GET
@permission_required("knowledge.change_article", raise_exception=True)
def manage(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    query = (request.GET.get("q") or "").strip()[:100]
    return render(
        request,
        "knowledge/manage.html",
        {
            "nav": "knowledge",
            "articles": selectors.articles_for_staff(status=status, query=query)[:200],
            "status": status,
            "query": query,
            "statuses": Article.Status.choices,
            "unanswered": selectors.unanswered_searches(),
            "read_then_filed": selectors.read_before_inquiry(),
            "deflections": selectors.deflection_counts(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("knowledge.add_article", raise_exception=True)
def article_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@require_http_methods(["GET", "POST"])
@permission_required("knowledge.change_article", raise_exception=True)
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, get_object_or_404(Article, pk=pk))


@require_GET
@permission_required("knowledge.change_article", raise_exception=True)
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return render(request, "knowledge/preview.html", {"nav": "knowledge", "article": article})


@require_GET
@permission_required("knowledge.view_article", raise_exception=True)
def link_picker(request: HttpRequest) -> HttpResponse:
    """Articles an agent can link in a reply (htmx partial; `target` names the textarea to insert into)."""
    query = (request.GET.get("q") or "").strip()[:100]
    choices = selectors.article_link_choices(query)
    for choice in choices:
        choice["url"] = request.build_absolute_uri(choice["path"])
    return render(
        request,
        "knowledge/_picker.html",
        {"choices": choices, "query": query, "target": (request.GET.get("target") or "")[:60]},
    )
