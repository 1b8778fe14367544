"""The public answer path (issue 18: ≥ 300 answers/s): read a one-time link, draw the form, store the answer.

Every respondent's GET and POST goes through here, so each request does only what differs between respondents:

- the link: one indexed read of the invitation joined to its survey, as a plain row (no model instances);
- the survey (its questions, the rendered form and thank-you pages) is kept per process under a *stamp*: the
  survey's `form_stamp` column, read by the link's own query. A change to a survey or a question writes a new
  stamp in the change's transaction, so once it commits the next request in any process draws the new form;
- the write: one short transaction (spend the link, the response, its answers, the follow-up job), done by
  `services.response_submit` → `answer_store`; the job worker opens the follow-up case.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from dangol.surveys.followups import open_followup
from dangol.surveys.models import Answer, Question, Survey

TOKEN_SALT = "dangol.surveys.invitation"  # noqa: S105 (a signing salt, not a secret; services uses the same)
MAX_SURVEYS = 1000  # surveys kept per process (a new stamp replaces the old entry of that survey)


class LinkError(Exception):
    """A survey link that cannot be answered; the message is shown to the respondent as is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Link:
    """What the answer path needs of an invitation (one row, no model instance)."""

    invitation_id: int
    survey_id: int
    customer_id: int | None
    touchpoint_id: int | None
    staff_id: int | None
    team_id: int | None
    interaction_id: int | None
    wave: str  # the survey's current wave (a Kano study's answers count towards it), read live
    form_stamp: str  # the survey's stamp, read live: the kept form is drawn again when it moved (`kit`)


def tampered() -> LinkError:
    return LinkError(_("설문 링크가 올바르지 않습니다. 받으신 링크를 그대로 열어 주세요."), code="tampered")


def used() -> LinkError:
    return LinkError(_("이미 응답하신 설문입니다. 참여해 주셔서 감사합니다."), code="used")


def expired() -> LinkError:
    return LinkError(_("설문 응답 기간이 지났습니다. 관심 가져 주셔서 감사합니다."), code="expired")


def closed() -> LinkError:
    return LinkError(_("종료된 설문입니다. 관심 가져 주셔서 감사합니다."), code="closed")


def token_read(token: str) -> tuple[int, str]:
    """(invitation id, nonce) of a signed link, or LinkError "tampered"."""
    try:
        invitation_id, nonce = signing.loads(token, salt=TOKEN_SALT)
        return int(invitation_id), str(nonce)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise tampered() from exc


LINK_SQL = (
    'SELECT i."survey_id", i."customer_id", i."touchpoint_id", i."staff_id", i."team_id", i."interaction_id", '
    'i."used_at" IS NULL, i."expires_at" > %s, s."status", s."current_wave", s."form_stamp" '
    'FROM "surveys_invitation" i INNER JOIN "surveys_survey" s ON s."id" = i."survey_id" '
    'WHERE i."id" = %s AND i."nonce" = %s'
)


def link_from_token(token: str, *, now: dt.datetime | None = None) -> Link:
    """The invitation a link stands for, or LinkError with a message for the respondent (one indexed read)."""
    invitation_id, nonce = token_read(token)
    when = connection.ops.adapt_datetimefield_value(now or timezone.now())
    # prepared once it has run twice on a PostgreSQL connection (settings)
    with connection.cursor() as cursor:
        cursor.execute(LINK_SQL, [when, invitation_id, nonce])
        row = cursor.fetchone()
    if row is None:
        raise tampered()
    (
        survey_id,
        customer_id,
        touchpoint_id,
        staff_id,
        team_id,
        interaction_id,
        unused,
        valid,
        status,
        wave,
        stamp,
    ) = row
    if not unused:
        raise used()
    if not valid:
        raise expired()
    if status != Survey.Status.ACTIVE:
        raise closed()
    return Link(
        invitation_id, survey_id, customer_id, touchpoint_id, staff_id, team_id, interaction_id, wave, stamp
    )


