"""A real Spark Connect server for tests, started from the installed pyspark wheel (its jars include
spark-connect; a Spark distribution's sbin/start-connect-server.sh runs the same class)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dangol.analytics import engine

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def connect_server(work: Path, *, start_timeout: float = 150.0) -> Iterator[str]:
    """`spark-submit --class …SparkConnectServer --master local[2]` on a free port of 127.0.0.1; yields its
    sc:// URL and stops it (its own process group) afterwards. Skips without Java."""
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (openjdk) on PATH: make system-deps")
    import pyspark

    home = Path(pyspark.__file__).parent
    if not list((home / "jars").glob("spark-connect_*.jar")):
        pytest.fail(f"the pyspark wheel has no spark-connect jar in {home / 'jars'}")
    # pyspark refuses a Connect session while a classic one lives in the process (SESSION_ALREADY_EXIST): stop
    # the local sessions earlier tests in this process started (the suite runs the local parity tests first)
    for target, session in list(engine._spark_sessions.items()):
        if target[0] == "master":
            session.stop()
            del engine._spark_sessions[target]
    port = _free_port()
    before = set(os.environ)
    log_path = work / "server.log"
    env = {**os.environ, "SPARK_HOME": str(home), "PYSPARK_PYTHON": sys.executable}
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                str(home / "bin" / "spark-submit"),
                "--class",
                SERVER_CLASS,
                "--master",
                "local[2]",
                "--conf",
                f"spark.connect.grpc.binding.port={port}",
                "--conf",
                "spark.connect.grpc.binding.address=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.shuffle.partitions=2",
                "--conf",
                f"spark.sql.warehouse.dir={work / 'warehouse'}",
                "--conf",
                f"spark.driver.extraJavaOptions=-Djava.io.tmpdir={work}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: the JVM and what it starts stop together
        )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if server.poll() is not None:
                pytest.fail("Spark Connect server exited:\n" + log_path.read_text()[-3000:])
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                pytest.fail("Spark Connect server did not listen:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        for (kind, _), session in list(engine._spark_sessions.items()):
            if kind == "remote":
                session.stop()
        engine._spark_sessions.clear()
        # a Connect session marks the whole process as "Connect mode" (pyspark keeps it in os.environ):
        # undo it, so later tests in this process can still start a classic local session
        for name in ("SPARK_CONNECT_MODE_ENABLED", "SPARK_REMOTE"):
            if name not in before:
                os.environ.pop(name, None)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
