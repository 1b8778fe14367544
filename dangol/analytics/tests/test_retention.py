"""Monthly cohorts and retention count finished months only (issue 13: not the month still running)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dangol.analytics import Columns, Options, analyze
from dangol.analytics.retention import last_complete_day

ROWS = """customer,date,amount
A,2024-04-05,100
A,2024-05-10,100
A,2024-06-03,100
B,2024-04-20,100
B,2024-05-02,100
C,2024-05-20,100
C,2024-06-10,100
D,2024-06-05,100
E,2024-03-15,100
"""


@pytest.fixture
def tx(tmp_path: Path) -> Path:
    path = tmp_path / "tx.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("end", "through"),
    [
        (dt.date(2024, 6, 15), dt.date(2024, 5, 31)),
        (dt.date(2024, 6, 30), dt.date(2024, 6, 30)),
        (dt.date(2024, 7, 1), dt.date(2024, 6, 30)),
        (dt.date(2024, 3, 1), dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 10), dt.date(2024, 12, 31)),
    ],
)
def test_last_complete_day(end, through):
    assert last_complete_day(end) == through


def test_mid_month_end_leaves_the_running_month_out_of_cohorts_and_retention(tx):
    _, report = analyze(tx, Columns("customer", "date", "amount"), Options(end=dt.date(2024, 6, 15)))
    cohorts = report["cohorts"]
    # June is running: D's first purchase (June) makes no cohort, June purchases fill no cell
    assert (
        cohorts["months"] == ["2024-03", "2024-04", "2024-05"] and cohorts["complete_through"] == "2024-05-31"
    )
    assert cohorts["sizes"] == [1, 2, 1]
    march, april, may = cohorts["retention"]
    assert march[:4] == [1.0, 0.0, 0.0, None]  # E never came back: 0%, observed; June not observed yet
    assert april[:3] == [1.0, 1.0, None]
    assert may[:2] == [1.0, None]
    # 최근 월 유지율: April's buyers in May (both), not May's buyers in a half-finished June (2 of 3)
    latest = report["three_r"]["retention"][-1]
    assert latest == {"month": "2024-04", "next_month": "2024-05", "rate": 1.0}


def test_an_end_on_the_last_day_of_a_month_counts_that_month(tx):
    _, report = analyze(tx, Columns("customer", "date", "amount"), Options(end=dt.date(2024, 6, 30)))
    assert report["cohorts"]["months"][-1] == "2024-06"
    latest = report["three_r"]["retention"][-1]
    assert latest["month"] == "2024-05" and latest["rate"] == pytest.approx(2 / 3, abs=1e-4)
