"""The 고객 가치 page after a real engine run on the demo business: charts drawn, grid and cohorts shown,
readable on a phone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dangol.demo.generate import DEMO_PASSWORD, generate
from tests.browser.conftest import log_in, screenshot

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


def test_analyst_reads_customer_value_on_desktop_and_phone(live_server, desktop_page, phone_page, valued):
    base = live_server.url
    for page, name in ((desktop_page, "value-desktop"), (phone_page, "value-phone")):
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
        screenshot(page, name, full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 391
