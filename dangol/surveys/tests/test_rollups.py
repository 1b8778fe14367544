"""Score roll-ups (issue 18): counts equal a recount, incremental equals rebuilt, a retried job counts once,
and the analysis figures equal the computation from the answers (`*_scan`) whatever the roll-up state."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import login
from dangol.surveys import analysis, rollups, services
from dangol.surveys.followups import open_followup
from dangol.surveys.models import DriverMoment, Response, ScoreDay, ScoreRollup, Survey
from dangol.surveys.tasks import rollup_answers
from dangol.surveys.tests.conftest import BAD, GOOD, build_customer_survey, run_worker

SEOUL = rollups.SEOUL


def _table() -> dict[tuple[Any, ...], int]:
    return {
        tuple(row[:-1]): row[-1]
        for row in ScoreRollup.objects.values_list(*rollups.KEY_COLUMNS, "n")
        if row[-1]
    }


def _days() -> dict[tuple[Any, ...], tuple[int, ...]]:
    return {
        tuple(row[: len(rollups.DAY_KEY_COLUMNS)]): tuple(row[len(rollups.DAY_KEY_COLUMNS) :])
        for row in ScoreDay.objects.values_list(*rollups.DAY_KEY_COLUMNS, *rollups.DAY_SUMS)
    }


def _kano_survey() -> Survey:
    survey = services.survey_create(code="kano-r", title="기능 조사", kind="kano")
    services.question_add(survey=survey, kind="kano", code="sameday", text="당일 배송")
    services.question_add(survey=survey, kind="kano", code="wrap", text="선물 포장", required=False)
    services.survey_set_status(survey=survey, status="active")
    return survey


@pytest.fixture
def data(shop: dict[str, Any]) -> dict[str, Any]:
    """Hand-made answers over 14 months, two touchpoints, two staff (so two teams), a second customer survey,
    one answered without touchpoint, staff and team, and a Kano study over two waves."""
    survey = build_customer_survey(shop)
    other = build_customer_survey(shop, code="after-call")
    # an effort item (CES: lower is better, flipped by the driver analysis), answered by most
    services.question_add(
        survey=other, kind="ces", code="effort", text="쉬웠나요?", aspect="people", required=False
    )
    now = timezone.now()
    scores = [(5, 10), (4, 9), (3, 7), (2, 5), (1, 0), (5, 8), (4, 6), (3, 9)]
    for i in range(40):
        csat, nps = scores[i % len(scores)]
        services.response_record(
            survey=survey if i % 5 else other,
            customer=shop["hong"] if i % 2 else shop["kim"],
            touchpoint=shop["store"] if i % 3 else shop["web"],
            staff=shop["clerk"] if i % 4 else shop["agent"],
            followup=False,
            answered_at=now - dt.timedelta(days=11 * i, hours=i),
            data={
                "overall": csat,
                "recommend": nps,
                "kindness": max(1, csat - i % 2),
                "price": 1 + (i + i // 5) % 5,
                **({"wait": 1 + i % 7, "wait__expectation": 7 - i % 3} if i % 4 else {}),
                **({"effort": 1 + i % 6} if not i % 5 and i else {}),
            },
        )
    services.response_record(
        survey=other,
        followup=False,
        answered_at=now - dt.timedelta(days=3),
        data={"overall": 2, "recommend": 3, "kindness": 2, "price": 2},
    )
    Response.objects.filter(survey=other, answered_at__gte=now - dt.timedelta(days=4)).update(
        touchpoint=None, team=None, staff=None
    )
    kano = _kano_survey()
    for i in range(12):
        if i == 6:
            services.survey_start_wave(survey=kano, wave="2")
        services.response_record(
            survey=kano,
            data={"sameday__functional": 1 + i % 2, "sameday__dysfunctional": 3 + i % 3}
            | ({"wrap__functional": 2, "wrap__dysfunctional": 4} if i % 3 else {}),
        )
    return {"survey": survey, "other": other, "kano": kano, "now": now}


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    """Everything the analysis and Kano pages show that comes from answers: once from the roll-ups, once from
    the answers as before (`*_scan`)."""
    cache.clear()
    out: dict[str, Any] = {"rollup": {}, "scan": {}}
    for survey_id in (None, data["survey"].pk, data["other"].pk):
        for months in (1, 3, 12, 36):
            out["rollup"][("trend", survey_id, months)] = analysis.trend(survey_id=survey_id, months=months)
            out["scan"][("trend", survey_id, months)] = analysis.trend_scan(
                survey_id=survey_id, months=months
            )
            for group in analysis.GROUPS:
                key = ("group", group, survey_id, months)
                out["rollup"][key] = {
                    r["id"]: r for r in analysis.by_group(group=group, survey_id=survey_id, months=months)
                }
                out["scan"][key] = {
                    r["id"]: r
                    for r in analysis.by_group_scan(group=group, survey_id=survey_id, months=months)
                }
        out["rollup"][("gaps", survey_id)] = analysis.gaps(survey_id=survey_id)
        out["scan"][("gaps", survey_id)] = analysis.gaps_scan(survey_id=survey_id)
        if survey_id:
            for months in (1, 3, 12, 36):
                key = ("drivers", survey_id, months)
                out["rollup"][key] = analysis.drivers(survey_id=survey_id, months=months)
                out["scan"][key] = analysis.drivers_scan(survey_id=survey_id, months=months)
    out["rollup"]["kano"] = analysis.kano_study(survey_id=data["kano"].pk)
    out["scan"]["kano"] = analysis.kano_study_scan(survey_id=data["kano"].pk)
    return out


def test_rollup_rows_equal_a_count_by_hand(shop):
    survey = build_customer_survey(shop)
    when = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 08:30 on 2 March in Seoul
    for csat, nps in [(5, 10), (5, 9), (2, 3)]:
        services.response_record(
            survey=survey,
            staff=shop["clerk"],
            followup=False,
            answered_at=when,
            data={
                "overall": csat,
                "recommend": nps,
                "kindness": 4,
                "price": 3,
                "wait": 2,
                "wait__expectation": 6,
            },
        )
    assert rollups.pending_count() == 3
    assert rollup_answers.call() == 3
    assert rollups.pending_count() == 0
    day = dt.date(2026, 3, 2)
    dims = (0, shop["store"].pk, shop["ops"].pk, shop["clerk"].pk, "")
    questions = {q.code: q.pk for q in survey.questions.all()}
    expected = {
        (survey.pk, day, "resp", *dims, 0, -1): 3,
        (survey.pk, day, "csat", *dims, 5, -1): 2,
        (survey.pk, day, "csat", *dims, 2, -1): 1,
        (survey.pk, day, "nps", *dims, 10, -1): 1,
        (survey.pk, day, "nps", *dims, 9, -1): 1,
        (survey.pk, day, "nps", *dims, 3, -1): 1,
        (survey.pk, day, "q", questions["overall"], 0, 0, 0, "", 5, -1): 2,
        (survey.pk, day, "q", questions["overall"], 0, 0, 0, "", 2, -1): 1,
        (survey.pk, day, "q", questions["recommend"], 0, 0, 0, "", 10, -1): 1,
        (survey.pk, day, "q", questions["recommend"], 0, 0, 0, "", 9, -1): 1,
        (survey.pk, day, "q", questions["recommend"], 0, 0, 0, "", 3, -1): 1,
        (survey.pk, day, "q", questions["kindness"], 0, 0, 0, "", 4, -1): 3,
        (survey.pk, day, "q", questions["price"], 0, 0, 0, "", 3, -1): 3,
        (survey.pk, day, "gap", questions["wait"], 0, 0, 0, "", 2, 6): 3,
    }
    assert _table() == expected
    moments = {
        (a, b): total
        for a, b, total in DriverMoment.objects.filter(
            survey=survey,
            day=day,
            items=",".join(str(questions[c]) for c in sorted(("overall", "kindness", "price", "wait"), key=questions.get)),
        ).values_list("a", "b", "total")
    }  # fmt: skip
    assert DriverMoment.objects.count() == len(moments) == 21  # 6 variables: 6·7/2 pairs
    assert moments[(-1, -1)] == 25 + 25 + 4 and moments[(-1, 0)] == 12 and moments[(0, 0)] == 3
    assert moments[(0, questions["kindness"])] == 12 and moments[(-1, questions["wait"])] == 24
    assert moments[tuple(sorted((questions["kindness"], questions["wait"])))] == 3 * 4 * 2
    assert rollups.check().ok
    # counting again changes nothing: every response is claimed
    assert rollups.catch_up() == 0 and _table() == expected


def test_analysis_figures_equal_the_computation_from_answers_before_during_and_after_rolling_up(data):
    assert rollups.pending_count() == 53
    before = _figures(data)  # nothing rolled up: everything read live
    assert before["rollup"] == before["scan"]
    assert sum(t["csat_n"] for t in before["rollup"][("trend", None, 36)]) == 41
    assert {r["name"] for r in before["rollup"][("group", "staff", None, 36)].values()} == {
        "최점원",
        "–",
        "이상담",
    }
    rollups.rollup_responses(Response.objects.order_by("pk").values_list("pk", flat=True)[:20])
    assert rollups.pending_count() == 33
    mixed = _figures(data)  # some counted, some live
    assert mixed["rollup"] == mixed["scan"] == before["scan"]
    assert rollups.catch_up() == 33
    after = _figures(data)  # everything from the roll-ups, the first day of each period live
    assert after["rollup"] == after["scan"] == before["scan"]
    (gap,) = after["rollup"][("gaps", data["survey"].pk)]
    assert gap["n"] == 24
    # drivers over 36 months: 24 responses answered all three items (wait is optional); kindness by all 32
    drivers = after["rollup"][("drivers", data["survey"].pk, 36)]
    assert drivers["n"] == 24 and {d["code"]: d["n"] for d in drivers["items"]} == {
        "kindness": 32,
        "price": 32,
        "wait": 24,
    }
    assert after["rollup"][("drivers", data["survey"].pk, 1)]["error"]  # too few answers in a month
    effort = after["rollup"][("drivers", data["other"].pk, 36)]
    assert effort["n"] == 6 and {d["code"] for d in effort["items"]} == {
        "kindness",
        "price",
        "wait",
        "effort",
    }
    assert [w["wave"] for w in after["rollup"]["kano"]["attributes"][0]["waves"]] == ["1", "2"]


def test_a_period_starting_mid_day_counts_only_the_answers_after_its_start(shop, monkeypatch):
    survey = build_customer_survey(shop)
    now = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)  # 21:00 in Seoul
    since = now - dt.timedelta(days=31)  # 30 May 21:00 Seoul
    for hours, csat in [(-2, 1), (1, 5), (26, 4)]:  # before, after the start on that Seoul day, the next day
        services.response_record(
            survey=survey,
            followup=False,
            answered_at=since + dt.timedelta(hours=hours),
            data={"overall": csat, "recommend": 8, "kindness": 3, "price": 3},
        )
    rollups.catch_up()
    monkeypatch.setattr(timezone, "now", lambda: now)
    (month,) = analysis.trend(survey_id=survey.pk, months=1)
    assert month["month"] == "2026-05" and month["csat_n"] == 2 and month["csat_mean"] == 4.5
    assert [month] == analysis.trend_scan(survey_id=survey.pk, months=1)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_incremental_rollups_equal_a_rebuild(shop, data):
    rollups.catch_up()
    # more answers arrive through the answer page; the detractor's follow-up job counts its own
    tokens = [services.invitation_create(survey=data["survey"], customer=shop["hong"])[1] for _ in range(3)]
    detractor = services.response_submit(token=tokens[0], data=BAD)
    services.response_submit(token=tokens[1], data=GOOD)
    services.response_submit(token=tokens[2], data=GOOD | {"overall": "3", "recommend": "7"})
    run_worker()
    detractor.refresh_from_db()
    assert detractor.rollup_batch is not None and detractor.followup_case_id is not None
    assert rollups.pending_count() == 2
    rollups.catch_up()
    incremental, incremental_days = _table(), _days()
    assert sum(v[0] for v in incremental_days.values()) == 56
    assert rollups.check().ok
    out = io.StringIO()
    call_command("survey_rollups", "--rebuild", "--no-progress", stdout=out)
    assert "56" in out.getvalue()  # 41 + 12 Kano + 3 web answers counted again
    assert _table() == incremental and _days() == incremental_days
    figures = _figures(data)
    assert figures["rollup"] == figures["scan"]


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_a_retried_followup_job_counts_its_answer_once(shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"], staff=shop["clerk"])
    response = services.response_submit(token=token, data=BAD)
    case_id = open_followup.call(response.pk)
    first = _table()
    assert first[(survey.pk, rollups.seoul_day(response.answered_at), "resp", 0, shop["store"].pk,
                  shop["ops"].pk, shop["clerk"].pk, "", 0, -1)] == 1  # fmt: skip
    assert open_followup.call(response.pk) == case_id  # the worker retried the job
    assert rollups.rollup_responses([response.pk]) == 0
    assert _table() == first
    run_worker()  # the queued job itself runs too: still counted once
    assert _table() == first and rollups.check().ok


def test_check_finds_a_wrong_count_and_the_command_fails(data):
    rollups.catch_up()
    assert rollups.check().ok
    row = ScoreRollup.objects.filter(metric="nps").order_by("pk").first()
    ScoreRollup.objects.filter(pk=row.pk).update(n=row.n + 1)
    result = rollups.check()
    assert not result.ok and len(result.differences) == 1
    key, table, recount = result.differences[0]
    assert key[2] == "nps" and table == recount + 1
    moment = DriverMoment.objects.order_by("pk").first()
    DriverMoment.objects.filter(pk=moment.pk).update(total=moment.total - 1)
    result = rollups.check()
    assert len(result.differences) == 2
    assert ("moment", moment.survey_id, moment.day, moment.items, moment.a, moment.b) in {
        d[0] for d in result.differences
    }
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("survey_rollups", "--check", "--no-progress", stdout=out)
    assert exit_.value.code == 1 and "차이 2개" in out.getvalue()
    call_command("survey_rollups", "--rebuild", "--no-progress", stdout=io.StringIO())
    out = io.StringIO()
    call_command("survey_rollups", "--check", "--no-progress", stdout=out)
    assert "차이 0개" in out.getvalue()


def test_a_deleted_staff_account_groups_its_answers_under_no_staff_as_before(data, shop):
    rollups.catch_up()
    shop["agent"].delete()  # Response.staff is SET_NULL; the roll-ups still hold the old id
    figures = _figures(data)
    assert figures["rollup"] == figures["scan"]


def test_the_analysis_page_shows_the_rolled_up_figures(client, data, shop):
    rollups.catch_up()
    cache.clear()
    login(client, shop["analyst"])
    page = client.get(reverse("surveys:analysis"), {"survey": data["survey"].pk, "by": "staff", "months": 36})
    assert page.status_code == 200
    trend = analysis.trend_scan(survey_id=data["survey"].pk, months=36)
    assert page.context["trend"] == trend
    assert {r["id"]: r for r in page.context["rows"]} == {
        r["id"]: r for r in analysis.by_group_scan(group="staff", survey_id=data["survey"].pk, months=36)
    }


def test_score_day_rows_equal_the_score_rollup_histograms_and_the_migration_fill(data):
    """ScoreDay (the trend and group sums) against the same sums taken from ScoreRollup's histograms
    (`rollups.headline`), live and rolled up; and the migration's fill from ScoreRollup equals the table the
    job kept."""
    from dangol.surveys.analysis import _score_row

    def both(since: dt.datetime) -> list[tuple[dict[Any, Any], dict[Any, Any]]]:
        return [
            (
                rollups.score_sums(survey_id=s, since=since, by=by),
                {
                    k: {"responses": sum(h["resp"].values()), **_score_row(h)}
                    for k, h in rollups.headline(survey_id=s, since=since, by=by).items()
                },
            )
            for s in (None, data["survey"].pk)
            for by in ("day", "touchpoint", "team", "staff", "survey")
        ]

    since = data["now"] - dt.timedelta(days=400, hours=5)
    live = both(since)
    assert all(new == old for new, old in live) and live[0][0]
    assert ScoreDay.objects.count() == 0
    rollups.catch_up()
    kept = _days()
    # the 41 customer responses each on their own day (or without touchpoint/staff): one row each; the 12 Kano
    # answers of today in one row
    assert len(kept) == Response.objects.filter(survey__kind="customer").count() + 1 == 42
    assert both(since) == live
    kano = data["kano"].pk
    assert all(key[0] != kano or sums[1] == sums[4] == 0 for key, sums in kept.items())
    ScoreDay.objects.all().delete()
    from importlib import import_module

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(import_module("dangol.surveys.migrations.0006_score_day").FILL)
    assert _days() == kept


def test_check_finds_a_wrong_score_day_sum(data):
    rollups.catch_up()
    row = ScoreDay.objects.order_by("pk").first()
    ScoreDay.objects.filter(pk=row.pk).update(csat_sum=row.csat_sum + 2)
    result = rollups.check()
    assert [(d[0][-1], d[1] - d[2]) for d in result.differences] == [("csat_sum", 2)]
    call_command("survey_rollups", "--rebuild", "--no-progress", stdout=io.StringIO())
    assert rollups.check().ok
