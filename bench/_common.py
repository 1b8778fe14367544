"""Helpers the benchmark harnesses share: facts about the machine for the results header, a Django phase
run in a child process with its own database, timing a subprocess (wall time, peak memory), and the
process tree under a child (its memory and CPU seconds).

The harnesses are run as scripts (`python bench/<area>/run.py`), so they import this file by path:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from _common import ...
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def logger(area: str) -> Callable[[str], None]:
    """`log(message)` writing `[bench/<area> HH:MM:SS] message` to stderr."""

    def log(message: str) -> None:
        print(f"[bench/{area} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    return log


# --------------------------------------------------------------------------------------------
# Machine facts


def cpu_model() -> str:
    with contextlib.suppress(OSError, StopIteration):
        return next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return "unknown CPU"


def ram_gib() -> float:
    try:
        match = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        if match:
            return int(match.group(1)) / 2**20
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        )
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def version(dist: str) -> str:
    """The installed version of a distribution, without importing it."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(dist)
    except PackageNotFoundError:
        return "not installed"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine_facts() -> dict[str, str]:
    """nproc, cpu, ram, os, python, commit: what every results file says about the machine it ran on."""
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu_model(),
        "ram": f"{ram_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": git_commit(),
    }


# --------------------------------------------------------------------------------------------
# A Django phase in a child process


def django_env(var_dir: Path, db_path: Path) -> dict[str, str]:
    """The environment of a child that runs Dangol on its own SQLite file, quietly, DEBUG off."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dangol.settings",
            "DANGOL_DEBUG": "false",
            "DANGOL_LOG_LEVEL": "ERROR",
            "DANGOL_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{db_path}",
            "PYTHONHASHSEED": "0",
        }
    )
    return env


def run_phase(
    script: str | Path, phase: str, cfg: dict[str, Any], *, var_dir: Path, db_path: Path
) -> dict[str, Any]:
    """Run `script --phase PHASE --config CFG.json --out RESULT.json` in a child with `django_env`, and
    return the JSON it wrote. The child's stdout goes to our stderr; a failed phase stops the benchmark."""
    script = Path(script).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    cfg_path = var_dir / f"{phase}-config.json"
    out_path = var_dir / f"{phase}-result.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    cmd = [sys.executable, str(script), "--phase", phase, "--config", str(cfg_path), "--out", str(out_path)]
    proc = subprocess.run(cmd, cwd=ROOT, env=django_env(var_dir, db_path), stdout=sys.stderr, check=False)
    if proc.returncode != 0 or not out_path.exists():
        area = script.parent.relative_to(ROOT)
        raise SystemExit(f"{area}: phase {phase} failed (exit {proc.returncode})")
    return json.loads(out_path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Process trees and timing a subprocess


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (which may hold spaces): fields 3 onwards."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2 :].split()


def descendants(root: int, *, with_commands: bool = True) -> dict[int, str]:
    """pid → command line of every process under `root` (not `root` itself); "" without commands."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                children.setdefault(int(_stat_fields(int(entry))[1]), []).append(int(entry))
    out: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                command = ""
                if with_commands:
                    with contextlib.suppress(OSError):
                        raw = Path(f"/proc/{child}/cmdline").read_bytes()
                        command = raw.replace(b"\0", b" ").decode("utf-8", "replace")
                out[child] = command
                todo.append(child)
    return out


def tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, in bytes."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in [root, *descendants(root, with_commands=False)]:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 if it is gone)."""
    try:
        fields = _stat_fields(pid)
    except (OSError, ValueError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    cmd: list[str], *, timeout: float, log: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run cmd as a child in its own process group; wall time, peak RSS of the largest process (wait4's
    ru_maxrss, which includes waited-for grandchildren) and the peak summed RSS of the process tree
    (sampled from /proc every 0.2 s: catches a JVM that the Python child never waits for)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
        )
    peak_tree = 0
    done = threading.Event()
    timed_out = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.2):
            peak_tree = max(peak_tree, tree_rss(proc.pid))

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timer = threading.Timer(timeout, kill)
    timer.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # whatever the child left in its group goes too
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    return {
        "wall": wall,
        "rss_mb": usage.ru_maxrss / 1024,
        # user + system CPU seconds of the child (and of its waited-for children)
        "cpu": usage.ru_utime + usage.ru_stime,
        "tree_rss_mb": peak_tree / 2**20,
        "returncode": proc.returncode,
        "timed_out": timed_out.is_set(),
        "log": str(log),
    }


def wait_healthz(port: int, server: subprocess.Popen, *, name: str, timeout: float = 120) -> None:
    """Wait until `dangol serve` on 127.0.0.1:`port` answers /healthz; stop the bench if it exits or never does."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench/{name}: server exited ({server.returncode}); see server.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench/{name}: server did not come up")


def write_section(results: Path, mode: str, body: list[str], *, title: str, modes: tuple[str, ...]) -> None:
    """Replace the generated section `mode` of a RESULTS.md (between its BEGIN/END markers), creating the file
    with empty sections for `modes` and the hand-written part below them left to the author."""
    begin, end = f"<!-- BEGIN {mode} (generated by run.py) -->", f"<!-- END {mode} -->"
    script = f"bench/{results.parent.name}/run.py"
    text = (
        results.read_text(encoding="utf-8")
        if results.exists()
        else (
            f"# {title} — results\n\n"
            f"Generated sections are rewritten by `{script}`; the analysis at the end is written by hand.\n\n"
            + "\n".join(f"<!-- BEGIN {m} (generated by run.py) -->\n<!-- END {m} -->\n" for m in modes)
        )
    )
    block = "\n".join([begin, *body, end])
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text += "\n" + block + "\n"
    results.write_text(text, encoding="utf-8")


def replace_generated(results: Path, label: str, text: str, *, title: str) -> None:
    """Replace the `<!-- generated: label -->` … `<!-- end -->` section of a RESULTS file with `text` (appended
    when absent; the file is created with `title` as its heading), leaving the hand-written parts alone."""
    section = f"<!-- generated: {label} -->\n{text}\n<!-- end -->"
    body = results.read_text(encoding="utf-8") if results.exists() else f"# {title}\n"
    pattern = re.compile(rf"<!-- generated: {re.escape(label)} -->.*?<!-- end -->", re.DOTALL)
    body = (
        pattern.sub(lambda _m: section, body)
        if pattern.search(body)
        else body.rstrip() + "\n\n" + section + "\n"
    )
    results.write_text(body, encoding="utf-8")
