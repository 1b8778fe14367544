"""The PySpark engine beyond local mode: a real Spark Connect server, started here from the pyspark wheel
(its jars include spark-connect), and the DuckDB ↔ Spark parity run over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from dangol.analytics import Columns, InputError, Options, analyze, cli, engine
from dangol.analytics.tests.spark_server import connect_server

pytestmark = pytest.mark.slow

ROWS = """customer,date,amount,category
A,2024-01-01,100,식품
A,2024-01-01,50,식품
A,2024-01-15,200,가전
A,2024-03-01,300,식품
B,2024-02-01,80,식품
C,2024-01-10,40,뷰티
C,2024-04-01,60,뷰티
C,2024-06-01,10,뷰티
D,2024-05-20,70,가전
D,2024-06-02,90,식품
"""


@pytest.fixture(scope="module")
def spark_remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with connect_server(tmp_path_factory.mktemp("spark-connect")) as url:
        yield url


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "tx.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_duckdb_and_spark_connect_give_the_same_scorecard(small, spark_remote):
    cols = Columns("customer", "date", "amount", "category")
    duck, duck_report = analyze(small, cols, Options(end=dt.date(2024, 6, 30)))
    spark, spark_report = analyze(
        small, cols, Options(end=dt.date(2024, 6, 30), engine="pyspark", spark_remote=spark_remote)
    )
    # the run really went through the server: a Spark Connect session, not a local one
    session = engine._spark_sessions[("remote", spark_remote)]
    assert type(session).__module__.startswith("pyspark.sql.connect")
    assert duck.num_rows == spark.num_rows == 4 and duck.column_names == spark.column_names
    for a, b in zip(duck.to_pylist(), spark.to_pylist(), strict=True):
        for key, value in a.items():
            if isinstance(value, float):
                assert b[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
            else:
                assert b[key] == value, key
    for key in ("segments", "stages", "tiers", "cohorts", "three_r", "pareto"):
        assert spark_report[key] == duck_report[key], key
    for model in ("bgnbd", "gamma_gamma"):
        for key, value in duck_report[model].items():
            if isinstance(value, float):
                assert spark_report[model][key] == pytest.approx(value, rel=1e-9), (model, key)
    assert spark_report["engine"] == "pyspark" and spark_report["n_transactions"] == 10


def test_cli_takes_the_server_from_the_environment_and_names_bad_rows(
    tmp_path, small, spark_remote, monkeypatch, capsys
):
    """DANGOL_SPARK_REMOTE alone sends `dangol analyze` to the server; a negative amount on line 6 is named
    by row there too (the row number, a window over the whole file, is computed only when a check fails)."""
    monkeypatch.setenv("DANGOL_SPARK_REMOTE", spark_remote)
    bad = tmp_path / "bad.csv"
    bad.write_text(ROWS.replace(",80,", ",-80,"), encoding="utf-8")
    args = ["--customer", "customer", "--date", "date", "--amount", "amount", "--end", "2024-06-30"]
    code = cli.main([str(bad), *args, "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == 2 and "6행의 금액이 음수" in capsys.readouterr().err
    assert ("remote", spark_remote) in engine._spark_sessions  # it ran on the server, not in local mode
    assert not (tmp_path / "out" / "report.json").exists()


def test_unreachable_or_malformed_spark_addresses_are_clear_errors(tmp_path, small, capsys):
    with pytest.raises(InputError, match="sc://"):
        engine.spark_session(remote="http://127.0.0.1:1")
    with pytest.raises(InputError, match="하나만"):
        engine.spark_session(remote="sc://127.0.0.1:1", master="local[1]")
    args = ["--customer", "customer", "--date", "date", "--amount", "amount", "--end", "2024-06-30"]
    code = cli.main(
        [str(small), *args, "--engine", "duckdb", "--spark-master", "local[1]", "--out", str(tmp_path / "o")]
    )
    assert code == 2 and "pyspark 엔진에만" in capsys.readouterr().err
    two = ["--spark-remote", "sc://127.0.0.1:1", "--spark-master", "local[1]"]
    assert cli.main([str(small), *args, *two, "--out", str(tmp_path / "o")]) == 2
    assert "하나만" in capsys.readouterr().err
