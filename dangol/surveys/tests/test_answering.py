from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangol.surveys import followups, sending, services
from dangol.surveys.models import Answer, Response
from dangol.surveys.tests.conftest import BAD, GOOD, build_customer_survey, run_worker
from dangol.voc.models import Case


def test_a_good_answer_is_stored_with_customer_touchpoint_staff_and_team(shop, survey):
    invitation, token = services.invitation_create(survey=survey, customer=shop["hong"], staff=shop["clerk"])
    response = services.response_submit(token=token, data=GOOD)
    assert (response.customer, response.touchpoint, response.staff, response.team) == (
        shop["hong"],
        shop["store"],
        shop["clerk"],
        shop["ops"],
    )
    assert (response.csat, response.nps) == (5, 10)
    gap = Answer.objects.get(response=response, question__code="wait")
    assert (gap.expectation, gap.value) == (5, 6)
    assert response.followup_case is None
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_a_reused_link_is_refused_and_nothing_more_is_stored(shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    services.response_submit(token=token, data=GOOD)
    with pytest.raises(services.LinkError, match="이미 응답") as info:
        services.response_submit(token=token, data=GOOD)
    assert info.value.code == "used"
    assert Response.objects.count() == 1


def test_an_expired_link_is_refused_with_a_korean_message(shop, survey):
    past = timezone.now() - dt.timedelta(days=30)
    _, token = services.invitation_create(survey=survey, customer=shop["hong"], now=past)
    with pytest.raises(services.LinkError, match="기간이 지났습니다"):
        services.response_submit(token=token, data=GOOD)
    assert Response.objects.count() == 0


def test_a_tampered_link_is_refused(shop, survey):
    invitation, token = services.invitation_create(survey=survey, customer=shop["hong"])
    forged = signing.dumps([invitation.pk, "0" * 32], salt=services.TOKEN_SALT, compress=True)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "garbage", ""):
        with pytest.raises(services.LinkError, match="올바르지 않습니다"):
            services.response_submit(token=bad, data=GOOD)
    other_salt = signing.dumps([invitation.pk, invitation.nonce], salt="something-else")
    with pytest.raises(services.LinkError):
        services.invitation_from_token(other_salt)
    assert Response.objects.count() == 0


def test_missing_and_out_of_range_answers_give_korean_errors_and_spend_nothing(shop, survey):
    invitation, token = services.invitation_create(survey=survey, customer=shop["hong"])
    with pytest.raises(ValidationError) as info:
        services.response_submit(token=token, data={"overall": "9", "recommend": "x"})
    errors = info.value.message_dict
    assert errors["overall"] == ["1~5 사이에서 골라 주세요."]
    assert errors["kindness"] == ["답을 골라 주세요."]
    assert "recommend" in errors
    invitation.refresh_from_db()
    assert invitation.used_at is None and Response.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_a_detractor_opens_one_followup_case_for_the_owning_team(shop, survey):
    from django_tasks_db.models import DBTaskResult

    _, token = services.invitation_create(survey=survey, customer=shop["hong"], staff=shop["clerk"])
    response = services.response_submit(token=token, data=BAD)
    # the answer's own write stores the job, not the case: the worker opens it
    assert Case.objects.count() == 0
    job = DBTaskResult.objects.get(task_path="dangol.surveys.followups.open_followup")
    assert job.args_kwargs == {"args": [response.pk], "kwargs": {}}
    run_worker()
    response.refresh_from_db()
    case = response.followup_case
    assert case is not None and case.customer == shop["hong"] and case.channel == "survey"
    assert case.team == shop["ops"] and case.source_ref == f"survey-response:{response.pk}"
    assert "불친절" in case.body
    assert DBTaskResult.objects.get(pk=job.pk).status == "SUCCESSFUL"
    # the same answer submitted again: refused, no second job, and still one case
    with pytest.raises(services.LinkError):
        services.response_submit(token=token, data=BAD)
    assert DBTaskResult.objects.filter(task_path="dangol.surveys.followups.open_followup").count() == 1
    # the job run again (a retry after a worker crash) returns the same case
    assert followups.followup_for_response(response.pk).pk == case.pk
    assert followups.followup_open(response=response).pk == case.pk
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("csat", "nps", "opens"),
    [("2", "7", True), ("3", "6", True), ("3", "7", False), ("1", "10", True), ("5", "0", True)],
)
def test_followup_thresholds_are_nps_0_to_6_or_csat_2_or_less(shop, survey, csat, nps, opens):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    response = services.response_submit(token=token, data={**GOOD, "overall": csat, "recommend": nps})
    run_worker()
    response.refresh_from_db()
    assert (response.followup_case is not None) is opens
    assert Case.objects.count() == (1 if opens else 0)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_anonymous_survey_stores_no_customer_link(shop):
    survey = build_customer_survey(shop, code="anon", anonymous=True)
    invitation, token = services.invitation_create(
        survey=survey, customer=shop["hong"], staff=shop["clerk"], channel="link"
    )
    assert invitation.customer is None and invitation.staff is None
    response = services.response_submit(token=token, data=BAD)
    assert response.customer_id is None and response.staff_id is None and response.interaction_id is None
    assert response.team == shop["ops"]  # where it happened is kept, for the team's figures
    run_worker()
    response.refresh_from_db()
    assert response.followup_case.customer_id is None
    recorded, _ = services.response_record(survey=survey, data=GOOD, customer=shop["kim"])
    assert recorded.customer_id is None


