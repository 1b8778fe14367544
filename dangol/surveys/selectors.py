"""Reads for the survey pages and for other apps (VOC's silent dissatisfied)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.http import Http404

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


def surveys_overview() -> list[Survey]:
    """Every survey with its response and invitation counts. Counted per survey in two grouped queries: one
    query joining both tables would count responses × invitations (minutes on the demo data)."""
    surveys = list(Survey.objects.select_related("touchpoint", "owner_team").order_by("-created_at", "-id"))
    responses = dict(Response.objects.values_list("survey_id").annotate(n=Count("id")).order_by())
    invited = dict(Invitation.objects.values_list("survey_id").annotate(n=Count("id")).order_by())
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
    invited = survey.invitations.count()
    answered = survey.invitations.filter(used_at__isnull=False).count()
    return {
        "invited": invited,
        "answered": answered,
        "rate": answered / invited if invited else None,
        "total": survey.responses.count(),
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