# ---------------------------------------------------------------- the survey, kept per process under a stamp


@dataclass
class SurveyKit:
    """A survey as the answer page uses it: its row, its questions and the pages drawn from them."""

    stamp: str
    survey: Survey
    questions: list[Question]
    pages: dict[tuple[str, str], str]  # (page, language) → HTML


_kits: dict[int, SurveyKit] = {}
_kits_lock = threading.Lock()


STAMP_SQL = 'SELECT "form_stamp" FROM "surveys_survey" WHERE "id" = %s'


def stamp_of(survey_id: int) -> str:
    """The survey's current stamp (the answer path has it from the link's query instead)."""
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL, [survey_id])
        row = cursor.fetchone()
    if row is None:
        raise Survey.DoesNotExist(f"survey {survey_id}")
    return str(row[0])


def survey_changed(survey_id: int) -> None:
    """Call after changing a survey or its questions: a new stamp, written in the change's transaction. Every
    process reads the stamp with each link, so it draws the form again on its first request after the commit;
    a process that read the old rows meanwhile kept them under the old stamp, which no longer matches."""
    _kits.pop(survey_id, None)
    Survey.objects.filter(pk=survey_id).update(form_stamp=secrets.token_hex(8))


def kit(survey_id: int, stamp: str | None = None) -> SurveyKit:
    """The survey with its questions, read again only when its stamp changed (`stamp`: the survey's stamp as
    the caller read it, e.g. with the link; else it is read here)."""
    if stamp is None:
        stamp = stamp_of(survey_id)
    found = _kits.get(survey_id)
    if found is not None and found.stamp == stamp:
        return found
    survey = Survey.objects.get(pk=survey_id)
    questions = list(Question.objects.filter(survey_id=survey_id).order_by("position", "id"))
    for q in questions:
        q.survey = survey  # the kept questions point at the kept survey: no lazy read later
    made = SurveyKit(stamp=stamp, survey=survey, questions=questions, pages={})
    with _kits_lock:
        if len(_kits) >= MAX_SURVEYS:
            _kits.clear()
        _kits[survey_id] = made
    return made


def page(made: SurveyKit, name: str, language: str, render: Any) -> str:
    """One rendered page of the kit (`render()` → HTML), kept with it."""
    key = (name, language)
    html = made.pages.get(key)
    if html is None:
        html = made.pages[key] = render()
    return html


def thanks_html(made: SurveyKit, language: str, *, followup: bool) -> str:
    return page(
        made,
        "thanks-followup" if followup else "thanks",
        language,
        lambda: render_to_string("surveys/answer_thanks.html", {"survey": made.survey, "followup": followup}),
    )


# ---------------------------------------------------------------- the write

ANSWER_INSERT = (
    'INSERT INTO "surveys_answer" ("response_id", "question_id", "value", "expectation", "functional", '
    '"dysfunctional", "selected", "text") VALUES '
)
ANSWER_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s)"
_answer_inserts: dict[int, str] = {}


def answer_insert(rows: int) -> str:
    """One INSERT of `rows` answers (kept per row count): one statement for the server to parse, plan and run
    instead of one per answer (on PostgreSQL each was a round of parse/bind/execute in the server)."""
    statement = _answer_inserts.get(rows)
    if statement is None:
        statement = _answer_inserts[rows] = ANSWER_INSERT + ", ".join([ANSWER_ROW] * rows)
    return statement


RESPONSE_INSERT = (
    'INSERT INTO "surveys_response" ("survey_id", "invitation_id", "customer_id", "touchpoint_id", "staff_id", '
    '"team_id", "interaction_id", "answered_at", "source", "source_ref", "wave", "csat", "nps", "ces", "comment", '
    '"followup_case_id") VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s, %s, NULL) '
    'RETURNING "id"'
)
SPEND = 'UPDATE "surveys_invitation" SET "used_at" = %s WHERE "id" = %s AND "used_at" IS NULL'


