"""Campaign launch benchmark (issue 16: "assign and queue a 1,000,000-customer campaign").

A business of N customers is seeded set-based (executemany on SQLite, COPY on PostgreSQL: bench/campaigns/
segments.py's `_rows_insert`) with a mix that exercises every rule a launch applies:

* marketing-SMS consent granted 40%, refused 30%, never decided 30% (no orders: no 6-month exemption);
* night-time advertising consent for a quarter of the SMS-consented;
* processing suspended (처리정지) 1%;
* 2% already got two advertising messages this week (the frequency cap, 2 per 7 days, leaves them out);
* a value tier for 90% (the control group's strata).

Then the segment snapshot is built (`snapshot_build`, what `dangol segments-snapshot` runs) and a campaign over
every customer (an advertising SMS at 21:30 Seoul, so the night rule holds those without night consent; 10%
stratified control) runs through `campaign_run`: assign (snapshot → live re-check → cap → holdout → member
rows) and queue (messaging's rules per message, one message row and one event row each). Reported: assign and
queue time, messages by status and blocked rule, wall and CPU (this process + the PostgreSQL server process),
and the floor: the same number of member, message and event rows written by bare executemany INSERTs into plain
tables in the same run.

    .venv/bin/python bench/campaigns/launch.py                      # 1,000,000 customers, SQLite then PostgreSQL
    .venv/bin/python bench/campaigns/launch.py --no-postgres        # SQLite only
    .venv/bin/python bench/campaigns/launch.py --small              # 20,000 customers (make bench)
    .venv/bin/python bench/campaigns/launch.py --customers 100000 --profile   # + cProfile of the launch
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/campaigns: the segments harness's builder
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _common import cpu_seconds, loadavg, logger, machine_facts, replace_generated
from segments import MESSAGING_SETTINGS, _rows_insert, backend_pid, queued_campaign, run_child

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VAR = Path(os.environ.get("DANGOL_BENCH_LAUNCH_DIR", str(ROOT / "var" / "bench" / "campaigns" / "launch")))
RESULTS = HERE / "RESULTS-launch.md"
PG_PORT = 55611
LAUNCH_AT = dt.datetime(2026, 11, 30, 12, 30, tzinfo=dt.UTC)  # 21:30 in Seoul: the night rule applies
log = logger("campaigns/launch")


def seed(n: int, rng_seed: int) -> dict[str, Any]:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from dangol.customers.models import Consent, Customer
    from dangol.loyalty.models import CustomerValue
    from dangol.messaging.inserts import RowInserter
    from dangol.messaging.models import Message

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0
    rng = np.random.default_rng(rng_seed)
    now = LAUNCH_AT
    t1 = time.perf_counter()
    with transaction.atomic():
        ids = np.arange(1, n + 1)
        joined = [now - dt.timedelta(days=int(d)) for d in rng.integers(30, 1500, n)]
        suspended = rng.random(n) < 0.01
        _rows_insert(
            Customer,
            {
                "id": ids.tolist(),
                "name": [f"고객{i}" for i in ids.tolist()],
                "phone": [f"010{i:08d}" for i in ids.tolist()],
                "phone_last4": [f"{i % 10000:04d}" for i in ids.tolist()],
                "joined_at": joined,
                "created_at": joined,
                "updated_at": joined,
                "processing_suspended_at": [now - dt.timedelta(days=3) if s else None for s in suspended],
            },
            n,
            now=now,
        )
        draw = rng.random(n)
        sms = np.where(draw < 0.4, 1, np.where(draw < 0.7, 0, -1))  # granted / refused / never decided
        night = (sms == 1) & (rng.random(n) < 0.25)
        rows: dict[str, list[Any]] = {"customer_id": [], "purpose": [], "granted": []}
        for pk, state, at_night in zip(ids.tolist(), sms.tolist(), night.tolist(), strict=True):
            if state >= 0:
                rows["customer_id"].append(pk)
                rows["purpose"].append("marketing_sms")
                rows["granted"].append(state == 1)
            if at_night:
                rows["customer_id"].append(pk)
                rows["purpose"].append("marketing_night")
                rows["granted"].append(True)
        k = len(rows["customer_id"])
        _rows_insert(
            Consent,
            {
                **rows,
                "changed_at": [now - dt.timedelta(days=30)] * k,
                "source": ["벤치"] * k,
                "version": ["v1"] * k,
            },
            k,
            now=now,
        )
        valued = ids[rng.random(n) < 0.9].tolist()
        m = len(valued)
        tiers = rng.choice(["super", "superior", "regular", "care"], m, p=[0.05, 0.15, 0.5, 0.3]).tolist()
        _rows_insert(
            CustomerValue,
            {
                "customer_id": valued,
                "value_tier": tiers,
                "stage": ["regular"] * m,
                "clv": rng.integers(0, 2_000_000, m).tolist(),
                "computed_at": [now] * m,
            },
            m,
            now=now,
        )
        capped = ids[(rng.random(n) < 0.02) & (sms == 1)].tolist()
        inserter = RowInserter(Message, now=now - dt.timedelta(days=2))
        earlier = [
            inserter.complete(
                {
                    "customer_id": pk,
                    "purpose_ref": f"bench:earlier:{pk}:{j}",
                    "channel": "sms",
                    "kind": "advertising",
                    "recipient": f"010{pk:08d}",
                    "status": "sent",
                    "body": "(광고) 지난 광고",
                }
            )
            for pk in capped
            for j in range(2)
        ]
        for start in range(0, len(earlier), 5000):
            inserter.insert(earlier[start : start + 5000])
    load_s = time.perf_counter() - t1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "migrate_s": migrate_s,
        "load_s": load_s,
        "rows": {
            "customers": n,
            "consents": k,
            "values": m,
            "capped": len(capped),
            "suspended": int(suspended.sum()),
        },
    }


class Clock:
    """Wall, this process's CPU and the database server process's CPU between two reads."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.start = self._read()

    def _read(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), cpu_seconds(self.pid) if self.pid else 0.0

    def lap(self) -> dict[str, float]:
        end = self._read()
        out = {
            "wall_s": end[0] - self.start[0],
            "cpu_s": end[1] - self.start[1],
            "server_s": end[2] - self.start[2],
        }
        self.start = end
        return out


