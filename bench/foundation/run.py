"""Foundation benchmarks: import throughput, and the 360 page and search at scale (SQLite).

    .venv/bin/python bench/foundation/run.py            # full: 200k customers / 500k order lines;
                                                        #       1M customers / 10M interactions / 2M orders
    .venv/bin/python bench/foundation/run.py --small    # 20k / 50k;  100k / 1M / 200k

Prints Markdown tables (figures as ratios against the peer measured in the same run) and writes
them into bench/foundation/RESULTS.md. Each Django part runs in its own subprocess with its own
DANGOL_VAR_DIR / DATABASE_URL under var/bench/; the large 360 databases are cached there, keyed by
their size and a hash of every migration, and reused when present. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
from _common import logger, machine_facts, run_phase, version, write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BENCH_VAR = ROOT / "var" / "bench"
RESULTS = HERE / "RESULTS.md"
SEED = 2026

SIZES: dict[str, dict[str, Any]] = {
    "full": {
        "customers": 200_000,
        "order_lines": 500_000,
        "import_base": (1_000_000, 1_000_000),
        "big": (1_000_000, 10_000_000, 2_000_000),
        "detail": 300,
        "per_category": 60,
    },
    "small": {
        "customers": 20_000,
        "order_lines": 50_000,
        "import_base": (100_000, 100_000),
        "big": (100_000, 1_000_000, 200_000),
        "detail": 300,
        "per_category": 60,
    },
}
REFERENCE_DB = (10_000, 100_000, 20_000)  # the 10k-customer database the big one is compared with
ROUNDS = 2
TARGETS = {"customers": 10_000, "orders": 50_000, "360": 50.0, "search": 100.0}


log = logger("foundation")


# --------------------------------------------------------------------------------------------
# Subprocesses (run_phase starts this script again with --phase)


def _run_phase_here(phase: str, cfg_path: Path, out_path: Path) -> None:
    sys.path.insert(0, str(HERE))
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    if phase == "build":
        import django

        django.setup()
        import builddb

        c, i, o = cfg["sizes"]
        result: dict[str, Any] = {
            "timings": builddb.build(
                Path(cfg["path"]), customers=c, interactions=i, orders=o, seed=cfg["seed"]
            )
        }
    else:
        import phases

        result = phases.PHASES[phase](cfg)
    out_path.write_text(json.dumps(result, default=str), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Import throughput and its peers


def _csv_files(size: dict[str, Any]) -> tuple[Path, Path]:
    import datagen

    folder = BENCH_VAR / "foundation-csv"
    folder.mkdir(parents=True, exist_ok=True)
    customers = folder / f"customers-{size['customers']}-s{SEED}.csv"
    orders = folder / f"orders-{size['order_lines']}-{size['customers']}-s{SEED}.csv"
    if not customers.exists():
        log(f"generating {customers.name}")
        datagen.write_customers_csv(customers, size["customers"], seed=SEED)
    if not orders.exists():
        log(f"generating {orders.name}")
        datagen.write_orders_csv(orders, size["order_lines"], size["customers"], seed=SEED)
    return customers, orders


def _import_base(size: dict[str, Any], *, rebuild: bool) -> Path:
    """A database that already holds `import_base` customers and orders (builddb), whose external ids are
    renamed (C… → B…, O… → P…) so that the benchmark files add new rows to a full table, as a second
    import into a running shop does. Cached under var/bench like the 360 databases."""
    c, o = size["import_base"]
    stem = f"foundation-import-base-c{c}-o{o}"
    path = BENCH_VAR / f"{stem}-{_generator_key()}.sqlite3"
    if path.exists() and not rebuild:
        log(f"reusing {path.relative_to(ROOT)}")
        return path
    for old in BENCH_VAR.glob(f"{stem}*"):
        old.unlink()
    tmp = BENCH_VAR / f"{stem}.building.sqlite3"
    log(f"building {path.name}: {c:,} customers, {o:,} orders already present")
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="foundation-build-", dir=BENCH_VAR))
    try:
        run_phase(
            __file__, "build", {"path": str(tmp), "sizes": (c, 0, o), "seed": SEED}, var_dir=work, db_path=tmp
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    db = sqlite3.connect(tmp, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("BEGIN")
    db.execute("UPDATE customers_customer SET external_id = 'B' || substr(external_id, 2)")
    db.execute("UPDATE orders_order SET external_id = 'P' || substr(external_id, 2)")
    db.execute("COMMIT")
    db.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(path)
    log(f"built in {time.perf_counter() - t0:.0f} s ({path.stat().st_size / 1e9:.2f} GB)")
    return path


CPU: dict[str, float] = {}  # peer → CPU seconds of its median run (this process, DuckDB's threads included)


def _best_of(func: Any, repeat: int, *, name: str = "") -> float:
    times, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    if name:
        CPU[name] = statistics.median(cpus)
    return statistics.median(times)


def _duckdb_peer(path: Path, rows: int) -> dict[str, float]:
    import duckdb

    def count() -> None:
        con = duckdb.connect()
        got = con.sql(f"SELECT count(*) FROM read_csv('{path}')").fetchall()
        assert got[0][0] == rows, got
        con.close()

    def arrow() -> None:
        con = duckdb.connect()
        table = con.sql(f"SELECT * FROM read_csv('{path}')").to_arrow_table()
        assert table.num_rows == rows
        con.close()

    return {
        "count": _best_of(count, 3),
        "arrow": _best_of(arrow, 3, name="arrow"),
        "arrow_cpu": CPU["arrow"],
    }


def _python_floor(path: Path, key: str, work: Path) -> float:
    """csv.reader + sqlite3.executemany of the raw cells into a same-shaped table with a unique key,
    one transaction, WAL + synchronous=NORMAL as the app uses: the cost of moving the bytes, no checks."""
    db_path = work / f"floor-{path.stem}.sqlite3"
    db_path.unlink(missing_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = ", ".join(f'"{c}" TEXT' for c in header)
        db.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {cols})")
        db.execute(f'CREATE {"UNIQUE " if key == "external_id" else ""}INDEX t_key ON t ("{key}")')
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO t ({', '.join(header)}) VALUES ({', '.join('?' * len(header))})", reader)
        db.execute("COMMIT")
    db.close()
    elapsed = time.perf_counter() - t0
    CPU[f"floor {path.stem}"] = time.process_time() - c0
    db_path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    return elapsed


def bench_import(size: dict[str, Any], *, profile: bool, rebuild: bool = False) -> dict[str, Any]:
    import datagen

    customers_csv, orders_csv = _csv_files(size)
    work = Path(tempfile.mkdtemp(prefix="foundation-import-", dir=BENCH_VAR))
    try:
        cfg = {
            "customers_csv": str(customers_csv),
            "orders_csv": str(orders_csv),
            "customers": size["customers"],
            "order_lines": size["order_lines"],
            "store_codes": datagen.STORE_CODES,
            "profile_dir": str(HERE) if profile else "",
        }
        base = _import_base(size, rebuild=rebuild)
        db_path = work / "dangol.sqlite3"
        log(f"copying {base.name} ({base.stat().st_size / 1e9:.2f} GB)")
        shutil.copyfile(base, db_path)
        log(
            f"importing {size['customers']:,} customers and {size['order_lines']:,} order lines into a SQLite DB "
            f"holding {size['import_base'][0]:,} customers and {size['import_base'][1]:,} orders"
        )
        imported = run_phase(__file__, "import", cfg, var_dir=work, db_path=db_path)
        log("peers: DuckDB read_csv (count, Arrow) and python csv+sqlite3 floor")
        peers = {
            "customers": {
                **_duckdb_peer(customers_csv, size["customers"]),
                "floor": _python_floor(customers_csv, "external_id", work),
                "floor_cpu": CPU[f"floor {customers_csv.stem}"],
            },
            "orders": {
                **_duckdb_peer(orders_csv, size["order_lines"]),
                "floor": _python_floor(orders_csv, "order_id", work),
                "floor_cpu": CPU[f"floor {orders_csv.stem}"],
            },
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "import": imported,
        "peers": peers,
        "files": {
            "customers": {
                "path": str(customers_csv.relative_to(ROOT)),
                "mb": customers_csv.stat().st_size / 1e6,
            },
            "orders": {"path": str(orders_csv.relative_to(ROOT)), "mb": orders_csv.stat().st_size / 1e6},
        },
    }


# --------------------------------------------------------------------------------------------
# 360 page and search


def _generator_key() -> str:
    """Cached databases are keyed by size and by the code that generates them. Schema changes made by
    later migrations are applied to a cached database (`migrate` runs before every timing), so other
    apps' migrations do not force a rebuild."""
    digest = hashlib.sha1()
    for path in (HERE / "builddb.py", HERE / "datagen.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _database(sizes: tuple[int, int, int], *, rebuild: bool) -> tuple[Path, dict[str, float] | None]:
    c, i, o = sizes
    stem = f"foundation-360-c{c}-i{i}-o{o}"
    path = BENCH_VAR / f"{stem}-{_generator_key()}.sqlite3"
    if path.exists() and not rebuild:
        log(f"reusing {path.relative_to(ROOT)}")
        return path, None
    for old in BENCH_VAR.glob(f"{stem}-*"):
        old.unlink()
    tmp = BENCH_VAR / f"{stem}.building.sqlite3"
    for stale in BENCH_VAR.glob(f"{stem}.building*"):
        stale.unlink()
    log(f"building {path.name}: {c:,} customers, {i:,} interactions, {o:,} orders")
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="foundation-build-", dir=BENCH_VAR))
    try:
        built = run_phase(
            __file__, "build", {"path": str(tmp), "sizes": sizes, "seed": SEED}, var_dir=work, db_path=tmp
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(path)
    timings = built["timings"]
    timings["total"] = time.perf_counter() - t0
    log(f"built in {timings['total']:.0f} s ({path.stat().st_size / 1e9:.2f} GB)")
    return path, timings


def bench_web(size: dict[str, Any], *, rebuild: bool) -> dict[str, Any]:
    """Two rounds, alternating the 10k and the big database, so a noisy spell hits both alike."""
    dbs = {
        label: _database(sizes, rebuild=rebuild)
        for label, sizes in (("big", size["big"]), ("10k", REFERENCE_DB))
    }
    rounds: dict[str, list[dict[str, Any]]] = {"big": [], "10k": []}
    for n in range(ROUNDS):
        for label in ("10k", "big"):
            path = dbs[label][0]
            work = Path(tempfile.mkdtemp(prefix="foundation-web-", dir=BENCH_VAR))
            try:
                log(f"round {n + 1}/{ROUNDS}: timing the 360 page and search on {path.name}")
                cfg = {
                    "seed": SEED + n,
                    "detail": size["detail"] // ROUNDS,
                    "per_category": size["per_category"] // ROUNDS,
                }
                rounds[label].append(run_phase(__file__, "web", cfg, var_dir=work, db_path=path))
            finally:
                shutil.rmtree(work, ignore_errors=True)
    import phases

    out: dict[str, Any] = {}
    for label, (path, timings) in dbs.items():
        sizes = size["big"] if label == "big" else REFERENCE_DB
        out[label] = {
            "sizes": sizes,
            "db": str(path.relative_to(ROOT)),
            "db_gb": path.stat().st_size / 1e9,
            "build": timings,
            **phases.merge_rounds(rounds[label]),
        }
    return out


# --------------------------------------------------------------------------------------------
# Report


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _met(ok: bool) -> str:
    return "**yes**" if ok else "**NO**"


def report_import(data: dict[str, Any]) -> list[str]:
    runs = data["import"]["runs"]
    peers = data["peers"]
    before = data["import"].get("before", {})
    lines = [
        f"### Import throughput (`run_import`, SQLite, into a database already holding {before.get('customers', 0):,} "
        f'customers, {before.get("orders", 0):,} orders and {before.get("order_lines", 0):,} order lines, `on_error="abort"`)',
        "",
        "| file | rows | importer s | importer CPU s | load avg | importer rows/s | target rows/s | met? "
        "| DuckDB `count(*)` rows/s | DuckDB → Arrow rows/s | Python csv+sqlite3 floor rows/s "
        "| Arrow ÷ importer | floor ÷ importer | CPU: importer rows/s | CPU: Arrow ÷ importer | CPU: floor ÷ importer |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        kind = run["kind"]
        rate = run["rows"] / run["seconds"]
        p = peers[kind]
        arrow_rate, floor_rate = run["rows"] / p["arrow"], run["rows"] / p["floor"]
        target = TARGETS[kind]
        lines.append(
            f"| {run['label']} | {run['rows']:,} | {_f(run['seconds'])} | {_f(run.get('cpu', float('nan')))} "
            f"| {_f(run.get('load', float('nan')))} | {_f(rate, 0)} | {target:,} | {_met(rate >= target)} "
            f"| {_f(run['rows'] / p['count'], 0)} | {_f(arrow_rate, 0)} | {_f(floor_rate, 0)} "
            f"| {_f(arrow_rate / rate)}× | {_f(floor_rate / rate)}× "
            f"| {_f(run['rows'] / run['cpu'], 0)} | {_f(run['cpu'] / p['arrow_cpu'])}× | {_f(run['cpu'] / p['floor_cpu'])}× |"
        )
    lines += [
        "",
        f"Files: `{data['files']['customers']['path']}` ({_f(data['files']['customers']['mb'])} MB), "
        f"`{data['files']['orders']['path']}` ({_f(data['files']['orders']['mb'])} MB). "
        "The database comes from `builddb.py` (its external ids renamed so that the files add new rows) and is "
        "copied before the run. Re-runs import the same file again: every row is compared and left unchanged. "
        "CPU s = the importer process's CPU time (`time.process_time`); the load average (1 min) shows how "
        "busy the shared machine was. "
        "The CPU columns divide CPU seconds (the importer's against the peer's own, DuckDB's threads included), "
        "which the machine's load disturbs far less than wall time. "
        "DuckDB figures are the median of 3 runs (2 threads); the floor is `csv.reader` + one `executemany` of the raw "
        "cells into a same-shaped table with a key index (no validation, no upsert) — the least any Python importer pays.",
        "",
        "#### Where the import time goes (seconds, share of the run)",
        "",
        "| phase | " + " | ".join(r["label"] for r in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    phases = []
    for run in runs:
        for name in run["breakdown"]:
            if name not in phases:
                phases.append(name)
    order = [
        "read file (csv → columns, pyarrow)",
        "read file (csv → rows)",
        "validate: prefetch customer ids",
        "validate (parse + check every row)",
    ]
    phases.sort(key=lambda n: (order.index(n) if n in order else 10, n))
    for name in phases:
        cells = []
        for run in runs:
            sec = run["breakdown"].get(name)
            cells.append("—" if sec is None else f"{_f(sec, 2)} ({sec / run['seconds']:.0%})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **total** | " + " | ".join(_f(r["seconds"], 2) for r in runs) + " |")
    return lines


WEB_ORDER = [
    "360 page /customers/<id>/",
    "search: phone last 4",
    "search: name, 2-3 syllables",
    "search: surname only (1 syllable)",
    "search: e-mail prefix, 4-8 chars (no @)",
    "search: whole e-mail (with @)",
]


def report_web(data: dict[str, Any]) -> list[str]:
    big, small = data["big"], data["10k"]
    bc, bi, bo = big["sizes"]
    lines = [
        "### 360 page and search (in-process `django.test.Client`, DEBUG off, logged-in agent)",
        "",
        f"Big DB: {bc:,} customers, {bi:,} interactions, {bo:,} orders ({_f(big['db_gb'], 2)} GB). "
        f"Reference DB: {REFERENCE_DB[0]:,} / {REFERENCE_DB[1]:,} / {REFERENCE_DB[2]:,}. Server time = the whole "
        "request through middleware, view, SQL and template. SQL = the same request's SELECTs replayed on a fresh "
        "connection, fetching all rows (SQLite has CONN_MAX_AGE=0: every request opens its own connection). "
        f"{ROUNDS} rounds alternating the 10k and the big DB, samples pooled.",
        "",
        "| page | requests | median ms | p95 ms | p95 per round | max ms | p95 target | met? | 10k median / p95 ms "
        "| big ÷ 10k median / p95 | SQL median / p95 ms | queries | rows shown (median) / empty |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for cat in WEB_ORDER:
        b, s = big["results"][cat], small["results"][cat]
        target = TARGETS["360"] if cat.startswith("360") else TARGETS["search"]
        shown = "—" if b["empty"] is None else f"{b['rows_shown']:.0f} / {b['empty']}"
        rounds = " / ".join(_f(p) for p in b["round_p95"])
        lines.append(
            f"| {cat} | {b['n']} | {_f(b['median'])} | {_f(b['p95'])} | {rounds} | {_f(b['max'])} | < {target:.0f} "
            f"| {_met(b['p95'] < target)} | {_f(s['median'])} / {_f(s['p95'])} "
            f"| {_f(b['median'] / s['median'], 2)}× / {_f(b['p95'] / s['p95'], 2)}× "
            f"| {_f(b['sql_median'])} / {_f(b['sql_p95'])} | {b['queries']:.0f} | {shown} |"
        )
    lines += [
        "",
        "#### Slowest SQL per page on the big DB (replayed; share = part of that page's SQL time)",
        "",
    ]
    for cat in WEB_ORDER:
        top = big["results"][cat]["top_sql"][:2]
        lines.append(f"**{cat}** — connect {_f(big['results'][cat]['connect_median'], 2)} ms/request")
        lines.append("")
        for q in top:
            sql = q["sql"] if len(q["sql"]) < 700 else q["sql"][:700] + " …"
            lines.append(
                f"- {q['share']:.0%} of SQL, mean {_f(q['mean_ms'], 2)} ms, p95 {_f(q['p95_ms'], 2)} ms, "
                f"max {_f(q['max_ms'], 1)} ms, {q['calls']} calls: `{sql}`"
            )
            lines.append(
                f"  - plan (slowest call, params {q['params']}): " + "; ".join(f"`{p}`" for p in q["plan"])
            )
        lines.append("")
    if big.get("build"):
        parts = ", ".join(f"{k} {_f(v, 0)} s" for k, v in big["build"].items())
        lines.append(f"Big DB built this run: {parts}.")
    return lines


def machine_note(argv: list[str]) -> list[str]:
    facts = machine_facts()
    return [
        f"Command: `{' '.join(['.venv/bin/python', 'bench/foundation/run.py', *argv])}` — "
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {facts['commit']} (+ uncommitted work in the tree).",
        f"Machine: {facts['nproc']} cores ({facts['cpu']}), {facts['ram']} RAM, shared and noisy — read ratios, not "
        f"absolutes. Python {facts['python']}, Django {version('django')}, SQLite {sqlite3.sqlite_version}, "
        f"DuckDB {version('duckdb')}.",
    ]


def write_results(mode: str, body: list[str]) -> None:
    write_section(RESULTS, mode, body, title="Foundation benchmarks", modes=("full", "small"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="smaller data: finishes in about 3 minutes")
    parser.add_argument("--only", choices=["import", "web"], help="run one part only")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the imports into bench/foundation/profile-*.txt"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached 360 databases")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _run_phase_here(args.phase, args.config, args.out)
        return
    sys.path.insert(0, str(HERE))
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    mode = "small" if args.small else "full"
    size = SIZES[mode]
    started = time.perf_counter()
    body = [f"## {'`--small`' if args.small else 'Full'} run", "", *machine_note(sys.argv[1:]), ""]
    if args.only in (None, "import"):
        body += [*report_import(bench_import(size, profile=args.profile, rebuild=args.rebuild)), ""]
    if args.only in (None, "web"):
        body += [*report_web(bench_web(size, rebuild=args.rebuild)), ""]
    body.append(f"Wall time of this run: {_f((time.perf_counter() - started) / 60)} min.")
    print("\n".join(body))
    if not (args.no_write or args.profile or args.only == "web"):
        # a partial run would leave the mode's section half-filled: the import alone has its own section
        write_results(f"{mode}-import" if args.only == "import" else mode, body)
        log(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
