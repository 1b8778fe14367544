from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dangol.demo.generate import generate
from dangol.surveys import analysis
from dangol.surveys.models import Response, Survey

END = dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul"))


def test_demo_adds_a_year_of_answers_where_staff_manner_drives_satisfaction(db):
    stats = generate(customers=400, seed=11, end=END)
    assert stats.extra["설문 응답"] == 480 and stats.extra["직원 펄스 응답"] > 0
    survey = Survey.objects.get(code="visit-csat")
    answered = Response.objects.filter(survey=survey)
    assert answered.count() == 480
    assert answered.filter(answered_at__lt=END - dt.timedelta(days=300)).exists()
    drivers = analysis.drivers(survey_id=survey.pk)
    assert drivers["people_share"] > drivers["physical_share"], drivers
    assert 0 < stats.extra["설문 후속 VOC"] <= 60
    assert answered.filter(followup_case__isnull=False).count() == stats.extra["설문 후속 VOC"]
    # the follow-ups were opened by the system, so their customers still count as silent dissatisfied
    assert set(
        answered.filter(followup_case__isnull=False).values_list("followup_case__origin", flat=True)
    ) == {"system"}


def test_demo_kano_study_has_an_attribute_drifting_between_two_waves(db):
    generate(customers=120, seed=7, end=END)
    study = analysis.kano_study(survey_id=Survey.objects.get(kind="kano").pk)
    by_name = {a["attribute"]: a for a in study["attributes"]}
    assert len(study["waves"]) == 2
    assert [w["category"] for w in by_name["당일 배송"]["waves"]] == ["A", "M"]
    assert by_name["무료 주차"]["category"] == "M"
    pulse = {r["team"]: r for r in analysis.pulse_by_team()}
    assert pulse["고객센터"]["shown"] and not pulse["온라인팀"]["shown"]