def measure_launch(profile: bool) -> dict[str, Any]:
    from django.test import override_settings

    from dangol.campaigns import services as campaigns
    from dangol.campaigns.models import Campaign, CampaignMember
    from dangol.messaging.models import Message

    pid = backend_pid()
    with override_settings(**MESSAGING_SETTINGS):
        campaign = queued_campaign("bench_launch")
        # the two phases of campaign_run, timed apart (the same calls it makes, in its order)
        campaign = Campaign.objects.select_related("segment", "template", "coupon", "launched_by").get(
            pk=campaign.pk
        )
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU time: the machine is shared
        clock = Clock(pid)
        if profiler:
            profiler.enable()
        campaigns._assign(campaign, now=LAUNCH_AT)
        assign = clock.lap()
        log(f"  assign: {assign['wall_s']:.1f} s wall, {assign['cpu_s']:.1f} s CPU")
        done = campaigns.campaign_run(campaign.pk, now=LAUNCH_AT)  # resumes after the assignment: the queue
        queue = clock.lap()
        if profiler:
            profiler.disable()
        log(f"  queue: {queue['wall_s']:.1f} s wall, {queue['cpu_s']:.1f} s CPU")
        # a rerun (a retry after a crash) queues nothing twice
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
        before = Message.objects.filter(purpose_ref__startswith=done.ref_prefix).count()
        campaigns.campaign_run(campaign.pk, now=LAUNCH_AT)
        rerun = clock.lap()
        after = Message.objects.filter(purpose_ref__startswith=done.ref_prefix).count()
        assert after == before, (before, after)
    results = done.results
    out = {
        "status": done.status,
        "source": results.get("source"),
        "segment": results.get("segment"),
        "capped": results.get("capped"),
        "members": CampaignMember.objects.filter(campaign=done).count(),
        "treated": results.get("treated"),
        "control": results.get("control"),
        "messages": before,
        "by_status": results.get("messages", {}).get("by_status", {}),
        "blocked_by_rule": results.get("messages", {}).get("blocked_by_rule", {}),
        "held_for_night": results.get("messages", {}).get("held_for_night"),
        "assign": assign,
        "queue": queue,
        "rerun": rerun,
    }
    if profiler:
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(30)
        out["profile"] = buffer.getvalue()
    return out


