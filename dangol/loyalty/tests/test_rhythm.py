"""The expected next purchase (dangol.loyalty.rhythm): the BG/NBD posterior rate of each customer, written back by
the value run, shown on the customer card. The arithmetic below is done by hand in the comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from dangol.customers.services import customer_create
from dangol.loyalty.models import CustomerValue, ValueRun
from dangol.loyalty.rhythm import expected_interval, expected_next_purchase, fitted_rhythm
from dangol.loyalty.services import _write_back
from dangol.loyalty.tests.test_value import buy_every_55_days, row, scorecard

END = dt.date(2026, 6, 30)
REPORT = {"time_unit": "week", "bgnbd": {"r": 2.0, "alpha": 10.0, "a": 0.5, "b": 3.0}}


def test_the_interval_is_the_inverse_posterior_mean_rate() -> None:
    # x = 3 repeat purchases over T = 30 weeks: E[λ] = (2 + 3) / (10 + 30) = 1/8 a week → every 8 weeks
    assert expected_interval(frequency=3, age=30, r=2.0, alpha=10.0) == 8.0
    # last purchase: 30 June − (30 − 20) weeks = 30 June − 70 days = 21 April; + 8 weeks (56 days) = 16 June
    assert expected_next_purchase(
        frequency=3, recency=20, age=30, end_date=END, r=2.0, alpha=10.0, unit_days=7
    ) == dt.date(2026, 6, 16)
    # in days as the time unit: the same customer measured in days (T = 210, t_x = 140) with α in days (70)
    # gives (70 + 210) / (2 + 3) = 56 days from 21 April
    assert expected_next_purchase(
        frequency=3, recency=140, age=210, end_date=END, r=2.0, alpha=70.0, unit_days=1
    ) == dt.date(2026, 6, 16)


def test_a_one_time_buyer_gets_the_prior_rhythm_stretched_by_the_wait() -> None:
    # x = 0, bought once 6 weeks before the end: E[λ] = 2 / (10 + 6) = 1/8 → 8 weeks after 19 May = 14 July
    assert expected_next_purchase(
        frequency=0, recency=0, age=6, end_date=END, r=2.0, alpha=10.0, unit_days=7
    ) == dt.date(2026, 7, 14)
    # waiting longer lowers the posterior rate: bought once 30 weeks ago → (10 + 30) / 2 = 20 weeks after 2 Dec 2025
    assert expected_next_purchase(
        frequency=0, recency=0, age=30, end_date=END, r=2.0, alpha=10.0, unit_days=7
    ) == dt.date(2025, 12, 2) + dt.timedelta(weeks=20)


@pytest.mark.parametrize(
    "report",
    [
        None,
        {},
        {"time_unit": "week", "bgnbd": {"r": None, "alpha": 10.0}},
        {"time_unit": "week", "bgnbd": {"r": 0.0, "alpha": 10.0}},
        {"time_unit": "week", "bgnbd": {"r": float("nan"), "alpha": 10.0}},
        {"time_unit": "month", "bgnbd": {"r": 2.0, "alpha": 10.0}},
    ],
)
def test_no_usable_fit_gives_no_date(report: dict[str, Any] | None) -> None:
    assert fitted_rhythm(report) is None


def test_the_value_run_writes_the_date_of_each_buyer_and_none_for_a_prospect(
    shop: dict[str, Any], tmp_path: Path
) -> None:
    hong, kim = shop["hong"], shop["kim"]
    prospect = customer_create(data={"name": "구매전", "phone": "010-5555-0001"})
    run = ValueRun.objects.create(end_date=END)
    path = scorecard(
        tmp_path / "scores.parquet",
        [
            row(hong.pk, frequency=3, recency=20.0, T=30.0),
            row(kim.pk, frequency=0, recency=0.0, T=6.0, stage="first_purchase"),
        ],
    )
    _write_back(path, run, report=REPORT)
    assert CustomerValue.objects.get(customer=hong).expected_next_purchase == dt.date(2026, 6, 16)
    assert CustomerValue.objects.get(customer=kim).expected_next_purchase == dt.date(2026, 7, 14)
    assert CustomerValue.objects.get(customer=prospect).expected_next_purchase is None
    # a run whose fit gave nothing usable clears the date rather than keeping a stale one
    _write_back(path, run, report={})
    assert CustomerValue.objects.get(customer=hong).expected_next_purchase is None


@pytest.mark.django_db
def test_the_real_value_run_stores_the_date_from_its_fitted_parameters(
    shop: dict[str, Any], settings: Any, tmp_path: Path, client: Client
) -> None:
    from dangol.loyalty.services import value_refresh

    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=6, offset_days=0, amounts=lambda j: 50_000)
    buy_every_55_days(shop["kim"], times=1, offset_days=100, amounts=lambda j: 50_000)
    run = value_refresh()
    assert run.status == "done", run.message
    r, alpha = run.report["bgnbd"]["r"], run.report["bgnbd"]["alpha"]
    for customer in (shop["hong"], shop["kim"]):
        v = CustomerValue.objects.get(customer=customer)
        last = run.end_date - dt.timedelta(days=round((v.age - v.recency) * 7))
        interval = round(7 * (alpha + v.age) / (r + v.frequency))
        assert v.expected_next_purchase == last + dt.timedelta(days=interval), customer.name
    # hong bought every 55 days, the last 25 days before the run's end date
    hong = CustomerValue.objects.get(customer=shop["hong"])
    assert hong.frequency == 5 and hong.expected_next_purchase is not None
    assert run.end_date - dt.timedelta(
        days=round((hong.age - hong.recency) * 7)
    ) == run.end_date - dt.timedelta(days=25)
    # the customer card shows it
    client.force_login(shop["agent"], backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(f"/customers/{shop['hong'].pk}/").content.decode()
    assert 'id="next-purchase"' in body and hong.expected_next_purchase.isoformat() in body