_job_inserts: dict[tuple[str, str], tuple[str, list[Any], list[Any]]] = {}
_JOB_VARYING = ("id", "args_kwargs", "enqueued_at")  # the rest of the row is the same for every follow-up job


def followup_job(response_id: int, now: dt.datetime) -> None:
    """Queue `open_followup(response_id)` in the current transaction.

    With django-tasks' database backend the job row is the row its `enqueue` writes (the same model, built and
    converted by its own fields, then `task_enqueued`), in one plain INSERT: `DBTaskResult.objects.create` with
    its compiler and signals cost a detractor's answer about as much as the rest of its write, and it ran with
    the write lock held. Another backend gets `enqueue` itself."""
    backend = open_followup.get_backend()
    if not isinstance(backend, DatabaseBackend):
        open_followup.enqueue(response_id)
        return
    backend.validate_task(open_followup)
    job = DBTaskResult(
        args_kwargs={"args": [response_id], "kwargs": {}},
        priority=open_followup.priority,
        task_path=open_followup.module_path,
        queue_name=open_followup.queue_name,
        run_after=open_followup.run_after or get_date_max(),  # as django_tasks_db's pre_save receiver sets it
        backend_name=backend.alias,
        enqueued_at=now,
    )
    key = (connection.vendor, backend.alias)
    found = _job_inserts.get(key)
    if found is None:
        fields = list(DBTaskResult._meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        statement = (
            f"INSERT INTO {connection.ops.quote_name(DBTaskResult._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        same = [f.get_db_prep_save(getattr(job, f.attname), connection) for f in fields]
        found = _job_inserts[key] = (statement, fields, same)
    statement, fields, same = found
    values = [
        f.get_db_prep_save(getattr(job, f.attname), connection) if f.attname in _JOB_VARYING else value
        for f, value in zip(fields, same, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
    job._state.adding = False
    task_enqueued.send(type(backend), task_result=job.task_result)


def answer_store(*, link: Link, survey: Survey, clean: Any, now: dt.datetime, followup: bool) -> int:
    """Spend the link and store the answer (and, for a detractor, the job that opens the follow-up case) in one
    short transaction; returns the response id. LinkError "used" when the link was spent meanwhile (a double
    submit stores one response).

    Plain statements: the ORM's compilation of these four costs more than the write itself. The answers go in
    one multi-row INSERT; on PostgreSQL each statement is prepared on a connection once it has run twice (settings'
    DANGOL_PG_PREPARED_STATEMENTS), so the server neither parses nor plans them again for every answer. On SQLite the transaction begins IMMEDIATE
    (settings), so the write lock is held for these statements only, and the threads of one process take turns
    before it (`dangol.common.db.sqlite`)."""
    when = connection.ops.adapt_datetimefield_value(now)
    selected = Answer._meta.get_field("selected")
    wave = link.wave if survey.kind == Survey.Kind.KANO else ""
    with transaction.atomic():
        # prepared once they have run twice on a PostgreSQL connection (settings)
        with connection.cursor() as cursor:
            cursor.execute(SPEND, [when, link.invitation_id])
            if cursor.rowcount != 1:
                raise used()
            cursor.execute(
                RESPONSE_INSERT,
                [
                    survey.pk,
                    link.invitation_id,
                    link.customer_id,
                    link.touchpoint_id,
                    link.staff_id,
                    link.team_id,
                    link.interaction_id,
                    when,
                    "web",
                    wave,
                    clean.csat,
                    clean.nps,
                    clean.ces,
                    clean.comment,
                ],
            )
            response_id = int(cursor.fetchone()[0])
            params: list[Any] = []
            for a in clean.answers:
                params += (
                    response_id,
                    a.question.pk,
                    a.value,
                    a.expectation,
                    a.functional,
                    a.dysfunctional,
                    selected.get_db_prep_save(a.selected, connection),
                    a.text,
                )
            if params:
                cursor.execute(answer_insert(len(clean.answers)), params)
        if followup:
            followup_job(response_id, now)  # the job row commits with the answer, or neither does
    return response_id
