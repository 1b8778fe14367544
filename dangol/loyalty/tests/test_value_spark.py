"""The daily value job runs on the engine the settings choose: here a real Spark Connect server."""

from __future__ import annotations

import pytest

from dangol.analytics import engine
from dangol.analytics.tests.spark_server import connect_server
from dangol.loyalty.models import CustomerValue
from dangol.loyalty.services import engine_args, value_refresh
from dangol.loyalty.tests.test_value import buy_every_55_days

pytestmark = pytest.mark.slow


def test_engine_options_follow_the_settings(settings):
    assert engine_args() == ["--engine", "duckdb"]
    settings.DANGOL_ANALYTICS_ENGINE = "pyspark"
    assert engine_args() == ["--engine", "pyspark"]  # local[2]
    settings.DANGOL_SPARK_MASTER = "spark://spark-master:7077"
    assert engine_args() == ["--engine", "pyspark", "--spark-master", "spark://spark-master:7077"]
    settings.DANGOL_SPARK_REMOTE = "sc://spark-connect:15002"  # Connect wins over a master
    assert engine_args() == ["--engine", "pyspark", "--spark-remote", "sc://spark-connect:15002"]


def test_value_refresh_on_a_spark_connect_server_matches_duckdb(shop, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    buy_every_55_days(shop["hong"], times=6, offset_days=0, amounts=lambda j: 30_000 + 10_000 * j)
    buy_every_55_days(shop["kim"], times=2, offset_days=1, amounts=lambda j: 30_000 + 10_000 * j)
    local = value_refresh()
    assert local.status == "done" and local.report["engine"] == "duckdb"
    on_duckdb = {v.customer_id: (v.stage, v.value_tier, v.rfm_segment) for v in CustomerValue.objects.all()}
    clv_duckdb = {v.customer_id: v.clv for v in CustomerValue.objects.all()}
    with connect_server(tmp_path) as url:
        settings.DANGOL_ANALYTICS_ENGINE = "pyspark"
        settings.DANGOL_SPARK_REMOTE = url
        run = value_refresh()
        assert ("remote", url) in engine._spark_sessions  # computed on the server, not in local mode
    assert run.status == "done", run.message
    assert run.report["engine"] == "pyspark" and run.n_customers == 2
    on_spark = {v.customer_id: (v.stage, v.value_tier, v.rfm_segment) for v in CustomerValue.objects.all()}
    assert on_spark == on_duckdb and on_spark[shop["hong"].pk][0] == "regular"
    for v in CustomerValue.objects.all():  # ₩, rounded: the two engines' fits agree to ~1e-9
        assert abs(v.clv - clv_duckdb[v.customer_id]) <= 1
