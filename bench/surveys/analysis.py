"""Survey analysis from roll-ups (issue 18): cold p95 of /surveys/analysis/ and of never-viewed filters at
5,000,000 answers, against the computation from the answers (the path before the roll-ups) in the same run.

    .venv/bin/python bench/surveys/analysis.py            # the 5,000,000-answer database run.py built
    .venv/bin/python bench/surveys/analysis.py --quick    # the 200,000-answer one (run.py --small builds it)
    options: --db PATH (any database run.py built), --samples N (cold samples per path, default 7)

1. The database: the newest var/bench/surveys/db-<answers>-*/surveys.sqlite3 that run.py built (its build is
   run.py's phase 1: demo business + N answers to `visit-csat`), copied to var/bench/surveys/analysis/, so the
   cached build stays as it is. `migrate` adds the roll-up table; `dangol survey-rollups --rebuild` fills it
   (timed: wall and CPU, the one-off cost of introducing the roll-ups).
2. In a child process (django.test.Client as the manager, DEBUG off, the shared cache emptied before every
   sample: every sample is cold, nothing precomputed): GET /surveys/analysis/ (the default view) and GET it
   with a filter nobody viewed (a different survey × group × months each sample). Each sample is timed twice
   in the same run: with the roll-ups (the page as shipped) and with trend / by_group / gaps / Kano / drivers
   / loyalty computed per response from the answers and orders (`*_scan`: the peer). `--postgres` runs the
   same on a throw-away PostgreSQL server holding a COPY of the same database (scripts/with-postgres.sh). Kano page the same way. Wall and CPU (time.process_time;
   the database is SQLite, in-process, so its work is in this process's CPU) per page.
3. The figures: every trend / group / gap figure of the default view and the filters, roll-ups vs the answers
   (must be equal), and `rollups.check()` (the table against a recount).

Writes its section of bench/surveys/RESULTS.md between the markers `<!-- analysis.py -->` and
`<!-- /analysis.py -->` (appended if absent); the rest of the file is run.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
from _common import django_env, logger, machine_facts, run_phase

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BENCH_VAR = ROOT / "var" / "bench" / "surveys"
RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- analysis.py -->", "<!-- /analysis.py -->"
GOAL_MS = 2000.0
log = logger("surveys-analysis")
os.environ.setdefault("DANGOL_SSL_REDIRECT", "false")


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]
    return {"median": statistics.median(s) * 1000, "p95": p95 * 1000, "max": s[-1] * 1000, "n": len(s)}


# --------------------------------------------------------------------------------------------
# Phase (child process): the pages


def _round2(analysis: Any, rollups: Any) -> tuple[Any, Any]:
    """`trend` and `by_group` as in round 2 of issue 18 (the GROUP BY over ScoreRollup's histogram rows with
    their touchpoint × team × staff × wave dims, `rollups.headline`): the peer of round 3's ScoreDay."""
    import datetime as dt
    from collections import Counter, defaultdict

    from django.utils import timezone

    def trend(*, survey_id: int | None = None, months: int = 12) -> list[dict[str, Any]]:
        def compute() -> list[dict[str, Any]]:
            since = timezone.now() - dt.timedelta(days=31 * months)
            per_month: dict[str, Any] = defaultdict(lambda: defaultdict(Counter))
            for day, histogram in rollups.headline(survey_id=survey_id, since=since, by="day").items():
                month = per_month[day.strftime("%Y-%m")]
                for metric, counts in histogram.items():
                    month[metric].update(counts)
            return [
                {"month": m, **analysis._figures(analysis._score_row(per_month[m]))}
                for m in sorted(per_month)
            ]

        return list(analysis._cached(f"r2:trend:{survey_id}:{months}", compute))

    def by_group(*, group: str, survey_id: int | None = None, months: int = 12) -> list[dict[str, Any]]:
        group = group if group in analysis.GROUPS else "touchpoint"

        def compute() -> list[dict[str, Any]]:
            since = timezone.now() - dt.timedelta(days=31 * months)
            found = rollups.headline(survey_id=survey_id, since=since, by=group)
            names = analysis._group_names(group, [k for k in found if k is not None])
            merged: dict[Any, Any] = defaultdict(lambda: defaultdict(Counter))
            for key, histogram in found.items():
                key = key if key in names else None
                for metric, counts in histogram.items():
                    merged[key][metric].update(counts)
            out = [
                {"id": key, "name": names.get(key) or "–", **analysis._figures(analysis._score_row(h))}
                for key, h in merged.items()
            ]
            out.sort(key=lambda r: (r["name"], r["id"] or 0))
            out.sort(key=lambda r: (r["few"], -(r["csat_mean"] or 0)))
            return out

        return list(analysis._cached(f"r2:group:{group}:{survey_id}:{months}", compute))

    return trend, by_group


