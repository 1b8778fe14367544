"""Messaging benchmark (issue 14): render and queue a campaign, and the send loop against a local provider.

    .venv/bin/python bench/messaging/run.py            # 100,000 campaign messages; 2,000 sends
    .venv/bin/python bench/messaging/run.py --quick    # 5,000 campaign messages (median of 3); 300 sends

1. Database: `migrate`, then N customers (bulk insert) with the consents a real base has: 70% consented to
   marketing SMS, 10% to e-mail only, 10% refused SMS, 10% never decided (a fifth of those bought coffee four
   months ago: the 6-month exemption, asked of the orders app); 5% also consented to adverts at night.
   Cached under var/bench/messaging/, keyed by N and a hash of every migration; each run uses a copy.
2. Render + queue: one advertising template (text first, then e-mail), per-customer variables (name, store,
   offer), at 22:00 Asia/Seoul so the night rule holds text adverts without night consent until 08:00, through
   `messaging.services.messages_queue_bulk` — the same `message_draft` rules as `message_queue`, consents read
   per batch — in one transaction. Floor: the very rows it stored (messages and their first events), read
   back, deleted, and inserted again with `bulk_create` in one transaction: no rendering, no rules.
3. Send loop: `messaging.sending.message_send_due` sends queued text messages through the SOLAPI SDK to the
   local provider of the tests (dangol/messaging/tests/fakes.py: an HTTP server on loopback answering like
   SOLAPI), once without a rate limit (the loop's own ceiling: claim, HTTP call, record) and once with the
   default limit (DANGOL_MESSAGING_RATE, 20 messages/s per channel).

Goal: ≥ 5,000 messages/s rendered and queued on SQLite, within 3x of the floor. Prints Markdown tables and
writes them to bench/messaging/RESULTS.md (unless --no-write). Other engineers' tests may share the machine:
the floor is measured in the same run for that reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
from _common import logger, machine_facts, run_phase, version

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BENCH_VAR = ROOT / "var" / "bench" / "messaging"
RESULTS = HERE / "RESULTS.md"
BUILD_VERSION = "1"  # bump when the generated data changes
# reps: the campaign (and its floor) is measured that many times on one database; the median is reported.
SIZES = {
    "full": {"messages": 100_000, "reps": 1, "sends": 2_000, "limited": 200},
    "quick": {"messages": 5_000, "reps": 3, "sends": 300, "limited": 100},
}
GOAL_RATE = 5_000.0
WARMUP = 500  # messages queued before the measured campaign
GOAL_RATIO = 3.0
log = logger("messaging")


# --------------------------------------------------------------------------------------------
# Phases (run in a child process with its own database; see _common.run_phase)


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def phase_build(cfg: dict[str, Any]) -> dict[str, Any]:
    """Migrate and add the customers, their consents and a few coffee purchases."""
    _django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from dangol.customers.models import Consent, ConsentEvent, Customer
    from dangol.orders.models import Order, OrderLine, Product, ProductCategory

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    now = timezone.now()
    n = int(cfg["customers"])
    family, given = "김이박최정강조윤장임", "민서지현도윤하준서연예린시우주원"
    with transaction.atomic():
        Customer.objects.bulk_create(
            (
                Customer(
                    name=rng.choice(family) + rng.choice(given) + rng.choice(given),
                    phone=f"010-{i // 10000 % 10000:04d}-{i % 10000:04d}",
                    phone_last4=f"{i % 10000:04d}",
                    email=f"c{i}@example.com",
                    joined_at=now - dt.timedelta(days=rng.randint(30, 2000)),
                )
                for i in range(n)
            ),
            batch_size=2000,
        )
        ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
        consents: list[Consent] = []
        undecided: list[int] = []
        for pk in ids:
            draw = rng.random()
            when = now - dt.timedelta(days=rng.randint(1, 700))
            if draw < 0.70:
                consents.append(
                    Consent(customer_id=pk, purpose="marketing_sms", granted=True, changed_at=when)
                )
            elif draw < 0.80:
                consents.append(
                    Consent(customer_id=pk, purpose="marketing_email", granted=True, changed_at=when)
                )
            elif draw < 0.90:
                consents.append(
                    Consent(customer_id=pk, purpose="marketing_sms", granted=False, changed_at=when)
                )
            else:
                undecided.append(pk)
            if rng.random() < 0.05:
                consents.append(
                    Consent(customer_id=pk, purpose="marketing_night", granted=True, changed_at=when)
                )
        Consent.objects.bulk_create(consents, batch_size=2000)
        ConsentEvent.objects.bulk_create(
            (
                ConsentEvent(
                    customer_id=c.customer_id, purpose=c.purpose, granted=c.granted, occurred_at=c.changed_at
                )
                for c in consents
            ),
            batch_size=2000,
        )
        coffee = ProductCategory.objects.create(code="coffee", name="커피")
        beans = Product.objects.create(sku="BEANS-1", name="원두 200g", category=coffee, price=15000)
        for k, pk in enumerate(undecided[: len(undecided) // 5]):
            order = Order.objects.create(
                external_id=f"BENCH-{k}",
                customer_id=pk,
                ordered_at=now - dt.timedelta(days=120),
                total_amount=15000,
            )
            OrderLine.objects.create(order=order, product=beans, product_name=beans.name, amount=15000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
    return {"customers": len(ids), "consents": len(consents), "seconds": time.perf_counter() - t0}


def _template() -> Any:
    from dangol.messaging.services import template_save

    return template_save(
        template=None,
        data={
            "code": "bench-winter-menu",
            "name": "겨울 신메뉴 안내",
            "channels": ["sms", "email"],
            "kind": "advertising",
            "goods_kind": "커피",
            "subject": "#{매장} 겨울 신메뉴",
            "body": "#{고객명}님, #{매장}에 겨울 신메뉴가 나왔습니다. 이번 주 방문하시면 #{혜택}.",
            "active": True,
        },
        by=None,
    )


def phase_queue(cfg: dict[str, Any]) -> dict[str, Any]:
    """Render and queue the campaign, then the floor: the same rows inserted bare."""
    _django()
    from django.urls import reverse

    from dangol.customers.models import Customer
    from dangol.messaging.rules import SEOUL
    from dangol.messaging.services import BulkRecipient, messages_queue_bulk

    reverse("messaging:outbox")  # load the URLconf (opt-out links), as a running server or worker has it
    template = _template()
    night = dt.datetime(2026, 12, 1, 22, 0, tzinfo=SEOUL)
    stores = ["강남점", "홍대점", "판교점", "부산서면점"]
    offers = ["아메리카노 한 잔을 더 드립니다", "케이크 세트를 20% 할인해 드립니다", "원두 100g을 드립니다"]
    t0 = time.perf_counter()
    customers = list(
        Customer.objects.order_by("pk").only("pk", "name", "preferred_name", "phone", "email", "status")[
            : int(cfg["messages"])
        ]
    )
    recipients = [
        BulkRecipient(
            customer=c,
            purpose_ref=f"recipient:{c.pk}",
            variables={"매장": stores[c.pk % 4], "혜택": offers[c.pk % 3]},
        )
        for c in customers
    ]
    load_seconds = time.perf_counter() - t0
    # Warm-up, as a running worker is warm: a small campaign of its own (not counted, not part of the floor).
    messages_queue_bulk(
        template=template,
        recipients=[
            BulkRecipient(customer=r.customer, purpose_ref=f"warmup:{r.customer.pk}", variables=r.variables)
            for r in recipients[:WARMUP]
        ],
        now=night,
    )

    queue_times, floor_times, orm_times = [], [], []
    for rep in range(int(cfg["reps"])):
        result, queue_seconds, floor_seconds, orm_seconds, channels, bases = _campaign(
            rep, template, recipients, night, orm=rep == int(cfg["reps"]) - 1
        )
        queue_times.append(queue_seconds)
        floor_times.append(floor_seconds)
        orm_times += [orm_seconds] if orm_seconds is not None else []
    return {
        "messages": len(recipients),
        "reps": int(cfg["reps"]),
        "load_seconds": load_seconds,
        "queue_seconds": statistics.median(queue_times),
        "floor_seconds": statistics.median(floor_times),
        "orm_seconds": statistics.median(orm_times),
        "queue_all": queue_times,
        "floor_all": floor_times,
        "by_status": result.by_status,
        "blocked_by_rule": result.blocked_by_rule,
        "held_for_night": result.held_for_night,
        "errors": len(result.errors),
        "channels": channels,
        "legal_basis": bases,
    }


def _campaign(
    rep: int, template: Any, recipients: list[Any], night: dt.datetime, *, orm: bool
) -> tuple[Any, ...]:
    """One measured campaign (refs campaign:<rep>:…), then its floor: the very same rows read back, deleted and
    inserted again without rendering or rules — by the same executemany insert the campaign uses, and (once, for
    reference) by Django's bulk_create."""
    from django.db import transaction
    from django.db.models import Count

    from dangol.messaging.inserts import RowInserter, insert_first_events
    from dangol.messaging.models import Message, MessageEvent
    from dangol.messaging.services import BulkRecipient, messages_queue_bulk

    mine = [
        BulkRecipient(
            customer=r.customer, purpose_ref=f"campaign:{rep}:customer:{r.customer.pk}", variables=r.variables
        )
        for r in recipients
    ]
    t0 = time.perf_counter()
    result = messages_queue_bulk(template=template, recipients=mine, now=night)
    queue_seconds = time.perf_counter() - t0
    campaign = Message.objects.filter(purpose_ref__startswith=f"campaign:{rep}:")
    assert campaign.count() == result.stored == len(mine), (result.stored, len(result.errors))
    channels = dict(campaign.values_list("channel").annotate(n=Count("id")).order_by())
    bases = dict(campaign.values_list("legal_basis").annotate(n=Count("id")).order_by())

    fields = [f.attname for f in Message._meta.concrete_fields if f.attname not in ("id", "created_at")]
    rows = list(campaign.order_by("pk").values("pk", *fields))
    details = dict(MessageEvent.objects.filter(message__in=campaign).values_list("message_id", "detail"))
    events = [(row["uid"], night, row["status"], details.get(row.pop("pk"), "")) for row in rows]

    def clear() -> None:
        with transaction.atomic():
            MessageEvent.objects.filter(message__in=campaign).delete()
            campaign.delete()

    clear()
    t0 = time.perf_counter()
    with transaction.atomic():
        inserter = RowInserter(Message, now=night)
        inserter.insert([inserter.complete(row) for row in rows])
        insert_first_events(message_model=Message, event_model=MessageEvent, events=events)
    floor_seconds = time.perf_counter() - t0
    assert campaign.count() == len(rows)
    orm_seconds = None
    if orm:
        clear()
        t0 = time.perf_counter()
        with transaction.atomic():
            made = Message.objects.bulk_create([Message(**row) for row in rows])
            MessageEvent.objects.bulk_create(
                MessageEvent(message=m, at=at, status=status, detail=detail)
                for m, (_uid, at, status, detail) in zip(made, events, strict=True)
            )
        orm_seconds = time.perf_counter() - t0
    return result, queue_seconds, floor_seconds, orm_seconds, channels, bases


