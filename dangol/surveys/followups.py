"""The closed loop of a survey answer: a detractor (NPS 0–6) or a dissatisfied customer (CSAT ≤ 2) gets a
follow-up case. For a web answer the answer's transaction queues `open_followup` and the job worker opens the
case; an API or imported answer opens it at once (services.response_record); `followups_missing` (a scheduled
job) opens the cases whose job was lost. Every path is idempotent: cases are keyed to their response."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Q
from django_tasks import task

from dangol.surveys.models import Response, Survey
from dangol.surveys.rollups import rollup_responses
from dangol.voc.models import Case
from dangol.voc.selectors import NO_WORDS
from dangol.voc.services import case_open

logger = logging.getLogger(__name__)


def followup_open(*, response: Response) -> Any:
    """A detractor (NPS 0–6) or a dissatisfied customer (CSAT ≤ 2) gets a follow-up case for the owning team
    (for a web answer, the job worker calls this; an API or imported answer, at once). VOC's `case_open` is
    idempotent on the response, so a retry never opens a second case.

    Two short writes, each idempotent: `case_open` (the case, keyed to the response by `source_ref`) and the
    response's link to it; a crash between them leaves a case that the retry (or `followups_missing`) finds and
    links. The worker calls this outside any transaction (issue 18): `case_open` reads the text (the reading
    model, tens of ms of CPU) before its own write, and inside an outer transaction SQLite's write lock would be
    held for the whole reading, with every answer POST waiting for it."""
    if not response.needs_followup or response.survey.kind != Survey.Kind.CUSTOMER:
        return None
    survey = response.survey
    scores = []
    if response.nps is not None:
        scores.append(f"NPS {response.nps}")
    if response.csat is not None:
        scores.append(f"만족도 {response.csat}/5")
    texts = [a.text for a in response.answers.all() if a.text]
    body = "\n".join(filter(None, [response.comment, *texts])) or NO_WORDS
    case = case_open(
        customer=response.customer,
        kind="complaint",
        channel="survey",
        origin=Case.Origin.SYSTEM,  # the system speaks for the score; the customer has not complained
        title=f"설문 불만족 응답 후속 조치: {survey.title} ({', '.join(scores)})"[:200],
        body=body,
        touchpoint=response.touchpoint,
        priority="high" if (response.nps or 10) <= 3 else "normal",
        source_ref=f"survey-response:{response.pk}",
        interaction=response.interaction,
        contact_name="" if response.customer else "익명 설문 응답자",
        opened_at=response.answered_at,
        team=response.team or survey.owner_team,
    )
    Response.objects.filter(pk=response.pk).update(followup_case=case)
    response.followup_case = case
    return case


def followups_missing(*, since: dt.datetime) -> int:
    """Open the follow-up cases whose job was lost (idempotent). Returns how many."""
    opened = 0
    pending = Response.objects.filter(
        answered_at__gte=since,
        followup_case__isnull=True,
        survey__kind=Survey.Kind.CUSTOMER,
        source=Response.Source.WEB,  # API and imported answers open theirs in their own transaction
    ).filter(Q(nps__lte=6) | Q(csat__lte=2))
    for response in pending.select_related("survey", "customer", "touchpoint", "team", "interaction")[:500]:
        try:
            if followup_open(response=response) is not None:
                opened += 1
        except Exception:  # one bad row must not hold back the others; the next run retries it
            logger.exception("follow-up case for survey response %s failed", response.pk)
    return opened


def followup_for_response(response_id: int) -> Case | None:
    """The job behind `open_followup`: the response's follow-up case, opened once (idempotent)."""
    response = (
        Response.objects.select_related("survey", "customer", "touchpoint", "team", "interaction")
        .filter(pk=response_id)
        .first()
    )
    if response is None:  # deleted since (customer erased): nothing to follow up
        return None
    if response.followup_case_id is not None:
        return response.followup_case
    return followup_open(response=response)


# before the timed jobs: a long recomputation must not hold an unhappy customer's case back
@task(priority=10)
def open_followup(response_id: int) -> int | None:
    """A detractor's follow-up case, opened by the worker after the answer is stored (the answer's transaction
    wrote this job). Idempotent: a second run returns the same case."""
    case = followup_for_response(response_id)
    # its scores into the analysis roll-ups: counted once, however often the job is retried
    rollup_responses([response_id])
    return case.pk if case is not None else None