def phase_pages(cfg: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from contextlib import ExitStack
    from unittest import mock

    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    from dangol.surveys import analysis, repurchase, rollups
    from dangol.surveys.models import (
        DriverMoment,
        LoyaltyRollup,
        Response,
        ScoreDay,
        ScoreRollup,
        Survey,
    )

    trend_round2, by_group_round2 = _round2(analysis, rollups)
    peer = cfg.get("peer", "scan")

    client = Client()
    client.force_login(User.objects.get(username="manager"))

    kept: dict[str, Any] = {}  # the worker's snapshots (drivers, loyalty, rates), put back after each clear

    # PostgreSQL: the server's share of the CPU, read from /proc for the backend of this process's connection
    # (kept open for the whole phase: CONN_MAX_AGE None, so it is one backend throughout)
    from django.db import connection

    backend: int | None = None
    if connection.vendor == "postgresql":
        connection.settings_dict["CONN_MAX_AGE"] = None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = int(cursor.fetchone()[0])

    def server_cpu() -> float:
        """CPU seconds the PostgreSQL backend has used so far (0 on SQLite: its work is in this process)."""
        if backend is None:
            return 0.0
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def get(url: str) -> tuple[float, float, float]:
        """Wall, CPU of this process, CPU of the PostgreSQL backend (seconds) of one cold GET."""
        cache.clear()
        cache.set_many(kept, None)
        server = server_cpu()
        wall, cpu = time.perf_counter(), time.process_time()
        r = client.get(url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        server = server_cpu() - server
        if r.status_code != 200:
            raise SystemExit(f"{url}: HTTP {r.status_code}")
        return wall, cpu, server

    def old_path() -> ExitStack:
        """The page as it was: every figure computed per response from the answers and orders (same cache
        wrapper): trend, groups, gaps, Kano, drivers, loyalty. `--peer round2`: trend and groups from
        ScoreRollup as in round 2, everything else as shipped."""
        stack = ExitStack()
        if peer == "round2":
            stack.enter_context(mock.patch.object(analysis, "trend", trend_round2))
            stack.enter_context(mock.patch.object(analysis, "by_group", by_group_round2))
            return stack

        def cached(name: str, scan: Any, key: Any) -> Any:
            return lambda **kw: analysis._cached(
                f"scan:{name}:{key(kw)}".replace(" ", ""), lambda: scan(**kw)
            )

        for name, scan in (
            ("trend", analysis.trend_scan),
            ("by_group", analysis.by_group_scan),
            ("gaps", analysis.gaps_scan),
            ("kano_study", analysis.kano_study_scan),
            *([("drivers", analysis.drivers_scan)] if cfg.get("drivers_peer", True) else []),
            ("loyalty", analysis.loyalty_scan),
        ):
            stack.enter_context(
                mock.patch.object(
                    analysis,
                    name,
                    cached(name, scan, lambda kw: "-".join(f"{k}={v}" for k, v in sorted(kw.items()))),
                )
            )
        return stack

    customer = list(Survey.objects.filter(kind="customer").order_by("pk").values_list("pk", flat=True))
    kano = Survey.objects.filter(kind="kano").values_list("pk", flat=True).first()
    combos = [
        (survey, group, months)
        for months in (3, 6, 12, 24, 9, 18)
        for group in ("staff", "team", "touchpoint", "survey")
        for survey in customer
    ]
    out: dict[str, Any] = {
        "responses": Response.objects.count(),
        "rollup_rows": ScoreRollup.objects.count(),
        "day_rows": ScoreDay.objects.count(),
        "peer": peer,
        "moment_rows": DriverMoment.objects.count(),
        "loyalty_rows": LoyaltyRollup.objects.count(),
        "pending": rollups.pending_count(),
        "loyalty_pending": repurchase.pending_count(),
        "vendor": __import__("django.db").db.connection.vendor,
    }
    for _ in range(20):
        get("/healthz")
    healthz = [get("/healthz") for _ in range(100)]
    out["healthz"] = {
        "wall": _ms([w for w, _, _ in healthz]),
        "cpu": _ms([c for _, c, _ in healthz]),
        "server_cpu": _ms([x for _, _, x in healthz]),
    }
    # the worker's refresh (every 5 minutes under `dangol serve`): drivers and loyalty for every survey filter
    cache.clear()
    server = server_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    analysis.refresh_snapshots()
    out["refresh"] = {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "server_cpu_s": server_cpu() - server,
    }
    # issue 18 round 2: nothing is kept any more; every sample below starts from an EMPTY cache (as right
    # after a deploy or a cache flush, before the worker's first refresh)
    out["kept"] = []
    out["fully_cold"] = get("/surveys/analysis/")
    paths: dict[str, list[str]] = {
        "analysis (default view)": ["/surveys/analysis/"] * cfg["samples"],
        "analysis, a filter nobody viewed": [
            f"/surveys/analysis/?survey={s}&by={g}&months={m}" for s, g, m in combos[: cfg["samples"]]
        ],
    }
    if kano:
        paths["Kano study"] = [f"/surveys/kano/?survey={kano}"] * cfg["samples"]
    out["pages"] = {}
    for name, urls in paths.items():
        new: list[tuple[float, float, float]] = []
        old: list[tuple[float, float, float]] = []
        for url in urls:  # alternate, so both paths meet the same machine load
            new.append(get(url))
            with old_path():
                old.append(get(url))
        out["pages"][name] = {
            "urls": urls[:3],
            "new": {
                "wall": _ms([w for w, _, _ in new]),
                "cpu": _ms([c for _, c, _ in new]),
                "server_cpu": _ms([x for _, _, x in new]),
            },
            "old": {
                "wall": _ms([w for w, _, _ in old]),
                "cpu": _ms([c for _, c, _ in old]),
                "server_cpu": _ms([x for _, _, x in old]),
            },
        }
        log(
            f"  {name}: roll-ups p95 {out['pages'][name]['new']['wall']['p95']:.0f} ms, "
            f"from answers p95 {out['pages'][name]['old']['wall']['p95']:.0f} ms"
        )

    # where the roll-up page's time goes: each analysis function alone, cache cleared
    survey = customer[0]
    parts = {
        "trend(12 months)": lambda: analysis.trend(survey_id=None, months=12),
        "trend(12 months) [round 2: ScoreRollup]": lambda: trend_round2(survey_id=None, months=12),
        "by_group(staff, 12 months)": lambda: analysis.by_group(group="staff", survey_id=None, months=12),
        "by_group(staff, 12 months) [round 2: ScoreRollup]": lambda: by_group_round2(
            group="staff", survey_id=None, months=12
        ),
        "by_group(touchpoint, first survey, 6 months)": lambda: analysis.by_group(
            group="touchpoint", survey_id=survey, months=6
        ),
        "by_group(touchpoint, first survey, 6 months) [round 2]": lambda: by_group_round2(
            group="touchpoint", survey_id=survey, months=6
        ),
        "gaps()": lambda: analysis.gaps(survey_id=None),
        "drivers(first survey, 12 months)": lambda: analysis.drivers(survey_id=survey),
        "loyalty()": lambda: analysis.loyalty(survey_id=None),
        "loyalty_scan() [before: per response]": lambda: analysis.loyalty_scan(survey_id=None),
        "response_rates()": lambda: analysis.response_rates(),
    }
    if cfg.get("drivers_peer", True):
        parts["drivers_scan(first survey) [before: per response]"] = lambda: analysis.drivers_scan(
            survey_id=survey
        )
    if not cfg["light"]:
        parts |= {
            "trend_scan(12 months) [before]": lambda: analysis.trend_scan(survey_id=None, months=12),
            "by_group_scan(staff) [before]": lambda: analysis.by_group_scan(
                group="staff", survey_id=None, months=12
            ),
            "gaps_scan() [before]": lambda: analysis.gaps_scan(survey_id=None),
        }
    out["parts"] = {}
    for name, func in parts.items():
        cache.clear()
        server = server_cpu()
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        out["parts"][name] = {
            "server_cpu": (server_cpu() - server) * 1000,
            "wall": (time.perf_counter() - wall) * 1000,
            "cpu": (time.process_time() - cpu) * 1000,
        }

    if backend is not None:  # the same backend throughout: its CPU figures cover every sample
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            out["same_backend"] = int(cursor.fetchone()[0]) == backend

    # the figures: roll-ups vs the answers, default view and every filter used above
    cache.clear()
    checked, differ = 0, []
    for s, g, m in [(None, "touchpoint", 12), *combos[: 1 if cfg["light"] else cfg["samples"]]]:
        pairs = [
            (analysis.trend(survey_id=s, months=m), analysis.trend_scan(survey_id=s, months=m)),
            (
                {r["id"]: r for r in analysis.by_group(group=g, survey_id=s, months=m)},
                {r["id"]: r for r in analysis.by_group_scan(group=g, survey_id=s, months=m)},
            ),
            (analysis.gaps(survey_id=s), analysis.gaps_scan(survey_id=s)),
            (analysis.loyalty(survey_id=s), analysis.loyalty_scan(survey_id=s)),
            (analysis.trend(survey_id=s, months=m), trend_round2(survey_id=s, months=m)),
            (
                {r["id"]: r for r in analysis.by_group(group=g, survey_id=s, months=m)},
                {r["id"]: r for r in by_group_round2(group=g, survey_id=s, months=m)},
            ),
        ]
        if s and cfg.get("drivers_peer", True):
            pairs.append(
                (analysis.drivers(survey_id=s, months=m), analysis.drivers_scan(survey_id=s, months=m))
            )
        for new_value, old_value in pairs:
            checked += 1
            if new_value != old_value:
                differ.append(f"survey={s} by={g} months={m}")
    if kano:
        checked += 1
        if analysis.kano_study(survey_id=kano) != analysis.kano_study_scan(survey_id=kano):
            differ.append("kano")
    out["figures"] = {"compared": checked, "differ": differ}
    if cfg["light"]:
        out["check"] = out["incremental"] = None
        return out
    wall, cpu = time.perf_counter(), time.process_time()
    result = rollups.check()
    loyalty_check = repurchase.check()
    out["check"] = {
        "ok": result.ok and not loyalty_check.differences,
        "responses": result.responses,
        "rows": result.rows + loyalty_check.rows,
        "differences": len(result.differences) + len(loyalty_check.differences),
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
    }
    # the incremental cost: what the 15-second job pays per response (a batch of 1,000, counted again)
    ids = list(Response.objects.order_by("-pk").values_list("pk", flat=True)[:1000])
    Response.objects.filter(pk__in=ids).update(rollup_batch=None)
    from dangol.surveys.models import ScoreRollup as Table

    before = {r[:-1]: r[-1] for r in Table.objects.values_list(*rollups.KEY_COLUMNS, "n")}
    days_before = {
        r[: len(rollups.DAY_KEY_COLUMNS)]: r[len(rollups.DAY_KEY_COLUMNS) :]
        for r in ScoreDay.objects.values_list(*rollups.DAY_KEY_COLUMNS, *rollups.DAY_SUMS)
    }
    # take those responses' counts out first, so counting them again restores the table exactly
    rows = list(Response.objects.filter(pk__in=ids).values_list(*rollups.RESPONSE_FIELDS))
    from collections import Counter

    from django.db import transaction
    from django.db.models import F

    moments: Counter[Any] = Counter()
    with transaction.atomic():
        for key, n in rollups.count_responses(rows, moments=moments).items():
            Table.objects.filter(**dict(zip(rollups.KEY_COLUMNS, key, strict=True))).update(
                n=before[key] - n  # type: ignore[index]
            )
        for dkey, sums in rollups.count_days(rows).items():
            ScoreDay.objects.filter(**dict(zip(rollups.DAY_KEY_COLUMNS, dkey, strict=True))).update(
                **{
                    name: old - v
                    for name, old, v in zip(rollups.DAY_SUMS, days_before[dkey], sums, strict=True)  # type: ignore[index]
                }
            )
        for (survey_id, day, items, a, b), total in moments.items():
            DriverMoment.objects.filter(survey_id=survey_id, day=day, items=items, a=a, b=b).update(
                total=F("total") - total
            )
    wall, cpu = time.perf_counter(), time.process_time()
    counted = rollups.catch_up()
    out["incremental"] = {
        "responses": counted,
        "wall_ms": (time.perf_counter() - wall) * 1000,
        "cpu_ms": (time.process_time() - cpu) * 1000,
    }
    out["check_after_incremental"] = rollups.check().ok
    return out


# --------------------------------------------------------------------------------------------
# PostgreSQL: the same database copied table by table (child of scripts/with-postgres.sh)


def copy_sqlite_to_postgres(source: Path, url: str) -> dict[str, Any]:
    """Every table of the (migrated) SQLite copy into the (migrated, emptied) PostgreSQL database with the
    same ids: COPY per table, values converted by the PostgreSQL column type, foreign-key triggers off during
    the load (session_replication_role = replica), sequences set after. Returns rows per big table, seconds."""
    import sqlite3

    import psycopg

    t0 = time.perf_counter()
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copied: dict[str, int] = {}
    with psycopg.connect(url, autocommit=False) as pg:
        pg.execute("SET session_replication_role = replica")
        tables = [
            r[0]
            for r in pg.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' AND table_name <> 'django_migrations'"
            )
        ]
        in_lite = {r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        pg.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        for table in tables:
            if table not in in_lite:
                continue
            types = dict(
                pg.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
                    (table,),
                ).fetchall()
            )
            lite_cols = [r[1] for r in lite.execute(f'PRAGMA table_info("{table}")')]
            cols = [c for c in lite_cols if c in types]
            converters = []
            for c in cols:
                kind = types[c]
                if kind == "boolean":
                    converters.append(lambda v: None if v is None else bool(v))
                elif kind.startswith("timestamp"):
                    converters.append(lambda v: None if v is None else f"{v}+00")
                elif kind == "interval":
                    converters.append(lambda v: None if v is None else dt_microseconds(v))
                else:
                    converters.append(None)
            names = ", ".join(f'"{c}"' for c in cols)
            n = 0
            with pg.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in lite.execute(f'SELECT {names} FROM "{table}"'):
                    copy.write_row([v if f is None else f(v) for v, f in zip(row, converters, strict=True)])
                    n += 1
            if n >= 10000:
                copied[table] = n
            if types.get("id") in ("integer", "bigint"):
                pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false) '
                    f"WHERE pg_get_serial_sequence('\"{table}\"', 'id') IS NOT NULL"
                )
        pg.commit()
        pg.execute("SET session_replication_role = DEFAULT")
        pg.execute("ANALYZE")
    lite.close()
    return {"rows": copied, "seconds": time.perf_counter() - t0}


