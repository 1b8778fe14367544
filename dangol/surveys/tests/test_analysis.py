from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from dangol.accounts.models import Team
from dangol.surveys import analysis, sending, services
from dangol.surveys.models import Survey
from dangol.surveys.tests.conftest import build_customer_survey


@pytest.fixture
def answered(shop):
    survey = build_customer_survey(shop)
    rng = np.random.default_rng(7)
    now = timezone.now()
    for i in range(80):
        kindness = int(rng.integers(1, 6))
        price = int(rng.integers(1, 6))
        overall = int(np.clip(round(0.8 * kindness + 0.2 * price + rng.normal(0, 0.4)), 1, 5))
        services.response_record(
            survey=survey,
            customer=shop["hong"] if i % 2 else shop["kim"],
            followup=False,
            touchpoint=shop["store"] if i < 70 else shop["web"],
            answered_at=now - dt.timedelta(days=int(i * 2)),
            data={
                "overall": overall,
                "recommend": min(10, overall * 2),
                "kindness": kindness,
                "price": price,
                "wait": int(rng.integers(2, 6)),
                "wait__expectation": 6,
            },
        )
    return survey


def test_trend_groups_and_gaps(answered, shop):
    trend = analysis.trend(survey_id=answered.pk)
    assert sum(t["csat_n"] for t in trend) == 80
    assert all(t["nps_low"] <= t["nps"] <= t["nps_high"] for t in trend)
    rows = {r["name"]: r for r in analysis.by_group(group="touchpoint", survey_id=answered.pk)}
    assert rows["강남점"]["csat_n"] == 70 and not rows["강남점"]["few"]
    assert rows["온라인몰"]["few"]  # 10 answers: flagged as too few to trust
    (gap,) = analysis.gaps(survey_id=answered.pk)
    assert gap["expectation"] == 6 and gap["gap"] < 0


def test_drivers_show_people_items_explaining_more_than_physical(answered):
    result = analysis.drivers(survey_id=answered.pk)
    assert result["n"] == 80
    assert result["people_share"] > result["physical_share"]
    assert result["items"][0]["code"] == "kindness"
    assert {i["quadrant"] for i in result["items"]} <= {"concentrate", "keep_up", "low_priority", "overkill"}


def test_satisfaction_to_repurchase_counts_orders_within_90_days(shop):
    from dangol.orders.models import Order

    survey = build_customer_survey(shop)
    old = timezone.now() - dt.timedelta(days=200)
    good = {"overall": 5, "recommend": 10, "kindness": 5, "price": 5}
    bad = {"overall": 1, "recommend": 1, "kindness": 1, "price": 1}
    services.response_record(survey=survey, customer=shop["hong"], answered_at=old, data=good, followup=False)
    services.response_record(survey=survey, customer=shop["kim"], answered_at=old, data=bad, followup=False)
    Order.objects.create(
        external_id="O-1", customer=shop["hong"], ordered_at=old + dt.timedelta(days=30), total_amount=10000
    )
    Order.objects.create(
        external_id="O-2", customer=shop["kim"], ordered_at=old + dt.timedelta(days=120), total_amount=10000
    )
    result = analysis.loyalty(survey_id=survey.pk)
    bands = {b["band"]: b for b in result["csat"]}
    assert bands["5점"]["rate"] == 1.0 and bands["1점"]["rate"] == 0.0
    assert {b["band"]: b["n"] for b in result["nps"]}["비추천(0–6)"] == 1


def test_kano_study_shows_drift_between_waves(shop):
    survey = services.survey_create(code="kano-1", title="기능 조사", kind="kano")
    services.question_add(survey=survey, kind="kano", code="sameday", text="당일 배송")
    services.survey_set_status(survey=survey, status="active")
    for _ in range(4):
        services.response_record(survey=survey, data={"sameday__functional": 1, "sameday__dysfunctional": 3})
    services.survey_start_wave(survey=survey, wave="2")
    for _ in range(4):
        services.response_record(survey=survey, data={"sameday__functional": 2, "sameday__dysfunctional": 5})
    result = analysis.kano_study(survey_id=survey.pk)
    (item,) = result["attributes"]
    assert [w["category"] for w in item["waves"]] == ["A", "M"] and result["waves"] == ["1", "2"]


def _pulse(shop, team: Team, n: int) -> None:
    survey = Survey.objects.filter(kind="pulse").first()
    if survey is None:
        survey = services.survey_create(code="pulse", title="직원 펄스", kind="pulse")
        for code, dim in (("train", "training"), ("sat", "satisfaction")):
            services.question_add(survey=survey, kind="csat", code=code, text=code, dimension=dim)
        services.survey_set_status(survey=survey, status="active")
    for token in sending.pulse_invitations(survey=survey, team=team, count=n):
        services.response_submit(token=token, data={"train": 4, "sat": 3})


