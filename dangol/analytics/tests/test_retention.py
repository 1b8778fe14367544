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


def _engine_and_mask_figures(path: Path, end: dt.date, cols: Columns) -> tuple[dict, dict]:
    """Cohorts and retention from the engine queries and from the summary's month masks, on the same data."""
    from dangol.analytics import engine, retention

    con = engine.connect()
    tx_ = engine.load(con, path, cols)
    days = engine.customer_days(tx_)
    through = retention.last_complete_day(end)
    months = retention.customer_months(days.filter(days.day <= through))
    by_engine = {
        "cohorts": retention.cohorts(months, through=through),
        "retention": retention.three_r(months)["retention"],
    }
    masks = engine.summary(days, end=end, unit_days=7).to_pyarrow()["month_bits"].to_numpy()
    cohorts, rates = retention.monthly_from_masks(masks, end=end, through=through)
    return by_engine, {"cohorts": cohorts, "retention": rates}


@pytest.mark.parametrize("end", [dt.date(2024, 6, 15), dt.date(2024, 6, 30), dt.date(2025, 2, 3)])
def test_month_masks_give_the_engine_queries_figures(tmp_path, end):
    """Random purchase days over 40 months (gaps, customers buying once, several times a month, after the end):
    the NumPy count from one integer per customer equals the engine's join-based cohorts and retention."""
    import numpy as np

    rng = np.random.default_rng(7)
    start = dt.date(2022, 1, 1)
    lines = ["customer,date,amount"]
    for c in range(300):
        first = int(rng.integers(0, 1200))
        for d in sorted({first, *(first + rng.integers(0, 500, size=int(rng.integers(0, 12))))}):
            lines.append(f"c{c},{start + dt.timedelta(days=int(d))},{int(rng.integers(1, 500))}")
    path = tmp_path / "random.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_engine, by_masks = _engine_and_mask_figures(path, end, Columns("customer", "date", "amount"))
    assert by_masks == by_engine
    assert len(by_masks["cohorts"]["months"]) > 20 and len(by_masks["retention"]) > 20


def test_purchases_older_than_the_masks_fall_back_to_the_engine(tmp_path):
    """A customer first seen 70 months before the end does not fit in 63 bits: the report still has every
    cohort month (the engine path), the same as for data that fit."""
    from dangol.analytics import retention

    assert retention.masks_fit(dt.date(2019, 3, 1), dt.date(2024, 5, 31))
    assert not retention.masks_fit(dt.date(2019, 2, 28), dt.date(2024, 5, 31))
    path = tmp_path / "old.csv"
    path.write_text(ROWS + "F,2018-07-02,100\nF,2018-08-01,100\n", encoding="utf-8")
    _, report = analyze(path, Columns("customer", "date", "amount"), Options(end=dt.date(2024, 6, 15)))
    months = report["cohorts"]["months"]
    assert months[0] == "2018-07" and months[-3:] == ["2024-03", "2024-04", "2024-05"]
    assert report["cohorts"]["retention"][0][:2] == [1.0, 1.0]  # F bought in July and August 2018
    assert {"month": "2018-07", "next_month": "2018-08", "rate": 1.0} in report["three_r"]["retention"]


def test_highest_bit_is_exact_near_powers_of_two():
    import numpy as np

    from dangol.analytics.retention import _highest_bit

    values = np.array([1, 2, 3, (1 << 53) + 1, (1 << 62) - 1, 1 << 62, (1 << 63) - 1], dtype=np.uint64)
    assert _highest_bit(values).tolist() == [0, 1, 1, 53, 61, 62, 62]


def test_bit_counts_count_every_bit_across_chunks():
    """The per-bit counts behind the mask cohorts: equal to testing each bit, over chunk boundaries."""
    import numpy as np

    from dangol.analytics.retention import _bit_counts

    rng = np.random.default_rng(3)
    values = rng.integers(0, 1 << 62, size=1000, dtype=np.int64).view(np.uint64)
    values[:3] = [0, 1, (1 << 63) | 5]
    expected = [int(np.count_nonzero((values >> np.uint64(b)) & np.uint64(1))) for b in range(64)]
    assert _bit_counts(values, chunk=64).tolist() == expected
    assert _bit_counts(values).tolist() == expected
    assert _bit_counts(values[:0]).tolist() == [0] * 64
