"""Summary definitions, segments, bad input and the command line — on hand-made files."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dangol.analytics import Columns, InputError, Options, analyze, cli, engine, segments

ROWS = """customer,date,amount,category
A,2024-01-01,100,식품
A,2024-01-01,50,식품
A,2024-01-15,200,가전
A,2024-03-01,300,식품
B,2024-02-01,80,식품
C,2024-01-10,40,뷰티
C,2024-04-01,60,뷰티
C,2024-06-01,10,뷰티
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "tx.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_summary_follows_fader_hardie_lee(small):
    con = engine.connect()
    tx = engine.load(con, small, Columns("customer", "date", "amount", "category"))
    rows = {
        r["customer_id"]: r
        for r in engine.summary(tx, end=dt.date(2024, 3, 31), unit_days=1).to_pyarrow().to_pylist()
    }
    a = rows["A"]
    # two transactions on 1 Jan are one purchase day; repeat days are 15 Jan and 1 Mar
    assert (a["frequency"], a["recency"], a["T"]) == (2, 60.0, 90.0)
    assert a["monetary"] == pytest.approx((200 + 300) / 2)
    assert (rows["B"]["frequency"], rows["B"]["monetary"], rows["B"]["recency"]) == (0, 0.0, 0.0)
    c = rows["C"]  # purchases after --end are not in the calibration summary
    assert (c["frequency"], c["T"], c["total"]) == (0, 81.0, 40.0)


def test_rfm_segments_on_hand_made_scores():
    import ibis

    t = ibis.memtable(
        {
            "customer_id": [str(i) for i in range(10)],
            "days_since_last": [1, 2, 3, 4, 5, 200, 300, 400, 500, 600],
            "frequency": [9, 8, 7, 6, 5, 0, 0, 0, 9, 4],
            "total": [900, 800, 700, 600, 500, 10, 5, 1, 950, 300],
        }
    )
    out = {r["customer_id"]: r for r in ibis.duckdb.connect().execute(segments.rfm(t)).to_dict("records")}
    assert out["0"]["rfm_segment"] == "Champions" and (out["0"]["rfm_r"], out["0"]["rfm_f"]) == (5, 5)
    assert (out["8"]["rfm_r"], out["8"]["rfm_f"], out["8"]["rfm_m"]) == (1, 5, 5)
    assert out["8"]["rfm_segment"] == "Can't lose"  # bought much, long ago
    assert (out["9"]["rfm_r"], out["9"]["rfm_f"], out["9"]["rfm_m"]) == (1, 2, 2)
    assert out["9"]["rfm_segment"] == "Hibernating"
    assert out["7"]["rfm_segment"] == "Hibernating" and out["7"]["rfm_r"] == 2


def test_rfm_grid_names_every_cell_and_reaches_every_segment():
    names = [name for row in segments.GRID.values() for name in row]
    assert len(names) == 25 and set(names) == set(segments.SEGMENTS)


def test_tiers_and_ladder():
    import numpy as np

    clv = np.array([1000.0, 500, 200, 100, 50, 20, 10, 5, 2, 1] * 2)
    tiers = segments.value_tiers(clv)
    assert (
        list(tiers).count("초우량") == 1
        and list(tiers).count("우량") == 3
        and list(tiers).count("일반") == 10
    )
    stages = segments.ladder_stages(
        {
            "purchases": np.array([6, 6, 1]),
            "days_since_last": np.array([10.0, 10, 10]),
            "p_alive": np.array([0.9, 0.9, 1.0]),
            "promoter": np.array([True, True, True]),
            "tier": np.array(["초우량", "일반", "일반"], dtype=object),
        }
    )
    assert list(stages) == ["partner", "advocate", "first_purchase"]


