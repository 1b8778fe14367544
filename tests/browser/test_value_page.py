"""The 고객 가치 page after a real engine run on the demo business: charts drawn, grid and cohorts shown, the
ladder's rules printed, the full report one tap away, readable on a phone. The survey analysis pages of the
same business: quadrant lines and labelled points."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dangol.demo.generate import DEMO_PASSWORD, generate
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
END = dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.fixture
def valued(transactional_db, settings, tmp_path):
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    generate(customers=300, seed=2026, end=END)
    run = value_refresh(end=END.date())
    assert run.status == "done", run.message
    return run


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Log in and wait for whichever home page the role lands on (an analyst's is the value page)."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def _no_js_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_analyst_reads_customer_value_on_desktop_and_phone(live_server, desktop_page, phone_page, valued):
    from django.db.models import Count

    from dangol.customers.models import Customer

    base = live_server.url
    for page, name in ((desktop_page, "value-desktop"), (phone_page, "value-phone")):
        errors = _no_js_errors(page)
        log_in(page, base, "analyst", DEMO_PASSWORD)
        page.goto(f"{base}/value/")
        for chart in ("tier-chart", "stage-chart", "segment-chart", "clv-chart", "pareto-chart"):
            assert page.evaluate(f"Chart.getChart(document.getElementById('{chart}')) !== undefined"), chart
        # the concentration curve starts at the origin and ends at 100% of revenue
        last = page.evaluate(
            "Chart.getChart(document.getElementById('pareto-chart')).data.datasets[0].data.at(-1).y"
        )
        assert last == pytest.approx(100.0)
        assert page.locator("#rfm-grid tbody tr").count() == 5
        shown = sum(int(b.replace(",", "")) for b in page.locator("#rfm-grid tbody b").all_inner_texts())
        assert shown == valued.report["n_customers"]
        assert page.locator("#cohort-table tbody tr").count() >= 6
        # the cohort table stops at the last finished month (END is 20 November)
        assert page.locator("#cohort-table tbody th").last.inner_text() == "2026-10"
        # every stage counted, and its rule printed beside the chart
        stages = page.evaluate("Chart.getChart(document.getElementById('stage-chart')).data.datasets[0].data")
        # every customer is counted, except those whose processing is suspended (처리정지: the demo has one)
        assert sum(stages) == Customer.objects.filter(processing_suspended_at__isnull=True).count()
        assert Customer.objects.filter(processing_suspended_at__isnull=False).exists()
        assert page.locator("#ladder-rules tbody tr").count() == 7
        assert "거래 중단" in page.inner_text("#ladder-rules")
        screenshot(page, name, full_page=True)
        assert errors == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391

    # 첫 거래 means exactly one purchase day (paid orders up to the end date), whatever the RFM segment says
    from django.utils import timezone

    from dangol.loyalty.models import CustomerValue
    from dangol.orders.models import Order

    firsts = set(CustomerValue.objects.filter(stage="first_purchase").values_list("customer_id", flat=True))
    days: dict[int, set[dt.date]] = {}
    for customer_id, at in Order.objects.filter(
        customer_id__in=firsts, status__in=["paid", "partially_refunded"], ordered_at__lte=END
    ).values_list("customer_id", "ordered_at"):
        days.setdefault(customer_id, set()).add(timezone.localtime(at).date())
    assert firsts and all(len(days[c]) == 1 for c in firsts)
    assert max(Customer.objects.annotate(n=Count("orders")).values_list("n", flat=True)) <= 50

    # the full report: a link on the page, served by the app under its own policy
    page = desktop_page
    href = page.get_attribute("#full-report", "href")
    assert href == f"/value/runs/{valued.pk}/report/"
    response = page.goto(f"{base}{href}")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "고객 가치 분석 보고서"


def test_analyst_reads_drivers_and_kano_with_quadrants_and_labels(live_server, desktop_page, valued):
    page, base = desktop_page, live_server.url
    errors = _no_js_errors(page)
    log_in(page, base, "analyst", DEMO_PASSWORD)
    has_quadrants = "(id) => Chart.getChart(document.getElementById(id)).config.plugins.some((p) => p.id === 'dangolQuadrants')"
    page.goto(f"{base}/surveys/analysis/")
    assert page.evaluate(has_quadrants, "ipa-chart")
    labels = page.evaluate(
        "Chart.getChart(document.getElementById('ipa-chart')).data.datasets.flatMap((d) => d.data.map((p) => p.label))"
    )
    assert labels and all(labels)
    page.locator("#ipa-chart").scroll_into_view_if_needed()
    screenshot(page, "survey-analysis-ipa-desktop", full_page=True)
    page.goto(f"{base}/surveys/kano/")
    assert page.evaluate(has_quadrants, "kano-chart")
    kano = page.evaluate(
        "Chart.getChart(document.getElementById('kano-chart')).data.datasets.flatMap((d) => d.data.map((p) => p.label))"
    )
    assert kano and all(" · " in label for label in kano)  # two waves: attribute · wave
    screenshot(page, "survey-kano-desktop", full_page=True)
    assert errors == []
