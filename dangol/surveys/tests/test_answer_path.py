"""The public answer path under load (issue 18): the kept form follows edits in every process, no CSRF cookie,
one short write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangol.customers.models import Customer
from dangol.surveys import answering, services
from dangol.surveys.models import Answer, Question, Response, Survey
from dangol.surveys.tests.conftest import build_customer_survey

GOOD = {"overall": "5", "recommend": "9", "kindness": "5", "price": "4"}
BAD = {"overall": "1", "recommend": "2", "kindness": "2", "price": "2", "why": "너무 오래 기다렸어요"}

# Another web worker: its own process, its own kept forms, the same database and shared cache as this test.
OTHER_WORKER = """
import json, sys
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client()
for line in sys.stdin:
    r = client.get(line.strip(), HTTP_ACCEPT_LANGUAGE="ko")
    print(json.dumps({"status": r.status_code, "html": r.content.decode()}), flush=True)
"""


def _test_database_url() -> str:
    """The URL of the database this test runs on (SQLite file or PostgreSQL), for a child process."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    configured = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(configured._replace(path=f"/{name}"))


class OtherWorker:
    def __init__(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DJANGO_SETTINGS_MODULE": "dangol.settings",
            "DANGOL_SSL_REDIRECT": "false",
            "DANGOL_DEBUG": "false",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-c", OTHER_WORKER],
            env=env,
            cwd=Path(__file__).parents[3],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def get(self, path: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the other worker died"
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _path(token: str) -> str:
    return f"/surveys/a/{token}/"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_edited_survey_shows_its_new_form_in_another_process_at_once(shop):
    survey = build_customer_survey(shop)
    _, first = services.invitation_create(survey=survey, customer=shop["kim"])
    _, second = services.invitation_create(survey=survey, customer=shop["hong"])
    other = OtherWorker()
    try:
        page = other.get(_path(first))
        assert page["status"] == 200 and "대기 시간" in page["html"] and "매장 방문 만족도" in page["html"]

        # The other process keeps what it drew: a change that bypasses the models' save (a raw UPDATE) is not
        # seen there ...
        Question.objects.filter(survey=survey, code="wait").update(text="주문 후 기다린 시간")
        assert "대기 시간" in other.get(_path(second))["html"]

        # ... but saving the question or the survey (what every edit path does) is, on the very next request.
        question = survey.questions.get(code="wait")
        question.text = "주문 후 기다린 시간"
        question.save()
        page = other.get(_path(second))
        assert page["status"] == 200
        assert "주문 후 기다린 시간" in page["html"] and "대기 시간" not in page["html"]

        survey.title = "매장 방문 만족도 (개정)"
        survey.save()
        assert "매장 방문 만족도 (개정)" in other.get(_path(first))["html"]

    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_question_added_in_a_transaction_is_drawn_once_it_commits(shop):
    """The new stamp commits with the change: a process that read the survey before the commit kept the old
    questions under the old stamp, and draws the form again on its first request after the commit."""
    from django.db import transaction

    survey = build_customer_survey(shop)
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    before = answering.stamp_of(survey.pk)
    with transaction.atomic():
        services.question_add(
            survey=survey, kind="csat", code="clean", text="매장이 깨끗했나요?", required=False
        )
        assert answering.stamp_of(survey.pk) != before  # written in the change's transaction
        # another process reading now sees the old rows and the old stamp (SQLite/PostgreSQL isolation)
        stale = answering.SurveyKit(
            stamp=before,
            survey=survey,
            questions=[q for q in survey.questions.all() if q.code != "clean"],
            pages={},
        )
        answering._kits[survey.pk] = stale
    assert "매장이 깨끗했나요?" in Client().get(_path(token)).content.decode()


@pytest.mark.django_db
def test_the_kept_survey_follows_its_stamp_in_the_database_not_the_cache(shop, survey):
    """The stamp is the survey's own column, read with the link: no shared-cache read per request, and a cleared
    cache changes nothing; a new stamp (a change committed by any process) reads the survey again."""
    kept = answering.kit(survey.pk)
    assert answering.kit(survey.pk) is kept  # kept while the stamp stands
    cache.clear()
    assert answering.kit(survey.pk) is kept
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    link = answering.link_from_token(token)
    assert link.form_stamp == answering.stamp_of(survey.pk) == kept.stamp
    assert answering.kit(survey.pk, link.form_stamp) is kept
    # another process saved the survey: its stamp moved in the database, this process's kit is not popped
    Survey.objects.filter(pk=survey.pk).update(form_stamp="elsewhere", title="새 제목")
    link = answering.link_from_token(token)
    assert link.form_stamp == "elsewhere"
    fresh = answering.kit(survey.pk, link.form_stamp)
    assert fresh is not kept and fresh.survey.title == "새 제목"


@pytest.mark.django_db
def test_the_answer_page_reads_nothing_from_the_shared_cache(shop, survey):
    """The survey's stamp comes with the link's row (issue 18: a file-cache read per request was ~4% of an
    answer's CPU); saving a question still gives the survey a new stamp."""
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    client = Client()
    before = answering.stamp_of(survey.pk)
    question = survey.questions.get(code="overall")
    question.text = "오늘 방문은 만족스러우셨나요?"
    question.save()
    assert answering.stamp_of(survey.pk) != before
    client.get(_path(token))  # drawn and kept
    with mock.patch.object(cache, "get", side_effect=AssertionError("the answer path read the cache")):
        page = client.get(_path(token))
        assert page.status_code == 200 and "오늘 방문은 만족스러우셨나요?" in page.content.decode()
        done = client.post(_path(token), GOOD)
    assert done.status_code == 200 and 'id="answer-thanks"' in done.content.decode()


@pytest.mark.django_db
def test_the_answer_page_sets_no_cookie_and_takes_a_post_without_a_csrf_token(shop, survey):
    """The one-time link is the only authority on this page (no login, no session): the form carries no CSRF
    token, the page sets no cookie, and a browser without cookies can answer."""
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    client = Client(enforce_csrf_checks=True)
    page = client.get(_path(token))
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert not page.cookies
    done = client.post(_path(token), GOOD)
    assert done.status_code == 200 and 'id="answer-thanks"' in done.content.decode()
    assert not done.cookies
    assert Response.objects.get().csat == 5
    again = client.post(_path(token), GOOD)  # the link is spent: a second post stores nothing
    assert again.status_code == 410 and "이미 응답하신 설문입니다" in again.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_the_answer_path_reads_the_link_once_and_writes_in_one_short_transaction(shop, survey, settings):
    # Django's cursor, so that CaptureQueriesContext sees every statement (on PostgreSQL the answer path prepares
    # them on a cursor of its own: test_the_answer_path_prepares_its_statements_on_postgresql)
    settings.DANGOL_PG_PREPARED_STATEMENTS = False
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    client = Client()
    client.get(_path(token))  # the survey is drawn and kept
    with CaptureQueriesContext(connection) as get_queries:
        assert client.get(_path(token)).status_code == 200
    assert len(get_queries) == 1  # the link joined to its survey
    with CaptureQueriesContext(connection) as post_queries:
        assert client.post(_path(token), BAD).status_code == 200
    sql = [q["sql"] for q in post_queries]
    # read the link; then spend it, the response, its answers (one multi-row INSERT) and the follow-up job
    assert sql[0].startswith("SELECT")
    assert sum("UPDATE " in s for s in sql) == 1 and sum("INSERT INTO" in s for s in sql) == 3
    assert sum('INSERT INTO "surveys_answer"' in s for s in sql) == 1
    response = Response.objects.get()
    assert response.customer == shop["kim"] and response.csat == 1 and response.nps == 2
    assert Answer.objects.filter(response=response).count() == 5  # the four scores and the masked text
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="dangol.surveys.followups.open_followup").count() == 1


@pytest.mark.django_db
def test_the_answer_path_prepares_its_statements_on_postgresql(shop, survey):
    """On PostgreSQL the link read and the write are prepared on the connection (settings'
    DANGOL_PG_PREPARED_STATEMENTS): the server plans them once, and the answers, the spent link and the response
    are stored."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    client = Client()
    third = Customer.objects.create(name="이영희", joined_at=shop["kim"].joined_at)
    for customer in (shop["kim"], shop["hong"], third):  # psycopg prepares a statement on its third run
        _, token = services.invitation_create(survey=survey, customer=customer)
        assert client.get(_path(token)).status_code == 200
        assert client.post(_path(token), GOOD).status_code == 200
        again = client.post(_path(token), GOOD)
        assert again.status_code == 410 and "이미 응답하신 설문입니다" in again.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "surveys_invitation" i' in s for s in prepared)
    assert any('INSERT INTO "surveys_answer"' in s for s in prepared)
    assert any('UPDATE "surveys_invitation"' in s for s in prepared)
    assert Response.objects.count() == 3
    assert Answer.objects.filter(response__customer=shop["kim"]).count() == 4  # the four scores


@pytest.mark.django_db
def test_a_kano_answer_counts_towards_the_wave_started_after_the_form_was_kept(shop):
    survey = services.survey_create(code="kano-w", title="기능 조사", kind="kano", by=shop["manager"])
    services.question_add(survey=survey, kind="kano", code="delivery", text="당일 배송")
    services.survey_set_status(survey=survey, status="active")
    _, token = services.invitation_create(survey=survey)
    Client().get(_path(token))  # kept with wave "1"
    services.survey_start_wave(survey=survey, wave="2027-봄")
    done = Client().post(_path(token), {"delivery__functional": "1", "delivery__dysfunctional": "5"})
    assert done.status_code == 200
    assert Response.objects.get().wave == "2027-봄"


# ---------------------------------------------------------------- the middleware shortcut (AnswerPageShortcut)


@pytest.mark.django_db
def test_the_answer_page_keeps_its_security_headers_through_the_middleware_shortcut(shop, survey):
    """The answer URL skips the session, CSRF, login and messages middleware, not the headers that protect it."""
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    client = Client()
    for response in (client.get(_path(token)), client.post(_path(token), GOOD)):
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Content-Language"] == "ko"
        assert response["Content-Length"] == str(len(response.content))
        # the page depends on the language, never on a cookie: the session was not even looked at
        vary = [v.strip() for v in response["Vary"].split(",")]
        assert "Accept-Language" in vary and "Cookie" not in vary
        assert not response.cookies
    assert "Cookie" in Client().get("/surveys/")["Vary"]  # a staff page still goes through the session


@pytest.mark.django_db
def test_the_answer_page_follows_the_respondents_language_through_the_shortcut(shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    page = Client().get(_path(token), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page["Content-Language"] == "en"
    assert 'lang="en"' in page.content.decode() and "Submit" in page.content.decode()
    korean = Client().get(_path(token), HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert korean["Content-Language"] == "ko" and "제출" in korean.content.decode()


@pytest.mark.django_db
def test_the_shortcut_still_refuses_a_foreign_host_and_nul_bytes_and_spends_nothing(shop, survey):
    invitation, token = services.invitation_create(survey=survey, customer=shop["kim"])
    foreign = Client(HTTP_HOST="evil.example", raise_request_exception=False).post(_path(token), GOOD)
    assert foreign.status_code == 400
    urlencoded = "&".join(f"{k}={v}" for k, v in GOOD.items()) + "&why=%00"
    nul = Client().post(_path(token), urlencoded, content_type="application/x-www-form-urlencoded")
    assert nul.status_code == 400 and "NUL" in nul.content.decode()  # RejectNulBytes, before the shortcut
    # a multipart post passes that check (files are checked by the importer): the form refuses it in Korean
    multipart = Client().post(_path(token), {**GOOD, "why": "잘\x00못", "comment": "또\x00"})
    assert multipart.status_code == 400
    assert multipart.content.decode().count("허용되지 않는 문자(NUL)가 들어 있습니다") == 2
    invitation.refresh_from_db()
    assert invitation.used_at is None and Response.objects.count() == 0
    assert Client().post(_path(token), GOOD).status_code == 200  # the link still works


@pytest.mark.django_db
def test_a_logged_in_staff_member_can_answer_and_other_survey_urls_keep_the_whole_stack(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])
    client.force_login(shop["manager"])
    done = client.post(_path(token), GOOD)
    assert done.status_code == 200 and 'id="answer-thanks"' in done.content.decode()
    assert "sessionid" not in done.cookies  # the staff member's session is left as it was
    assert client.get("/surveys/").status_code == 200  # staff pages: session + login as before
    assert Client().get("/surveys/").status_code == 302  # ... and the login redirect without one
    no_slash = Client().get(_path(token).rstrip("/"))  # not the answer URL: CommonMiddleware adds the slash
    assert no_slash.status_code == 301 and no_slash["Location"].endswith(_path(token))


@pytest.mark.django_db
def test_an_unexpected_error_on_the_answer_page_is_a_500_page_with_the_same_headers(
    shop, survey, monkeypatch
):
    _, token = services.invitation_create(survey=survey, customer=shop["kim"])

    def broken(token: str) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(answering, "link_from_token", broken)
    page = Client(raise_request_exception=False).get(_path(token))
    assert page.status_code == 500
    assert page["X-Frame-Options"] == "DENY" and "default-src 'self'" in page["Content-Security-Policy"]
    assert page["Content-Language"] == "ko" and not page.cookies
