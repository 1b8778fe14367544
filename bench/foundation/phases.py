"""The parts of the benchmark that run inside Django, one subprocess each (see run.py).

The environment (DANGOL_VAR_DIR, DATABASE_URL, DANGOL_DEBUG=false) is set by the parent before
Django is imported, so each phase sees exactly the settings a deployment with that database would.
Nothing here edits application code: the import breakdown wraps a few module attributes of the
importer *in this process only* to time its phases.
"""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------------------------
# Import throughput


class PhaseTimer:
    """Exclusive wall time per named phase; nested phases are subtracted from their parent."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[list[Any]] = []  # [name, start, time spent in children]

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        frame = [name, time.perf_counter(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            elapsed = time.perf_counter() - frame[1]
            self.totals[name] += elapsed - frame[2]
            if self._stack:
                self._stack[-1][2] += elapsed

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return func(*args, **kwargs)

        return timed


def _instrument(timer: PhaseTimer) -> None:
    """Time the importer's phases by wrapping module attributes it looks up at call time."""
    from django.db import transaction

    from dangol.imports import customers as customer_rows
    from dangol.imports import orders as order_rows
    from dangol.imports import services

    services.read_table = timer.wrap("read file (csv → rows)", services.read_table)
    if hasattr(services, "read_columns"):  # absent in importers before the column path (comparison runs)
        services.read_columns = timer.wrap("read file (csv → columns, pyarrow)", services.read_columns)
    order_rows.OrderRowValidator.prefetch_customers = timer.wrap(
        "validate: prefetch customer ids", order_rows.OrderRowValidator.prefetch_customers
    )
    customer_rows.write_customers = timer.wrap(
        "write: upsert logic (ORM lookups, bulk_update)", customer_rows.write_customers
    )
    order_rows.write_orders = timer.wrap(
        "write: upsert logic (ORM lookups, bulk_update)", order_rows.write_orders
    )
    customer_rows.insert_rows = timer.wrap(
        "write: INSERT executemany (incl. row tuples)", customer_rows.insert_rows
    )
    order_rows.insert_rows = timer.wrap(
        "write: INSERT executemany (incl. row tuples)", order_rows.insert_rows
    )
    customer_rows._write_tags = timer.wrap("write: tags", customer_rows._write_tags)
    customer_rows._write_consents = timer.wrap("write: consents + events", customer_rows._write_consents)
    if hasattr(customer_rows, "write_customer_columns"):  # the column writer (absent in older importers)
        from dangol.imports import fastsql

        upsert = "write: upsert logic (temp key table, join lookups, UPDATEs, column lists)"
        customer_rows.write_customer_columns = timer.wrap(upsert, customer_rows.write_customer_columns)
        order_rows.write_order_columns = timer.wrap(upsert, order_rows.write_order_columns)
        fastsql.insert_columns = timer.wrap(
            "write: INSERT executemany (incl. row tuples)", fastsql.insert_columns
        )
        customer_rows._write_tag_columns = timer.wrap("write: tags", customer_rows._write_tag_columns)
        customer_rows._write_consent_columns = timer.wrap(
            "write: consents + events", customer_rows._write_consent_columns
        )

    class TimedAtomic:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __enter__(self) -> Any:
            return self.inner.__enter__()

        def __exit__(self, *exc: Any) -> Any:
            with timer.phase("write: COMMIT"):
                return self.inner.__exit__(*exc)

    class TimedTransaction:
        def __getattr__(self, name: str) -> Any:
            return getattr(transaction, name)

        @staticmethod
        def atomic(*args: Any, **kwargs: Any) -> TimedAtomic:
            return TimedAtomic(transaction.atomic(*args, **kwargs))

    services.transaction = TimedTransaction()  # type: ignore[assignment]


