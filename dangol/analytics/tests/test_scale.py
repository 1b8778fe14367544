"""The shortcuts taken for speed (issue 18) give the same numbers as the direct definitions."""

import datetime as dt
import math

import ibis
import numpy as np
import pytest

from dangol.analytics import Columns, Options, analyze, bgnbd, engine, pipeline, segments


def test_numpy_rfm_scores_equal_the_engine_percent_rank_with_ties():
    rng = np.random.default_rng(7)
    n = 2_000
    days = rng.integers(0, 60, n).astype(float)  # many ties, like real recency in days
    freq = rng.poisson(0.7, n).astype(float)  # half the customers tied at 0
    total = np.round(rng.gamma(1.5, 30_000, n), -3)
    t = ibis.memtable(
        {
            "customer_id": [str(i) for i in range(n)],
            "days_since_last": days,
            "frequency": freq,
            "total": total,
        }
    )
    rows = ibis.duckdb.connect().to_pyarrow(segments.rfm(t).order_by("customer_id"))
    order = np.argsort(np.array([str(i) for i in range(n)]), kind="stable")
    ours = segments.rfm_scores(days, freq, total)
    for column in ("rfm_r", "rfm_f", "rfm_m"):
        assert ours[column][order].tolist() == rows[column].to_pylist(), column
    names = np.asarray(segments.SEGMENTS, dtype=object)[ours["segment"][order]]
    assert names.tolist() == rows["rfm_segment"].to_pylist()
    assert segments.rfm_scores(np.array([3.0]), np.array([0.0]), np.array([10.0]))["rfm_r"].tolist() == [1]


def test_clv_sums_the_monthly_expectations_like_the_definition():
    fit = bgnbd.BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, True, "")
    x = np.array([0.0, 2.0, 2.0, 7.0, 1.0])
    t_x = np.array([0.0, 30.43, 12.0, 35.0, 3.0])
    T = np.array([38.86, 38.86, 38.86, 36.0, 20.0])
    spend = np.array([20.0, 35.5, 35.5, 50.0, 10.0])
    horizon, unit, rate = 52.0, 7.0, 0.10
    month = 30.4375 / unit
    monthly = (1 + rate) ** (1 / 12) - 1
    expected = np.zeros(len(x))
    previous = np.zeros(len(x))
    for i in range(1, math.ceil(horizon / month) + 1):
        current = bgnbd.expected_purchases(fit, min(i * month, horizon), x, t_x, T)
        expected += (current - previous) * spend / (1 + monthly) ** i
        previous = current
    got = pipeline.clv(fit, spend, x, t_x, T, horizon=horizon, unit_days=unit, annual_discount_rate=rate)
    assert got == pytest.approx(expected, rel=1e-12)
    assert got[1] != got[2]  # same (x, T), other recency: P(alive) differs, so does the value
    # the (x, T) groups handed in (the pipeline shares them with the expected purchases): the same numbers
    groups = bgnbd.x_t_groups(x, T)
    shared = pipeline.clv(
        fit, spend, x, t_x, T, horizon=horizon, unit_days=unit, annual_discount_rate=rate, groups=groups
    )
    assert shared.tolist() == got.tolist()


def test_no_dropout_limit_is_kept_by_the_factored_expectation():
    fit = bgnbd.BgNbdFit(0.5, 4.0, 1e-6, 5e4, 0.0, True, "", ["a"])
    x, t_x, T = np.array([0.0, 3.0]), np.array([0.0, 10.0]), np.array([20.0, 30.0])
    assert bgnbd.expected_purchases(fit, 10, x, t_x, T) == pytest.approx((0.5 + x) * 10 / (4.0 + T))


def test_bad_rows_are_named_without_a_row_number_on_clean_files(tmp_path):
    """The clean path asks the engine for counts only; the row number appears in the SQL only on a failure."""
    good = tmp_path / "good.csv"
    good.write_text("c,d,a\nA,2024-01-01,10\nB,2024-01-02,20\n", encoding="utf-8")
    con = engine.connect()
    tx, n = engine.load_counted(con, good, Columns("c", "d", "a"))
    assert n == 2 and "row_number" not in ibis.to_sql(tx).lower()
    bad = tmp_path / "bad.csv"
    bad.write_text("c,d,a\nA,2024-01-01,10\n,2024-01-02,20\nC,2024-01-03,x\n", encoding="utf-8")
    with pytest.raises(engine.InputError, match="4행의 금액"):  # amount checks come before a missing id
        engine.load_counted(engine.connect(), bad, Columns("c", "d", "a"))


def test_duckdb_memory_is_capped_and_the_cap_can_be_raised(monkeypatch):
    con = engine.connect()
    limit = con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.endswith("MiB") and float(limit.split()[0]) < 500
    monkeypatch.setenv("DANGOL_ANALYZE_MEMORY_LIMIT", "2GB")
    limit = engine.connect().raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.startswith("1.8") and "GiB" in limit


def test_advocate_ids_match_numeric_customer_ids(tmp_path):
    """Ids from an integer column are compared as text with the advocate list (no Python string per row)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = tmp_path / "tx.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": pa.array([7, 7, 7, 8, 8, 8], pa.int64()),
                "day": pa.array([dt.date(2024, 1, d) for d in (1, 10, 20, 2, 11, 21)]),
                "amount": pa.array([10, 20, 30, 10, 20, 30], pa.int64()),
            }
        ),
        file,
    )
    options = Options(end=dt.date(2024, 1, 31), ladder=segments.LadderRules(advocates=frozenset({"8"})))
    card, report = analyze(file, Columns("customer_id", "day", "amount"), options)
    stages = dict(zip(card["customer_id"].to_pylist(), card["stage"].to_pylist(), strict=True))
    assert stages == {"7": "regular", "8": "advocate"}
    assert report["stages"]["advocate"] == 1 and sum(report["stages"].values()) == 2


def test_spark_addresses_from_the_environment_give_way_to_engine_duckdb(tmp_path, monkeypatch):
    """A worker whose environment names a cluster still runs `--engine duckdb` in-process (the value job
    passes the engine its settings choose)."""
    import json

    from dangol.analytics import cli

    monkeypatch.setenv("DANGOL_SPARK_REMOTE", "sc://127.0.0.1:1")
    monkeypatch.setenv("DANGOL_SPARK_MASTER", "spark://127.0.0.1:1")
    file = tmp_path / "tx.csv"
    file.write_text("c,d,a\nA,2024-01-01,10\nA,2024-01-09,20\nB,2024-01-02,20\n", encoding="utf-8")
    args = ["--customer", "c", "--date", "d", "--amount", "a", "--end", "2024-01-31", "--no-progress"]
    assert cli.main([str(file), *args, "--engine", "duckdb", "--out", str(tmp_path / "out")]) == 0
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["engine"] == "duckdb"
