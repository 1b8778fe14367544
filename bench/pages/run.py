"""Pages at size: the 360 page, customer search and the VOC board/queues on SQLite and PostgreSQL (issue 18).

    .venv/bin/python bench/pages/run.py            # 1M customers / 10M interactions / 1M orders / 1M VOC cases
    .venv/bin/python bench/pages/run.py --quick    # 100k / 1M / 100k / 100k  (--small is the same)
    .venv/bin/python bench/pages/run.py --sqlite-only   # or --postgres-only; --pg-quick: PostgreSQL at 100k
    .venv/bin/python bench/pages/run.py --quick --report-only   # rewrite RESULTS from the last figures
    .venv/bin/python bench/pages/run.py --dir /tmp/h6-big --build-only     # build (and load PostgreSQL) only
    .venv/bin/python bench/pages/run.py --dir /tmp/h6-big --reuse          # measure on the databases kept there
    (--pg-port N: the bench server's port; --rounds 1 --light: one round with the quick run's request counts;
    --targets: only the issue's three targets — 360 page, searches, VOC board — not the queues;
    --before-tree DIR: also time the big DB with the `dangol` package found in DIR (e.g. `git archive HEAD
    dangol | tar -x -C DIR`), in the same alternating rounds, and print before → after per page)

Each size is compared with a 10k-customer reference database (10k / 100k / 10k / 10k) measured in the same
run, in alternating rounds. Requests go through `django.test.Client` in a child process (DEBUG off, an agent
logged in); every SQL statement of every request is captured, and each distinct statement of each page gets
its plan on the big database (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)), written
to bench/pages/PLANS-<mode>.md. The results table goes into bench/pages/RESULTS.md.

The SQLite databases are made by bench/foundation/builddb.py (imported, unchanged) plus VOC cases
(bench/pages/bigdb.py) and cached under var/bench/pages/, keyed by size and the generators' code. PostgreSQL
(Debian's server, started here on port 55605 with a data directory under var/bench/pages/pg) is filled from the
SQLite file with COPY into the real Django tables after `migrate` (pgload.pg_load). `migrate` runs on a cached
database before each timing, so index migrations added since are applied. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
from _common import loadavg, logger, machine_facts, run_phase, version, write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FOUNDATION = ROOT / "bench" / "foundation"
BENCH_VAR = Path(os.environ.get("DANGOL_BENCH_PAGES_DIR") or ROOT / "var" / "bench" / "pages")
RESULTS = HERE / "RESULTS.md"
SEED = 2026
PG_PORT = int(os.environ.get("DANGOL_BENCH_PAGES_PG_PORT") or 55605)
REUSE = False  # --reuse: take the database of this size that is there, whatever code built it
ROUNDS = 2

SIZES: dict[str, tuple[int, int, int, int]] = {  # customers, interactions, orders, VOC cases
    "full": (1_000_000, 10_000_000, 1_000_000, 1_000_000),
    "quick": (100_000, 1_000_000, 100_000, 100_000),
}
REFERENCE = (10_000, 100_000, 10_000, 10_000)
SAMPLES = {"full": {"detail": 100, "search": 25, "voc": 25}, "quick": {"detail": 40, "search": 12, "voc": 12}}
TARGETS = {"360": 50.0, "search": 100.0, "voc": 50.0}

log = logger("pages")


# --------------------------------------------------------------------------------------------
# Phases (run_phase starts this script again with --phase, DATABASE_URL set)


def _run_phase_here(phase: str, cfg_path: Path, out_path: Path) -> None:
    sys.path[:0] = [str(HERE), str(FOUNDATION)]
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    import django

    django.setup()
    import bigdb

    if phase == "build":
        import builddb

        c, i, o, _v = cfg["sizes"]
        result: dict[str, Any] = {
            "timings": builddb.build(Path(cfg["path"]), customers=c, interactions=i, orders=o, seed=SEED)
        }
    elif phase == "cases":
        c, _i, _o, v = cfg["sizes"]
        result = {"timings": bigdb.add_cases(Path(cfg["path"]), cases=v, customers=c, seed=SEED)}
    elif phase == "pgload":
        import pgload

        result = pgload.pg_load(Path(cfg["path"]))
    elif phase == "web":
        import pagephase

        result = pagephase.phase_web(cfg)
    else:
        raise SystemExit(f"unknown phase {phase}")
    out_path.write_text(json.dumps(result, default=str), encoding="utf-8")


def _key(*names: str) -> str:
    digest = hashlib.sha1()
    for path in (FOUNDATION / "builddb.py", FOUNDATION / "datagen.py", *(HERE / n for n in names)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _stem(sizes: tuple[int, ...]) -> str:
    c, i, o, v = sizes
    return f"c{c}-i{i}-o{o}-v{v}"


def sqlite_db(sizes: tuple[int, ...]) -> tuple[Path, dict[str, float]]:
    """The cached SQLite database of this size (built, then VOC cases added, when missing)."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    stem = _stem(sizes)
    final = BENCH_VAR / f"{stem}-{_key('bigdb.py')}.sqlite3"
    if not final.exists() and REUSE:
        final = next(iter(sorted(BENCH_VAR.glob(f"{stem}-*.sqlite3"))), final)
    if final.exists():
        log(f"reusing {final}")
        return final, {}
    c, i, o, _v = sizes
    base = BENCH_VAR / f"base-{c}-{i}-{o}-{_key()}.sqlite3"
    timings: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="build-", dir=BENCH_VAR))
    try:
        if not base.exists():
            tmp = BENCH_VAR / f"{base.stem}.building.sqlite3"
            for stale in BENCH_VAR.glob(f"{base.stem}.building*"):
                stale.unlink()
            log(f"building {base.name}: {c:,} customers, {i:,} interactions, {o:,} orders (builddb)")
            cfg = {"path": str(tmp), "sizes": list(sizes)}
            timings.update(run_phase(__file__, "build", cfg, var_dir=work, db_path=tmp)["timings"])
            for suffix in ("-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)
            tmp.replace(base)
        tmp = BENCH_VAR / f"{stem}.building.sqlite3"
        shutil.copyfile(base, tmp)
        log(f"adding {sizes[3]:,} VOC cases")
        cfg = {"path": str(tmp), "sizes": list(sizes)}
        timings.update(run_phase(__file__, "cases", cfg, var_dir=work, db_path=tmp)["timings"])
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        for old in BENCH_VAR.glob(f"{stem}-*.sqlite3"):
            old.unlink()
        tmp.replace(final)
        base.unlink()  # the final file holds everything; the base is only a step
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final, timings


# --------------------------------------------------------------------------------------------
# PostgreSQL server


class Postgres:
    """Debian's PostgreSQL on PG_PORT with a data directory kept under var/bench/pages/pg (bench settings:
    fsync off; shared_buffers 512MB)."""

    def __init__(self) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            raise SystemExit("bench/pages: PostgreSQL is not installed (make system-deps)")
        self.bin = bins[-1]
        self.data = BENCH_VAR / "pg"
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.run_as, *args], check=True, capture_output=True, text=True)

    def start(self) -> None:
        if not (self.data / "db" / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self.data.mkdir(parents=True)
            if self.run_as:
                shutil.chown(self.data, "postgres", "postgres")
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data / "db"), "-U", "dangol", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
        opts = (
            f"-p {PG_PORT} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=512MB -c max_wal_size=4GB"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-o", opts, "-l",
                  str(self.data / "log"), "-w", "start")  # fmt: skip
        self.version = self._run(str(self.bin / "postgres"), "--version").stdout.split()[2]

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-m", "fast", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip

    def psql(self, sql: str, db: str = "postgres") -> str:
        out = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "dangol", "-d", db,
             "-At", "-c", sql],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return out.stdout.strip()

    def url(self, db: str) -> str:
        return f"postgres://dangol@127.0.0.1:{PG_PORT}/{db}"