def phase_import(cfg: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from dangol.customers.models import Customer
    from dangol.imports.services import run_import
    from dangol.interactions.models import Touchpoint
    from dangol.orders.models import Order, OrderLine

    settings.DANGOL_IMPORT_MAX_ROWS = 10_000_000  # the upload limit guards the web form, not this run
    settings.DANGOL_IMPORT_MAX_CELLS = 100_000_000
    call_command("migrate", verbosity=0, interactive=False)
    for code in cfg["store_codes"]:
        channel = {"web": "website", "app": "app", "call-center": "call_center"}.get(code, "store")
        Touchpoint.objects.get_or_create(
            code=code,
            defaults={
                "name": code,
                "channel": channel,
                "kind": "digital" if channel in ("website", "app") else "physical",
            },
        )
    before = {
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "order_lines": OrderLine.objects.count(),
    }
    timer = PhaseTimer()
    _instrument(timer)
    profile_dir = Path(cfg["profile_dir"]) if cfg.get("profile_dir") else None
    runs = []
    plan = [
        ("customers", "customers", cfg["customers_csv"], cfg["customers"]),
        ("orders", "orders", cfg["orders_csv"], cfg["order_lines"]),
        ("customers, re-run (idempotent)", "customers", cfg["customers_csv"], cfg["customers"]),
        ("orders, re-run (idempotent)", "orders", cfg["orders_csv"], cfg["order_lines"]),
    ]
    for label, kind, path, rows in plan:
        timer.totals.clear()
        profiler = None
        if profile_dir is not None:
            import cProfile

            profiler = cProfile.Profile(time.process_time)  # CPU time: the shared machine is loaded
            profiler.enable()
        t0, c0 = time.perf_counter(), time.process_time()
        result = run_import(kind=kind, path=path, on_error="abort")
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        if profiler is not None:
            profiler.disable()
            _dump_profile(
                profiler,
                profile_dir / f"profile-{label.split(',')[0]}{'-rerun' if 're-run' in label else ''}.txt",
            )
        if not result.written or result.errors or result.total_rows != rows:
            raise SystemExit(
                f"bench: import {label} failed: {result.message} {[e.as_dict() for e in result.errors[:5]]}"
            )
        breakdown = dict(timer.totals)
        breakdown["validate (parse + check every row)"] = elapsed - sum(breakdown.values())
        runs.append(
            {
                "label": label,
                "kind": kind,
                "rows": rows,
                "seconds": elapsed,
                "cpu": cpu,
                "load": os.getloadavg()[0],
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "breakdown": breakdown,
            }
        )
    counts = {
        "customers": Customer.objects.count(),
        "orders": Order.objects.count(),
        "order_lines": OrderLine.objects.count(),
    }
    added = {k: counts[k] - before[k] for k in counts}
    if added["customers"] != cfg["customers"] or added["order_lines"] != cfg["order_lines"]:
        raise SystemExit(f"bench: unexpected row counts after import: {before} -> {counts}")
    connection.close()
    return {"runs": runs, "counts": counts, "before": before}


def _dump_profile(profiler: Any, path: Path) -> None:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    path.write_text(out.getvalue().replace(str(Path.cwd()) + "/", ""), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# 360 page and search


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": _pct(values, 0.95),
        "max": max(values),
    }


def phase_web(cfg: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from tqdm import tqdm

    from dangol.customers.models import Customer

    assert not settings.DEBUG, "benchmarks must run with DEBUG off"
    call_command("migrate", verbosity=0, interactive=False)  # a cached database gets migrations added since
    connection.close()
    rng = random.Random(cfg["seed"])
    n_customers = Customer.objects.count()
    client = Client()
    client.force_login(
        User.objects.get(username="bench-agent"), backend="django.contrib.auth.backends.ModelBackend"
    )

    # What staff type: the last 4 digits of a phone, the start of a name, the start of an e-mail.
    # The list page searches as you type (htmx, 250 ms pause), so a lone surname is a real query too.
    pool = list(
        Customer.objects.filter(pk__in=[rng.randint(1, n_customers) for _ in range(4000)]).values_list(
            "name", "phone_last4", "email"
        )
    )
    rng.shuffle(pool)
    n = cfg["per_category"]
    last4 = [p[1] for p in pool if p[1]][:n]
    names = [
        (p[0] if i % 2 else p[0][:2]) for i, p in enumerate(pool[:n])
    ]  # whole name or surname + 1 syllable
    surnames = [p[0][:1] for p in pool[n : 2 * n]]
    emails = [p[2] for p in pool if p[2]]
    email_prefix = [e.split("@")[0][: rng.randint(4, 8)] for e in emails[:n]]
    email_full = emails[n : 2 * n]
    requests: dict[str, list[str]] = {
        "360 page /customers/<id>/": [
            f"/customers/{rng.randint(1, n_customers)}/" for _ in range(cfg["detail"])
        ],
        "search: phone last 4": [f"/customers/?q={q}" for q in last4],
        "search: name, 2-3 syllables": [f"/customers/?q={q}" for q in names],
        "search: surname only (1 syllable)": [f"/customers/?q={q}" for q in surnames],
        "search: e-mail prefix, 4-8 chars (no @)": [f"/customers/?q={q}" for q in email_prefix],
        "search: whole e-mail (with @)": [f"/customers/?q={q}" for q in email_full],
    }
    # Warm up templates, URL resolver, translations and the OS page cache for the index roots.
    for url in [f"/customers/{rng.randint(1, n_customers)}/" for _ in range(15)] + [
        "/customers/?q=김민",
        "/customers/?q=1234",
    ]:
        client.get(url)

    statements: list[tuple[int, str, list[Any]]] = []  # (request number, sql, params)

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((current[0], sql, list(params or [])))
        return execute(sql, params, many, context)

    current = [0]
    per_request: list[tuple[str, str, float, int, int]] = []  # category, url, ms, queries, rows shown
    with connection.execute_wrapper(record):
        for category, urls in requests.items():
            for url in tqdm(urls, desc=category[:28], unit="req", leave=False):
                current[0] = len(per_request)
                before = len(statements)
                t0 = time.perf_counter()
                response = client.get(url)
                ms = (time.perf_counter() - t0) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"bench: GET {url} -> {response.status_code}")
                shown = response.content.count(b'class="customer-link"')
                per_request.append((category, url, ms, len(statements) - before, shown))
    samples = {cat: [[r[2], r[3], r[4]] for r in per_request if r[0] == cat] for cat in requests}
    sql = _replay(statements, per_request)
    connection.close()
    return {"customers": n_customers, "samples": samples, "sql": sql}


def _replay(
    statements: list[tuple[int, str, list[Any]]], per_request: list[tuple[str, str, float, int, int]]
) -> dict[str, Any]:
    """Re-run each request's SQL on a fresh connection (as the server has: CONN_MAX_AGE=0), fetching every
    row, to split server time into SQL and the rest and to find the slowest statements."""
    from django.db import connection

    by_request: dict[int, list[tuple[str, list[Any]]]] = defaultdict(list)
    for number, sql, params in statements:
        by_request[number].append((sql, params))
    out: dict[str, Any] = defaultdict(lambda: {"totals": [], "connect": [], "shapes": {}})
    for number, stmts in by_request.items():
        cat = out[per_request[number][0]]
        connection.close()
        t0 = time.perf_counter()
        connection.ensure_connection()  # open + the init_command PRAGMAs, once per request on SQLite
        cat["connect"].append((time.perf_counter() - t0) * 1000)
        total = 0.0
        for sql, params in stmts:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue  # replay reads only (a GET writes nothing here; savepoints etc. are skipped)
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
            ms = (time.perf_counter() - t0) * 1000
            total += ms
            shape = cat["shapes"].setdefault(sql, {"times": [], "slowest": -1.0, "params": []})
            shape["times"].append(ms)
            if ms > shape["slowest"]:
                shape["slowest"], shape["params"] = ms, params
        cat["totals"].append(total)
    for cat in out.values():
        ranked = sorted(cat["shapes"].items(), key=lambda kv: -sum(kv[1]["times"]))
        cat["shapes"] = dict(ranked[:4])
        for sql_text, shape in cat["shapes"].items():
            shape["plan"] = _plan(sql_text, shape["params"])
            shape["params"] = [str(p)[:40] for p in shape["params"]]
    return dict(out)


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Pool the samples of several rounds and summarise them for the report."""
    results: dict[str, Any] = {}
    for cat in rounds[0]["samples"]:
        rows = [r for rnd in rounds for r in rnd["samples"][cat]]
        totals = [t for rnd in rounds for t in rnd["sql"][cat]["totals"]]
        all_sql = sum(totals)
        shapes: dict[str, dict[str, Any]] = {}
        for rnd in rounds:
            for sql_text, shape in rnd["sql"][cat]["shapes"].items():
                merged = shapes.setdefault(sql_text, {"times": [], "slowest": -1.0})
                merged["times"] += shape["times"]
                if shape["slowest"] > merged["slowest"]:
                    merged.update(slowest=shape["slowest"], params=shape["params"], plan=shape["plan"])
        top = [
            {
                "sql": sql_text,
                "calls": len(s["times"]),
                "mean_ms": statistics.fmean(s["times"]),
                "p95_ms": _pct(s["times"], 0.95),
                "max_ms": s["slowest"],
                "share": sum(s["times"]) / max(all_sql, 1e-9),
                "plan": s["plan"],
                "params": s["params"],
            }
            for sql_text, s in shapes.items()
        ]
        top.sort(key=lambda x: -x["share"])
        is_search = cat.startswith("search")
        results[cat] = {
            **_summary([r[0] for r in rows]),
            "queries": statistics.median([r[1] for r in rows]),
            "rows_shown": statistics.median([r[2] for r in rows]),
            "empty": sum(1 for r in rows if r[2] == 0) if is_search else None,
            "sql_median": statistics.median(totals),
            "sql_p95": _pct(totals, 0.95),
            "connect_median": statistics.median([c for rnd in rounds for c in rnd["sql"][cat]["connect"]]),
            "round_p95": [_pct([r[0] for r in rnd["samples"][cat]], 0.95) for rnd in rounds],
            "top_sql": top[:3],
        }
    return {"customers": rounds[0]["customers"], "results": results}


def _plan(sql: str, params: list[Any]) -> list[str]:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"import": phase_import, "web": phase_web}