def test_promotional_survey_needs_marketing_consent(shop):
    survey = build_customer_survey(shop, code="promo", promotional=True)
    sent, _ = services.invitation_create(
        survey=survey, customer=shop["hong"], channel="sms"
    )  # consented to SMS
    assert (
        sent.message is not None
        and sent.message.status == "queued"
        and sent.message.body.startswith("(광고)")
    )
    # Messaging's rules decide: kim's message is kept blocked with its rule, and her link is closed at once.
    blocked, token = services.invitation_create(survey=survey, customer=shop["kim"], channel="sms")
    assert blocked.message is not None
    assert (blocked.message.status, blocked.message.blocked_rule) == ("blocked", "ad_no_consent")
    assert blocked.sent_at is None
    with pytest.raises(services.LinkError):
        services.invitation_from_token(token)
    made, skipped = sending.invitations_for_customers(survey=survey, customers=[shop["hong"], shop["kim"]])
    assert len(made) == 1 and skipped == 1


def test_response_record_is_idempotent_on_source_ref(shop, survey):
    first, created = services.response_record(
        survey=survey, data=BAD, customer=shop["hong"], source_ref="paper:1"
    )
    again, created_again = services.response_record(
        survey=survey, data=BAD, customer=shop["hong"], source_ref="paper:1"
    )
    assert created and not created_again and first.pk == again.pk
    assert Case.objects.count() == 1


def test_low_score_customers_feed_silent_dissatisfied(shop, survey):
    from dangol.surveys.selectors import low_score_customers

    services.response_record(
        survey=survey, data={**GOOD, "overall": "3", "recommend": "7", "kindness": "2"}, customer=shop["kim"]
    )
    services.response_record(survey=survey, data=GOOD, customer=shop["hong"])
    since = timezone.now() - dt.timedelta(days=1)
    assert [cid for cid, _ in low_score_customers(since=since)] == []
    services.response_record(survey=survey, data=BAD, customer=shop["kim"], followup=False)
    assert [cid for cid, _ in low_score_customers(since=since)] == [shop["kim"].pk]


def test_survey_building_validates_in_korean(shop):
    with pytest.raises(ValidationError) as info:
        services.survey_create(code="Bad Code!", title="")
    assert set(info.value.message_dict) == {"code", "title"}
    survey = services.survey_create(code="s1", title="t")
    with pytest.raises(ValidationError, match="선택지"):
        services.question_add(survey=survey, kind="single", text="어디서 알게 되셨나요?", choices=["광고"])
    with pytest.raises(ValidationError, match="문항이 없는"):
        services.survey_set_status(survey=survey, status="active")


