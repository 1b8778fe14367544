"""Segment snapshot and launch benchmark (issue 16): the builder's segments over N customers evaluated on the
columnar segment snapshot vs the live tables vs a bare DuckDB scan floor, and a campaign over every customer
assigned (stratified holdout) and queued (messaging's rules applied) vs a bare bulk INSERT floor; on SQLite and
on PostgreSQL.

Each backend runs in a child process on a fresh database, seeded by bench/campaigns/segments.py's `build`
(N customers with phones, 40% marketing-SMS consent, value rows for 90%, 1 + Poisson(1) orders each, VOC for 3%,
NPS for 10%). Then, in the same run:

* snapshot build: `dangol.campaigns.snapshot.snapshot_build` (the job `dangol segments-snapshot` runs);
* per segment (the same five as segments.py), R timed runs after one warm-up, p50/p95 wall and CPU ms:
  - floor: a hand-written DuckDB count over the snapshot file on an open connection (the scan alone);
  - snapshot: `count_now(definition)` — what the builder's live count runs (compile, open DuckDB, scan);
  - live: `customers_matching(definition).count()` on the live tables (the path without a snapshot);
  - page: POST /campaigns/segments/count/ (form → definition → snapshot count → htmx fragment);
* launch: a campaign over every customer (10% control, stratified by value tier; an advertising SMS at
  noon, so consent is checked live per message and 60% are blocked for no consent) through
  `campaign_run` — members from the snapshot, re-checked live, inserted per chunk, messages queued by
  `messages_queue_bulk` in batches of 2,000; rows/s over members + messages;
* launch floor: the same number of member rows and message rows (same widths) written by bare
  executemany INSERTs into two plain tables, one transaction.

    .venv/bin/python bench/campaigns/snapshot.py              # 1,000,000 customers, SQLite and PostgreSQL
    .venv/bin/python bench/campaigns/snapshot.py --quick      # 100,000 customers (make bench BENCH_ARGS=--small)
    .venv/bin/python bench/campaigns/snapshot.py --no-postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/campaigns: the segments harness's builder
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _common import cpu_seconds, django_env, loadavg, logger, machine_facts, replace_generated
from segments import CUT, MESSAGING_SETTINGS, NOW, SEGMENTS, backend_pid, build, queued_campaign, run_child

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VAR = ROOT / "var" / "bench" / "campaigns" / "snapshot"
RESULTS = HERE / "RESULTS-snapshot.md"
PG_PORT = 55607
GOAL_P95 = 1.0
LAUNCH_AT = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 12:00 in Seoul: no night-time hold
log = logger("campaigns/snapshot")

# the bare scan: hand-written DuckDB predicates over the snapshot columns (? = the cut, as naive UTC)
FLOORS: dict[str, str] = {
    "winback": "consent_marketing_sms AND value_tier IN ('super', 'superior') AND last_purchase_at < ?",
    "categories": "list_contains(categories, ?) AND NOT list_contains(categories, ?)",
    "voc_open": "voc_open",
    "detractors": "nps_last <= 6",
    "everything": "consent_marketing_sms AND value_tier IN ('super', 'superior') AND last_purchase_at < ? "
    "AND list_contains(categories, ?) AND NOT voc_open AND nps_last >= 7",
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _timed(fn: Any, pid: int | None) -> tuple[float, float, float, Any]:
    server0 = cpu_seconds(pid) if pid else 0.0
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return wall, cpu, (cpu_seconds(pid) - server0) if pid else 0.0, out


def measure_segments(repeat: int, *, live_tables: bool = True) -> dict[str, Any]:
    import duckdb
    from django.contrib.auth.models import Permission, User
    from django.test import Client
    from django.utils import timezone

    from dangol.campaigns.conditions import count_now, customers_matching
    from dangol.campaigns.snapshot import snapshot_info
    from dangol.orders.models import ProductCategory

    info = snapshot_info()
    assert info is not None, "no usable snapshot"
    path = str(info["path"])
    user = User.objects.create_user("bench-analyst", password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_segment", "view_segment"]))
    client = Client()
    client.force_login(user)
    cat = dict(ProductCategory.objects.values_list("code", "pk"))
    cut = (
        dt.datetime.combine(dt.date.fromisoformat(CUT), dt.time.min, tzinfo=timezone.get_current_timezone())
        .astimezone(dt.UTC)
        .replace(tzinfo=None)
    )
    floor_params = {
        "winback": [cut],
        "categories": [cat["cat01"], cat["cat02"]],
        "voc_open": [],
        "detractors": [],
        "everything": [cut, cat["cat01"]],
    }
    pid = backend_pid()
    con = duckdb.connect()
    out: dict[str, Any] = {}
    for name, seg in SEGMENTS.items():

        def floor(name: str = name) -> int:
            sql = f"SELECT count(*) FROM read_parquet('{path}') WHERE {FLOORS[name]}"
            return int(con.sql(sql, params=floor_params[name]).fetchall()[0][0])

        def snapshot(definition: list[dict[str, Any]] = seg["definition"]) -> int:
            count, at = count_now(definition, now=NOW)
            assert at is not None
            return count

        def live(definition: list[dict[str, Any]] = seg["definition"]) -> int:
            return customers_matching(definition, now=NOW).count()

        def page(form: dict[str, Any] = seg["form"], name: str = name) -> int:
            response = client.post("/campaigns/segments/count/", form, secure=True)
            body = response.content.decode()
            found = re.search(r'id="count-value">([\d,]+)', body)
            if response.status_code != 200 or not found or "기준:" not in body:
                raise SystemExit(
                    f"{name}: the live count answered {response.status_code} without a snapshot count"
                )
            return int(found.group(1).replace(",", ""))

        runs: dict[str, Any] = {}
        kinds = {"floor": floor, "snapshot": snapshot, "live": live, "page": page}
        if not live_tables:
            del kinds["live"]
        for kind, fn in kinds.items():
            fn()  # warm: plans, caches, page cache
            samples = [_timed(fn, pid) for _i in range(repeat)]
            answers = {s[3] for s in samples}
            runs[kind] = {
                "p50": statistics.median(s[0] for s in samples),
                "p95": _pct([s[0] for s in samples], 0.95),
                "cpu_ms": 1000 * statistics.median(s[1] for s in samples),
                "server_cpu_ms": 1000 * statistics.median(s[2] for s in samples),
                "answer": answers.pop() if len(answers) == 1 else sorted(answers),
            }
            log(
                f"  {name:<11} {kind:<8} p50 {runs[kind]['p50'] * 1000:8.1f} ms  "
                f"p95 {runs[kind]['p95'] * 1000:8.1f} ms  → {runs[kind]['answer']}"
            )
        answers = {kind: r["answer"] for kind, r in runs.items()}
        if len(set(map(str, answers.values()))) != 1:
            raise SystemExit(f"{name}: the paths disagree: {answers}")
        out[name] = runs
    con.close()
    return out


def measure_launch() -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import override_settings

    from dangol.campaigns.models import CampaignMember
    from dangol.campaigns.services import campaign_run
    from dangol.messaging.models import Message

    with override_settings(**MESSAGING_SETTINGS):
        campaign = queued_campaign("bench_promo")
        pid = backend_pid()
        wall, cpu, server, done = _timed(lambda: campaign_run(campaign.pk, now=LAUNCH_AT), pid)
        assert settings.DANGOL_SMS_SENDERS
    members = CampaignMember.objects.filter(campaign=done).count()
    messages = Message.objects.filter(purpose_ref__startswith=done.ref_prefix).count()
    results = done.results
    launch = {
        "status": done.status,
        "source": results.get("source"),
        "members": members,
        "treated": results.get("treated"),
        "control": results.get("control"),
        "messages": messages,
        "by_status": results.get("messages", {}).get("by_status", {}),
        "blocked_by_rule": results.get("messages", {}).get("blocked_by_rule", {}),
        "wall_s": wall,
        "cpu_s": cpu,
        "server_cpu_s": server,
    }
    log(
        f"  launch: {members:,} members, {messages:,} messages in {wall:,.1f} s (CPU {cpu:,.1f} s + server {server:,.1f} s)"
    )

    # the floor: the same rows written bare
    body = "(광고)단골상점 고객1234님, 오랜만이에요. 이번 주에 들러 주세요. 무료수신거부 080-123-4567"
    member_rows = [(1, i, "treated", "regular", False) for i in range(members)]
    message_rows = [
        (i, f"campaign:1:customer:{i}", "sms", "queued", "010-0000-0000", body) for i in range(messages)
    ]
    bool_type = "boolean"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_member")
        cursor.execute("DROP TABLE IF EXISTS bench_message")
        cursor.execute(
            f"CREATE TABLE bench_member (id integer PRIMARY KEY, campaign_id bigint, customer_id bigint, "
            f"arm varchar(8), stratum varchar(20), queued {bool_type})"
            if connection.vendor == "sqlite"
            else "CREATE TABLE bench_member (id bigserial PRIMARY KEY, campaign_id bigint, customer_id bigint, "
            "arm varchar(8), stratum varchar(20), queued boolean)"
        )
        cursor.execute(
            "CREATE TABLE bench_message (id integer PRIMARY KEY, customer_id bigint, purpose_ref varchar(100), "
            "channel varchar(10), status varchar(12), address varchar(100), body text)"
            if connection.vendor == "sqlite"
            else "CREATE TABLE bench_message (id bigserial PRIMARY KEY, customer_id bigint, "
            "purpose_ref varchar(100), channel varchar(10), status varchar(12), address varchar(100), body text)"
        )

    def bare() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            for start in range(0, len(member_rows), 5000):
                cursor.executemany(
                    "INSERT INTO bench_member (campaign_id, customer_id, arm, stratum, queued) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    member_rows[start : start + 5000],
                )
            for start in range(0, len(message_rows), 5000):
                cursor.executemany(
                    "INSERT INTO bench_message (customer_id, purpose_ref, channel, status, address, body) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    message_rows[start : start + 5000],
                )
        return len(member_rows) + len(message_rows)

    fwall, fcpu, fserver, _rows = _timed(bare, pid)
    launch.update({"floor_wall_s": fwall, "floor_cpu_s": fcpu, "floor_server_cpu_s": fserver})
    log(f"  launch floor: {members + messages:,} rows in {fwall:,.1f} s")
    return launch


def child(cfg: dict[str, Any], out: Path) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.urls import get_resolver

    from dangol.campaigns.snapshot import snapshot_build

    _views = (
        get_resolver().url_patterns
    )  # import every view now (the shared tree may be mid-edit later in a long run)

    log(f"[{connection.vendor}] migrate + {cfg['customers']:,} customers")
    built = build(cfg["customers"], cfg["seed"])
    log(f"[{connection.vendor}] built in {built['load_s']:.0f} s; snapshot")
    c0, w0 = time.process_time(), time.perf_counter()
    meta = snapshot_build()
    snap = {
        "wall_s": time.perf_counter() - w0,
        "cpu_s": time.process_time() - c0,
        "rows": meta["rows"],
        "bytes": (Path(os.environ["DANGOL_VAR_DIR"]) / "segments" / "customers.parquet").stat().st_size,
    }
    log(f"[{connection.vendor}] snapshot of {meta['rows']:,} customers in {snap['wall_s']:.1f} s; segments")
    result = {
        "vendor": connection.vendor,
        "build": built,
        "snapshot": snap,
        "segments": measure_segments(cfg["repeat"]),
        "launch": measure_launch(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        result["server"] = cursor.fetchone()[0].split(" on ")[0]
    out.write_text(json.dumps(result, default=str), encoding="utf-8")


def synthetic_snapshot(n: int, seed: int) -> dict[str, Any]:
    """A segment snapshot of n customers written straight from numpy (the distributions of segments.py's
    `build`), for timing the snapshot path at sizes whose live tables take too long to load here."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.core.management import call_command
    from django.utils import timezone

    from dangol.campaigns import snapshot
    from dangol.orders.models import ProductCategory

    call_command("migrate", verbosity=0, interactive=False)
    cats = [
        ProductCategory.objects.create(code=f"cat{k:02d}", name=f"카테고리{k:02d}").pk for k in range(1, 13)
    ]
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    valued = rng.random(n) < 0.9
    tiers = rng.choice(["super", "superior", "regular", "care"], n, p=[0.05, 0.15, 0.5, 0.3])
    tier_col = [str(t) if v else None for t, v in zip(tiers, valued, strict=True)]
    last = NOW.replace(tzinfo=None) - np.array(rng.integers(0, 730 * 1440, n), dtype="timedelta64[m]").astype(
        object
    )
    weights = 1.0 / np.arange(1, 13)
    per = 1 + rng.poisson(1.0, n)
    picks = rng.choice(12, per.sum(), p=weights / weights.sum())
    starts = np.concatenate([[0], np.cumsum(per)[:-1]])
    categories = [sorted({cats[j] for j in picks[a : a + k]}) for a, k in zip(starts, per, strict=True)]
    nps = np.where(rng.random(n) < 0.1, rng.integers(0, 11, n), -1)
    cols: dict[str, Any] = {name: [None] * n for name in snapshot.schema().names}
    cols.update(
        {
            "customer_id": list(range(1, n + 1)),
            "processing_suspended": [False] * n,
            "value_tier": tier_col,
            "stage": ["regular" if v else None for v in valued],
            "clv": [
                int(x) if v else None for x, v in zip(rng.integers(0, 2_000_000, n), valued, strict=True)
            ],
            "last_purchase_at": list(last),
            "categories": categories,
            "likely_to_buy": [[] for _ in range(n)],
            "nps_last": [int(x) if x >= 0 else None for x in nps],
            "voc_open": (rng.random(n) < 0.01).tolist(),
            "flagged": [False] * n,
        }
    )
    for purpose in (
        "terms",
        "privacy",
        "marketing_email",
        "marketing_push",
        "marketing_kakao",
        "marketing_night",
    ):
        cols[snapshot.consent_column(purpose)] = [False] * n
    cols["consent_marketing_sms"] = (rng.random(n) < 0.4).tolist()
    folder = snapshot.directory()
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols, schema=snapshot.schema()), folder / snapshot.FILE, row_group_size=256_000)
    (folder / snapshot.META).write_text(
        json.dumps({"version": snapshot.VERSION, "built_at": timezone.now().isoformat(), "rows": n}),
        encoding="utf-8",
    )
    return {"rows": n, "bytes": (folder / snapshot.FILE).stat().st_size, "write_s": time.perf_counter() - t0}


