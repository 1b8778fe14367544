"""CPU per request in-process (issue 15's benchmark goal): a redemption and an earn through the whole Django stack
(middleware, django-ninja, token auth, the service) against GET /healthz, one thread, `time.process_time`.

    .venv/bin/python bench/loyalty/cpu.py                       # SQLite file under var/bench/loyalty/cpu
    .venv/bin/python bench/loyalty/cpu.py --profile 25         # + the 25 most expensive functions (cProfile)
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300, help="requests of each kind")
    parser.add_argument("--profile", type=int, default=0, help="print the N most expensive functions")
    parser.add_argument("--what", choices=["redeem", "earn"], default="redeem", help="the request to profile")
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
    import run  # bench/loyalty/run.py: the same seed as the server benchmark
    from django.db import connection
    from django.test import Client

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

    def measure(fn, n: int) -> tuple[float, set[int]]:  # type: ignore[no-untyped-def]
        for _ in range(10):
            fn()  # warm caches (compiled templates, the token cache, the first connection)
        codes = set()
        t = time.process_time()
        for _ in range(n):
            codes.add(fn())
        return (time.process_time() - t) / n * 1000, codes

    print(f"database: {connection.vendor}, {args.n} requests each, load average {os.getloadavg()[0]:.1f}")
    rows = {}
    for name, fn in (("healthz", healthz), ("redeem", redeem), ("earn", earn)):
        ms, codes = measure(fn, args.n)
        rows[name] = ms
        print(f"{name:8s} {ms:6.2f} ms CPU/request  answers {sorted(codes)}")
    print(
        f"redeem / healthz = {rows['redeem'] / rows['healthz']:.1f}x, earn / healthz = {rows['earn'] / rows['healthz']:.1f}x"
    )
    print(
        f"ceiling on 2 idle cores: {2000 / rows['redeem']:.0f} redemptions/s, {2000 / rows['earn']:.0f} earns/s"
    )
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        fn = redeem if args.what == "redeem" else earn
        for _ in range(min(100, args.n // 2)):
            fn()
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