def test_choices_and_kano_answers_are_validated(shop):
    survey = services.survey_create(code="mix", title="혼합")
    services.question_add(
        survey=survey, kind="single", code="where", text="어디서?", choices=["매장", "온라인"]
    )
    services.question_add(
        survey=survey, kind="multiple", code="what", text="무엇을?", choices=["커피", "빵", "케이크"]
    )
    services.question_add(survey=survey, kind="kano", code="parking", text="주차 지원")
    services.survey_set_status(survey=survey, status="active")
    with pytest.raises(ValidationError) as info:
        services.clean_answers(
            survey, {"where": ["매장", "온라인"], "what": ["술"], "parking__functional": "1"}
        )
    assert set(info.value.message_dict) == {"where", "what", "parking__dysfunctional"}
    clean = services.clean_answers(
        survey,
        {"where": "매장", "what": ["빵", "커피"], "parking__functional": "1", "parking__dysfunctional": "5"},
    )
    assert [a.selected for a in clean.answers[:2]] == [["매장"], ["빵", "커피"]]
    assert (clean.answers[2].functional, clean.answers[2].dysfunctional) == (1, 5)
    # stored through a link (the answer page's write), read back through the ORM on either database
    _, token = services.invitation_create(survey=survey)
    response = services.response_submit(
        token=token,
        data={
            "where": "매장",
            "what": ["빵", "커피"],
            "parking__functional": "1",
            "parking__dysfunctional": "5",
        },
    )
    stored = {a.question.code: a for a in Answer.objects.filter(response=response).select_related("question")}
    assert stored["where"].selected == ["매장"] and stored["what"].selected == ["빵", "커피"]
    assert (stored["parking"].functional, stored["parking"].dysfunctional) == (1, 5)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_link_store_one_answer_and_one_job(shop):
    """Two taps racing (or a retry while the first POST is still running): the conditional UPDATE lets one win."""
    import threading

    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    survey = build_customer_survey(shop)
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit() -> None:
        barrier.wait()
        try:
            services.response_submit(token=token, data=BAD)
            outcomes.append("stored")
        except services.LinkError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["stored", "used", "used", "used"]
    assert Response.objects.count() == 1 and Answer.objects.count() == 5
    assert DBTaskResult.objects.filter(task_path="dangol.surveys.followups.open_followup").count() == 1
    run_worker()
    assert Case.objects.count() == 1


def test_absurd_values_are_validation_errors_not_crashes(shop, survey):
    with pytest.raises(ValidationError) as info:
        services.clean_answers(survey, {**GOOD, "overall": "9" * 5000, "recommend": "١"})
    assert set(info.value.message_dict) == {"overall", "recommend"}
    with pytest.raises(ValidationError, match="미래"):
        services.response_record(survey=survey, data=GOOD, answered_at=timezone.now() + dt.timedelta(days=1))