def measure_floor(members: int, messages: int, pid: int | None) -> dict[str, float]:
    """The same numbers of member, message and event rows (same widths) by bare executemany, one transaction."""
    from django.db import connection, transaction

    body = "(광고)단골상점 고객1234님, 오랜만이에요. 이번 주에 들러 주세요. 무료수신거부 080-123-4567"
    serial = "integer PRIMARY KEY" if connection.vendor == "sqlite" else "bigserial PRIMARY KEY"
    with connection.cursor() as cursor:
        for table in ("bench_member", "bench_message", "bench_event"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE bench_member (id {serial}, campaign_id bigint, customer_id bigint, arm varchar(8), "
            "stratum varchar(20), queued boolean, UNIQUE (campaign_id, customer_id))"
        )
        cursor.execute(
            f"CREATE TABLE bench_message (id {serial}, customer_id bigint, purpose_ref varchar(100) UNIQUE, "
            "channel varchar(10), status varchar(12), address varchar(100), body text)"
        )
        cursor.execute(
            f"CREATE TABLE bench_event (id {serial}, message_id bigint, status varchar(12), detail text)"
        )
    clock = Clock(pid)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, members, 5000):
            cursor.executemany(
                "INSERT INTO bench_member (campaign_id, customer_id, arm, stratum, queued) VALUES (%s, %s, %s, %s, %s)",
                [(1, i, "treated", "regular", False) for i in range(start, min(members, start + 5000))],
            )
        for start in range(0, messages, 5000):
            span = range(start, min(messages, start + 5000))
            cursor.executemany(
                "INSERT INTO bench_message (customer_id, purpose_ref, channel, status, address, body) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(i, f"campaign:1:customer:{i}", "sms", "queued", f"010{i:08d}", body) for i in span],
            )
            cursor.executemany(
                "INSERT INTO bench_event (message_id, status, detail) VALUES (%s, %s, %s)",
                [(i, "queued", "") for i in span],
            )
    return clock.lap()


def child(cfg: dict[str, Any], out: Path) -> None:
    import django

    django.setup()
    from django.db import connection

    from dangol.campaigns.snapshot import snapshot_build

    log(f"[{connection.vendor}] migrate + {cfg['customers']:,} customers")
    built = seed(cfg["customers"], cfg["seed"])
    log(f"[{connection.vendor}] seeded in {built['load_s']:.0f} s; snapshot")
    pid = backend_pid()
    clock = Clock(pid)
    meta = snapshot_build()
    snap = {**clock.lap(), "rows": meta["rows"]}
    log(f"[{connection.vendor}] snapshot of {meta['rows']:,} customers in {snap['wall_s']:.1f} s; launch")
    launch = measure_launch(cfg.get("profile", False))
    floor = measure_floor(launch["members"], launch["messages"], pid)
    log(f"[{connection.vendor}] floor: {floor['wall_s']:.1f} s wall")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    result = {
        "vendor": connection.vendor,
        "server": server,
        "seed": built,
        "snapshot": snap,
        "launch": launch,
    }
    result["floor"] = floor
    out.write_text(json.dumps(result, default=str), encoding="utf-8")