def scan_child(cfg: dict[str, Any], out: Path) -> None:
    import django

    django.setup()
    from django.urls import get_resolver

    _views = get_resolver().url_patterns  # import every view now
    log(f"[scan] synthetic snapshot of {cfg['customers']:,} customers")
    made = synthetic_snapshot(cfg["customers"], cfg["seed"])
    log(f"[scan] written in {made['write_s']:.0f} s; segments")
    result = {"snapshot": made, "segments": measure_segments(cfg["repeat"], live_tables=False)}
    out.write_text(json.dumps(result, default=str), encoding="utf-8")


def run_scan(cfg: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    var_dir.mkdir(parents=True, exist_ok=True)
    n = cfg["customers"]
    cfg_path, out = var_dir / f"scan-{n}-config.json", var_dir / f"scan-{n}-result.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    out.unlink(missing_ok=True)
    db = var_dir / f"scan-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = django_env(var_dir / f"scan-{n}", db)
    cmd = [sys.executable, __file__, "--scan-child", "--config", str(cfg_path), "--out", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=sys.stderr, check=False)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"bench/campaigns/snapshot: the scan failed (exit {proc.returncode})")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return json.loads(out.read_text(encoding="utf-8"))


def scan_table(result: dict[str, Any], cfg: dict[str, Any]) -> str:
    s = result["snapshot"]
    lines = [
        f"Snapshot path only, {cfg['customers']:,} customers in a synthetic snapshot ({s['bytes'] / 2**20:,.1f} MiB "
        f"Parquet, the distributions of the seeded database; no live tables, so no live column and no launch); "
        f"{cfg['repeat']} timed runs after one warm-up; load average at the end {loadavg()}.",
        "",
        "| segment | members | DuckDB floor p50 / p95 (ms) | snapshot count p50 / p95 | page (POST) p50 / p95 | "
        "snapshot ÷ floor (p50) | CPU ms/op floor · snapshot · page | page p95 < 1 s |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, runs in result["segments"].items():
        f, sn, pg = runs["floor"], runs["snapshot"], runs["page"]
        ok = "✓" if pg["p95"] < GOAL_P95 else "✗"
        lines.append(
            f"| {name} | {sn['answer']:,} | {f['p50'] * 1000:,.1f} / {f['p95'] * 1000:,.1f} | "
            f"{sn['p50'] * 1000:,.1f} / {sn['p95'] * 1000:,.1f} | {pg['p50'] * 1000:,.1f} / {pg['p95'] * 1000:,.1f} | "
            f"{sn['p50'] / f['p50']:.1f}× | {f['cpu_ms']:,.0f} · {sn['cpu_ms']:,.0f} · {pg['cpu_ms']:,.0f} | {ok} |"
        )
    lines += ["", " · ".join(f"{k} {v}" for k, v in machine_facts().items())]
    return "\n".join(lines)


def run_backend(vendor: str, cfg: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    return run_child(__file__, vendor, cfg, var_dir, PG_PORT)


def table(results: list[dict[str, Any]], cfg: dict[str, Any]) -> str:
    lines = [
        f"Customers: {cfg['customers']:,} (seed {cfg['seed']}); {cfg['repeat']} timed runs per query after one "
        f"warm-up; load average at the end {loadavg()}.",
        "",
    ]
    for r in results:
        b, s, la = r["build"], r["snapshot"], r["launch"]
        lines += [
            f"**{r['vendor']}** ({r['server']}): {b['rows']['orders']:,} orders/lines; database "
            f"{b['db_bytes'] / 2**20:,.0f} MiB. Snapshot of {s['rows']:,} customers: {s['bytes'] / 2**20:,.1f} MiB "
            f"Parquet, built in {s['wall_s']:,.1f} s wall / {s['cpu_s']:,.1f} s CPU of this process.",
            "",
            "| segment | members | DuckDB floor p50 / p95 (ms) | snapshot count p50 / p95 | live tables p50 / p95 | "
            "page (POST) p50 / p95 | snapshot ÷ floor · live ÷ snapshot (p50) | CPU ms/op floor · snapshot · "
            "live · page (client + server) | page p95 < 1 s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, runs in r["segments"].items():
            f, sn, lv, pg = runs["floor"], runs["snapshot"], runs["live"], runs["page"]

            def ms(x: dict[str, Any]) -> str:
                return f"{x['p50'] * 1000:,.1f} / {x['p95'] * 1000:,.1f}"

            def cpu(x: dict[str, Any]) -> str:
                return f"{x['cpu_ms'] + x['server_cpu_ms']:,.0f}"

            ok = "✓" if pg["p95"] < GOAL_P95 else "✗"
            lines.append(
                f"| {name} | {sn['answer']:,} | {ms(f)} | {ms(sn)} | {ms(lv)} | {ms(pg)} | "
                f"{sn['p50'] / f['p50']:.1f}× · {lv['p50'] / sn['p50']:.1f}× | "
                f"{cpu(f)} · {cpu(sn)} · {cpu(lv)} · {cpu(pg)} | {ok} |"
            )
        rows = la["members"] + la["messages"]
        lines += [
            "",
            "| launch over every customer | members | treated · control | messages (by status) | wall s | "
            "CPU s (client + server) | rows/s (members + messages) | bare INSERT floor wall s · CPU s | "
            "launch ÷ floor (wall) |",
            "|---|---:|---:|---|---:|---:|---:|---:|---:|",
            f"| {la['status']}, members from the {la['source']} | {la['members']:,} | {la['treated']:,} · "
            f"{la['control']:,} | {la['messages']:,} ({', '.join(f'{k} {v:,}' for k, v in la['by_status'].items())}) "
            f"| {la['wall_s']:,.1f} | {la['cpu_s']:,.1f} + {la['server_cpu_s']:,.1f} | {rows / la['wall_s']:,.0f} | "
            f"{la['floor_wall_s']:,.1f} · {la['floor_cpu_s'] + la['floor_server_cpu_s']:,.1f} | "
            f"{la['wall_s'] / la['floor_wall_s']:,.1f}× |",
            "",
        ]
    lines.append(" · ".join(f"{k} {v}" for k, v in machine_facts().items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="100,000 customers")
    parser.add_argument("--small", action="store_true", help="the same as --quick (make bench BENCH_ARGS)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--scan-only",
        type=int,
        metavar="N",
        help="only the snapshot path, on a synthetic snapshot of N customers (no database to load)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scan-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)
    if args.child:
        child(json.loads(Path(args.config).read_text(encoding="utf-8")), Path(args.out))
        return 0
    if args.scan_child:
        scan_child(json.loads(Path(args.config).read_text(encoding="utf-8")), Path(args.out))
        return 0
    if args.scan_only:
        cfg = {"customers": args.scan_only, "seed": args.seed, "repeat": args.repeat}
        started = time.perf_counter()
        text = scan_table(run_scan(cfg, VAR), cfg) + f"\n\nWhole run: {time.perf_counter() - started:,.0f} s."
        print(text)
        replace_generated(RESULTS, f"scan-{args.scan_only}", text, title="Segment snapshot benchmark")
        return 0
    quick = args.quick or args.small
    customers = args.customers or (100_000 if quick else 1_000_000)
    cfg = {"customers": customers, "seed": args.seed, "repeat": args.repeat}
    started = time.perf_counter()
    results = [run_backend("sqlite", cfg, VAR)]
    if not args.no_postgres:
        results.append(run_backend("postgresql", cfg, VAR))
    text = table(results, cfg) + f"\n\nWhole run: {time.perf_counter() - started:,.0f} s."
    print(text)
    label = {100_000: "quick", 1_000_000: "full"}.get(customers)
    if label:
        replace_generated(RESULTS, label, text, title="Segment snapshot benchmark")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangol.settings")
    raise SystemExit(main())