@pytest.mark.django_db(transaction=True)
def test_answer_is_kept_when_the_follow_up_job_fails_and_the_sweeper_opens_it_once(shop, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from dangol.surveys import services as survey_services

    survey = build_customer_survey(shop)
    _invitation, token = survey_services.invitation_create(survey=survey, customer=shop["kim"])

    def broken(*, response):
        raise RuntimeError("VOC is down")

    response = survey_services.response_submit(token=token, data=BAD)  # no error for the customer
    monkeypatch.setattr(followups, "followup_open", broken)
    run_worker()
    assert DBTaskResult.objects.get(task_path="dangol.surveys.followups.open_followup").status == "FAILED"
    assert Response.objects.filter(pk=response.pk, followup_case__isnull=True).exists()
    monkeypatch.undo()
    since = timezone.now() - dt.timedelta(days=1)
    assert followups.followups_missing(since=since) == 1
    assert followups.followups_missing(since=since) == 0
    case = Case.objects.get(source_ref=f"survey-response:{response.pk}")
    assert Response.objects.get(pk=response.pk).followup_case == case


@pytest.mark.django_db(transaction=True)
def test_the_answer_and_its_followup_job_commit_together_or_not_at_all(shop, monkeypatch):
    """A failure after the job row is written rolls the answer back too: no answer without its job, no job
    without its answer, and the link is still unspent so the respondent can submit again."""
    from django_tasks_db.models import DBTaskResult

    from dangol.surveys import answering
    from dangol.surveys import services as survey_services

    survey = build_customer_survey(shop)
    invitation, token = survey_services.invitation_create(survey=survey, customer=shop["kim"])
    real_job = answering.followup_job

    def job_then_crash(*args, **kwargs):
        real_job(*args, **kwargs)
        assert DBTaskResult.objects.count() == 1  # the job row was written, in the answer's transaction
        raise RuntimeError("power cut")

    monkeypatch.setattr(answering, "followup_job", job_then_crash)
    with pytest.raises(RuntimeError):
        survey_services.response_submit(token=token, data=BAD)
    assert Response.objects.count() == 0 and DBTaskResult.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.used_at is None
    monkeypatch.undo()
    response = survey_services.response_submit(token=token, data=BAD)  # the retry is stored once
    run_worker()
    assert Response.objects.count() == 1
    assert Case.objects.get().source_ref == f"survey-response:{response.pk}"


@pytest.mark.django_db(transaction=True)
def test_the_followup_job_row_is_the_row_django_tasks_enqueue_writes(shop, survey):
    """The answer writes its follow-up job with one plain INSERT (issue 18); the row is the one
    `open_followup.enqueue` writes, column for column (its id and time aside), and the worker runs it."""
    from django.db import connection, transaction
    from django_tasks.signals import task_enqueued
    from django_tasks_db.models import DBTaskResult

    heard = []

    def listener(sender, task_result, **kwargs):
        heard.append(task_result)

    task_enqueued.connect(listener)
    try:
        _, token = services.invitation_create(survey=survey, customer=shop["hong"])
        response = services.response_submit(token=token, data=BAD)
    finally:
        task_enqueued.disconnect(listener)
    with transaction.atomic():
        orm = followups.open_followup.enqueue(response.pk)
    columns = [f.column for f in DBTaskResult._meta.concrete_fields if f.name not in ("id", "enqueued_at")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {DBTaskResult._meta.db_table} ORDER BY enqueued_at")  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == 2 and rows[0] == rows[1]
    ours = DBTaskResult.objects.exclude(pk=orm.id).get()
    assert ours.enqueued_at == response.answered_at and ours.args_kwargs == {
        "args": [response.pk],
        "kwargs": {},
    }
    assert [r.id for r in heard] == [str(ours.pk)] and heard[0].task.func is followups.open_followup.func
    DBTaskResult.objects.filter(pk=orm.id).delete()
    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Case.objects.filter(source_ref=f"survey-response:{response.pk}").count() == 1


def test_a_happy_answer_writes_no_followup_job(shop, survey):
    from django_tasks_db.models import DBTaskResult

    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    services.response_submit(token=token, data=GOOD)
    assert not DBTaskResult.objects.filter(task_path="dangol.surveys.followups.open_followup").exists()


@pytest.mark.django_db(transaction=True)
def test_an_answer_posted_while_the_worker_reads_a_detractors_text_is_stored_without_waiting(
    shop, survey, monkeypatch
):
    """Issue 18: the follow-up job reads the text (the reading model, tens of ms) outside any transaction, so on
    SQLite it does not hold the single write lock meanwhile and answers keep being stored; the case and its
    link to the response are written after the reading, once."""
    import threading

    from django.db import connection

    from dangol.voc import services as voc_services

    _, detractor = services.invitation_create(survey=survey, customer=shop["hong"])
    response = services.response_submit(token=detractor, data=BAD)
    _, other = services.invitation_create(survey=survey, customer=shop["kim"])
    real_read = voc_services.read_text
    seen: dict[str, object] = {}

    def answer_meanwhile() -> None:
        try:
            seen["other"] = services.response_submit(token=other, data=GOOD).pk
        finally:
            connection.close()  # this thread's own connection

    def reading(text: str):
        seen["in_transaction"] = connection.in_atomic_block
        writer = threading.Thread(target=answer_meanwhile)
        writer.start()
        writer.join(timeout=10)  # with the write lock held here, the answer would wait until the reading ends
        seen["stored_during_reading"] = not writer.is_alive()
        reading_result = real_read(text)
        writer.join()
        return reading_result

    monkeypatch.setattr(voc_services, "read_text", reading)
    run_worker()
    assert seen["in_transaction"] is False
    assert seen["stored_during_reading"] is True
    assert Response.objects.filter(pk=seen["other"], customer=shop["kim"]).exists()
    response.refresh_from_db()
    assert response.followup_case is not None
    assert Case.objects.filter(source_ref=f"survey-response:{response.pk}").count() == 1