def test_pulse_results_per_team_are_hidden_below_five_answers(client, shop):
    _pulse(shop, shop["cs"], 5)
    _pulse(shop, shop["ops"], 4)
    rows = {r["team"]: r for r in analysis.pulse_by_team()}
    assert rows["고객센터"]["shown"] and rows["고객센터"]["employee_satisfaction"] == 3
    assert not rows["매장운영팀"]["shown"] and rows["매장운영팀"]["dimensions"] == {}
    assert rows["매장운영팀"]["employee_satisfaction"] is None
    login(client, shop["analyst"])
    page = client.get(reverse("surveys:pulse")).content.decode()
    assert "익명 보호를 위해 비공개" in page
    from dangol.surveys.models import Invitation, Response

    assert not Response.objects.filter(survey__kind="pulse", staff__isnull=False).exists()
    assert not Invitation.objects.filter(survey__kind="pulse", staff__isnull=False).exists()


def test_analysis_pages_render_for_analysts_and_refuse_viewers(client, answered, shop):
    login(client, shop["analyst"])
    for name in ("surveys:analysis", "surveys:kano", "surveys:pulse"):
        assert client.get(reverse(name)).status_code == 200
    page = client.get(reverse("surveys:analysis"), {"survey": answered.pk, "by": "team", "months": "abc"})
    assert page.status_code == 200 and "drivers" in page.content.decode()
    assert (
        client.get(reverse("surveys:analysis"), {"survey": "99999999999999999999", "by": "x"}).status_code
        == 200
    )
    login(client, shop["viewer"])
    assert client.get(reverse("surveys:analysis")).status_code == 403


def test_worker_snapshot_serves_the_default_analysis_page_without_scanning(
    answered, shop, client, django_assert_max_num_queries
):
    from django.core.cache import cache

    cache.clear()
    assert analysis.refresh_snapshots() >= 5
    login(client, shop["analyst"])
    with django_assert_max_num_queries(
        12
    ):  # session, user, permissions, the survey list: no aggregate over answers
        body = client.get(reverse("surveys:analysis")).content.decode()
    assert "NPS" in body
    snapshot = analysis.trend(survey_id=None, months=12)
    cache.clear()
    assert (
        analysis.trend(survey_id=None, months=12) == snapshot
    )  # the snapshot is what a fresh computation gives
    cache.clear()
    with django_assert_max_num_queries(200):
        client.get(reverse("surveys:analysis"))  # cold: computed on the spot, still correct


def _json_script(body: str, element_id: str):
    import json
    import re

    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def _inline_scripts(body: str) -> list[str]:
    import re

    return [
        s for s in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body) if 'type="application/json"' not in s
    ]


def test_importance_performance_chart_has_quadrant_cuts_named_corners_and_labelled_points(
    client, answered, shop
):
    login(client, shop["analyst"])
    body = client.get(reverse("surveys:analysis"), {"survey": answered.pk}).content.decode()
    chart = _json_script(body, "chart-data")
    drivers = analysis.drivers(survey_id=answered.pk)
    assert chart["ipa_cut"] == [drivers["importance_cut"] * 100, drivers["performance_cut"]]
    assert set(chart["ipa_corners"].values()) == {
        "과잉 투자 가능성",
        "현재 유지",
        "낮은 우선순위",
        "집중 개선",
    }
    assert {p["label"] for p in chart["ipa"]} == {d["text"] for d in drivers["items"]}
    # each statistic carries one plain-Korean line
    assert "고객마다 다른 전반 만족도를 이 항목들로 얼마나 설명하는지" in body
    help_ = body[body.index('id="driver-help"') :]
    assert "β: 다른 항목이 그대로일 때" in help_ and "p: 이 항목이 실제로는 영향이 없는데 우연히" in help_
    # the charts are drawn by static files (CSP): no inline script on the page
    assert _inline_scripts(body) == [] and "surveys/quadrants.js" in body and "surveys/analysis.js" in body


def test_kano_points_are_labelled_with_attribute_and_wave(client, shop):
    survey = services.survey_create(code="kano-1", title="기능 조사", kind="kano")
    services.question_add(survey=survey, kind="kano", code="sameday", text="당일 배송")
    services.survey_set_status(survey=survey, status="active")
    for _ in range(4):
        services.response_record(survey=survey, data={"sameday__functional": 1, "sameday__dysfunctional": 3})
    services.survey_start_wave(survey=survey, wave="2")
    for _ in range(4):
        services.response_record(survey=survey, data={"sameday__functional": 2, "sameday__dysfunctional": 5})
    login(client, shop["analyst"])
    body = client.get(reverse("surveys:kano")).content.decode()
    points = _json_script(body, "kano-points")
    assert [(p["label"], p["wave"]) for p in points] == [("당일 배송", "1"), ("당일 배송", "2")]
    corners = _json_script(body, "kano-text")["corners"]
    assert corners == {
        "topLeft": "매력적",
        "topRight": "일원적",
        "bottomLeft": "무관심",
        "bottomRight": "당연적",
    }
    assert _inline_scripts(body) == [] and "surveys/kano.js" in body