def test_pareto_and_three_r_and_cohorts(small):
    _, report = analyze(
        small, Columns("customer", "date", "amount", "category"), Options(end=dt.date(2024, 6, 30))
    )
    assert report["pareto"]["top20_revenue_share"] == pytest.approx(650 / 840, rel=1e-3)
    related = report["three_r"]["related_sales"]
    assert related["revenue_share"] == pytest.approx(
        200 / 840, rel=1e-3
    )  # A's 가전 beyond A's first category 식품
    assert related["cross_category_buyer_share"] == pytest.approx(1 / 3, abs=1e-4)
    cohort = report["cohorts"]
    assert cohort["months"][0] == "2024-01" and cohort["sizes"][0] == 2 and cohort["retention"][0][0] == 1.0


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("", ["--customer", "customer"], "빈 파일"),
        (ROWS, ["--customer", "nobody"], "nobody"),
        (ROWS.replace("2024-02-01", "2024-13-45"), ["--customer", "customer"], "6행"),
        (ROWS.replace(",80,", ",-80,"), ["--customer", "customer"], "음수"),
        (ROWS.replace(",80,", ",eighty,"), ["--customer", "customer"], "숫자"),
        ("customer,date,amount\n", ["--customer", "customer"], "거래가 한 건도"),
    ],
)
def test_bad_input_names_column_and_row_and_exits_2(tmp_path, capsys, content, args, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code = cli.main(
        [
            str(path),
            *args,
            "--date",
            "date",
            "--amount",
            "amount",
            "--end",
            "2024-06-30",
            "--out",
            str(tmp_path / "out"),
            "--no-progress",
        ]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out" / "report.json").exists()


def test_cli_writes_the_scorecard_and_both_reports(tmp_path, cdnow_csv):
    out = tmp_path / "out"
    code = cli.main(
        [
            str(cdnow_csv),
            "--customer",
            "customer",
            "--date",
            "date",
            "--amount",
            "dollars",
            "--end",
            "1997-09-30",
            "--holdout-end",
            "1998-06-30",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    card = pq.read_table(out / "customers.parquet")
    assert card.column_names == [
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
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {
        "n_customers",
        "n_transactions",
        "bgnbd",
        "gamma_gamma",
        "pareto",
        "segments",
        "stages",
        "cohorts",
        "three_r",
        "holdout",
    } <= set(report)
    assert set(report["bgnbd"]) >= {"r", "alpha", "a", "b", "log_likelihood", "converged", "message"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert (
        "<svg" in html
        and "2:8" in html
        and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    grid = report["rfm_grid"]
    assert sum(map(sum, grid["counts"])) == report["n_customers"] == 2357
    assert (
        sum(
            c
            for row, segs in zip(grid["counts"], grid["segments"], strict=True)
            for c, seg in zip(row, segs, strict=True)
            if seg == "Champions"
        )
        == report["segments"]["Champions"]
    )
    assert "RFM 격자" in html and "최우수" in html


def test_scorecard_ready_gets_the_scorecard_before_the_report(tmp_path, small):
    """The CLI starts writing customers.parquet from `scorecard_ready` while the report is assembled: the
    callback gets the finished scorecard once, before the report step, and the file the CLI writes from it
    is the scorecard `analyze` returns."""
    steps: list[str] = []
    handed: list = []
    cols = Columns("customer", "date", "amount", "category")
    card, _ = analyze(
        small,
        cols,
        Options(end=dt.date(2024, 6, 30)),
        progress=steps.append,
        scorecard_ready=lambda table: handed.append((table, list(steps))),
    )
    assert len(handed) == 1
    table, steps_before = handed[0]
    assert table.equals(card) and "score" in steps_before and "report" not in steps_before
    out = tmp_path / "out"
    args = [str(small), "--customer", "customer", "--date", "date", "--amount", "amount", "--category"]
    code = cli.main([*args, "category", "--end", "2024-06-30", "--out", str(out), "--no-progress"])
    assert code == 0
    assert pq.read_table(out / "customers.parquet").equals(card)


def test_duckdb_and_pyspark_give_the_same_scorecard(small):
    if shutil.which("java") is None:
        pytest.skip("PySpark needs Java (openjdk) on PATH")
    cols = Columns("customer", "date", "amount", "category")
    duck, duck_report = analyze(small, cols, Options(end=dt.date(2024, 6, 30)))
    spark, spark_report = analyze(
        small, cols, Options(end=dt.date(2024, 6, 30), engine="pyspark", spark_master="local[1]")
    )
    # the classic master URL reaches the session (a cluster's spark://…, yarn or k8s://… the same way)
    assert engine._spark_sessions[("master", "local[1]")].sparkContext.master == "local[1]"
    assert duck.column_names == spark.column_names
    for a, b in zip(duck.to_pylist(), spark.to_pylist(), strict=True):
        for key, value in a.items():
            if isinstance(value, float):
                assert b[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
            else:
                assert b[key] == value, key
    for key in ("segments", "stages", "tiers", "cohorts", "three_r", "pareto"):
        assert spark_report[key] == duck_report[key], key


def test_library_raises_input_error_for_missing_columns(small):
    with pytest.raises(InputError, match="열이 없습니다"):
        analyze(small, Columns("who", "date", "amount"), Options(end=dt.date(2024, 6, 30)))


def test_cli_ladder_lists_and_tier_shares(tmp_path, small):
    advocates = tmp_path / "advocates.csv"
    advocates.write_text("customer_id\nA\nC\n", encoding="utf-8")
    out = tmp_path / "out"
    code = cli.main(
        [
            str(small),
            "--customer",
            "customer",
            "--date",
            "date",
            "--amount",
            "amount",
            "--end",
            "2024-06-30",
            "--advocates",
            str(advocates),
            "--super-share",
            "0.34",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    card = {r["customer_id"]: r for r in pq.read_table(out / "customers.parquet").to_pylist()}
    assert card["B"]["stage"] == "first_purchase"  # one purchase: not a regular, so not an advocate either
    assert {card["A"]["stage"], card["C"]["stage"]} <= {"advocate", "partner"}
    assert [r["value_tier"] for r in card.values()].count("초우량") == 1


def test_cli_rejects_impossible_tier_shares(tmp_path, small, capsys):
    code = cli.main(
        [
            str(small),
            "--customer",
            "customer",
            "--date",
            "date",
            "--amount",
            "amount",
            "--end",
            "2024-06-30",
            "--super-share",
            "0.6",
            "--superior-share",
            "0.6",
            "--out",
            str(tmp_path / "o"),
            "--no-progress",
        ]
    )
    assert code == 2 and "등급 비율" in capsys.readouterr().err


def test_dangol_analyze_as_a_process_runs_without_the_cycle_collector_and_freezes_before_exit(tmp_path):
    """`dangol analyze` run as its own process (the console command, argv from sys.argv) turns Python's cyclic
    garbage collector off for the run and freezes the objects left before the exit (`cli.run`), writing the
    same files as an in-process `cli.main` call, which leaves the collector alone."""
    import gc
    import subprocess
    import sys

    file = tmp_path / "lines.csv"
    file.write_text(
        "customer,date,amount\n1,2024-01-05,1000\n1,2024-03-01,2000\n2,2024-02-01,500\n3,2024-01-20,700\n"
        "3,2024-05-02,900\n",
        encoding="utf-8",
    )
    common = ["--customer", "customer", "--date", "date", "--amount", "amount", "--end", "2024-06-30"]
    wrapper = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('ENABLED', gc.isenabled(), 'FROZEN', gc.get_freeze_count() > 0))\n"
        "from dangol.cli import main\n"
        "sys.exit(main())\n"
    )
    out = tmp_path / "process"
    done = subprocess.run(
        [sys.executable, "-c", wrapper, "analyze", str(file), *common, "--out", str(out), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "ENABLED False FROZEN True"
    assert gc.isenabled()
    assert cli.main([str(file), *common, "--out", str(tmp_path / "inside"), "--no-progress"]) == 0
    assert gc.isenabled()
    for name in ("report.json", "report.html", "customers.parquet"):
        assert (out / name).read_bytes() == (tmp_path / "inside" / name).read_bytes()