def phase_send(cfg: dict[str, Any]) -> dict[str, Any]:
    """The send loop against the local SOLAPI stand-in: without a rate limit, then with the default one."""
    _django()
    from dangol.messaging.models import MessageEvent

    MessageEvent.objects.all().delete()  # the campaign's messages are not this phase's (some are due)
    from django.conf import settings
    from django.utils import timezone

    from dangol.customers.models import Customer
    from dangol.messaging.channels import SolapiChannel
    from dangol.messaging.models import Message
    from dangol.messaging.sending import RateLimiter, message_send_due
    from dangol.messaging.services import BulkRecipient, messages_queue_bulk, template_save
    from dangol.messaging.tests.fakes import FakeSolapi, start_solapi

    fake = FakeSolapi()
    server = start_solapi(fake)
    settings.DANGOL_MESSAGING_TEXT_VIA = "solapi"
    settings.DANGOL_SOLAPI_API_KEY, settings.DANGOL_SOLAPI_API_SECRET = "NCSBENCHKEY", "BENCHSECRET"
    settings.DANGOL_SOLAPI_BASE_URL = fake.url
    settings.DANGOL_SMS_SENDERS = ["02-1234-5678"]
    notice = template_save(
        template=None,
        data={
            "code": "bench-pickup",
            "name": "주문 준비 안내",
            "channels": ["sms"],
            "kind": "informational",
            "body": "#{고객명}님, 주문하신 상품이 준비되었습니다.",
            "active": True,
        },
        by=None,
    )
    results: dict[str, Any] = {"default_rate": settings.DANGOL_MESSAGING_RATES.get("sms")}
    Message.objects.all().delete()
    customers = list(
        Customer.objects.order_by("pk").only("pk", "name", "preferred_name", "phone", "email", "status")
    )
    offset = 0
    for label, count, rates in (
        ("unlimited", int(cfg["sends"]), {}),
        ("rate_limited", int(cfg["limited"]), dict(settings.DANGOL_MESSAGING_RATES)),
    ):
        batch = customers[offset : offset + count]
        offset += count
        messages_queue_bulk(
            template=notice,
            recipients=[BulkRecipient(customer=c, purpose_ref=f"send:{label}:{c.pk}") for c in batch],
            now=timezone.now() - dt.timedelta(seconds=1),
        )
        channel = SolapiChannel()
        before = len(fake.received)
        t0 = time.perf_counter()
        counts = message_send_due(
            limit=count,
            max_seconds=600,
            limiter=RateLimiter(rates),
            channels={"sms": channel, "lms": channel},
        )
        seconds = time.perf_counter() - t0
        sent = Message.objects.filter(purpose_ref__startswith=f"send:{label}:", status="sent").count()
        results[label] = {
            "messages": count,
            "seconds": seconds,
            "counts": counts,
            "sent": sent,
            "provider_received": len(fake.received) - before,
        }
    server.shutdown()
    return results


