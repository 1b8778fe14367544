"""`dangol serve` starts gunicorn and the job worker together; the console command runs imports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_web_and_worker_and_the_cli_imports(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DANGOL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DANGOL_SSL_REDIRECT": "false",  # as `make demo`: plain HTTP on 127.0.0.1
    }
    env.pop("DANGOL_SECRET_KEY", None)  # the server makes its own key under DANGOL_VAR_DIR
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-m", "dangol", "migrate", "-v0"], env=env, check=True, timeout=600)
    csv = tmp_path / "c.csv"
    csv.write_text("external_id,name,phone\nS1,서버고객,010-1111-0000\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "dangol", "import", "customers", str(csv), "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0 and "새로 추가 1" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "dangol", "import", "customers", str(tmp_path / "missing.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode != 0 and "파일이 없습니다" in bad.stderr

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dangol", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert '"ok": true' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/vendor/htmx.min.js", timeout=5) as r:
            assert r.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/customers/", timeout=5) as r:
            assert "/login/" in r.url
        children = subprocess.run(
            ["pgrep", "-f", "dangol worker", "-P", str(proc.pid)], capture_output=True, text=True
        )
        assert children.stdout.strip(), "the job worker is not running"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