def run_backend(vendor: str, cfg: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    return run_child(__file__, vendor, cfg, var_dir, cfg["pg_port"])


def table(results: list[dict[str, Any]], cfg: dict[str, Any]) -> str:
    lines = [
        f"Customers: {cfg['customers']:,} (seed {cfg['seed']}); load average at the end {loadavg()}. CPU = this "
        "process + the PostgreSQL server process (0 on SQLite: in-process).",
        "",
        "| backend | seed s | snapshot wall s · CPU s | members (capped · treated · control) | messages by status "
        "· blocked by rule | assign wall s · CPU s | queue wall s · CPU s | launch µs CPU per member | bare "
        "INSERT floor wall s · CPU s | launch ÷ floor (CPU · wall) | rerun s |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        la, fl, sn = r["launch"], r["floor"], r["snapshot"]
        a, q = la["assign"], la["queue"]
        cpu = a["cpu_s"] + a["server_s"] + q["cpu_s"] + q["server_s"]
        wall = a["wall_s"] + q["wall_s"]
        fcpu = fl["cpu_s"] + fl["server_s"]
        status = ", ".join(f"{k} {v:,}" for k, v in sorted(la["by_status"].items()))
        rules = ", ".join(f"{k} {v:,}" for k, v in sorted(la["blocked_by_rule"].items()))
        lines.append(
            f"| {r['vendor']} ({r['server']}) | {r['seed']['load_s']:,.0f} | {sn['wall_s']:,.1f} · "
            f"{sn['cpu_s'] + sn['server_s']:,.1f} | {la['members']:,} ({la['capped']:,} · {la['treated']:,} · "
            f"{la['control']:,}) | {la['messages']:,}: {status} · {rules}; night-held {la['held_for_night'] or 0:,} | "
            f"{a['wall_s']:,.1f} · {a['cpu_s']:,.1f} + {a['server_s']:,.1f} | {q['wall_s']:,.1f} · "
            f"{q['cpu_s']:,.1f} + {q['server_s']:,.1f} | {1e6 * cpu / max(1, la['segment']):,.0f} | "
            f"{fl['wall_s']:,.1f} · {fcpu:,.1f} | {cpu / fcpu:,.1f}× · {wall / fl['wall_s']:,.1f}× | "
            f"{la['rerun']['wall_s']:,.1f} |"
        )
    lines += ["", " · ".join(f"{k} {v}" for k, v in machine_facts().items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument(
        "--small", action="store_true", help="20,000 customers (make bench BENCH_ARGS=--small)"
    )
    parser.add_argument("--quick", action="store_true", help="the same as --small")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--pg-port", type=int, default=PG_PORT)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile the launch; print the top functions")
    parser.add_argument("--label", default=None, help="the RESULTS section to (re)write (default: by size)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)
    if args.child:
        child(json.loads(Path(args.config).read_text(encoding="utf-8")), Path(args.out))
        return 0
    customers = args.customers or (20_000 if args.small or args.quick else 1_000_000)
    cfg = {"customers": customers, "seed": args.seed, "profile": args.profile, "pg_port": args.pg_port}
    started = time.perf_counter()
    results = []
    for vendor in ("sqlite", "postgresql"):
        if (vendor == "sqlite" and args.no_sqlite) or (vendor == "postgresql" and args.no_postgres):
            continue
        results.append(run_backend(vendor, cfg, VAR))
        if args.profile:
            print(results[-1]["launch"].pop("profile"), file=sys.stderr)
    text = table(results, cfg) + f"\n\nWhole run: {time.perf_counter() - started:,.0f} s."
    print(text)
    label = args.label or {20_000: "small", 100_000: "100k", 1_000_000: "full"}.get(customers)
    if label:
        replace_generated(RESULTS, label, text, title="Campaign launch benchmark")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangol.settings")
    raise SystemExit(main())