def pg_db(pg: Postgres, sizes: tuple[int, ...], sqlite_path: Path) -> tuple[str, dict[str, float]]:
    """The database of this size in the bench server, loaded from the SQLite file when missing."""
    name = f"pages_{_stem(sizes).replace('-', '_')}_{_key('bigdb.py', 'pgload.py')}"
    if REUSE:
        stem = name.rsplit("_", 1)[0]
        for old in pg.psql(f"SELECT datname FROM pg_database WHERE datname LIKE '{stem}_%'").split():
            if pg.psql("SELECT to_regclass('bench_pages_loaded') IS NOT NULL", db=old) == "t":
                name = old
                break
    done = pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if done and pg.psql("SELECT to_regclass('bench_pages_loaded') IS NOT NULL", db=name) == "t":
        log(f"reusing PostgreSQL database {name}")
        return name, {}
    stem = name.rsplit("_", 1)[0]
    for old in pg.psql(f"SELECT datname FROM pg_database WHERE datname LIKE '{stem}_%'").split():
        pg.psql(f'DROP DATABASE "{old}"')  # an older load of this size (or a failed one)
    pg.psql(f'CREATE DATABASE "{name}"')
    log(f"loading {name} from {sqlite_path.name} (migrate, then COPY)")
    work = Path(tempfile.mkdtemp(prefix="pgload-", dir=BENCH_VAR))
    try:
        loaded = _run_pg_phase("pgload", {"path": str(sqlite_path)}, work, pg.url(name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pg.psql("CREATE TABLE bench_pages_loaded (at timestamptz DEFAULT now())", db=name)
    return name, loaded["timings"]


def _run_pg_phase(phase: str, cfg: dict[str, Any], work: Path, url: str) -> dict[str, Any]:
    """run_phase with DATABASE_URL pointing at PostgreSQL (run_phase's environment names a SQLite file; the
    child replaces DATABASE_URL with the config's database_url before Django starts)."""
    cfg = {**cfg, "database_url": url}
    return run_phase(__file__, phase, cfg, var_dir=work, db_path=work / "unused.sqlite3")


# --------------------------------------------------------------------------------------------
# Timing rounds


BEFORE_TREE: Path | None = None  # --before-tree: a copy of the `dangol` package to time as "before"
TARGETS_ONLY = False  # --targets


def _phase(backend: str, cfg: dict[str, Any], work: Path, db: Any, *, before: bool = False) -> dict[str, Any]:
    """One timing phase; `before` runs it with the package in BEFORE_TREE first on the child's path."""
    saved = os.environ.get("PYTHONPATH")
    if before and BEFORE_TREE is not None:
        os.environ["PYTHONPATH"] = str(BEFORE_TREE) + (os.pathsep + saved if saved else "")
    try:
        if backend == "postgresql":
            return _run_pg_phase("web", cfg, work, db)
        return run_phase(__file__, "web", cfg, var_dir=work, db_path=db)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def bench_backend(
    backend: str, dbs: dict[str, Any], mode: str, rounds_n: int = ROUNDS, samples: str | None = None
) -> dict[str, Any]:
    """ROUNDS rounds alternating the 10k and the big database. Each database keeps one DANGOL_VAR_DIR for the
    run, so the VOC board snapshot (the scheduled job's result, cached ten minutes) is computed once, in the
    first round's warm-up, as the job would have done before staff open the page."""
    labels = ("10k", "big", "before") if BEFORE_TREE else ("10k", "big")
    rounds: dict[str, list[dict[str, Any]]] = {label: [] for label in labels}
    work = {label: BENCH_VAR / f"var-{backend}-{label}" for label in rounds}
    for folder in work.values():
        shutil.rmtree(folder, ignore_errors=True)
    try:
        for n in range(rounds_n):
            for label in labels:
                cfg = {
                    **SAMPLES[samples or mode],
                    "seed": SEED + n,
                    "plans": label == "big" and n == 0,
                    "backend": backend,
                    "targets_only": TARGETS_ONLY,
                }
                log(f"{backend} round {n + 1}/{rounds_n}: {label}")
                db = dbs["10k" if label == "10k" else "big"]
                rounds[label].append(_phase(backend, cfg, work[label], db, before=label == "before"))
    finally:
        for folder in work.values():
            shutil.rmtree(folder, ignore_errors=True)
    return {label: _pool(r) for label, r in rounds.items()}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _pool(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"pages": {}, "plans": {}, "counts": rounds[0]["counts"]}
    for rnd in rounds:
        if rnd.get("plans"):
            out["plans"] = rnd["plans"]
            out["board_compute_ms"] = rnd.get("board_compute_ms")
    for page in rounds[0]["samples"]:
        rows = [r for rnd in rounds for r in rnd["samples"][page]]
        wall = [r[0] for r in rows]
        cpu = [r[1] for r in rows]
        out["pages"][page] = {
            "n": len(rows),
            "median": statistics.median(wall),
            "p95": _pct(wall, 0.95),
            "max": max(wall),
            "cpu_median": statistics.median(cpu),
            "cpu_p95": _pct(cpu, 0.95),
            "sql_median": statistics.median(r[3] for r in rows),
            "sql_p95": _pct([r[3] for r in rows], 0.95),
            "queries": statistics.median(r[2] for r in rows),
            "round_p95": [_pct([r[0] for r in rnd["samples"][page]], 0.95) for rnd in rounds],
        }
    return out


# --------------------------------------------------------------------------------------------
# Report


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _target(page: str) -> float:
    return (
        TARGETS["360"]
        if page.startswith("360")
        else TARGETS["search"]
        if page.startswith("search")
        else TARGETS["voc"]
    )


def report(
    mode: str, sizes: tuple[int, ...], data: dict[str, Any], builds: list[str], argv: list[str]
) -> list[str]:
    facts = machine_facts()
    c, i, o, v = sizes
    lines = [
        f"## {'Full' if mode == 'full' else 'Quick'} run",
        "",
        f"Command: `{' '.join(['.venv/bin/python', 'bench/pages/run.py', *argv])}` — "
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {facts['commit']} (+ uncommitted work in the tree).",
        f"Machine: {facts['nproc']} cores ({facts['cpu']}), {facts['ram']} RAM, shared with other sessions "
        f"(load average at the end {loadavg()}) — read ratios and CPU ms, not absolutes. Python {facts['python']}, "
        f"Django {version('django')}, SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {data['pg_version']}" if data.get("pg_version") else "")
        + ".",
        "",
        f"Big DB: {c:,} customers, {i:,} interactions, {o:,} orders, {v:,} VOC cases. Reference DB: "
        f"{REFERENCE[0]:,} / {REFERENCE[1]:,} / {REFERENCE[2]:,} / {REFERENCE[3]:,}, measured in the same run "
        "(rounds alternating 10k and big, samples pooled; the count is in each table's heading). In-process `django.test.Client`, DEBUG off, "
        "logged in as an agent (bench-agent, team cs). wall = the whole request (middleware, view, SQL, template); "
        "CPU = this Python process's CPU time for the request (PostgreSQL's own CPU is not in it); SQL = wall time "
        "inside cursor.execute, summed per request. The VOC board is the page staff open (`/voc/`): it shows the "
        "snapshot the scheduled job computes (its compute time is given below), plus this user's queue counts.",
        "",
    ]
    for backend in ("sqlite", "postgresql"):
        if backend not in data:
            continue
        big, small = data[backend]["big"], data[backend]["10k"]
        bc, bi, bo, bv = data.get("pg_sizes", sizes) if backend == "postgresql" else sizes
        lines += [
            f"### {'SQLite' if backend == 'sqlite' else 'PostgreSQL'} — big DB {bc:,} customers, {bi:,} "
            f"interactions, {bo:,} orders, {bv:,} VOC cases; {len(next(iter(big['pages'].values()))['round_p95'])} "
            "round(s)",
            "",
            "| page | requests | median ms | p95 ms | p95 per round | CPU median / p95 ms | SQL median / p95 ms "
            "| queries | p95 target | met? | 10k median / p95 ms | big ÷ 10k p95 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
        ]
        for page, b in big["pages"].items():
            s = small["pages"][page]
            target = _target(page)
            lines.append(
                f"| {page} | {b['n']} | {_f(b['median'])} | {_f(b['p95'])} | "
                f"{' / '.join(_f(p) for p in b['round_p95'])} | {_f(b['cpu_median'])} / {_f(b['cpu_p95'])} | "
                f"{_f(b['sql_median'])} / {_f(b['sql_p95'])} | {b['queries']:.0f} | < {target:.0f} | "
                f"{'yes' if b['p95'] < target else '**NO**'} | {_f(s['median'])} / {_f(s['p95'])} | "
                f"{_f(b['p95'] / s['p95'], 2)}× |"
            )
        if "before" in data[backend]:
            lines += [
                "",
                f"Before → after on the big DB, same run (before = the `dangol` package of "
                f"`{data.get('before_tree', '--before-tree')}`, measured in the same alternating rounds):",
                "",
                "| page | CPU median ms before → after | CPU p95 before → after | SQL median before → after "
                "| queries before → after | wall p95 before → after | CPU median after ÷ before |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for page, b in big["pages"].items():
                o = data[backend]["before"]["pages"][page]
                lines.append(
                    f"| {page} | {_f(o['cpu_median'])} → {_f(b['cpu_median'])} | {_f(o['cpu_p95'])} → "
                    f"{_f(b['cpu_p95'])} | {_f(o['sql_median'])} → {_f(b['sql_median'])} | {o['queries']:.0f} → "
                    f"{b['queries']:.0f} | {_f(o['p95'])} → {_f(b['p95'])} | "
                    f"{_f(b['cpu_median'] / o['cpu_median'], 2)}× |"
                )
        counts = big["counts"]
        lines += [
            "",
            f"Rows in the big DB: {', '.join(f'{k} {n:,}' for k, n in counts.items())}. "
            f"VOC board snapshot compute (the job, `voc_board()` cold, once): "
            f"{_f(big.get('board_compute_ms'), 0)} ms.",
            "",
        ]
    if builds:
        lines += ["Built this run: " + "; ".join(builds) + ".", ""]
    if data.get("earlier"):
        lines += ["Figures kept from an earlier run of one backend: " + "; ".join(data["earlier"]) + ".", ""]
    lines.append(f"Plans of every query of every page on the big DB: [PLANS-{mode}.md](PLANS-{mode}.md).")
    return lines


def write_plans(mode: str, data: dict[str, Any]) -> None:
    out = [
        f"# Query plans — {mode} run (generated by bench/pages/run.py)",
        "",
        "Every distinct statement of each page on the big database, with the parameters of its slowest call. "
        "SQLite: `EXPLAIN QUERY PLAN`; PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)`. ms = wall time of the statement "
        "in the timed requests (mean / max over its calls).",
        "",
    ]
    for backend in ("sqlite", "postgresql"):
        if backend not in data:
            continue
        out += [f"## {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}", ""]
        for page, stmts in data[backend]["big"]["plans"].items():
            out += [f"### {page}", ""]
            for k, s in enumerate(stmts, 1):
                out += [
                    f"{k}. {s['calls']} calls, mean {_f(s['mean_ms'], 2)} ms, max {_f(s['max_ms'], 2)} ms",
                    "",
                    "```sql",
                    s["sql"],
                    "```",
                    f"params: `{s['params']}`",
                    "",
                    "```",
                    *s["plan"],
                    "```",
                    "",
                ]
    (HERE / f"PLANS-{mode}.md").write_text("\n".join(out) + "\n", encoding="utf-8")


def write_results(mode: str, body: list[str]) -> None:
    write_section(RESULTS, mode, body, title="Pages at size", modes=("full", "quick"))


def main() -> None:
    global BENCH_VAR, PG_PORT, REUSE, BEFORE_TREE, TARGETS_ONLY
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", "--small", action="store_true", help="100k customers: a few minutes")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument(
        "--pg-quick", action="store_true", help="PostgreSQL at the quick size (its load is the slow part)"
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"rounds per backend (default {ROUNDS})")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the results from both backends' last figures"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help="where the databases are kept (default var/bench/pages; $DANGOL_BENCH_PAGES_DIR)",
    )
    parser.add_argument("--pg-port", type=int, help=f"the bench PostgreSQL's port (default {PG_PORT})")
    parser.add_argument(
        "--reuse", action="store_true",
        help="use the databases already built in --dir even if the generators changed since (measure only)",
    )  # fmt: skip
    parser.add_argument(
        "--light",
        action="store_true",
        help="the quick run's request counts (40 360 pages, 12 per search or queue)",
    )
    parser.add_argument(
        "--targets", action="store_true", help="only the 360 page, the searches and the board"
    )
    parser.add_argument(
        "--before-tree", type=Path, help="also time the big DB with the `dangol` package in this folder"
    )
    parser.add_argument("--build-only", action="store_true", help="build (or load) the databases, then stop")
    parser.add_argument("--phase")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.phase:
        cfg = json.loads(args.config.read_text(encoding="utf-8"))
        if cfg.get("database_url"):
            os.environ["DATABASE_URL"] = cfg["database_url"]
        _run_phase_here(args.phase, args.config, args.out)
        return
    if args.dir:
        BENCH_VAR = args.dir.resolve()
    if args.pg_port:
        PG_PORT = args.pg_port
    REUSE = args.reuse
    TARGETS_ONLY = args.targets
    if args.before_tree:
        BEFORE_TREE = args.before_tree.resolve()
        if not (BEFORE_TREE / "dangol" / "__init__.py").exists():
            raise SystemExit(f"bench/pages: no dangol package in {BEFORE_TREE}")
    mode = "quick" if args.quick else "full"
    samples = "quick" if args.light else None
    sizes = SIZES[mode]
    argv = list(sys.argv[1:])
    t0 = time.perf_counter()
    builds: list[str] = []
    files: dict[str, Path] = {}
    if args.report_only:
        args.postgres_only = args.sqlite_only = True
    for label, size in (("10k", REFERENCE), ("big", sizes)):
        if args.report_only:
            break
        files[label], timings = sqlite_db(size)
        if timings:
            builds.append(f"SQLite {label}: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    data: dict[str, Any] = {"before_tree": str(BEFORE_TREE)} if BEFORE_TREE else {}
    if args.build_only:
        args.postgres_only = True  # no timing of SQLite; PostgreSQL is loaded below unless --sqlite-only
    if not args.postgres_only:
        data["sqlite"] = bench_backend("sqlite", files, mode, args.rounds, samples)
    if not args.sqlite_only:
        pg = Postgres()
        pg.start()
        try:
            data["pg_version"] = pg.version
            urls = {}
            pg_sizes = SIZES["quick"] if args.pg_quick else sizes
            data["pg_sizes"] = pg_sizes
            if pg_sizes != sizes:
                files["big"], timings = sqlite_db(pg_sizes)
                if timings:
                    builds.append(
                        f"SQLite {pg_sizes[0]:,}: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
                    )
            for label, size in (("10k", REFERENCE), ("big", pg_sizes)):
                name, timings = pg_db(pg, size, files[label])
                urls[label] = pg.url(name)
                if timings:
                    builds.append(
                        f"PostgreSQL {label}: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
                    )
            if not args.build_only:
                data["postgresql"] = bench_backend("postgresql", urls, mode, args.rounds, samples)
        finally:
            pg.stop()
    if args.build_only:
        log(
            "built: "
            + ("; ".join(builds) or "nothing (all reused)")
            + f" in {time.perf_counter() - t0:.0f} s"
        )
        return
    for backend in ("sqlite", "postgresql"):  # a run of one backend keeps the other's last figures
        saved = BENCH_VAR / f"last-{mode}-{backend}.json"
        if backend in data:
            extra = {"pg_sizes": data.get("pg_sizes"), "pg_version": data.get("pg_version")}
            saved.write_text(json.dumps({"at": f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
                                         "data": data[backend], **extra}), encoding="utf-8")  # fmt: skip
        elif saved.exists():
            old = json.loads(saved.read_text(encoding="utf-8"))
            data[backend] = old["data"]
            data.setdefault("earlier", []).append(f"{backend}: {old['at']}")
            if backend == "postgresql":
                data["pg_sizes"], data["pg_version"] = old["pg_sizes"], old["pg_version"]
    body = report(mode, sizes, data, builds, argv)
    print("\n".join(body))
    write_results(mode, body)
    write_plans(mode, data)
    log(f"done in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    random.seed(SEED)
    main()
