"""CPU per request in-process (issue 15's benchmark goal): a redemption and an earn through the whole Django stack
(middleware, django-ninja, token auth, the service) against peers that split the cost, one thread,
`time.process_time`:

- `GET /healthz`: Django, the middleware and a plain view (the floor);
- a bare django-ninja endpoint that returns {} with no auth, and the same under the API's token auth
  (mounted by this script only, at /api/bench/): ninja's own cost and the auth's;
- the redemption (POST /api/rewards/redemptions, capture=true) and the earn (POST /api/rewards/earn).

On PostgreSQL it also reads the CPU the connection's backend process used (/proc/<pg_backend_pid>/stat), so the
database's share of a request is counted too.

    .venv/bin/python bench/loyalty/cpu.py                       # SQLite file under var/bench/loyalty/cpu
    .venv/bin/python bench/loyalty/cpu.py --profile 25         # + the 25 most expensive functions (CPU time)
    bash scripts/with-postgres.sh 55601 .venv/bin/python bench/loyalty/cpu.py   # PostgreSQL (DATABASE_URL set)

CPU time is what decides throughput on a 2-core machine: 2 cores / (ms per redemption) is the ceiling of the
server however idle the machine is, so this figure is the one to compare before and after a change.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE.parent))


def _mount_bare_endpoints() -> None:
    """/api/bench/bare (no auth) and /api/bench/auth (the API's TokenAuth): django-ninja returning {}."""
    from django.urls import clear_url_caches, path
    from ninja import NinjaAPI

    import dangol.urls
    from dangol.api.auth import TokenAuth

    bench_api = NinjaAPI(urls_namespace="bench-api", docs_url=None, openapi_url=None)

    @bench_api.get("/bare", auth=None)
    def bare(request):  # type: ignore[no-untyped-def]
        return {}

    @bench_api.post("/auth", auth=TokenAuth())
    def authed(request):  # type: ignore[no-untyped-def]
        return {}

    dangol.urls.urlpatterns.insert(0, path("api/bench/", bench_api.urls))
    clear_url_caches()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300, help="requests of each kind")
    parser.add_argument("--profile", type=int, default=0, help="print the N most expensive functions")
    parser.add_argument("--what", choices=["redeem", "earn"], default="redeem", help="the request to profile")
    parser.add_argument("--no-earn", action="store_true", help="skip the earn (the slow one)")
    parser.add_argument(
        "--pg-option", action="append", default=[], help="KEY=VALUE: a psycopg OPTIONS entry to try"
    )
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        var = ROOT / "var" / "bench" / "loyalty" / "cpu"
        var.mkdir(parents=True, exist_ok=True)
        db = var / "cpu.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
        os.environ.setdefault("DANGOL_VAR_DIR", str(var))
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "dangol.settings", "DANGOL_DEBUG": "false", "DANGOL_LOG_LEVEL": "ERROR"}
    )
    os.environ.setdefault("DANGOL_SSL_REDIRECT", "false")
    import django

    django.setup()
    from django.db import connections

    for option in args.pg_option:
        key, _, value = option.partition("=")
        connections["default"].settings_dict.setdefault("OPTIONS", {})[key] = (
            int(value) if value.isdigit() else value == "true" if value in ("true", "false") else value
        )
    import run  # bench/loyalty/run.py: the same seed as the server benchmark
    from _common import cpu_seconds
    from django.db import connection
    from django.test import Client

    _mount_bare_endpoints()
    seed = run._seed(orders=args.n + 50 + (100 if args.what == "earn" else 0))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seed['key']}", SERVER_NAME="127.0.0.1")
    customers = seed["customers"]
    counter = iter(range(10**9))

    def redeem() -> int:
        i = next(counter)
        body = {
            "customer_id": customers[(i * 37) % len(customers)],
            "points": 1000,
            "idempotency_key": f"cpu-{i}",
            "order_ref": f"CPU-{i}",
            "capture": True,
        }
        return client.post("/api/rewards/redemptions", body, content_type="application/json").status_code

    from dangol.orders.models import Order

    orders = iter(list(Order.objects.order_by("id").values_list("external_id", flat=True)))

    def earn() -> int:
        body = {"order_id": next(orders)}
        return client.post("/api/rewards/earn", body, content_type="application/json").status_code

    def healthz() -> int:
        return client.get("/healthz").status_code

    def bare() -> int:
        return client.get("/api/bench/bare").status_code

    def authed() -> int:
        return client.post("/api/bench/auth", {}, content_type="application/json").status_code

    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]

    def measure(fn: Callable[[], int], n: int) -> tuple[float, float, set[int]]:
        for _ in range(10):
            fn()  # warm caches (compiled templates, the token cache, the first connection)
        codes = set()
        db0 = cpu_seconds(backend_pid) if backend_pid else 0.0
        t = time.process_time()
        for _ in range(n):
            codes.add(fn())
        ms = (time.process_time() - t) / n * 1000
        db_ms = ((cpu_seconds(backend_pid) - db0) / n * 1000) if backend_pid else 0.0
        return ms, db_ms, codes

    print(f"database: {connection.vendor}, {args.n} requests each, load average {os.getloadavg()[0]:.1f}")
    rows: dict[str, float] = {}
    peers: list[tuple[str, Callable[[], int]]] = [
        ("healthz", healthz),
        ("ninja {}", bare),
        ("ninja+auth", authed),
        ("redeem", redeem),
    ]
    if not args.no_earn:
        peers.append(("earn", earn))
    for name, fn in peers:
        ms, db_ms, codes = measure(fn, args.n)
        rows[name] = ms
        db = f"  database backend {db_ms:5.2f} ms" if backend_pid else ""
        print(
            f"{name:10s} {ms:6.2f} ms CPU/request ({ms / rows['healthz']:4.1f}x /healthz){db}  answers {sorted(codes)}"
        )
    print(f"ceiling on 2 idle cores (web CPU only): {2000 / rows['redeem']:.0f} redemptions/s")
    if args.profile:
        prof = cProfile.Profile(time.process_time)  # CPU time, not wall time spent waiting for the database
        prof.enable()
        fn = redeem if args.what == "redeem" else earn
        for _ in range(min(200, args.n)):
            fn()
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