PHASES = {"build": phase_build, "queue": phase_queue, "send": phase_send}


# --------------------------------------------------------------------------------------------
# The harness


def migrations_hash() -> str:
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for path in sorted((ROOT / "dangol").glob("*/migrations/0*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_database(customers: int) -> Path:
    """The migrated database with the customers (built once per size and set of migrations)."""
    base = BENCH_VAR / f"base-{customers}-{migrations_hash()}.sqlite3"
    if base.exists():
        log(f"using cached {base.name}")
        return base
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    for old in BENCH_VAR.glob(f"base-{customers}-*.sqlite3"):
        old.unlink()
    building = base.with_suffix(".building")
    building.unlink(missing_ok=True)
    log(f"building {customers:,} customers (migrate + bulk insert)")
    built = run_phase(
        __file__, "build", {"customers": customers}, var_dir=BENCH_VAR / "build", db_path=building
    )
    log(f"built in {built['seconds']:.0f} s")
    building.rename(base)
    return base


def report(mode: str, size: dict[str, int], queue: dict[str, Any], send: dict[str, Any]) -> str:
    facts = machine_facts()
    n = queue["messages"]
    rate = n / queue["queue_seconds"]
    floor_rate = n / queue["floor_seconds"]
    ratio = queue["queue_seconds"] / queue["floor_seconds"]
    met_rate = rate >= GOAL_RATE
    met_ratio = ratio <= GOAL_RATIO
    lines = [
        f"# Messaging benchmark ({mode}: {n:,} campaign messages)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `bench/messaging/run.py"
        f"{' --quick' if mode == 'quick' else ''}`.",
        "",
        f"- nproc: {facts['nproc']} ({facts['cpu']}); RAM {facts['ram']}; {facts['os']}",
        f"- Python {facts['python']}, Django {version('django')}, SQLite {sqlite3.sqlite_version}, "
        f"solapi {version('solapi')}; commit {facts['commit']}",
        "- Shared machine: other engineers' tests may run at the same time; the floor is measured in the same run.",
        "",
        "## 1. Render and queue a campaign (SQLite, one transaction)",
        "",
        "One advertising template (문자 first, then e-mail), per-customer variables, at 22:00 KST: consent per "
        "channel, the 6-month exemption (orders asked), refusals, the night rule, the (광고) label, sender and "
        f"opt-out, the EUC-KR length, through `messages_queue_bulk`, after a warm-up campaign of {WARMUP} "
        "messages. Floor: the same rows (messages + first events) read back and inserted again, nothing rendered "
        f"or checked. Median of {queue['reps']} campaign(s) on one database "
        f"(all: {', '.join(f'{t:.2f}' for t in queue['queue_all'])} s; floor "
        f"{', '.join(f'{t:.2f}' for t in queue['floor_all'])} s).",
        "",
        "| measure | seconds | messages/s | ratio to floor |",
        "|---|---:|---:|---:|",
        f"| floor: bare insert of the same {n:,} messages + events (`executemany`, as the campaign inserts) | "
        f"{queue['floor_seconds']:.2f} | {floor_rate:,.0f} | 1.00 |",
        f"| (for reference: the same rows by Django's `bulk_create`) | {queue['orm_seconds']:.2f} | "
        f"{n / queue['orm_seconds']:,.0f} | {queue['orm_seconds'] / queue['floor_seconds']:.2f}x |",
        f"| **render + rules + queue** (`messages_queue_bulk`) | {queue['queue_seconds']:.2f} | **{rate:,.0f}** | "
        f"**{ratio:.2f}x** |",
        f"| (loading the {n:,} customers, the caller's part) | {queue['load_seconds']:.2f} | | |",
        "",
        f"- Goal ≥ {GOAL_RATE:,.0f} messages/s: **{'met' if met_rate else 'NOT met'}** ({rate / GOAL_RATE:.2f} of goal).",
        f"- Goal within {GOAL_RATIO:.0f}x of the floor: **{'met' if met_ratio else 'NOT met'}** ({ratio:.2f}x).",
        f"- Outcome: {json.dumps(queue['by_status'], ensure_ascii=False)}; blocked by rule "
        f"{json.dumps(queue['blocked_by_rule'], ensure_ascii=False)}; held for 08:00 {queue['held_for_night']:,}; "
        f"channels {json.dumps(queue['channels'], ensure_ascii=False)}; legal basis "
        f"{json.dumps(queue['legal_basis'], ensure_ascii=False)}; bad input {queue['errors']}.",
        "",
        "## 2. Send loop against the local provider",
        "",
        "`message_send_due` → SOLAPI SDK → the tests' SOLAPI stand-in on loopback (one HTTP request per message, "
        "claim and record in SQLite around it).",
        "",
        "| run | messages | seconds | messages/s | sent | provider received |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, title in (
        ("unlimited", "no rate limit (the loop's ceiling)"),
        ("rate_limited", f"default limit ({send['default_rate']:.0f}/s per channel)"),
    ):
        r = send[label]
        lines.append(
            f"| {title} | {r['messages']:,} | {r['seconds']:.2f} | {r['messages'] / r['seconds']:,.1f} | "
            f"{r['sent']:,} | {r['provider_received']:,} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # --small as the other harnesses call it (make bench BENCH_ARGS=--small)
    parser.add_argument("--quick", "--small", action="store_true", help="5,000 messages, 300 sends")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # a child started by run_phase
        cfg = json.loads(args.config.read_text(encoding="utf-8"))
        out = PHASES[args.phase](cfg)
        args.out.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
        return
    mode = "quick" if args.quick else "full"
    size = SIZES[mode]
    base = base_database(size["messages"])
    run_dir = BENCH_VAR / f"run-{mode}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    db = run_dir / "db.sqlite3"
    shutil.copyfile(base, db)
    log(f"render + queue {size['messages']:,} campaign messages, then the floor")
    queue = run_phase(__file__, "queue", size, var_dir=run_dir, db_path=db)
    log(f"send loop: {size['sends']:,} unlimited, {size['limited']:,} at the default rate")
    send = run_phase(__file__, "send", size, var_dir=run_dir, db_path=db)
    text = report(mode, size, queue, send)
    print(text)
    (run_dir / "raw.json").write_text(
        json.dumps({"queue": queue, "send": send}, ensure_ascii=False, indent=1)
    )
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
