"""Loyalty benchmark (issue 15): earn and redeem through the real server, PostgreSQL and SQLite.

    .venv/bin/python bench/loyalty/run.py                 # PostgreSQL and SQLite, 20 s per window
    .venv/bin/python bench/loyalty/run.py --small         # 8 s per window
    .venv/bin/python bench/loyalty/run.py --backends sqlite --pg-port 55508

For each database, in a child process (PostgreSQL: a throw-away server from scripts/with-postgres.sh):
1. `migrate`, the default program (tiers, coupons), an agent with an API token (rewards:read + rewards:write),
   N customers who each hold spendable points (one earned lot each) and M paid orders not yet earned.
2. The real server (`dangol serve`: gunicorn 2 workers x 4 threads + the job worker) on loopback; this
   process drives it from 16 threads over keep-alive connections (raw sockets, request heads built once: the
   client's own CPU per request is measured and shown) for a fixed time, and reads the CPU that the web
   workers, the job worker and PostgreSQL's processes used in each window:
   - peer: GET /healthz (the floor of the stack, same server, same concurrency, same run);
   - earn: POST /api/rewards/earn, one order each;
   - redeem: POST /api/rewards/redemptions with capture=true, a fresh idempotency key each, spread over the
     customers; every 10th request re-sends an earlier key (a POS retry) and must get the first result back;
   - the redemption again with 4 and 8 clients (`--sweep`), the headline staying at 16;
   - 20 concurrent redemptions against one balance that covers 7 of them.
3. Ledger checks after the run: for every customer the ledger sums to the balance and the lots agree
   (`services.points_check`), no bucket is negative, each key redeemed once (holds = distinct keys that got 201,
   replays got 200 with the same points), the points redeemed equal what left the balances, and the burst
   redeemed exactly 7 times.

Goal: >= 300 redemptions/s with p95 < 50 ms on PostgreSQL. Writes bench/loyalty/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
from _common import cpu_seconds, descendants, django_env, logger, machine_facts, wait_healthz

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BENCH_VAR = ROOT / "var" / "bench" / "loyalty"
RESULTS = HERE / "RESULTS.md"
CONCURRENCY = 16  # the headline; --sweep adds redemption windows at other concurrencies
SWEEP = (4, 8)
GOAL_PER_S = 300.0
GOAL_P95_MS = 50.0
CUSTOMERS = 2000
START_POINTS = 1_000_000  # each customer's spendable points: enough for every redemption of the run
REDEEM_POINTS = 1000
BURST = 20
BURST_COVERS = 7

log = logger("loyalty")


def _ms(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "n": len(samples),
        "median": statistics.median(samples) * 1000,
        "p95": samples[int(0.95 * (len(samples) - 1))] * 1000,
        "p99": samples[int(0.99 * (len(samples) - 1))] * 1000,
    }


# --------------------------------------------------------------------------------------------
# Child: the database, the server and the checks (DATABASE_URL set by the parent or with-postgres.sh)


def _seed(orders: int) -> dict[str, Any]:
    import datetime as dt

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from dangol.accounts.services import api_token_create, staff_create
    from dangol.customers.models import Customer
    from dangol.orders.models import Order
    from dangol.rewards.bulk import ledger_bulk_earn
    from dangol.rewards.demo import program_setup
    from dangol.rewards.models import Program

    now = timezone.now()
    with transaction.atomic():
        program_setup()
        Program.current()
        Program.objects.filter(pk=1).update(started_at=now - dt.timedelta(days=1))
        agent = staff_create(username="pos", password="bench-pos-2026", role="agent")
        _token, key = api_token_create(user=agent, name="POS", scopes=["rewards:read", "rewards:write"])
        customers = Customer.objects.bulk_create(
            Customer(name=f"고객{i:05d}", joined_at=now - dt.timedelta(days=30)) for i in range(CUSTOMERS + 1)
        )
        ids = [c.pk for c in customers]
        ledger_bulk_earn(
            [
                (pk, START_POINTS if i < CUSTOMERS else BURST_COVERS * REDEEM_POINTS)
                for i, pk in enumerate(ids)
            ],
            source="campaign",
            reason="벤치마크 초기 포인트",
            at=now - dt.timedelta(hours=1),
        )
        Order.objects.bulk_create(
            Order(
                external_id=f"BENCH-{i:07d}",
                customer_id=ids[i % CUSTOMERS],
                ordered_at=now - dt.timedelta(minutes=10),
                total_amount=30_000 + (i % 7) * 10_000,
            )
            for i in range(orders)
        )
    return {"key": key, "customers": ids[:CUSTOMERS], "burst_customer": ids[CUSTOMERS]}


class RawConnection:
    """One keep-alive HTTP/1.1 connection over a plain socket: the request's head is built once per path, the
    answer's head is split by hand (http.client parses headers with the email package, which cost the client
    more CPU per request than this whole class)."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.sock: socket.socket | None = None
        self.buf = b""
        self.heads: dict[tuple[str, str], bytes] = {}
        self.auth = f"Authorization: Bearer {token}\r\n".encode()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes, bytes]:
        """(status, content type, body) of the answer; OSError when the connection fails."""
        head = self.heads.get((method, path))
        if head is None:
            head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n".encode() + self.auth
            self.heads[(method, path)] = head
        if body is not None:
            data = head + b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        else:
            data = head + b"\r\n"
        if self.sock is None:
            self.sock = self._connect()
        self.sock.sendall(data)
        while b"\r\n\r\n" not in self.buf:
            self._read()
        head_end = self.buf.index(b"\r\n\r\n")
        lines = self.buf[:head_end].split(b"\r\n")
        self.buf = self.buf[head_end + 4 :]
        status = int(lines[0].split(b" ", 2)[1])
        length, content_type, chunked, close = None, b"", False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"content-type":
                content_type = value.strip()
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if chunked:
            payload = self._chunked()
        elif length is not None:
            while len(self.buf) < length:
                self._read()
            payload, self.buf = self.buf[:length], self.buf[length:]
        else:  # until the server closes
            with contextlib.suppress(ConnectionError):
                while True:
                    self._read()
            payload, self.buf = self.buf, b""
            close = True
        if close:
            self.close()
        return status, content_type, payload

    def _read(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def _chunked(self) -> bytes:
        out = b""
        while True:
            while b"\r\n" not in self.buf:
                self._read()
            size_line, _, self.buf = self.buf.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(self.buf) < size + 2:
                self._read()
            out, self.buf = out + self.buf[:size], self.buf[size + 2 :]
            if size == 0:
                return out


class Driver:
    def __init__(self, port: int, token: str):
        self.port = port
        self.token = token
        self.lock = threading.Lock()

    def conn(self) -> RawConnection:
        return RawConnection(self.port, self.token)

    def run(
        self, seconds: float, concurrency: int, make: Callable[[], tuple[str, str, Any] | None]
    ) -> dict[str, Any]:
        """Each thread sends make() → (method, path, body) until the time is up; latencies of 2xx answers."""
        stop_at = time.perf_counter() + seconds
        lat: list[float] = []
        codes: dict[int, int] = {}
        answers: list[tuple[Any, int, Any]] = []
        errors: list[str] = []

        def work() -> None:
            conn = self.conn()
            mine: list[float] = []
            while time.perf_counter() < stop_at:
                with self.lock:
                    item = make()
                if item is None:
                    break
                method, path, body = item
                payload = json.dumps(body).encode() if body is not None else None
                t = time.perf_counter()
                try:
                    status, content_type, data = conn.request(method, path, payload)
                except (OSError, ValueError, IndexError) as exc:
                    with self.lock:
                        errors.append(repr(exc)[:200])
                    conn.close()
                    conn = self.conn()
                    continue
                took = time.perf_counter() - t
                if 200 <= status < 300:
                    mine.append(took)
                parsed = json.loads(data) if data and content_type.startswith(b"application/json") else None
                with self.lock:
                    codes[status] = codes.get(status, 0) + 1
                    answers.append((body, status, parsed))
            conn.close()
            with self.lock:
                lat.extend(mine)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(concurrency)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
        ok = sum(n for code, n in codes.items() if 200 <= code < 300)
        return {
            "per_s": ok / wall,
            "ok": ok,
            "seconds": wall,
            "codes": {str(k): v for k, v in sorted(codes.items())},
            "errors": len(errors),
            "last_error": errors[-1] if errors else "",
            "latency": _ms(lat) if lat else None,
            "answers": answers,
        }


def _postgres_pids() -> list[int]:
    """The PostgreSQL server's processes (the postmaster and every backend under it), for their CPU."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data = Path(cursor.fetchone()[0])
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    return [postmaster, *descendants(postmaster, with_commands=False)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ledger_problems() -> list[str]:
    """services.points_check for every customer at once, as four grouped queries: the ledger's sums are the
    balance, spendable lots hold what is available, pending lots what is pending, open holds what is held, and
    each lot's points less what is left equal what was taken from it."""
    from django.db.models import Sum

    from dangol.rewards.models import LotConsumption, PointBalance, PointEntry, PointHold, PointLot

    sums = {
        row["customer_id"]: row
        for row in PointEntry.objects.values("customer_id").annotate(
            available=Sum("available_delta"),
            pending=Sum("pending_delta"),
            held=Sum("held_delta"),
            debt=Sum("debt_delta"),
        )
    }
    lots: dict[tuple[int, str], int] = {
        (r["customer_id"], r["status"]): r["s"]
        for r in PointLot.objects.values("customer_id", "status").annotate(s=Sum("remaining"))
    }
    held = {
        r["customer_id"]: r["s"]
        for r in PointHold.objects.filter(status="held").values("customer_id").annotate(s=Sum("points"))
    }
    problems = []
    balances = {b.pk: b for b in PointBalance.objects.all()}
    for pk in set(sums) | set(balances):
        b, s = balances.get(pk), sums.get(pk, {})
        for bucket in ("available", "pending", "held", "debt"):
            if (getattr(b, bucket) if b else 0) != (s.get(bucket) or 0):
                problems.append(f"customer {pk}: {bucket} balance != ledger")
        if b and lots.get((pk, "active"), 0) != b.available:
            problems.append(f"customer {pk}: active lots != available")
        if b and lots.get((pk, "pending"), 0) != b.pending:
            problems.append(f"customer {pk}: pending lots != pending")
        if b and held.get(pk, 0) != b.held:
            problems.append(f"customer {pk}: open holds != held")
    taken = dict(LotConsumption.objects.values("lot_id").annotate(s=Sum("points")).values_list("lot_id", "s"))
    for lot_id, points, remaining in PointLot.objects.values_list("pk", "points", "remaining"):
        if points - remaining != taken.get(lot_id, 0):
            problems.append(f"lot {lot_id}: points - remaining != consumed")
    return problems


def _wait_worker_idle(timeout: float = 180.0) -> float:
    """`dangol serve`'s worker runs every scheduled job once at start (the customer value refresh, the order
    points sync, ...): wait until none is queued or running, so that they do not share the measured window."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    t0 = time.perf_counter()
    time.sleep(10)  # the scheduler's first tick enqueues them
    while time.perf_counter() - t0 < timeout:
        busy = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
        connections.close_all()
        if not busy:
            break
        time.sleep(2)
    return time.perf_counter() - t0


def _checks(seed: dict[str, Any], redeem: dict[str, Any], burst: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Q, Sum

    from dangol.rewards.models import PointBalance, PointEntry, PointHold

    problems = _ledger_problems()
    negative = PointBalance.objects.filter(
        Q(available__lt=0) | Q(pending__lt=0) | Q(held__lt=0) | Q(debt__lt=0)
    ).count()
    created = {b["idempotency_key"]: b["points"] for b, status, _a in redeem["answers"] if status == 201}
    replays = [(b, a) for b, status, a in redeem["answers"] if status == 200]
    replay_ok = all(
        a and a["idempotency_key"] == b["idempotency_key"] and a["points"] == b["points"] for b, a in replays
    )
    keys = set(created)
    holds = PointHold.objects.filter(idempotency_key__in=keys, status="captured").count()
    all_holds = PointHold.objects.exclude(customer_id=seed["burst_customer"]).count()
    redeemed = -(
        PointEntry.objects.filter(kind__in=["hold", "redeem"])
        .exclude(customer_id=seed["burst_customer"])
        .aggregate(s=Sum("available_delta"))["s"]
        or 0
    )
    burst_ok = sum(1 for _b, status, _a in burst["answers"] if status in (200, 201))
    burst_balance = PointBalance.objects.get(pk=seed["burst_customer"])
    return {
        "ledger_problems": len(problems),
        "first_problems": problems[:5],
        "negative_balances": negative,
        "keys_201": len(keys),
        "captured_holds_for_keys": holds,
        "holds_total": all_holds,
        "replays": len(replays),
        "replays_same_answer": replay_ok,
        "points_redeemed_api": sum(created.values()),
        "points_left_balances": redeemed,
        "burst_succeeded": burst_ok,
        "burst_refused_409": burst["codes"].get("409", 0),
        "burst_available_after": burst_balance.available,
        "passed": not problems
        and negative == 0
        and holds == len(keys) == all_holds
        and replay_ok
        and sum(created.values()) == redeemed
        and burst_ok == BURST_COVERS
        and burst_balance.available == 0,
    }


def phase_run(cfg: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, connections

    backend = connection.vendor
    seconds = cfg["seconds"]
    t = time.perf_counter()
    seed = _seed(orders=cfg["orders"])
    log(f"{backend}: seeded in {time.perf_counter() - t:.0f} s")
    connections.close_all()
    port = _free_port()
    var_dir = Path(os.environ["DANGOL_VAR_DIR"])
    server_log = (var_dir / f"server-{backend}.log").open("w")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "dangol"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-migrate",
            *(["--workers", str(cfg["workers"])] if cfg.get("workers") else []),
            *(["--threads", str(cfg["threads"])] if cfg.get("threads") else []),
        ],
        cwd=ROOT,
        env={**os.environ, "DANGOL_SSL_REDIRECT": "false"},  # plain HTTP on loopback, as `make demo`
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out: dict[str, Any] = {"backend": backend}
    try:
        wait_healthz(port, server, name="loyalty")
        out["worker_startup_seconds"] = _wait_worker_idle()
        log(f"{backend}: the job worker's start-up jobs done after {out['worker_startup_seconds']:.0f} s")
        d = Driver(port, seed["key"])
        healthz = lambda: ("GET", "/healthz", None)  # noqa: E731
        d.run(2.0, CONCURRENCY, healthz)  # warm the workers
        procs = descendants(server.pid)
        web = [pid for pid, command in procs.items() if "gunicorn" in command]
        jobs = [pid for pid in procs if pid not in web]

        def measured(
            make: Callable[[], tuple[str, str, Any] | None], concurrency: int = CONCURRENCY
        ) -> dict[str, Any]:
            """A window, with the CPU the web workers (gunicorn), the job worker, PostgreSQL's processes and
            this client process used during it."""
            db = _postgres_pids()  # backends come and go: read the tree at the start of each window
            connections.close_all()
            web0, jobs0, db0 = (
                sum(map(cpu_seconds, web)),
                sum(map(cpu_seconds, jobs)),
                sum(map(cpu_seconds, db)),
            )
            client0, t0 = time.process_time(), time.perf_counter()
            result = d.run(seconds, concurrency, make)
            wall = time.perf_counter() - t0
            client_s = time.process_time() - client0
            web_s, jobs_s = sum(map(cpu_seconds, web)) - web0, sum(map(cpu_seconds, jobs)) - jobs0
            db_s = sum(map(cpu_seconds, db)) - db0
            n = max(1, sum(result["codes"].values()))
            result["concurrency"] = concurrency
            result["cpu"] = {
                "web_cores": web_s / wall,
                "jobs_cores": jobs_s / wall,
                "db_cores": db_s / wall,
                "client_cores": client_s / wall,
                "web_ms_per_request": web_s * 1000 / n,
                "db_ms_per_request": db_s * 1000 / n if db else None,
                "client_ms_per_request": client_s * 1000 / n,
            }
            return result

        out["healthz"] = measured(healthz)
        log(f"{backend}: /healthz {out['healthz']['per_s']:.0f}/s")

        from dangol.orders.models import Order

        # orders no job has earned yet (the worker's order sync earns a batch at start-up)
        unearned = Order.objects.filter(reward_points__isnull=True).order_by("-id")
        orders: Iterator[str] = iter(list(unearned.values_list("external_id", flat=True)))
        connections.close_all()

        def earn() -> tuple[str, str, Any] | None:
            ext = next(orders, None)
            return None if ext is None else ("POST", "/api/rewards/earn", {"order_id": ext})

        out["earn"] = measured(earn)
        log(f"{backend}: earn {out['earn']['per_s']:.0f}/s {out['earn']['codes']}")

        customers = seed["customers"]
        sent: list[dict[str, Any]] = []
        counter = iter(range(10**9))

        def redeem() -> tuple[str, str, Any] | None:
            i = next(counter)
            if i % 10 == 9 and sent:
                body = sent[(i * 7919) % len(sent)]  # a POS retry of an earlier request
            else:
                body = {
                    "customer_id": customers[(i * 37) % len(customers)],
                    "points": REDEEM_POINTS,
                    "idempotency_key": f"pos-{i}",
                    "order_ref": f"POS-{i}",
                    "capture": True,
                }
                sent.append(body)
            return ("POST", "/api/rewards/redemptions", body)

        warm = d.run(2.0, CONCURRENCY, redeem)  # warm-up; its redemptions are checked too
        out["redeem"] = measured(redeem)
        log(f"{backend}: redeem {out['redeem']['per_s']:.0f}/s {out['redeem']['codes']}")
        out["redeem_sweep"] = []
        for concurrency in cfg.get("sweep", []):
            r = measured(redeem, concurrency)
            out["redeem_sweep"].append(r)
            log(f"{backend}: redeem with {concurrency} clients {r['per_s']:.0f}/s {r['codes']}")

        burst_items = iter(range(BURST))

        def one() -> tuple[str, str, Any] | None:
            i = next(burst_items, None)
            if i is None:
                return None
            return (
                "POST",
                "/api/rewards/redemptions",
                {
                    "customer_id": seed["burst_customer"],
                    "points": REDEEM_POINTS,
                    "idempotency_key": f"burst-{i}",
                    "capture": True,
                },
            )

        out["burst"] = d.run(30.0, BURST, one)
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server_log.close()
    # every redemption sent, the warm-up's included
    sent_all = warm["answers"] + out["redeem"]["answers"]
    for r in out["redeem_sweep"]:
        sent_all += r.pop("answers")
    checks = _checks(seed, {"answers": sent_all}, out["burst"])
    out["checks"] = checks
    log(f"{backend}: checks {'passed' if checks['passed'] else 'FAILED'} {checks}")
    for key in ("healthz", "earn", "redeem", "burst"):
        out[key].pop("answers", None)
    return out


# --------------------------------------------------------------------------------------------
# Parent


def _child(backend: str, cfg: dict[str, Any], pg_port: int) -> dict[str, Any]:
    var_dir = BENCH_VAR / backend
    var_dir.mkdir(parents=True, exist_ok=True)
    db = var_dir / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cfg_path, out_path = var_dir / "config.json", var_dir / "result.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        "run",
        "--config",
        str(cfg_path),
        "--out",
        str(out_path),
    ]
    if backend == "postgres":
        cmd = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), str(pg_port), *cmd]
    proc = subprocess.run(cmd, cwd=ROOT, env=django_env(var_dir, db), stdout=sys.stderr, check=False)
    if proc.returncode != 0 or not out_path.exists():
        raise SystemExit(f"bench/loyalty: {backend} run failed (exit {proc.returncode})")
    return json.loads(out_path.read_text(encoding="utf-8"))


def _row(name: str, r: dict[str, Any], goal: str = "—") -> str:
    lat = r["latency"] or {"median": 0, "p95": 0}
    return f"| {name} | {r['per_s']:.0f} | {lat['median']:.1f} | {lat['p95']:.1f} | {r['codes']} | {goal} |"


def _report(results: list[dict[str, Any]], argv: list[str], cfg: dict[str, Any]) -> str:
    facts = machine_facts()
    lines = [
        "# Loyalty: earn and redeem through the real server",
        "",
        f"`{' '.join(argv)}` — {time.strftime('%Y-%m-%d')}, {facts['nproc']} cores ({facts['cpu']}), "
        f"{facts['ram']}, Python {facts['python']}, commit {facts['commit']}, load average {os.getloadavg()[0]:.1f} "
        "(other sessions share the machine).",
        "",
        f"`dangol serve` (gunicorn {cfg.get('workers') or 2} workers x {cfg.get('threads') or 4} threads + job worker), "
        f"{CONCURRENCY} client threads (the headline; the sweep: {', '.join(map(str, cfg.get('sweep') or []))}) over "
        f"keep-alive connections from a second process on the same machine; {CUSTOMERS:,} customers. A redemption is "
        f"POST /api/rewards/redemptions with capture=true ({REDEEM_POINTS:,}P, a fresh idempotency key; every 10th "
        "request is a retry of an earlier key). Earn is POST /api/rewards/earn of a new order.",
        "",
        "| database | requests | clients | req/s | median ms | p95 ms | answers "
        "| CPU ms/request: web (× /healthz) | PostgreSQL | client "
        "| cores: web / PostgreSQL / client / job worker | goal ≥ 300/s, p95 < 50 ms |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        db = "PostgreSQL" if r["backend"] == "postgresql" else "SQLite"
        windows = [("`GET /healthz` (peer)", "healthz", r["healthz"]), ("earn", "earn", r["earn"])]
        windows.append(("**redeem**", "redeem", r["redeem"]))
        windows += [("redeem", "redeem", res) for res in r.get("redeem_sweep", [])]
        floor = (r["healthz"].get("cpu") or {}).get("web_ms_per_request")
        for name, key, res in windows:
            lat = res["latency"] or {"median": 0.0, "p95": 0.0}
            goal = "—"
            if key == "redeem":
                met = res["per_s"] >= GOAL_PER_S and lat["p95"] < GOAL_P95_MS
                goal = "met" if met else "**missed**"
            cpu = res.get("cpu") or {}
            ms = cpu.get("web_ms_per_request")
            ratio = f" ({ms / floor:.1f}×)" if ms and floor and key != "healthz" else ""
            web_cell = f"{ms:.2f}{ratio}" if ms else "—"
            db_ms, client_ms = cpu.get("db_ms_per_request"), cpu.get("client_ms_per_request")
            db_cell = f"{db_ms:.2f}" if db_ms is not None else "—"
            client_cell = f"{client_ms:.2f}" if client_ms is not None else "—"
            cores = (
                f"{cpu['web_cores']:.2f} / {cpu.get('db_cores', 0):.2f} / {cpu.get('client_cores', 0):.2f} "
                f"/ {cpu['jobs_cores']:.2f}"
                if cpu
                else "—"
            )
            lines.append(
                f"| {db} | {name} | {res.get('concurrency', CONCURRENCY)} | {res['per_s']:.0f} "
                f"| {lat['median']:.1f} | {lat['p95']:.1f} | {res['codes']} "
                f"| {web_cell} | {db_cell} | {client_cell} | {cores} | {goal} |"
            )
    lines += [
        "",
        "## Ledger checks after the run",
        "",
        "| check | "
        + " | ".join("PostgreSQL" if r["backend"] == "postgresql" else "SQLite" for r in results)
        + " |",
        "|---|" + "---|" * len(results),
    ]
    labels = [
        ("ledger sums to balance, lots agree (customers with problems)", "ledger_problems"),
        ("negative buckets", "negative_balances"),
        ("distinct keys redeemed (201)", "keys_201"),
        ("captured holds for those keys / all holds", None),
        ("retries answered 200 with the first result", None),
        ("points redeemed (API) = points that left the balances", None),
        (
            f"{BURST} concurrent redemptions on a balance for {BURST_COVERS}: succeeded / refused 409 / left",
            None,
        ),
        ("**all checks**", "passed"),
    ]
    for label, key in labels:
        cells = []
        for r in results:
            c = r["checks"]
            if key is not None:
                cells.append(str(c[key]))
            elif label.startswith("captured"):
                cells.append(f"{c['captured_holds_for_keys']} / {c['holds_total']}")
            elif label.startswith("retries"):
                cells.append(f"{c['replays']} ({'yes' if c['replays_same_answer'] else 'NO'})")
            elif label.startswith("points"):
                cells.append(f"{c['points_redeemed_api']:,} = {c['points_left_balances']:,}")
            else:
                cells.append(
                    f"{c['burst_succeeded']} / {c['burst_refused_409']} / {c['burst_available_after']}P"
                )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase")
    parser.add_argument("--config")
    parser.add_argument("--out")
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: dangol serve's)")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (default: dangol serve's)")
    parser.add_argument(
        "--sweep",
        default=",".join(map(str, SWEEP)),
        help="redemption windows at these client counts besides the 16 of the headline ('' for none)",
    )
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("DANGOL_BENCH_PG_PORT", "54331")))
    args = parser.parse_args()
    if args.phase == "run":
        result = phase_run(json.loads(Path(args.config).read_text(encoding="utf-8")))
        Path(args.out).write_text(json.dumps(result), encoding="utf-8")
        return 0
    seconds = args.seconds or (8.0 if args.small else 20.0)
    cfg = {
        "seconds": seconds,
        "orders": int(seconds * 1500) + 5000,
        "workers": args.workers,
        "threads": args.threads,
        "sweep": [int(c) for c in args.sweep.split(",") if c.strip()] if args.sweep else [],
    }
    results = [_child(b.strip(), cfg, args.pg_port) for b in args.backends.split(",") if b.strip()]
    report = _report(results, ["bench/loyalty/run.py", *sys.argv[1:]], cfg)
    print(report)
    extra = RESULTS.read_text(encoding="utf-8").split("<!-- notes -->", 1) if RESULTS.exists() else []
    RESULTS.write_text(report + ("\n<!-- notes -->" + extra[1] if len(extra) == 2 else ""), encoding="utf-8")
    return 0 if all(r["checks"]["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