def dt_microseconds(value: Any) -> str:
    return f"{int(value)} microseconds"


def pg_child(cfg: dict[str, Any]) -> dict[str, Any]:
    """Inside scripts/with-postgres.sh (DATABASE_URL set): migrate, copy the SQLite copy in, then the pages."""
    url = os.environ["DATABASE_URL"]
    var_dir = Path(cfg["var_dir"]) / "pg"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = django_env(var_dir, Path(cfg["db"]))
    env["DATABASE_URL"] = url
    dangol = [sys.executable, "-m", "dangol"]
    log("[PostgreSQL] migrate")
    rebuild = {"migrate": _timed([*dangol, "migrate", "--no-input", "-v", "0"], env)}
    log("[PostgreSQL] copy the SQLite database in")
    rebuild["copy"] = copy_sqlite_to_postgres(Path(cfg["db"]), url)
    if cfg["rebuild"]:
        log("[PostgreSQL] survey-rollups --rebuild")
        rebuild["rebuild"] = _timed([*dangol, "survey-rollups", "--rebuild", "--no-progress"], env)
    else:
        rebuild["rebuild"] = {"wall_s": float("nan"), "cpu_s": float("nan")}
    log("[PostgreSQL] pages")
    cfg_path, out_path = var_dir / "pages-config.json", var_dir / "pages-result.json"
    cfg_path.write_text(
        json.dumps({k: cfg[k] for k in ("samples", "light", "drivers_peer", "peer")}), encoding="utf-8"
    )
    out_path.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--phase", "pages", "--config", str(cfg_path), "--out", str(out_path)]
    subprocess.run(cmd, cwd=ROOT, env=env, stdout=sys.stderr, check=True)
    pages = json.loads(out_path.read_text(encoding="utf-8"))
    version = subprocess.run(
        ["psql", url, "-Atc", "SHOW server_version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {"rebuild": rebuild, "pages": pages, "server_version": version}


# --------------------------------------------------------------------------------------------
# Driver (this process)


def _timed(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a command; wall seconds and CPU seconds of the child (resource usage of waited children)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    }


def _find_db(answers: int) -> Path:
    found = sorted(BENCH_VAR.glob(f"db-{answers}-*/surveys.sqlite3"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit(
            f"no {answers:,}-answer database under {BENCH_VAR}: run bench/surveys/run.py"
            f"{' --small' if answers < 1_000_000 else ''} first (it builds and caches it)"
        )
    return found[-1]


def _page_lines(p: dict[str, Any], backend: str) -> list[str]:
    drivers_peer = any(name.startswith("drivers_scan") for name in p["parts"])
    round2 = p.get("peer") == "round2"
    pg = p.get("vendor") == "postgresql"
    peer_name = "round 2" if round2 else "per response"
    srv = (
        " CPU = this process + the PostgreSQL backend's CPU (/proc of the connection's backend, one backend "
        "for the whole phase"
        + ("" if p.get("same_backend", True) else ": **it changed, server CPU incomplete**")
        + ")."
        if pg and "server_cpu" in p["healthz"]
        else ""
    )
    lines = [
        f"**{backend}** ({p['responses']:,} responses). Every sample starts from an EMPTY shared cache (as after a "
        "deploy or a cache flush, before the worker's first refresh). *Roll-ups*: the page as shipped. "
        + (
            "*Round 2*: the same page with trend and groups read from ScoreRollup's histogram rows as in round 2 "
            "of issue 18 (`--peer round2`: the peer of this round's ScoreDay), everything else as shipped, "
            "alternating sample by sample."
            if round2
            else "*Per response*: the same page with every figure (trend, groups, gaps, Kano, drivers, loyalty) "
            "computed from the responses, answers and orders (the `*_scan` functions, the computation before the "
            "roll-ups: the peer), alternating sample by sample."
            + ("" if drivers_peer else " (`--no-drivers-peer`: drivers from the roll-ups in both.)")
        )
        + srv,
        "",
        f"| page (empty cache) | roll-ups p95 / median ms | CPU median ms | {peer_name} p95 / median ms | "
        f"CPU median ms | speed-up (p95) | goal p95 < {GOAL_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]

    def cpu(side: dict[str, Any]) -> str:
        if pg and "server_cpu" in side:
            c, x = side["cpu"]["median"], side["server_cpu"]["median"]
            return f"{c:,.0f} + {x:,.0f} server"
        return f"{side['cpu']['median']:,.0f}"

    for name, page in p["pages"].items():
        new, old = page["new"], page["old"]
        lines.append(
            f"| {name} (n={new['wall']['n']}) | {new['wall']['p95']:,.0f} / {new['wall']['median']:,.0f} | "
            f"{cpu(new)} | {old['wall']['p95']:,.0f} / {old['wall']['median']:,.0f} | "
            f"{cpu(old)} | {old['wall']['p95'] / new['wall']['p95']:.1f}x | "
            f"{'**met**' if new['wall']['p95'] < GOAL_MS else '**NOT met**'} |"
        )
    h = p["healthz"]
    fc, rf = p["fully_cold"], p["refresh"]
    fc_cpu = f"{fc[1] * 1000:,.0f}" + (f" + {fc[2] * 1000:,.0f} server" if pg and len(fc) > 2 else "")
    rf_cpu = f"{rf['cpu_s'] * 1000:,.0f}" + (
        f" + {rf['server_cpu_s'] * 1000:,.0f} server" if pg and "server_cpu_s" in rf else ""
    )
    lines += [
        f"| analysis, default view, first request of the process, roll-ups, n=1 | {fc[0] * 1000:,.0f} | "
        f"{fc_cpu} | | | | {'**met**' if fc[0] * 1000 < GOAL_MS else '**NOT met**'} |",
        f"| the worker's refresh of every default figure (`refresh_snapshots`) | "
        f"{rf['wall_s'] * 1000:,.0f} | {rf_cpu} | | | | |",
        f"| peer floor: GET /healthz in-process | {h['wall']['p95']:.1f} / {h['wall']['median']:.1f} | "
        f"{cpu(h) if pg else format(h['cpu']['median'], '.1f')} | | | | |",
        "",
        "| analysis function alone (cache cleared) | wall ms | CPU ms" + (" (+ server)" if pg else "") + " |",
        "|---|---:|---:|",
    ]
    for name, t in p["parts"].items():
        extra = f" + {t['server_cpu']:,.0f}" if pg and "server_cpu" in t else ""
        lines.append(f"| {name} | {t['wall']:,.0f} | {t['cpu']:,.0f}{extra} |")
    fig = p["figures"]
    lines += [
        "",
        f"Roll-up rows: scores {p['rollup_rows']:,}"
        + (f", ScoreDay {p['day_rows']:,}" if "day_rows" in p else "")
        + f", driver moments {p.get('moment_rows', 0):,}, loyalty "
        f"{p.get('loyalty_rows', 0):,}; responses not counted yet: scores {p['pending']:,}, loyalty "
        f"{p.get('loyalty_pending', 0):,}. Figures roll-ups vs per response"
        + (" and vs round 2" if "day_rows" in p else "")
        + f" ({fig['compared']} trend / group / gap / loyalty / drivers / Kano results compared): "
        + ("**all equal**." if not fig["differ"] else "differ: " + ", ".join(fig["differ"][:5])),
        "",
    ]
    return lines


def report(res: dict[str, Any]) -> str:
    p = res["pages"]
    rb = res["rebuild"]
    pg = res.get("postgres")
    lines = [
        BEGIN,
        f"## 2b. Analysis from roll-ups ({p['responses']:,} responses; `bench/surveys/analysis.py`)",
        "",
        f"Run {res['date']} with `bench/surveys/analysis.py "
        + res.get("argv", f"{' --quick' if res['quick'] else ''}{' --postgres' if pg else ''}").strip()
        + f"` on a copy of run.py's database. Load average at start / end: "
        f"{res['load_start']} / {res['load_end']} (a shared machine: other sessions' tests ran meanwhile; "
        "compare the CPU figures and the ratios, measured in the same run). In-process, django.test.Client as "
        "the manager, DEBUG off; CPU = time.process_time of that process (on SQLite the database work is in it; "
        + (
            "on PostgreSQL the backend's CPU is shown beside it as '+ N server')."
            if pg and "server_cpu" in pg["pages"]["healthz"]
            else "on PostgreSQL the server's share is not)."
        ),
        "",
        *_page_lines(p, "SQLite"),
    ]
    if pg:
        lines += _page_lines(pg["pages"], f"PostgreSQL {pg.get('server_version', '')}".strip())
    chk, inc = p["check"], p["incremental"]
    light = chk is None
    build = [
        "| building the roll-ups | wall s | CPU s |",
        "|---|---:|---:|",
    ]
    lines += build
    if rb["migrate"]["wall_s"] == rb["migrate"]["wall_s"]:
        lines.append(
            f"| SQLite `migrate` (0004: new tables; every score count forgotten, to be counted again with "
            f"the moments) | {rb['migrate']['wall_s']:.1f} | {rb['migrate']['cpu_s']:.1f} |"
        )
    if rb["rebuild"]["wall_s"] == rb["rebuild"]["wall_s"]:
        lines.append(
            f"| SQLite `dangol survey-rollups --rebuild` (scores + driver moments + loyalty) | "
            f"{rb['rebuild']['wall_s']:.1f} | {rb['rebuild']['cpu_s']:.1f} |"
        )
    if pg:
        prb = pg["rebuild"]
        lines.append(
            f"| PostgreSQL: migrate / copy of the SQLite database (COPY) | {prb['migrate']['wall_s']:.1f} / "
            f"{prb['copy']['seconds']:.1f} | |"
        )
        if prb["rebuild"]["wall_s"] == prb["rebuild"]["wall_s"]:
            lines.append(
                f"| PostgreSQL `dangol survey-rollups --rebuild` | {prb['rebuild']['wall_s']:.1f} | "
                f"{prb['rebuild']['cpu_s']:.1f} (client only) |"
            )
    if lines[-1] == build[-1]:  # nothing built in this run (--reuse-copy): see the hand-written part
        del lines[-2:]
    if not light:
        lines += [
            "",
            f"SQLite `rollups.check()` + `repurchase.check()` (tables = recount): {chk['wall_s']:.1f} s wall, "
            + ("**equal**" if chk["ok"] else f"**{chk['differences']} differences**")
            + f"; the 15-second job counting {inc['responses']:,} responses again: "
            f"{inc['wall_ms'] / max(inc['responses'], 1):.2f} ms wall / "
            f"{inc['cpu_ms'] / max(inc['responses'], 1):.2f} ms CPU per response, check after it: "
            + ("**equal**" if p["check_after_incremental"] else "**differs**")
            + ".",
        ]
    lines += [
        "",
        "Machine: " + "; ".join(res["machine"]),
        "",
        res.get("analysis", ""),
        END,
    ]
    return "\n".join(lines) + "\n"


ANALYSIS = """### Round 2 of issue 18: drivers and loyalty from roll-ups too (hand-written)

What changed (migration `surveys/0004_analysis_rollups`):
- **Drivers** (OLS on standardized scores + Johnson's relative weights + IPA) need only sufficient statistics:
  `DriverMoment` keeps Σ x_a·x_b per survey × Seoul day × *set of answered items* for every pair of variables
  (overall CSAT, the constant 1, every CSAT / CES / gap-perception question, raw integer scores), counted in the
  same transaction and under the same claim as `ScoreRollup`. Any item set (aspects can be edited later) is
  exact: sum the rows whose answered set covers it (listwise-complete responses), flip CES as an exact linear
  map of the integer moments, then correlations → R_xx⁻¹ r_xy, R², t-tests and relative weights
  (`stats.drivers_from_moments`, equal to the row regression within 1e-9: test_stats.py). Method change: the
  drivers now cover the page's period (the months filter, default 12) instead of "the latest 20,000
  responses", which no roll-up can give exactly.
- **Loyalty** (share who bought again within 90 days, per CSAT and NPS band, answers 90–730 days old): once a
  response's window has closed it is stored in the response (`loyalty_bought`) and counted into
  `LoyaltyRollup` (survey × day × CSAT × NPS × bought) under a conditional claim. A closed window changes
  only if that customer's orders change: a new order row (an import of past orders) makes its customer
  "dirty" (order id above `RollupState.orders_seen`) — the page reads that customer's counted answers live
  until the job re-evaluated them; a merge un-counts both customers' answers in the merge's transaction. The
  application never cancels, re-dates or deletes an order afterwards; a hand edit in the database is found by
  `dangol survey-rollups --check` and repaired by `--rebuild` (tested).
- The page, every filter, now needs nothing precomputed: the measurements here start every sample from an
  **empty** cache (round 1 kept the worker's drivers/loyalty; "nothing cached" was 31.9 s at 5M).

Quick size, SQLite and PostgreSQL in the same run (`bench/surveys/analysis.py --quick --postgres`, 22,802
responses / 226,010 answers; the PostgreSQL database is a COPY of the same SQLite copy; load average 15–19 on
2 cores; CPU = the Django process only, on PostgreSQL the server's CPU is not in it):

| empty cache, p95 / median wall ms, CPU median ms | SQLite roll-ups | SQLite per response | PostgreSQL roll-ups | PostgreSQL per response |
|---|---:|---:|---:|---:|
| analysis, default view (n=3) | 4,392 / 3,025, CPU 269 | 57,532 / 53,944, CPU 4,706 | 2,417 / 1,683, CPU 106 | 10,105 / 9,979, CPU 733 |
| analysis, a filter nobody viewed (n=3) | 2,702 / 2,351, CPU 163 | 20,523 / 20,470, CPU 1,442 | 1,050 / 1,017, CPU 100 | 2,595 / 1,911, CPU 176 |
| drivers alone (wall / CPU) | 451 / 28 | 53,284 / 3,782 | 238 / 18 | 9,402 / 798 |
| loyalty alone (wall / CPU) | 409 / 25 | 2,465 / 195 | 248 / 25 | 328 / 5 (server side) |
| peer: GET /healthz in-process, median wall / CPU ms | 2.3 / 2.3 | | 45.6 / 4.2 | |
| figures compared roll-ups = per response (trend, groups, gaps, loyalty, drivers, Kano) | 20, all equal | | 20, all equal | |
| `rollups.check()` + `repurchase.check()`; after a 1,000-response incremental batch | equal; equal | | equal; equal | |
| `survey-rollups --rebuild` wall / client CPU s | (see the full run) | | 195 / 12 | |

Reading the figures: on this machine (load 15–19 on 2 cores, other sessions' suites) the wall time is 10–15x
the CPU time: the process waits for a core. The CPU per page is what carries over: 269 ms (SQLite) / 106 ms
(+ server) (PostgreSQL) for the whole default view with an empty cache, against 4.7 s / 0.7 s per response.
Where the roll-up page's CPU goes (SQLite, quick): trend 116 ms and groups 88 ms (the GROUP BY over every
ScoreRollup row of 12 months, the dims included: the next step would be a per-day table without
touchpoint/team/staff for the trend), drivers 28, loyalty 25, gaps 14, rates 5. Of the issue's list of slow
queries: trend's month grouping now runs over ~365 day rows (not 500,000 responses), gaps read the roll-ups
(not all answers): neither shows in the cold profile any more.

Full size (5,026,010 answers, SQLite, the generated tables above; load average 16–17):
- **Goal p95 < 2 s with an empty cache: NOT met in wall time on this loaded machine**: default view p95
  8,467 ms (median 5,167 ms) with **620 ms CPU**, a never-viewed filter p95 4,229 ms with 422 ms CPU, Kano
  217 ms; the per-response page in the same run: 161,542 ms (13.5 s CPU) and 52,732 ms (6.0 s CPU), i.e.
  19x / 12x less wall and 22x / 14x less CPU. Round 1's "nothing cached" page was 31.9 s wall / 7.9 s CPU;
  its worker-refreshed default view 885 ms wall / 430 ms CPU. With ~0.6 s of CPU the page fits the goal on a
  machine that gives it a core; at load 16 on 2 cores it waits ~10x that for one. Measure again quietly.
- Where the CPU goes now (functions alone, cache cleared): trend 238 ms, groups 229 ms (both the GROUP BY
  over the 12 months of ScoreRollup rows with their touchpoint × team × staff dims, 170,799 rows in all),
  loyalty 123 ms (roll-up + the two partial days + 19 answers whose window closed since the rebuild, live),
  drivers 31 ms (24,156 moment rows), gaps 23 ms; per response, loyalty alone was 3,558 ms CPU. Next step for
  the trend and the groups: per-day and per-group tables without the other dims (not done in this round).
- Figures: 9 trend / group / gap / loyalty results of the default view and a filter equal to the
  per-response computation. Drivers per response were not run at this size (`--no-drivers-peer`: the first
  attempt with them was stopped after 13 minutes in the page phase; one per-response drivers call is minutes
  of CPU at 5M): their equality is tested in dangol/surveys/tests (SQLite and PostgreSQL) and at the quick
  size above.
- Timings of this run: copy 3 s, `migrate` (0004 and the other apps' new migrations) 3 min 54 s,
  `dangol survey-rollups --rebuild` **13 min 31 s wall** (scores + moments ≈ 12 min, loyalty ≈ 1.5 min;
  CPU not recorded: the first run was stopped in its page phase and the pages re-run with `--reuse-copy`),
  pages 12.5 min. PostgreSQL at 5M was not run (migrate alone took 6 min at the quick size under this load;
  the COPY of 5M answers plus the rebuild would not fit the session).

Commands:
- quick, both databases (this section's first table; ~25 min at load 17, a few on a quiet machine):
  `.venv/bin/python bench/surveys/analysis.py --quick --postgres --samples 7`
- full, both databases: `.venv/bin/python bench/surveys/analysis.py --postgres --no-drivers-peer --light
  --samples 3` (SQLite part ≈ 30 min at load 17; PostgreSQL part not run yet)


### Round 2's generated tables at 5M (the run of 2026-12-02 01:15 UTC, kept here when round 3's run replaced them)

Run 2026-12-02 01:15 UTC with `bench/surveys/analysis.py` on a copy of run.py's database. Load average at start / end: 16.4 17.5 16.6 / 10.2 12.2 14.3 (a shared machine: other sessions' tests ran meanwhile; compare the CPU figures and the ratios, measured in the same run). In-process, django.test.Client as the manager, DEBUG off; CPU = time.process_time of that process (on SQLite the database work is in it; on PostgreSQL the server's share is not).

**SQLite** (502,802 responses). Every sample starts from an EMPTY shared cache (as after a deploy or a cache flush, before the worker's first refresh). *Roll-ups*: the page as shipped. *Per response*: the same page with every figure (trend, groups, gaps, Kano, drivers, loyalty) computed from the responses, answers and orders (the `*_scan` functions, the computation before the roll-ups: the peer), alternating sample by sample. (`--no-drivers-peer`: drivers from the roll-ups in both.)

| page (empty cache) | roll-ups p95 / median ms | CPU median ms | per response p95 / median ms | CPU median ms | speed-up (p95) | goal p95 < 2000 ms |
|---|---:|---:|---:|---:|---:|---|
| analysis (default view) (n=3) | 8,467 / 5,167 | 620 | 161,542 / 71,116 | 13,502 | 19.1x | **NOT met** |
| analysis, a filter nobody viewed (n=3) | 4,229 / 3,475 | 422 | 52,732 / 50,090 | 6,044 | 12.5x | **NOT met** |
| Kano study (n=3) | 217 / 208 | 34 | 180 / 170 | 31 | 0.8x | **met** |
| analysis, default view, first request of the process, roll-ups, n=1 | 6,161 | 633 | | | | **NOT met** |
| the worker's refresh of every default figure (`refresh_snapshots`) | 32,410 | 3,357 | | | | |
| peer floor: GET /healthz in-process | 43.2 / 3.4 | 3.3 | | | | |

| analysis function alone (cache cleared) | wall ms | CPU ms |
|---|---:|---:|
| trend(12 months) | 1,911 | 238 |
| by_group(staff, 12 months) | 1,630 | 229 |
| gaps() | 122 | 23 |
| drivers(first survey, 12 months) | 301 | 31 |
| loyalty() | 849 | 123 |
| loyalty_scan() [before: per response] | 23,484 | 3,558 |
| response_rates() | 43 | 4 |

Roll-up rows: scores 170,799, driver moments 24,156, loyalty 13,329; responses not counted yet: scores 0, loyalty 19. Figures roll-ups vs per response (9 trend / group / gap / loyalty / drivers / Kano results compared): **all equal**.


Machine: nproc: 2; cpu: Intel(R) Xeon(R) Processor; ram: 23.5 GiB; os: Linux 6.18.44-fc-v657; python: 3.11.7; commit: 964aefa

### Round 3 of issue 18: trend and groups from ScoreDay; the loyalty live read (hand-written, 2026-12-02)

What changed (migration `surveys/0006_score_day`):
- **ScoreDay**: one row per survey × Seoul day × touchpoint × team × staff holding exactly the sums the trend
  and group figures use (responses, NPS answers, promoters, detractors, CSAT answers, Σ CSAT, Σ CSAT²,
  satisfied), instead of ScoreRollup's row per metric × score × wave: **7,783 rows for the 5M year instead
  of 170,799** (a per-group table would not have helped much: touchpoint alone still has 4,443 survey × day ×
  touchpoint combinations; the rows were many because of the score bins, not the dims). Written by
  `rollups.rollup_responses` in the same transaction and under the same claim as ScoreRollup (one more
  `INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col`), emptied by `reset` (`--rebuild`), compared
  with a recount by `check` (`--check`; a wrong sum is reported as `("day", key…, column)`). The migration
  fills it from the ScoreRollup rows already counted (one INSERT … SELECT … GROUP BY, 31 s at 5M on SQLite),
  so no recount is needed on upgrade. `rollups.score_sums` reads it like `headline` read ScoreRollup: the
  rows from the day after the period's start, plus, live, the first (partial) day and the responses not
  counted yet; `analysis.trend` / `analysis.by_group` use it.
- **Loyalty's live read**: `repurchase.counts` read "the full days' responses whose 90-day window closed but
  are not counted yet" with the survey in the WHERE clause, and SQLite's planner (no ANALYZE statistics)
  walked `response_survey_time` over the whole period instead of the small partial index
  `response_loyalty_pending`: 0.83 s wall of the 0.96 s of `loyalty()` at 5M. It now finds those responses
  through the partial index alone (its condition and column, the survey filtered in Python) and reads them by
  id: `loyalty()` alone 162 → 36 ms CPU, 960 → 185 ms wall (same process, same copy).
- Tried and dropped: reading only the driver-kind answers for the drivers' live first day (no gain: the
  answer rows of that day dominate either way; a question filter in SQL made SQLite walk the question index,
  3.8 s).
- Equality: the existing tests (roll-ups = per response before, during and after rolling up, incremental =
  rebuild, a deleted staff account, mid-day period start) now run through ScoreDay, on SQLite and PostgreSQL;
  new: ScoreDay's sums = ScoreRollup's histograms summed (`headline`) per day / touchpoint / team / staff /
  survey, live and rolled up, and the migration's fill = the table the job kept; `check` finds a wrong
  ScoreDay sum and `--rebuild` repairs it. The bench compares every figure with the per-response computation
  AND with round 2's reading (all equal on both databases, see the tables above).

Measured at 5M (502,802 responses / 5,026,010 answers; the tables above are this run: `--reuse-copy
--postgres --no-rebuild --light --no-drivers-peer --peer round2 --samples 15`, 15 cold samples per page, every
sample from an EMPTY cache; the peer is the same page with trend and groups read as in round 2, alternating;
note the peer already has the loyalty fix, which is shared code). Load average 11–15 on 2 cores:

| empty cache; p95 / median wall ms; CPU median ms (PostgreSQL: Django process + server backend) | SQLite now | SQLite round-2 reading | PostgreSQL now | PostgreSQL round-2 reading |
|---|---:|---:|---:|---:|
| analysis, default view | **1,290** / 1,001; CPU 122 | 5,066 / 4,337; CPU 541 | **741** / 611; CPU 79 + 40 | 1,655 / 1,224; CPU 105 + 150 |
| analysis, a filter nobody viewed | **1,105** / 861; CPU 128 | 4,045 / 2,563; CPU 378 | **589** / 416; CPU 99 + 40 | 995 / 723; CPU 114 + 130 |
| trend(12 months) alone, CPU ms | 20 | 219 | 11 + 0 | 35 + 70 |
| by_group(staff, 12 months) alone, CPU ms | 14 | 226 | 9 + 10 | 8 + 30 |
| loyalty() alone, CPU ms | 31 (165 in the run before the fix) | | 18 + 10 | |

- **Goal p95 < 2 s with an empty cache (also a never-viewed filter): met on SQLite and on PostgreSQL at 5M,
  on this loaded machine** (load 11–15). Against the last round-2 measurement (SQLite, load 16): default view
  8,467 ms p95 / 620 ms CPU → 1,290 ms / 122 ms CPU; never-viewed filter 4,229 / 422 → 1,105 / 128 (5x less
  CPU; the wall figure moves with the load, the CPU figure predicts the quiet machine). A first run of this
  round, ScoreDay without the loyalty fix (7 samples, load 12–15): SQLite default view 2,242 ms p95 / 286 ms
  CPU, filter 2,705 / 292; PostgreSQL 1,233 / 76 (client only), filter 2,988 / 102 (one outlier sample).
- Where the SQLite default view's ~120 ms CPU goes now (functions alone): drivers 31, loyalty 31, gaps 21,
  trend 20, groups 14, rates 4, the rest the template and the request. PostgreSQL server CPU is read from
  /proc for the backend of the bench's connection (kept for the whole phase: same backend checked), in
  10 ms clock ticks.
- Build timings (SQLite, load 1–6 at the time): copy of run.py's 5M database 2 s, `migrate` (the other apps'
  migrations and surveys 0004–0005) 60 s wall / 22 s CPU, `survey-rollups --rebuild` 5 min 38 s wall / 90 s
  CPU (without ScoreDay: it ran before the change; 0006 then filled ScoreDay, 31 s wall / 7.6 s CPU).
  PostgreSQL (load 11–15): `migrate` 2 min 13 s, COPY of the SQLite copy 4 min, pages 2 min; not rebuilt
  there (`--no-rebuild`: the roll-up tables come with the COPY, and the figures on PostgreSQL are checked
  equal to the per-response computation in the run; rebuild-on-PostgreSQL equality is in the test suite).
- Kept: the migrated, rolled-up 5M SQLite copy in `var/bench/surveys/analysis-h5/surveys.sqlite3` (the
  script no longer deletes its copy unless `--drop-copy`). The PostgreSQL server is throw-away
  (scripts/with-postgres.sh); `--reuse-copy --postgres` re-creates it from that copy. Answers whose loyalty
  window closed since the rebuild are read live until the worker counts them (5 at the SQLite run, 26 at the
  PostgreSQL one, growing by ~1,400 a day if nobody runs `dangol survey-rollups`).

Commands:
- re-measure both databases on the kept copy (this run: 14 min at load 11–15; SQLite pages 6 min, PostgreSQL
  migrate + COPY 6.5 min, pages 2 min): `.venv/bin/python bench/surveys/analysis.py --reuse-copy --postgres
  --no-rebuild --work var/bench/surveys/analysis-h5 --light --no-drivers-peer --peer round2 --samples 15`
- PostgreSQL only, re-using the SQLite figures of the last run in the same --work: add `--pg-only`.
- from scratch (copy of run.py's database, migrate, `survey-rollups --rebuild` on SQLite AND on PostgreSQL, then
  the same pages): `.venv/bin/python bench/surveys/analysis.py --postgres --work var/bench/surveys/analysis-h5
  --light --no-drivers-peer --peer round2 --samples 15` (SQLite build ≈ 7 min at load 1–6, 4 + 14 min at
  load 17 in round 2; the PostgreSQL rebuild at 5M has not been timed yet).
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="the 200,000-answer database")
    parser.add_argument("--db", type=Path, help="a database run.py built (default: the newest cached one)")
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument(
        "--no-rebuild", action="store_true", help="the database already has its roll-ups: skip the rebuild"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="write RESULTS.md from the last run's JSON"
    )
    parser.add_argument("--light", action="store_true", help="no check, incremental batch, [before] parts")
    parser.add_argument(
        "--work",
        type=Path,
        default=BENCH_VAR / "analysis",
        help="where the copy and the last run's JSON live",
    )
    parser.add_argument(
        "--postgres", action="store_true", help="also on PostgreSQL (a throw-away server, the same data)"
    )
    parser.add_argument("--pg-port", type=int, default=0, help="PostgreSQL port (default: a free one)")
    parser.add_argument("--pg-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--reuse-copy",
        action="store_true",
        help="the copy in --work is migrated and rolled up already (a stopped run): pages only",
    )
    parser.add_argument(
        "--no-drivers-peer",
        action="store_true",
        help="no per-response drivers (at 5M answers, minutes of CPU per call): peer and check of the rest only",
    )
    parser.add_argument(
        "--peer",
        choices=("scan", "round2"),
        default="scan",
        help="the page's peer: every figure per response (scan, default) or trend and groups from ScoreRollup "
        "as in round 2 (round2: seconds instead of minutes at 5M)",
    )
    parser.add_argument(
        "--drop-copy",
        action="store_true",
        help="delete the copy at the end (default: keep it for --reuse-copy)",
    )
    parser.add_argument(
        "--pg-only",
        action="store_true",
        help="reuse the SQLite copy and SQLite page figures left in --work by a run that stopped; PostgreSQL only",
    )
    parser.add_argument("--phase")
    parser.add_argument("--config")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.phase or args.pg_child:
        cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
        result = pg_child(cfg) if args.pg_child else {"pages": phase_pages}[args.phase](cfg)
        Path(args.out).write_text(json.dumps(result, default=str), encoding="utf-8")
        return
    if args.report_only:
        res = json.loads((args.work / f"last-{'quick' if args.quick else 'full'}.json").read_text())
        res["analysis"] = ANALYSIS
        _write(report(res))
        return
    source = args.db or _find_db(200_000 if args.quick else 5_000_000)
    var_dir = args.work
    var_dir.mkdir(parents=True, exist_ok=True)
    db = var_dir / "surveys.sqlite3"
    load_start = os.getloadavg()
    dangol = [sys.executable, "-m", "dangol"]
    page_cfg = {
        "samples": args.samples,
        "light": args.light,
        "drivers_peer": not args.no_drivers_peer,
        "peer": args.peer,
    }
    if args.pg_only:
        nan = {"wall_s": float("nan"), "cpu_s": float("nan")}
        rebuild = {"migrate": nan, "rebuild": nan}
        pages = json.loads((var_dir / "pages-result.json").read_text(encoding="utf-8"))
        args.postgres = True
    elif args.reuse_copy:
        nan = {"wall_s": float("nan"), "cpu_s": float("nan")}
        rebuild = {"migrate": nan, "rebuild": nan}
        log("pages (the copy as it is)")
        pages = run_phase(__file__, "pages", page_cfg, var_dir=var_dir, db_path=db)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        log(f"copying {source} → {db}")
        shutil.copyfile(source, db)
        env = django_env(var_dir, db)
        log("migrate")
        rebuild = {"migrate": _timed([*dangol, "migrate", "--no-input", "-v", "0"], env)}
        if args.no_rebuild:
            rebuild["rebuild"] = {"wall_s": float("nan"), "cpu_s": float("nan")}
        else:
            log("survey-rollups --rebuild")
            rebuild["rebuild"] = _timed([*dangol, "survey-rollups", "--rebuild", "--no-progress"], env)
        log("pages")
        pages = run_phase(__file__, "pages", page_cfg, var_dir=var_dir, db_path=db)
    postgres = None
    if args.postgres:
        log("PostgreSQL")
        cfg_path, out_path = var_dir / "pg-config.json", var_dir / "pg-result.json"
        cfg_path.write_text(
            json.dumps(
                {
                    "db": str(db),
                    "var_dir": str(var_dir),
                    "samples": args.samples,
                    "light": args.light,
                    "rebuild": not args.no_rebuild,
                    "drivers_peer": not args.no_drivers_peer,
                    "peer": args.peer,
                }
            ),
            encoding="utf-8",
        )
        out_path.unlink(missing_ok=True)
        port = args.pg_port or _free_port()
        cmd = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), str(port), sys.executable, __file__]
        cmd += ["--pg-child", "--config", str(cfg_path), "--out", str(out_path)]
        subprocess.run(cmd, cwd=ROOT, env=django_env(var_dir, db), stdout=sys.stderr, check=True)
        postgres = json.loads(out_path.read_text(encoding="utf-8"))
    res = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "argv": " ".join(sys.argv[1:]),
        "quick": args.quick,
        "rebuild": rebuild,
        "pages": pages,
        "postgres": postgres,
        "load_start": " ".join(f"{v:.1f}" for v in load_start),
        "load_end": " ".join(f"{v:.1f}" for v in os.getloadavg()),
        "machine": machine_facts_lines(),
        "analysis": ANALYSIS,
    }
    (var_dir / f"last-{'quick' if args.quick else 'full'}.json").write_text(
        json.dumps(res, indent=1, default=str)
    )
    _write(report(res))
    if args.drop_copy:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write(section: str) -> None:
    print(section)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def machine_facts_lines() -> list[str]:
    facts = machine_facts()
    return [f"{k}: {v}" for k, v in facts.items()]


if __name__ == "__main__":
    main()
