"""Reads for the survey pages and for other apps (VOC's silent dissatisfied)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from dangol.customers.history import TimelineEntry, presence_sql, staff_label
from dangol.customers.models import Customer
from dangol.messaging.models import Message
from dangol.surveys.models import Answer, Invitation, Response, Survey

LOW_SCORE = Q(nps__lte=6) | Q(csat__lte=2)


def low_score_customers(*, since: dt.datetime) -> Iterable[tuple[int, dt.datetime]]:
    """(customer id, answered at) of known customers who gave a detractor NPS or a CSAT of 2 or less."""
    return Response.objects.filter(LOW_SCORE, answered_at__gte=since, customer__isnull=False).values_list(
        "customer_id", "answered_at"
    )


def promoter_customer_ids(*, since: dt.datetime) -> set[int]:
    """Customers whose latest NPS answer since `since` was 9 or 10 (promoters): advocates on the ladder."""
    latest: dict[int, tuple[dt.datetime, int | None]] = {}
    for cid, at, nps in (
        Response.objects.filter(nps__isnull=False, answered_at__gte=since, customer__isnull=False)
        .values_list("customer_id", "answered_at", "nps")
        .iterator(chunk_size=5000)
    ):
        if cid not in latest or at > latest[cid][0]:
            latest[cid] = (at, nps)
    return {cid for cid, (_at, nps) in latest.items() if nps is not None and nps >= 9}


BLOCKED = Message.Status.BLOCKED


def surveys_overview() -> list[Survey]:
    """Every survey with its response and invitation counts. Counted per survey in two grouped queries: one
    query joining both tables would count responses × invitations (minutes on the demo data)."""
    surveys = list(Survey.objects.select_related("touchpoint", "owner_team").order_by("-created_at", "-id"))
    responses = dict(Response.objects.values_list("survey_id").annotate(n=Count("id")).order_by())
    invited = dict(
        Invitation.objects.exclude(message__status=BLOCKED)
        .values_list("survey_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for survey in surveys:
        survey.n_responses = responses.get(survey.pk, 0)  # type: ignore[attr-defined]
        survey.n_invited = invited.get(survey.pk, 0)  # type: ignore[attr-defined]
    return surveys


def survey_for_page(pk: int) -> Survey:
    survey = Survey.objects.select_related("touchpoint", "owner_team").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def response_rate(survey: Survey) -> dict[str, Any]:
    """Invited, answered and the rate, over the invitations that were delivered; those a messaging rule blocked
    (no consent for a promotional survey, no address) are counted apart, by rule."""
    delivered = survey.invitations.exclude(message__status=BLOCKED)
    invited = delivered.count()
    answered = delivered.filter(used_at__isnull=False).count()
    blocked = dict(
        survey.invitations.filter(message__status=BLOCKED)
        .values_list("message__blocked_rule")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "invited": invited,
        "answered": answered,
        "rate": answered / invited if invited else None,
        "total": survey.responses.count(),
        "blocked": sum(blocked.values()),
        "blocked_rules": sorted(blocked.items()),
    }


def recent_responses(survey: Survey, *, limit: int = 50) -> list[Response]:
    """Latest answers with their follow-up case (status and resolution shown beside the answer)."""
    return list(
        survey.responses.select_related(
            "customer", "touchpoint", "staff__staff", "team", "followup_case"
        ).order_by("-answered_at", "-id")[:limit]
    )


def response_detail(pk: int) -> Response:
    response = (
        Response.objects.select_related(
            "survey",
            "customer",
            "touchpoint",
            "staff__staff",
            "team",
            "followup_case__team",
            "followup_case__assignee",
        )
        .filter(pk=pk)
        .first()
    )
    if response is None:
        raise Http404
    return response


def answers_of(response: Response) -> list[Answer]:
    return list(response.answers.select_related("question").order_by("question__position", "question_id"))


def _score_badge(response: Response) -> tuple[str, str]:
    """(label, tone) of the headline score: NPS group first, else the CSAT band."""
    if response.nps is not None:
        if response.nps >= 9:
            return _("추천 고객"), "ok"
        if response.nps >= 7:
            return _("중립 고객"), ""
        return _("비추천 고객"), "bad"
    if response.csat is not None:
        if response.csat >= 4:
            return _("만족"), "ok"
        if response.csat == 3:
            return _("보통"), ""
        return _("불만족"), "bad"
    return "", ""


def response_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `response_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(Response)


def response_timeline_entries(
    customer: Customer,
    *,
    user: User,
    before: dt.datetime | None = None,
    limit: int = 50,
    touchpoint_id: int | None = None,
) -> list[TimelineEntry]:
    """The customer's survey answers, newest first (one query on response_customer_time).

    Scores show to everyone who sees the customer; the customer's own words (comment and free-text
    answers, stored masked) and the link to the response only to staff who may read survey responses
    (one more query for those answers)."""
    can_read = user.has_perm("surveys.view_response")
    qs = Response.objects.filter(customer=customer).select_related("survey", "touchpoint", "staff__staff")
    if can_read:
        qs = qs.prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.exclude(text="").order_by("question__position", "question_id"),
            )
        )
    if touchpoint_id:
        qs = qs.filter(touchpoint_id=touchpoint_id)
    if before:
        qs = qs.filter(answered_at__lt=before)
    entries = []
    for r in qs.order_by("-answered_at", "-id")[:limit]:
        scores = " · ".join(
            f"{name} {value}"
            for name, value in (("NPS", r.nps), ("CSAT", r.csat), ("CES", r.ces))
            if value is not None
        )
        title = _("설문 응답: %(scores)s") % {"scores": scores} if scores else _("설문 응답")
        words = [r.comment, *(a.text for a in r.answers.all())] if can_read else []
        label, tone = _score_badge(r)
        entries.append(
            TimelineEntry(
                kind="survey",
                at=r.answered_at,
                title=f"{title} — {r.survey.title}",
                body="\n".join(w for w in words if w),
                touchpoint=r.touchpoint.name if r.touchpoint else "",
                touchpoint_id=r.touchpoint_id,
                type=_("설문"),
                staff=staff_label(r.staff),
                status_label=label,
                tone=tone,
                url=reverse("surveys:response", args=[r.pk]) if can_read else "",
                ref_id=r.pk,
            )
        )
    return entries


# Reads for dangol.campaigns: customers by their latest NPS or CSAT answer.


SCORES = ("nps", "csat")


def customer_ids_by_last_score(
    *, score: str, low: int | None = None, high: int | None = None
) -> QuerySet[Any, Any]:
    """`customer_id` of known customers whose latest answer to `score` ("nps" or "csat") is within [low, high]."""
    if score not in SCORES:
        raise ValueError(f"unknown score {score!r}")
    answered = {f"{score}__isnull": False}
    latest = (
        Response.objects.filter(customer_id=OuterRef("customer_id"), **answered)
        .order_by("-answered_at", "-id")
        .values("pk")[:1]
    )
    qs = Response.objects.filter(customer__isnull=False, **answered).filter(pk=Subquery(latest))
    if low is not None:
        qs = qs.filter(**{f"{score}__gte": low})
    if high is not None:
        qs = qs.filter(**{f"{score}__lte": high})
    return qs.values("customer_id")
