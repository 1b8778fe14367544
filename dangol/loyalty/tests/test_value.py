"""Write-back of the engine's scorecard (the customers.parquet contract of issue 5) and the pages on top."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.test import Client

from conftest import login
from dangol.loyalty.models import CustomerValue, ValueRun
from dangol.loyalty.selectors import silent_defection, value_page
from dangol.loyalty.services import _write_back


def scorecard(path: Path, rows: list[dict]) -> Path:
    columns = [
        "customer_id",
        "frequency",
        "recency",
        "T",
        "monetary",
        "rfm_r",
        "rfm_f",
        "rfm_m",
        "rfm_segment",
        "probability_alive",
        "expected_purchases",
        "clv",
        "value_tier",
        "stage",
    ]
    pq.write_table(pa.table({c: [r[c] for r in rows] for c in columns}), path)
    return path


def row(cid, **kw):
    base = {
        "customer_id": cid,
        "frequency": 5,
        "recency": 30.0,
        "T": 40.0,
        "monetary": 52000.0,
        "rfm_r": 5,
        "rfm_f": 5,
        "rfm_m": 5,
        "rfm_segment": "Champions",
        "probability_alive": 0.9,
        "expected_purchases": 3.2,
        "clv": 1_250_000.4,
        "value_tier": "초우량",
        "stage": "regular",
    }
    base.update(kw)
    return base


def test_scorecard_is_written_back_with_prospects_and_movements(shop, tmp_path, client: Client):
    hong, kim = shop["hong"], shop["kim"]
    run = ValueRun.objects.create(
        end_date="2026-11-24", status="done", report={"pareto": {"top20_revenue_share": 0.68}}
    )
    assert _write_back(scorecard(tmp_path / "a.parquet", [row(hong.pk)]), run) == 2
    value = CustomerValue.objects.get(customer=hong)
    assert (value.value_tier, value.stage, value.clv, value.rfm_segment_ko) == (
        "super",
        "regular",
        1_250_000,
        "최우수",
    )
    assert CustomerValue.objects.get(customer=kim).stage == "prospect"  # no purchase yet
    # the next run: hong falls asleep, kim made a first purchase
    _write_back(
        scorecard(
            tmp_path / "b.parquet",
            [
                row(hong.pk, probability_alive=0.2, stage="first_purchase", rfm_segment="At risk"),
                row(kim.pk, value_tier="일반", stage="first_purchase", clv=90_000, probability_alive=0.8),
            ],
        ),
        run,
    )
    value.refresh_from_db()
    assert value.previous_stage == "regular" and value.stage == "first_purchase"
    assert value.previous_probability_alive == 0.9
    assert [v.customer_id for v in silent_defection()] == [hong.pk]
    page = value_page()
    assert page.moved_up == 1 and page.moved_down == 1

    login(client, shop["agent"])
    assert "초우량" in client.get(f"/customers/{hong.pk}/").content.decode()
    listed = client.get("/customers/", {"tier": "super"}).content.decode()
    assert f"/customers/{hong.pk}/" in listed and f"/customers/{kim.pk}/" not in listed
    assert client.get("/value/").status_code == 403  # agents do not see the value page
    login(client, shop["analyst"])
    body = client.get("/value/").content.decode()
    assert "조용히 떠나는 우량 고객" in body and f"/customers/{hong.pk}/" in body and "68.0%" in body


def buy_every_55_days(customer, *, times, offset_days, amounts):
    """`times` one-line orders, the first 300 days ago (plus `offset_days`), then every 55 days."""
    import datetime as dt

    from django.utils import timezone

    from dangol.orders.models import Order, OrderLine

    start = timezone.now() - dt.timedelta(days=300)
    for j in range(times):
        amount = amounts(j)
        order = Order.objects.create(
            customer=customer,
            external_id=f"T-{customer.pk}-{j}",
            ordered_at=start + dt.timedelta(days=55 * j + offset_days),
            total_amount=amount,
        )
        OrderLine.objects.create(order=order, product_name="원두 1kg", unit_price=amount, amount=amount)


def test_value_page_draws_the_engine_report_from_real_orders(shop, client: Client, settings, tmp_path):
    """The scheduled refresh runs the real engine on the app's orders; the page shows its 2:8 curve, RFM grid
    and cohorts."""
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=6, offset_days=0, amounts=lambda j: 30_000 + 10_000 * j)
    buy_every_55_days(shop["kim"], times=2, offset_days=1, amounts=lambda j: 30_000 + 10_000 * j)
    run = value_refresh()
    assert run.status == "done", run.message
    assert sum(map(sum, run.report["rfm_grid"]["counts"])) == run.n_customers == 2
    login(client, shop["analyst"])
    body = client.get("/value/").content.decode()
    assert 'id="pareto-chart"' in body and 'id="rfm-grid"' in body and 'id="cohort-table"' in body
    assert '"revenue": [[' in body  # the concentration curve reaches the page
    assert CustomerValue.objects.get(customer=shop["hong"]).stage == "regular"


def test_a_promoter_regular_climbs_to_advocate(shop, settings, tmp_path):
    """Survey promoters (latest NPS 9–10) move up the ladder from regular to advocate (001)."""
    from dangol.loyalty.services import value_refresh
    from dangol.surveys.services import response_record
    from dangol.surveys.tests.conftest import build_customer_survey

    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=6, offset_days=0, amounts=lambda j: 50_000)
    buy_every_55_days(shop["kim"], times=6, offset_days=1, amounts=lambda j: 50_000)
    survey = build_customer_survey(shop)
    answers = {"overall": "5", "kindness": "5", "price": "4"}
    response_record(survey=survey, data={**answers, "recommend": "10"}, customer=shop["hong"], followup=False)
    response_record(survey=survey, data={**answers, "recommend": "7"}, customer=shop["kim"], followup=False)
    run = value_refresh()
    assert run.status == "done", run.message
    assert CustomerValue.objects.get(customer=shop["hong"]).stage in ("advocate", "partner")
    assert CustomerValue.objects.get(customer=shop["kim"]).stage == "regular"  # a passive, not a promoter


def test_value_page_without_a_run_explains_how_to_get_one(shop, client: Client):
    login(client, shop["manager"])
    assert "dangol value-refresh" in client.get("/value/").content.decode()


def test_refresh_with_no_orders_is_a_clean_no_op(shop):
    from dangol.loyalty.services import value_refresh

    run = value_refresh()
    assert run.status == "done" and "주문이 없어" in run.message
