"""Segment benchmark (issue 16): typical segments evaluated over 1,000,000 customers, on SQLite and on
PostgreSQL, against a hand-written SQL floor measured in the same run on the same database.

Each backend runs in a child process on a fresh database (SQLite: a file under var/bench/campaigns/;
PostgreSQL: a throw-away server from scripts/with-postgres.sh on port 55608): `migrate`, then seeded rows
written straight into the tables (executemany on SQLite, COPY on PostgreSQL): N customers, a marketing-SMS
consent for 40%, a value row (tier, stage, CLV, P(alive)) for 90%, 1 + Poisson(1) orders each over two years
with one line in one of 12 categories, a VOC case for 3% (a third open), an NPS answer for 10%; then ANALYZE.

Per segment, R repeats each (p50/p95 wall, CPU ms per operation of this process and — PostgreSQL — of the
server backend serving it):
* floor: the hand-written SQL count (EXISTS / NOT EXISTS, one statement);
* count: `customers_matching(definition).count()` — the query the segment services run;
* live count: POST /campaigns/segments/count/ through the Django test client (form → definition → count →
  the Korean description → the htmx fragment), as the builder calls it on every change.

    .venv/bin/python bench/campaigns/segments.py              # 1,000,000 customers, SQLite and PostgreSQL
    .venv/bin/python bench/campaigns/segments.py --quick      # 100,000 customers
    .venv/bin/python bench/campaigns/segments.py --no-postgres
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
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _common import cpu_seconds, django_env, loadavg, logger, machine_facts

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VAR = ROOT / "var" / "bench" / "campaigns"
RESULTS = HERE / "RESULTS-segments.md"
PG_PORT = 55608
GOAL_P95 = 1.0  # seconds, the live count (issue 16)
CATEGORIES = 12
log = logger("campaigns/segments")

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
CUT = (NOW - dt.timedelta(days=90)).date().isoformat()

# name → (definition, the builder's form fields, hand-written floor SQL with %(…)s parameters)
SEGMENTS: dict[str, dict[str, Any]] = {
    "winback": {
        "title": "consent + value tier + last purchase > 90 days",
        "definition": [
            {"field": "consent", "purpose": "marketing_sms"},
            {"field": "value_tier", "values": ["super", "superior"]},
            {"field": "last_purchase", "before": CUT},
        ],
        "form": {"consents": ["marketing_sms"], "value_tiers": ["super", "superior"], "last_before": CUT},
        "floor": """
            SELECT count(*) FROM customers_customer c
            WHERE c.status = 'active' AND c.forgotten_at IS NULL
              AND EXISTS (SELECT 1 FROM customers_consent k
                          WHERE k.customer_id = c.id AND k.purpose = 'marketing_sms' AND k.granted)
              AND EXISTS (SELECT 1 FROM loyalty_customervalue v
                          WHERE v.customer_id = c.id AND v.value_tier IN ('super', 'superior'))
              AND (SELECT max(o.ordered_at) FROM orders_order o
                   WHERE o.customer_id = c.id AND o.status IN ('paid', 'partially_refunded')) < %(cut)s
        """,
    },
    "categories": {
        "title": "bought category A, never category B",
        "definition": [
            {"field": "bought", "values": ["cat01"]},
            {"field": "bought", "values": ["cat02"], "exclude": True},
        ],
        "form": {"bought": ["cat01"], "never_bought": ["cat02"]},
        "floor": """
            SELECT count(*) FROM customers_customer c
            WHERE c.status = 'active' AND c.forgotten_at IS NULL
              AND EXISTS (SELECT 1 FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id
                          JOIN orders_product p ON p.id = l.product_id
                          WHERE o.customer_id = c.id AND o.status IN ('paid', 'partially_refunded')
                            AND p.category_id = %(cat1)s)
              AND NOT EXISTS (SELECT 1 FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id
                              JOIN orders_product p ON p.id = l.product_id
                              WHERE o.customer_id = c.id AND o.status IN ('paid', 'partially_refunded')
                                AND p.category_id = %(cat2)s)
        """,
    },
    "voc_open": {
        "title": "open VOC case",
        "definition": [{"field": "voc_open"}],
        "form": {"voc_open": "only"},
        "floor": """
            SELECT count(*) FROM customers_customer c
            WHERE c.status = 'active' AND c.forgotten_at IS NULL
              AND EXISTS (SELECT 1 FROM voc_case v WHERE v.customer_id = c.id
                          AND v.status IN ('new', 'open', 'waiting'))
        """,
    },
    "detractors": {
        "title": "latest NPS ≤ 6",
        "definition": [{"field": "nps", "max": 6}],
        "form": {"nps_max": "6"},
        "floor": """
            SELECT count(*) FROM customers_customer c
            WHERE c.status = 'active' AND c.forgotten_at IS NULL
              AND (SELECT r.nps FROM surveys_response r WHERE r.customer_id = c.id AND r.nps IS NOT NULL
                   ORDER BY r.answered_at DESC, r.id DESC LIMIT 1) <= 6
        """,
    },
    "everything": {
        "title": "all four: consent + tier + last purchase + category + no open VOC + NPS ≥ 7",
        "definition": [
            {"field": "consent", "purpose": "marketing_sms"},
            {"field": "value_tier", "values": ["super", "superior"]},
            {"field": "last_purchase", "before": CUT},
            {"field": "bought", "values": ["cat01"]},
            {"field": "voc_open", "exclude": True},
            {"field": "nps", "min": 7},
        ],
        "form": {
            "consents": ["marketing_sms"],
            "value_tiers": ["super", "superior"],
            "last_before": CUT,
            "bought": ["cat01"],
            "voc_open": "exclude",
            "nps_min": "7",
        },
        "floor": None,  # no floor: the sum of the parts
    },
}


# --------------------------------------------------------------------------------------------
# Child: build and measure one backend


# The launch benchmarks' campaign (snapshot.py, launch.py): the settings messaging needs to send SMS, and an
# advertising SMS to every customer, made and queued by a superuser.
MESSAGING_SETTINGS = {
    "DANGOL_MESSAGING_TEXT_VIA": "outbox",
    "DANGOL_SMS_SENDERS": ["02-1234-5678"],
    "DANGOL_MESSAGING_SENDER_NAME": "단골상점",
    "DANGOL_MESSAGING_SENDER_CONTACT": "02-1234-5678",
    "DANGOL_SMS_OPTOUT_NUMBER": "080-123-4567",
    "DANGOL_PUBLIC_URL": "https://dangol.example.com",
}


def queued_campaign(code: str) -> Any:
    """The whole-audience advertising campaign, QUEUED as `campaign_launch` leaves it (call it inside
    `override_settings(**MESSAGING_SETTINGS)`)."""
    from django.contrib.auth.models import User

    from dangol.campaigns.models import Campaign
    from dangol.campaigns.services import campaign_create, segment_create
    from dangol.messaging.services import template_save

    boss = User.objects.create_superuser("bench-manager", password="x")
    template = template_save(
        template=None,
        data={
            "code": code,
            "name": "벤치 광고",
            "channels": ["sms"],
            "kind": "advertising",
            "subject": "",
            "body": "#{고객명}님, 오랜만이에요. 이번 주에 들러 주세요.",
            "active": True,
        },
        by=boss,
    )
    segment = segment_create(name="전체 고객", definition=[], by=boss)
    campaign = campaign_create(name="전체 발송", goal="win_back", segment=segment, template=template, by=boss)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.QUEUED, launched_by=boss)
    return campaign


def backend_pid() -> int | None:
    """The PostgreSQL server process of this connection (its CPU is the launch's too); None on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _rows_insert(model: Any, columns: dict[str, Any], n: int, *, now: dt.datetime) -> None:
    """Write n rows of `model`: the given columns (sequences of n values), every other column its field's
    default (a date-time without one: `now`). COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.column not in columns)]
    names: list[str] = []
    values: list[Any] = []
    for f in fields:
        names.append(f.column)
        if f.column in columns:
            given = columns[f.column]
            if connection.vendor == "sqlite" and f.get_internal_type() == "DateTimeField":
                given = [connection.ops.adapt_datetimefield_value(v) for v in given]
            values.append(given)
            continue
        default = f.get_default()
        if default is None and not f.null and f.get_internal_type() == "DateTimeField":
            default = now
        values.append(f.get_db_prep_save(default, connection))
    series = [v if isinstance(v, list) else None for v in values]
    table = model._meta.db_table
    chunk = 50_000
    with connection.cursor() as cursor:
        for start in range(0, n, chunk):
            rows = [
                tuple(series[j][i] if series[j] is not None else values[j] for j in range(len(values)))
                for i in range(start, min(n, start + chunk))
            ]
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                cols = ", ".join(f'"{c}"' for c in names)
                with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(names))
                cols = ", ".join(f'"{c}"' for c in names)
                cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)


def build(n: int, seed: int) -> dict[str, Any]:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from dangol.customers.models import Consent, Customer
    from dangol.loyalty.models import CustomerValue
    from dangol.orders.models import Order, OrderLine, Product, ProductCategory
    from dangol.surveys.models import Response, Survey
    from dangol.voc.models import Case

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    now = NOW
    t1 = time.perf_counter()
    with transaction.atomic():
        ids = list(range(1, n + 1))
        joined = [now - dt.timedelta(days=int(d)) for d in rng.integers(30, 1500, n)]
        _rows_insert(
            Customer,
            {
                "id": ids,
                "name": [f"고객{i}" for i in ids],
                "phone": [f"010{i:08d}" for i in ids],  # an address, so a campaign's messages can be queued
                "phone_last4": [f"{i % 10000:04d}" for i in ids],
                "joined_at": joined,
                "created_at": joined,
                "updated_at": joined,
            },
            n,
            now=now,
        )
        who = [i for i, keep in zip(ids, rng.random(n) < 0.4, strict=True) if keep]
        _rows_insert(
            Consent,
            {
                "customer_id": who,
                "purpose": ["marketing_sms"] * len(who),
                "granted": [True] * len(who),
                "changed_at": [now] * len(who),
                "source": ["벤치"] * len(who),
                "version": ["v1"] * len(who),
            },
            len(who),
            now=now,
        )
        valued = [i for i, keep in zip(ids, rng.random(n) < 0.9, strict=True) if keep]
        m = len(valued)
        tiers = rng.choice(["super", "superior", "regular", "care"], m, p=[0.05, 0.15, 0.5, 0.3]).tolist()
        _rows_insert(
            CustomerValue,
            {
                "customer_id": valued,
                "value_tier": tiers,
                "stage": ["regular"] * m,
                "clv": rng.integers(0, 2_000_000, m).tolist(),
                "probability_alive": rng.random(m).round(3).tolist(),
                "computed_at": [now] * m,
            },
            m,
            now=now,
        )
        cats = [
            ProductCategory.objects.create(code=f"cat{k:02d}", name=f"카테고리{k:02d}")
            for k in range(1, CATEGORIES + 1)
        ]
        products = [
            Product.objects.create(sku=f"P{k:03d}", name=f"상품{k:03d}", category=cats[k % CATEGORIES])
            for k in range(60)
        ]
        per = 1 + rng.poisson(1.0, n)
        owner = np.repeat(np.arange(1, n + 1), per).tolist()
        k = len(owner)
        order_ids = list(range(1, k + 1))
        at = [now - dt.timedelta(minutes=int(x)) for x in rng.integers(0, 730 * 1440, k)]
        status = rng.choice(["paid", "refunded", "partially_refunded"], k, p=[0.93, 0.05, 0.02]).tolist()
        _rows_insert(
            Order,
            {
                "id": order_ids,
                "external_id": [f"B{i}" for i in order_ids],
                "customer_id": owner,
                "ordered_at": at,
                "status": status,
                "total_amount": rng.integers(5_000, 200_000, k).tolist(),
            },
            k,
            now=now,
        )
        # Zipf-like category popularity: category 1 the most bought
        weights = 1.0 / np.arange(1, len(products) + 1)
        product_ids = [products[j].pk for j in rng.choice(len(products), k, p=weights / weights.sum())]
        _rows_insert(
            OrderLine,
            {
                "order_id": order_ids,
                "product_id": product_ids,
                "product_name": ["상품"] * k,
                "line_no": [1] * k,
            },
            k,
            now=now,
        )
        cased = [i for i, keep in zip(ids, rng.random(n) < 0.03, strict=True) if keep]
        c = len(cased)
        _rows_insert(
            Case,
            {
                "customer_id": cased,
                "number": [f"V{i}" for i in range(c)],
                "title": ["문의"] * c,
                "status": rng.choice(["open", "resolved", "closed"], c, p=[0.34, 0.33, 0.33]).tolist(),
                "created_at": [now] * c,
            },
            c,
            now=now,
        )
        survey = Survey.objects.create(code="bench-nps", title="NPS")
        answered = [i for i, keep in zip(ids, rng.random(n) < 0.1, strict=True) if keep]
        a = len(answered)
        _rows_insert(
            Response,
            {
                "survey_id": [survey.pk] * a,
                "customer_id": answered,
                "nps": rng.integers(0, 11, a).tolist(),
                "answered_at": [now - dt.timedelta(days=int(x)) for x in rng.integers(0, 365, a)],
            },
            a,
            now=now,
        )
    load_s = time.perf_counter() - t1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        else:
            cursor.execute("PRAGMA optimize")
            size = Path(connection.settings_dict["NAME"]).stat().st_size
    facts = {"customers": n, "orders": k, "consents": len(who), "values": m, "cases": c, "responses": a}
    return {"migrate_s": migrate_s, "load_s": load_s, "db_bytes": size, "rows": facts}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(repeat: int) -> dict[str, Any]:
    from django.contrib.auth.models import Permission, User
    from django.db import connection
    from django.test import Client

    from dangol.campaigns.conditions import customers_matching
    from dangol.orders.models import ProductCategory

    user = User.objects.create_user("bench-analyst", password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_segment", "view_segment"]))
    client = Client()
    client.force_login(user)
    cat = dict(ProductCategory.objects.values_list("code", "pk"))
    from django.utils import timezone

    start_of_cut = dt.datetime.combine(
        dt.date.fromisoformat(CUT), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    cut: Any = start_of_cut
    if connection.vendor == "sqlite":  # stored as UTC text: compare with the same text
        cut = connection.ops.adapt_datetimefield_value(start_of_cut)
    params = {"cut": cut, "cat1": cat["cat01"], "cat2": cat["cat02"]}
    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]

    def timed(fn: Any) -> tuple[float, float, float, Any]:
        server0 = cpu_seconds(backend_pid) if backend_pid else 0.0
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        server = (cpu_seconds(backend_pid) - server0) if backend_pid else 0.0
        return wall, cpu, server, out

    results: dict[str, Any] = {}
    for name, seg in SEGMENTS.items():
        row: dict[str, Any] = {}
        runs: dict[str, Any] = {}

        def floor(sql: str = seg["floor"]) -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return int(cursor.fetchone()[0])

        def count(definition: list[dict[str, Any]] = seg["definition"]) -> int:
            return customers_matching(definition, now=NOW).count()

        def live(form: dict[str, Any] = seg["form"], name: str = name) -> int:
            response = client.post("/campaigns/segments/count/", form, secure=True)
            found = re.search(r'id="count-value">([\d,]+)', response.content.decode())
            if response.status_code != 200 or not found:
                raise SystemExit(f"{name}: the live count answered {response.status_code} without a count")
            return int(found.group(1).replace(",", ""))

        kinds = {"count": count, "live": live}
        if seg["floor"]:
            kinds = {"floor": floor, **kinds}
        for kind, fn in kinds.items():
            fn()  # warm: plans, caches, page cache
            samples = [timed(fn) for _i in range(repeat)]
            answers = {s[3] for s in samples}
            runs[kind] = {
                "p50": statistics.median(s[0] for s in samples),
                "p95": _pct([s[0] for s in samples], 0.95),
                "cpu_ms": 1000 * statistics.median(s[1] for s in samples),
                "server_cpu_ms": 1000 * statistics.median(s[2] for s in samples),
                "answer": answers.pop() if len(answers) == 1 else sorted(answers),
            }
            log(
                f"  {name:<11} {kind:<6} p50 {runs[kind]['p50'] * 1000:8.1f} ms  p95 {runs[kind]['p95'] * 1000:8.1f} ms  → {runs[kind]['answer']}"
            )
        if "floor" in runs and runs["floor"]["answer"] != runs["count"]["answer"]:
            raise SystemExit(
                f"{name}: the floor counts {runs['floor']['answer']}, the segment {runs['count']['answer']}"
            )
        row.update(runs)
        results[name] = row
    return results


def child(cfg: dict[str, Any], out: Path) -> None:
    import django

    django.setup()
    from django.db import connection

    log(f"[{connection.vendor}] migrate + {cfg['customers']:,} customers")
    built = build(cfg["customers"], cfg["seed"])
    log(
        f"[{connection.vendor}] built in {built['load_s']:.0f} s (migrate {built['migrate_s']:.0f} s); measuring"
    )
    result = {"vendor": connection.vendor, "build": built, "segments": measure(cfg["repeat"])}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        result["server"] = cursor.fetchone()[0].split(" on ")[0]
    out.write_text(json.dumps(result, default=str), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Parent


def run_child(script: str, vendor: str, cfg: dict[str, Any], var_dir: Path, pg_port: int) -> dict[str, Any]:
    """Run `script --child` (a campaigns harness) on a fresh database — a SQLite file under `var_dir`, removed
    after, or a throw-away PostgreSQL server on `pg_port` — and return the JSON it writes."""
    name = Path(script).stem
    var_dir.mkdir(parents=True, exist_ok=True)
    n = cfg["customers"]
    cfg_path, out = var_dir / f"{vendor}-{n}-config.json", var_dir / f"{vendor}-{n}-result.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    out.unlink(missing_ok=True)
    db = var_dir / f"{name}-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = django_env(var_dir / f"{vendor}-{n}", db)
    me = [sys.executable, script, "--child", "--config", str(cfg_path), "--out", str(out)]
    if vendor == "postgresql":
        env.pop("DATABASE_URL", None)
        cmd = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), str(pg_port), *me]
    else:
        cmd = me
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=sys.stderr, check=False)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"bench/campaigns/{name}: {vendor} failed (exit {proc.returncode})")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return json.loads(out.read_text(encoding="utf-8"))


def run_backend(vendor: str, cfg: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    return run_child(__file__, vendor, cfg, var_dir, PG_PORT)


def table(results: list[dict[str, Any]], cfg: dict[str, Any]) -> str:
    lines = [
        f"Customers: {cfg['customers']:,} (seed {cfg['seed']}); {cfg['repeat']} timed runs per query after one warm-up; "
        f"load average at the end {loadavg()}.",
        "",
    ]
    for r in results:
        b = r["build"]
        lines += [
            f"**{r['vendor']}** ({r['server']}): {b['rows']['orders']:,} orders/lines, {b['rows']['consents']:,} consents, "
            f"{b['rows']['values']:,} value rows, {b['rows']['cases']:,} cases, {b['rows']['responses']:,} NPS answers; "
            f"database {b['db_bytes'] / 2**20:,.0f} MiB, loaded in {b['load_s']:.0f} s.",
            "",
            "| segment | members | floor p50 / p95 (ms) | count p50 / p95 (ms) | live count p50 / p95 (ms) | live ÷ floor (p50) | "
            "CPU ms/op floor · count · live (client + server) | goal p95 < 1 s |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, s in r["segments"].items():
            f, c, live = s.get("floor"), s["count"], s["live"]

            def ms(x: dict[str, Any] | None) -> str:
                return f"{x['p50'] * 1000:,.0f} / {x['p95'] * 1000:,.0f}" if x else "–"

            def cpu(x: dict[str, Any] | None) -> str:
                return f"{x['cpu_ms'] + x['server_cpu_ms']:,.0f}" if x else "–"

            ratio = f"{live['p50'] / f['p50']:.1f}×" if f and f["p50"] else "–"
            ok = "✓" if live["p95"] < GOAL_P95 else "✗"
            lines.append(
                f"| {name}: {SEGMENTS[name]['title']} | {c['answer']:,} | {ms(f)} | {ms(c)} | {ms(live)} | {ratio} | "
                f"{cpu(f)} · {cpu(c)} · {cpu(live)} | {ok} |"
            )
        lines.append("")
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
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)
    if args.child:
        child(json.loads(Path(args.config).read_text(encoding="utf-8")), Path(args.out))
        return 0
    quick = args.quick or args.small
    customers = args.customers or (100_000 if quick else 1_000_000)
    cfg = {"customers": customers, "seed": args.seed, "repeat": args.repeat}
    started = time.perf_counter()
    results = [run_backend("sqlite", cfg, VAR / "segments")]
    if not args.no_postgres:
        results.append(run_backend("postgresql", cfg, VAR / "segments"))
    text = table(results, cfg)
    text += f"\n\nWhole run: {time.perf_counter() - started:,.0f} s."
    print(text)
    if not args.customers:
        label = "quick" if quick else "full"
        section = f"<!-- generated: {label} -->\n{text}\n<!-- end -->"
        body = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Segment benchmark\n"
        pattern = re.compile(rf"<!-- generated: {label} -->.*?<!-- end -->", re.DOTALL)
        body = (
            pattern.sub(lambda _m: section, body)
            if pattern.search(body)
            else body.rstrip() + "\n\n" + section + "\n"
        )
        RESULTS.write_text(body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangol.settings")
    raise SystemExit(main())
