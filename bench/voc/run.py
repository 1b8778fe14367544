"""VOC board and work-queue server time with many cases (issue 3 benchmark).

Builds (and caches) a SQLite database with N cases under var/bench/voc-N/, then renders the
board and each work queue in-process with Django's test client, as an agent and a manager.
Goal: p95 under 100 ms with 1,000,000 cases. Peer: /healthz on the same stack (the floor).

    .venv/bin/python bench/voc/run.py            # 1,000,000 cases
    .venv/bin/python bench/voc/run.py --small    # 100,000 cases
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def build(db: Path, n_cases: int) -> None:
    """Migrate, create the demo business (small), then bulk-insert n_cases with raw SQL."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from dangol.demo.generate import generate

    generate(customers=2000, seed=1, years=1.0)
    from django.db import connections

    connections.close_all()
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    cats = [r[0] for r in con.execute("select id from voc_category where parent_id is not null")]
    teams = [r[0] for r in con.execute("select id from accounts_team")]
    users = [r[0] for r in con.execute("select id from auth_user")]
    customers = [r[0] for r in con.execute("select id from customers_customer")]
    start = con.execute("select max(id) from voc_case").fetchone()[0] + 1
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    statuses = ["new", "open", "waiting", "resolved", "closed"]
    weights = [0.01, 0.02, 0.005, 0.015, 0.95]
    cols = (
        "number, kind, status, priority, channel, customer_id, contact_name, contact_info, category_id, team_id, "
        "assignee_id, title, body, created_at, first_response_due, resolution_due, difficult_type, "
        "root_cause_note, resolution_type, resolution_note, resolution_cost, compensation_points, customer_reaction, "
        "reopened_count, version"
    )
    sql = f"insert into voc_case ({cols}) values ({','.join('?' * 25)})"
    batch = []
    t0 = time.perf_counter()
    for i in range(start, start + n_cases):
        created = now - dt.timedelta(minutes=rng.uniform(0, 365 * 24 * 60))
        status = rng.choices(statuses, weights)[0]
        batch.append(
            (
                f"VOC-B{i:08d}",
                "complaint",
                status,
                rng.choice(["low", "normal", "high", "urgent"]),
                "phone",
                rng.choice(customers),
                "",
                "",
                rng.choice(cats),
                rng.choice(teams),
                rng.choice(users) if rng.random() < 0.8 else None,
                "배송 지연 문의",
                "",
                str(created),
                str(created + dt.timedelta(hours=4)),
                str(created + dt.timedelta(hours=32)),
                "",
                "",
                "",
                "",
                0,
                0,
                "",
                0,
                1,
            )
        )
        if len(batch) == 50000:
            con.executemany(sql, batch)
            batch.clear()
            print(f"  {i - start + 1:,} cases ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
    if batch:
        con.executemany(sql, batch)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def timed(client, url: str, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--cases", type=int)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    n_cases = args.cases or (100_000 if args.small else 1_000_000)
    var = ROOT / "var" / "bench" / f"voc-{n_cases}"
    var.mkdir(parents=True, exist_ok=True)
    db = var / "bench.sqlite3"
    os.environ["DANGOL_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dangol.settings"
    fresh = not db.exists()
    if fresh:
        print(f"building {n_cases:,} cases in {db} …", file=sys.stderr)
        build(db, n_cases)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from dangol.voc.models import Case

    settings.ALLOWED_HOSTS = ["testserver"]
    total = Case.objects.count()
    rows = []
    floor_client = Client()
    floor = timed(floor_client, "/healthz", args.repeat)
    rows.append(("/healthz (floor)", "—", *floor))
    for username in ("agent", "manager"):
        client = Client()
        client.force_login(
            User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
        )
        for url in (
            "/voc/",
            "/voc/queue/?queue=mine",
            "/voc/queue/?queue=team",
            "/voc/queue/?queue=unassigned",
            "/voc/queue/?queue=breaching",
            "/voc/queue/?queue=all",
        ):
            client.get(url)  # warm
            rows.append((url, username, *timed(client, url, args.repeat)))
    print(
        f"\nVOC pages with {total:,} cases (SQLite, in-process, {args.repeat} requests each, 2-core machine)\n"
    )
    print("| page | as | median ms | p95 ms | p95 / floor p95 | goal p95 < 100 ms |")
    print("|---|---|---:|---:|---:|---|")
    lines = []
    for url, who, median, p95 in rows:
        ok = "—" if who == "—" else ("met" if p95 < 100 else "**missed**")
        line = f"| `{url}` | {who} | {median:.1f} | {p95:.1f} | {p95 / max(floor[1], 0.01):.0f}× | {ok} |"
        lines.append(line)
        print(line)
    out = Path(__file__).with_name("RESULTS.md")
    out.write_text(
        f"# VOC board and queues\n\n`{' '.join(sys.argv)}` — {total:,} cases, SQLite, "
        f"{time.strftime('%Y-%m-%d')}\n\n| page | as | median ms | p95 ms | p95 / floor p95 | goal p95 < 100 ms |\n"
        "|---|---|---:|---:|---:|---|\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
