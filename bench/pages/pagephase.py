"""The timing phase of bench/pages (runs inside Django in a child process; see run.py)."""

from __future__ import annotations

import random
import statistics
import time
from typing import Any


def _requests(cfg: dict[str, Any], rng: random.Random) -> dict[str, list[str]]:
    from dangol.customers.models import Customer

    n_customers = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 1
    pool = list(
        Customer.objects.filter(pk__in=[rng.randint(1, n_customers) for _ in range(3000)]).values_list(
            "name", "phone_last4", "email", "phone", "external_id"
        )
    )
    rng.shuffle(pool)
    pool = [
        p for p in pool if p[1] and p[3]
    ]  # a customer without a phone would make "q=" the unfiltered list
    n = cfg["search"]
    emails = [p[2] for p in pool if p[2]]
    v = cfg["voc"]
    pages = {
        "360 page /customers/<id>/": [
            f"/customers/{rng.randint(1, n_customers)}/" for _ in range(cfg["detail"])
        ],
        "search: phone last 4": [f"/customers/?q={p[1]}" for p in pool[:n]],
        "search: whole phone": [f"/customers/?q={p[3]}" for p in pool[n : 2 * n]],
        "search: name, 2-3 syllables": [
            f"/customers/?q={p[0] if k % 2 else p[0][:2]}" for k, p in enumerate(pool[2 * n : 3 * n])
        ],
        "search: surname only (1 syllable)": [f"/customers/?q={p[0][:1]}" for p in pool[3 * n : 4 * n]],
        "search: e-mail prefix, 4-8 chars (no @)": [
            f"/customers/?q={e.split('@')[0][: rng.randint(4, 8)]}" for e in emails[4 * n : 5 * n]
        ],
        "search: whole e-mail (with @)": [f"/customers/?q={e}" for e in emails[5 * n : 6 * n]],
        "search: customer number": [f"/customers/?q={p[4]}" for p in pool[6 * n : 7 * n]],
        "VOC board /voc/": ["/voc/"] * v,
        "VOC queue: mine": ["/voc/queue/"] * v,
        "VOC queue: team": ["/voc/queue/?queue=team"] * v,
        "VOC queue: unassigned": ["/voc/queue/?queue=unassigned"] * v,
        "VOC queue: overdue": ["/voc/queue/?queue=overdue"] * v,
        "VOC queue: all, page 1-5": [f"/voc/queue/?queue=all&page={1 + k % 5}" for k in range(v)],
    }
    if cfg.get("targets_only"):  # --targets: the three targets (360 page, searches, board), no queues
        pages = {page: urls for page, urls in pages.items() if not page.startswith("VOC queue")}
    return pages


def _explain(sql: str, params: list[Any], vendor: str) -> list[str]:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [f"{row[0]}|{row[1]}| {row[-1]}" for row in cursor.fetchall()]


def phase_web(cfg: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from dangol.voc import selectors as voc_selectors

    assert not settings.DEBUG, "benchmarks must run with DEBUG off"
    call_command("migrate", verbosity=0, interactive=False)  # a cached database gets migrations added since
    connection.close()
    vendor = connection.vendor
    rng = random.Random(cfg["seed"])
    requests = _requests(cfg, rng)
    counts = {}
    with connection.cursor() as cursor:
        for table in ("customers_customer", "interactions_interaction", "orders_order", "voc_case"):
            cursor.execute(
                f'SELECT max(id) FROM "{table}"'
            )  # ids are dense here; count(*) would take seconds
            counts[table] = cursor.fetchone()[0] or 0
    client = Client()
    client.force_login(
        User.objects.get(username="bench-agent"), backend="django.contrib.auth.backends.ModelBackend"
    )
    board_ms = None
    if cfg.get("plans"):  # the scheduled job's work, timed once (it fills the snapshot the board page shows)
        t0 = time.perf_counter()
        voc_selectors.voc_board_refresh()
        board_ms = (time.perf_counter() - t0) * 1000
    # Warm-up: templates, URL resolver, translations, the board snapshot in the cache, the index roots.
    for urls in requests.values():
        for url in urls[:2]:
            client.get(url, secure=True)

    statements: list[tuple[int, str, list[Any], float]] = []
    current = [0]

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((current[0], sql, list(params or []), (time.perf_counter() - t0) * 1000))

    per_request: list[tuple[str, float, float, int, float]] = []  # page, wall ms, cpu ms, queries, sql ms
    order = [(page, url) for page, urls in requests.items() for url in urls]
    with connection.execute_wrapper(record):
        for page, url in order:
            current[0] = len(per_request)
            before = len(statements)
            c0 = time.process_time()
            t0 = time.perf_counter()
            response = client.get(url, secure=True)
            ms = (time.perf_counter() - t0) * 1000
            cpu = (time.process_time() - c0) * 1000
            if response.status_code != 200:
                raise SystemExit(f"bench/pages: GET {url} -> {response.status_code}")
            mine = statements[before:]
            per_request.append((page, ms, cpu, len(mine), sum(s[3] for s in mine)))
    samples = {page: [list(r[1:]) for r in per_request if r[0] == page] for page in requests}
    plans: dict[str, list[dict[str, Any]]] = {}
    if cfg.get("plans"):
        shapes: dict[str, dict[str, dict[str, Any]]] = {}
        for number, sql, params, ms in statements:
            page = per_request[number][0]
            shape = shapes.setdefault(page, {}).setdefault(
                sql, {"times": [], "params": params, "slowest": -1.0}
            )
            shape["times"].append(ms)
            if ms > shape["slowest"]:
                shape["slowest"], shape["params"] = ms, params
        for page, by_sql in shapes.items():
            plans[page] = []
            for sql, shape in sorted(by_sql.items(), key=lambda kv: -sum(kv[1]["times"])):
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                plans[page].append(
                    {
                        "sql": sql,
                        "params": [str(p)[:60] for p in shape["params"]],
                        "calls": len(shape["times"]),
                        "mean_ms": statistics.fmean(shape["times"]),
                        "max_ms": shape["slowest"],
                        "plan": _explain(sql, shape["params"], vendor),
                    }
                )
    connection.close()
    return {"samples": samples, "plans": plans, "counts": counts, "board_compute_ms": board_ms}
