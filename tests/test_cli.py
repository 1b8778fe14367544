"""The `dangol` console command: help, the summary without arguments, and hyphenated command names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MAIN_COMMANDS = ("analyze", "import", "demo-data", "serve", "worker", "text", "kano")
CONSOLE_SCRIPT = Path(sys.executable).with_name("dangol")


def run(tmp_path: Path, *args: str, module: bool = False) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DANGOL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "dangol"] if module else [str(CONSOLE_SCRIPT)]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(autouse=True)
def _console_script_installed() -> None:
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} is missing: `pip install -e .` installs it"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_flags_print_the_usage_with_the_main_commands(tmp_path, flag):
    out = run(tmp_path, flag)
    assert out.returncode == 0, out.stderr
    assert "Unknown command" not in out.stdout + out.stderr
    assert "사용법 (usage): dangol COMMAND" in out.stdout
    for command in MAIN_COMMANDS:
        assert f"\n  {command}" in out.stdout, command


def test_no_arguments_print_a_korean_and_english_summary(tmp_path):
    out = run(tmp_path, module=True)
    assert out.returncode == 0, out.stderr
    assert "주요 명령 (main commands)" in out.stdout
    assert "데모 데이터" in out.stdout and "create Korean demo data" in out.stdout
    assert "dangol COMMAND --help" in out.stdout
    assert "[auth]" not in out.stdout  # not Django's list of every command


def test_help_on_one_command_and_hyphenated_names_reach_the_command(tmp_path):
    analyze = run(tmp_path, "help", "analyze")
    assert analyze.returncode == 0 and "--customer" in analyze.stdout, analyze.stderr
    for args in (["demo-data", "--help"], ["help", "demo-data"]):
        out = run(tmp_path, *args)
        assert out.returncode == 0 and "--customers" in out.stdout, (args, out.stderr)
    version = run(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("dangol "), version.stderr


def test_an_unknown_command_still_fails_and_points_to_help(tmp_path):
    out = run(tmp_path, "nonsense", module=True)
    assert out.returncode != 0
    assert "Unknown command: 'nonsense'" in out.stderr and "dangol help" in out.stderr
