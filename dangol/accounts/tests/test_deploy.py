"""Production settings: never the repository's secret key, HTTPS enforced (`manage.py check --deploy`)."""

from __future__ import annotations

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from dangol.accounts.checks import PUBLIC_SECRET_KEYS

MANAGE = Path(django_settings.BASE_DIR) / "manage.py"
OLD_PUBLIC_KEY = next(iter(PUBLIC_SECRET_KEYS))


def run(var_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # the deployment's environment: none of this test run's settings (conftest sets DJANGO_ALLOW_ASYNC_UNSAFE)
    inherited = ("DANGOL_", "DJANGO_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env={
            **clean,
            "DANGOL_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir}/db.sqlite3",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(var_dir: Path, **env: str) -> tuple[int, str]:
    out = run(var_dir, "check", "--deploy", **env)
    return out.returncode, out.stdout + out.stderr


def secret_key(var_dir: Path, **env: str) -> str:
    out = run(
        var_dir,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **env,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_without_a_key_the_server_makes_its_own_private_one_and_check_deploy_fails(tmp_path: Path):
    key = secret_key(tmp_path)
    assert key not in PUBLIC_SECRET_KEYS and len(key) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret_key(tmp_path) == key, "the key must survive a restart (sessions stay valid)"
    assert secret_key(tmp_path / "other") != key
    code, output = check_deploy(tmp_path)
    assert code != 0 and "dangol.E002" in output


def test_check_deploy_refuses_the_key_that_was_in_the_repository(tmp_path: Path):
    code, output = check_deploy(tmp_path, DANGOL_SECRET_KEY=OLD_PUBLIC_KEY)
    assert code != 0 and "dangol.E001" in output
    code, output = check_deploy(tmp_path, DANGOL_SECRET_KEY="short")
    assert code != 0 and "dangol.E001" in output


def test_check_deploy_passes_with_a_real_key_and_https_on_by_default(tmp_path: Path):
    code, output = check_deploy(tmp_path, DANGOL_SECRET_KEY=secrets.token_urlsafe(50))
    assert code == 0, output
    for switched_on in ("dangol.E00", "security.W004", "security.W008", "security.W012", "security.W016"):
        assert switched_on not in output
    assert not (tmp_path / "secret_key").exists()
    code, output = check_deploy(
        tmp_path, DANGOL_SECRET_KEY=secrets.token_urlsafe(50), DANGOL_SSL_REDIRECT="false"
    )
    assert code == 0 and "security.W008" in output


def test_behind_a_proxy_django_trusts_x_forwarded_proto_only_when_told(tmp_path: Path):
    show = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    assert run(tmp_path, "shell", "--no-imports", "-c", show).stdout.strip() == "None"
    behind = run(tmp_path, "shell", "--no-imports", "-c", show, DANGOL_BEHIND_PROXY="true").stdout.strip()
    assert behind == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.fixture
def production_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_plain_http_is_redirected_and_https_answers_with_hsts(client, db, production_https):
    r = client.get("/login/")
    assert r.status_code == 301 and r["Location"] == "https://testserver/login/"
    r = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert r.status_code == 200 and r["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/healthz").status_code == 200, "load balancers probe over plain HTTP"


def test_pages_send_a_content_security_policy_that_allows_no_inline_script(client, shop):
    from conftest import login

    login(client, shop["agent"])
    # the company overview draws its charts with an inline script (an agent's own home page has none)
    first, second = client.get("/?view=overview"), client.get("/?view=overview")
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in first.content.decode()
    assert nonce.group(1) not in second["Content-Security-Policy"], "a fresh nonce for every response"
    assert "Content-Security-Policy" in client.get("/api/openapi.json").headers


INLINE = re.compile(r"<script>|<style|\sstyle=|\son[a-z]+=|hx-on[:=]|javascript:", re.IGNORECASE)


def test_templates_hold_no_inline_handlers_styles_or_unnonced_scripts():
    """What the policy would refuse, caught without a browser (tests/browser catch it on the pages)."""
    found = [
        f"{path.relative_to(django_settings.BASE_DIR)}: {match.group(0)}"
        for path in (Path(django_settings.BASE_DIR) / "dangol").rglob("templates/**/*.html")
        if not path.name.startswith("email")  # e-mail bodies need inline styles and are never served as pages
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
