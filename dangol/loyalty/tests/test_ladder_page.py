"""What the value page and the customer card say about the ladder, P(alive), months and the full report."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from conftest import login
from dangol.loyalty.models import CustomerValue, ValueRun
from dangol.loyalty.services import _write_back
from dangol.loyalty.tests.test_value import buy_every_55_days, row, scorecard


def test_value_page_prints_the_rules_that_assigned_the_stages(shop, settings, tmp_path, client: Client):
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=6, offset_days=0, amounts=lambda j: 40_000)
    run = value_refresh()
    assert run.status == "done", run.message
    login(client, shop["analyst"])
    body = client.get("/value/").content.decode()
    table = body[body.index('id="ladder-rules"') :]
    table = table[: table.index("</section>")]
    stages = re.findall(r'data-stage="(\w+)"', table)
    assert stages == ["prospect", "lapsed", "at_risk", "partner", "advocate", "regular", "first_purchase"]
    # the thresholds come from the run's rule table, in plain Korean
    assert "마지막 구매 후 365일 넘게 구매 없음" in table and "활동 확률 20% 미만" in table
    assert "구매 2회 이상" in table and "최근 1년 추천 의향 9–10점" in table and "가치 등급 초우량" in table
    assert "거래 중단" in table and "이탈 우려" in table
    assert 'id="p-alive-note"' in table  # why one-time buyers carry no P(alive)


def test_a_rule_table_changed_in_the_report_is_what_the_page_shows(shop, client: Client):
    ValueRun.objects.create(
        end_date="2026-11-24",
        status="done",
        report={
            "ladder": [
                {"stage": "lapsed", "any_of": [[{"feature": "days_since_last", "op": ">", "value": 400}]]},
                {"stage": "regular", "any_of": [[{"feature": "purchases", "op": ">=", "value": 3}]]},
            ]
        },
    )
    login(client, shop["manager"])
    body = client.get("/value/").content.decode()
    assert "400일 넘게" in body and "구매 3회 이상" in body and "365일" not in body


def test_card_shows_p_alive_only_with_a_repeat_purchase_and_says_why(shop, tmp_path, client: Client):
    hong, kim = shop["hong"], shop["kim"]
    run = ValueRun.objects.create(end_date="2026-11-24", status="done")
    _write_back(
        scorecard(
            tmp_path / "a.parquet",
            [
                row(
                    hong.pk,
                    frequency=0,
                    probability_alive=1.0,
                    stage="first_purchase",
                    rfm_segment="Hibernating",
                ),
                row(kim.pk, frequency=3, probability_alive=0.31, stage="at_risk"),
            ],
        ),
        run,
    )
    login(client, shop["agent"])
    once = client.get(f"/customers/{hong.pk}/").content.decode()
    badge = re.search(r'id="p-alive"[^>]*>([^<]*)<', once)
    assert badge and "100%" not in badge.group(1) and "재구매 후" in badge.group(1)
    repeat = client.get(f"/customers/{kim.pk}/").content.decode()
    badge = re.search(r'id="p-alive"[^>]*>([^<]*)<', repeat)
    assert badge and "31%" in badge.group(1)
    assert re.search(r'class="badge warn" id="ladder-stage">이탈 우려<', repeat)
    assert CustomerValue.objects.get(customer=hong).probability_alive_shown is None


def test_latest_retention_names_its_two_finished_months(shop, client: Client):
    ValueRun.objects.create(
        end_date="2026-11-24",
        status="done",
        report={
            "three_r": {
                "related_sales": {"revenue_share": 0.2, "cross_category_buyer_share": 0.3},
                "retention": [
                    {"month": "2026-09", "next_month": "2026-10", "rate": 0.41},
                ],
            },
            "cohorts": {
                "months": ["2026-10"],
                "sizes": [3],
                "retention": [[1.0]],
                "complete_through": "2026-10-31",
            },
        },
    )
    login(client, shop["analyst"])
    body = client.get("/value/").content.decode()
    assert 'id="latest-retention">41.0%<' in body and "2026-09에 산 고객 중 2026-10에도 산 비율" in body
    assert "2026-10-31까지" in body


def test_full_report_is_a_link_served_to_value_roles_only(shop, settings, tmp_path, client: Client):
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=4, offset_days=0, amounts=lambda j: 40_000)
    run = value_refresh()
    login(client, shop["analyst"])
    body = client.get("/value/").content.decode()
    link = re.search(r'<a href="([^"]+)" id="full-report"', body)
    assert link and link.group(1) == f"/value/runs/{run.pk}/report/"
    assert str(tmp_path) not in body and "report.html" not in body  # no server path on the page
    response = client.get(link.group(1))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = b"".join(response.streaming_content).decode()
    assert "고객 가치 분석 보고서" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    for user, status in (("manager", 200), ("agent", 403), ("viewer", 403)):
        login(client, shop[user])
        assert client.get(link.group(1)).status_code == status, user


def test_report_outside_the_analytics_folder_or_missing_is_not_served(
    shop, settings, tmp_path, client: Client
):
    settings.VAR_DIR = tmp_path / "var"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "report.html").write_text("secret", encoding="utf-8")
    outside = ValueRun.objects.create(end_date=dt.date(2026, 11, 1), status="done", output_dir=str(elsewhere))
    sneaky = ValueRun.objects.create(
        end_date=dt.date(2026, 11, 1),
        status="done",
        output_dir=str(tmp_path / "var" / "analytics" / ".." / ".." / "elsewhere"),
    )
    missing = ValueRun.objects.create(
        end_date=dt.date(2026, 11, 1), status="done", output_dir=str(tmp_path / "var" / "analytics" / "run-x")
    )
    login(client, shop["manager"])
    for run in (outside, sneaky, missing):
        assert client.get(f"/value/runs/{run.pk}/report/").status_code == 404
    assert 'id="full-report"' not in client.get("/value/").content.decode()
