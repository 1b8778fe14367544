"""Build a large Dangol SQLite database for the 360-page and search benchmarks.

Django runs `migrate` and creates the few reference rows (teams, staff via `staff_create`,
touchpoints, tags, products). The bulk tables are then filled with raw `sqlite3.executemany`
in one transaction with journal_mode=OFF/synchronous=OFF, secondary indexes dropped during the
load and rebuilt afterwards (exactly the DDL `migrate` created), in time order as an
append-only production database would have them. ANALYZE is *not* run: the app never runs it.

Runs inside a subprocess whose environment points DATABASE_URL at the file being built.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np
from datagen import CITIES, TAGS, People, catalogue_products, chunks, utc_text
from tqdm import tqdm

CHUNK = 250_000
BENCH_PASSWORD = "bench-password-not-secret"  # MD5-hashed; the benchmark logs in with force_login


def _django_reference_rows() -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from dangol.accounts.models import Role, Team
    from dangol.accounts.services import staff_create
    from dangol.customers.models import Tag
    from dangol.demo import catalogue
    from dangol.interactions.models import Touchpoint
    from dangol.orders.models import Product, ProductCategory

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]  # a fast hash for set-up only
    call_command("migrate", verbosity=0, interactive=False)
    teams = {
        code: Team.objects.create(code=code, name=name, process=process)
        for code, name, process in catalogue.TEAMS
    }
    staff = [
        ("bench-agent", Role.AGENT, "cs", "이서준 상담원"),
        ("bench-agent2", Role.AGENT, "cs", "박지아 상담원"),
        ("bench-store1", Role.AGENT, "store-ops", "최민호 매니저"),
        ("bench-store2", Role.AGENT, "store-ops", "정유진 직원"),
        ("bench-manager", Role.MANAGER, "cs", "김하늘 팀장"),
        ("bench-online", Role.AGENT, "online", "강태오 담당"),
    ]
    users = [
        staff_create(username=u, password=BENCH_PASSWORD, role=r, team=teams[t], display_name=d).pk
        for u, r, t, d in staff
    ]
    touchpoints = []
    for code, name, address in catalogue.STORES:
        touchpoints.append(
            Touchpoint.objects.create(
                code=code, name=name, kind="physical", channel="store", address=address
            ).pk
        )
    for code, name, kind, channel in catalogue.OTHER_TOUCHPOINTS:
        touchpoints.append(Touchpoint.objects.create(code=code, name=name, kind=kind, channel=channel).pk)
    tags = [Tag.objects.create(name=t).pk for t in TAGS]
    categories: dict[str, int] = {}
    products = []
    for sku, name, category, price in catalogue_products():
        if category not in categories:
            categories[category] = ProductCategory.objects.create(
                code=f"cat-{len(categories) + 1}", name=category
            ).pk
        products.append(
            (
                Product.objects.create(sku=sku, name=name, category_id=categories[category], price=price).pk,
                name,
                price,
            )
        )
    connection.close()
    return {
        "users": users,
        "touchpoints": touchpoints,
        "stores": touchpoints[: len(catalogue.STORES)],
        "tags": tags,
        "products": products,
    }


# What the bulk load writes, per table: every NOT NULL column without a default must be here.
LOADED = {
    "customers_customer": (
        "id",
        "name",
        "preferred_name",
        "phone",
        "phone_last4",
        "email",
        "birth_date",
        "gender",
        "address",
        "external_id",
        "joined_at",
        "acquisition_channel",
        "consent_stage",
        "status",
        "version",
        "created_at",
        "updated_at",
        "home_store_id",
        "merged_into_id",
    ),
    "customers_consent": ("customer_id", "purpose", "granted", "changed_at", "source", "version"),
    "customers_customer_tags": ("customer_id", "tag_id"),
    "customers_note": ("customer_id", "body", "pinned", "created_at", "author_id"),
    "customers_preference": ("customer_id", "key", "value", "recorded_at", "recorded_by_id"),
    "interactions_interaction": (
        "id",
        "occurred_at",
        "type",
        "summary",
        "body",
        "created_at",
        "customer_id",
        "staff_id",
        "touchpoint_id",
    ),
    "orders_order": (
        "id",
        "external_id",
        "ordered_at",
        "status",
        "total_amount",
        "refunded_amount",
        "customer_id",
        "touchpoint_id",
    ),
    "orders_orderline": (
        "line_no",
        "product_name",
        "quantity",
        "unit_price",
        "amount",
        "order_id",
        "product_id",
    ),
    "promises_promise": (
        "customer_id",
        "owner_id",
        "team_id",
        "text",
        "due_at",
        "status",
        "created_at",
        "created_by_id",
        "resolved_at",
        "resolved_by_id",
        "resolution_note",
    ),
}


def _check_columns(db: sqlite3.Connection) -> None:
    """Fail loudly if a migration added a required column this loader does not fill."""
    for table, cols in LOADED.items():
        info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        required = {r[1] for r in info if r[3] and r[4] is None and not r[5]}
        missing = required - set(cols)
        if missing:
            raise SystemExit(
                f"bench: {table} has new NOT NULL columns {sorted(missing)}; update bench/foundation/builddb.py"
            )


def _insert(db: sqlite3.Connection, table: str, rows: Any) -> None:
    cols = LOADED[table]
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
    db.executemany(sql, rows)


def build(path: Path, *, customers: int, interactions: int, orders: int, seed: int) -> dict[str, float]:
    """Create the database at `path` (DATABASE_URL already points there). Returns phase timings."""
    from dangol.demo import catalogue

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ref = _django_reference_rows()
    timings["migrate+reference rows"] = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=OFF",
        "synchronous=OFF",
        "locking_mode=EXCLUSIVE",
        "cache_size=-1000000",
        "temp_store=MEMORY",
        "foreign_keys=OFF",
    ):
        db.execute(f"PRAGMA {pragma}")
    _check_columns(db)
    marks = ",".join("?" * len(LOADED))
    indexes = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tuple(LOADED),
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    db.execute("BEGIN")
    users, touchpoints, stores = ref["users"], ref["touchpoints"], ref["stores"]
    now_epoch = int(dt.datetime(2026, 11, 20, tzinfo=dt.UTC).timestamp())
    stamp = utc_text(np.array([now_epoch]))[0]

    # Customers ---------------------------------------------------------------------------
    t = time.perf_counter()
    people = People(rng, customers)
    people.joined.sort()  # ids grow with join time, as in a real table
    channels = ["store", "online", "app", "call_center", "referral", "ads", "other"]
    channel = rng.choice(len(channels), size=customers, p=[0.35, 0.25, 0.2, 0.05, 0.05, 0.05, 0.05]).tolist()
    gender = rng.choice(3, size=customers, p=[0.55, 0.40, 0.05]).tolist()
    home = rng.integers(-len(stores), len(stores), size=customers).tolist()  # < 0: no home store
    birth_known = (rng.random(customers) > 0.25).tolist()
    has_address = (rng.random(customers) > 0.5).tolist()
    addr_no = rng.integers(1, 400, size=customers).tolist()
    marketing = (rng.random(customers) < 0.45).tolist()
    with tqdm(total=customers, desc="customers", unit="row", unit_scale=True, mininterval=1) as bar:
        for a, b in chunks(customers, CHUNK):
            joined = utc_text(people.joined[a:b])
            rows = []
            for i in range(a, b):
                phone = people.phone(i)
                when = joined[i - a]
                rows.append(
                    (
                        i + 1,
                        people.name(i),
                        "",
                        phone,
                        phone[-4:],
                        people.email(i),
                        people.birth_text(i) if birth_known[i] else None,
                        ("F", "M", "")[gender[i]],
                        f"{CITIES[i % len(CITIES)]} {addr_no[i]}" if has_address[i] else "",
                        f"C{i + 1:08d}",
                        when,
                        channels[channel[i]],
                        "marketing_partial" if marketing[i] else "required",
                        "active",
                        1,
                        when,
                        when,
                        stores[home[i]] if home[i] >= 0 else None,
                        None,
                    )
                )
            _insert(db, "customers_customer", rows)
            bar.update(b - a)
    timings["customers"] = time.perf_counter() - t

    # Consents (terms, privacy, marketing_sms for everyone), tags, notes, preferences --------
    t = time.perf_counter()
    tag_ids = ref["tags"]
    tag_n = rng.choice(3, size=customers, p=[0.75, 0.2, 0.05]).tolist()
    with tqdm(total=customers, desc="consents+tags", unit="cust", unit_scale=True, mininterval=1) as bar:
        for a, b in chunks(customers, CHUNK):
            joined = utc_text(people.joined[a:b])
            consent_rows = []
            tag_rows = []
            for i in range(a, b):
                when = joined[i - a]
                consent_rows.append((i + 1, "terms", 1, when, "import", "2024-01"))
                consent_rows.append((i + 1, "privacy", 1, when, "import", "2024-01"))
                consent_rows.append((i + 1, "marketing_sms", int(marketing[i]), when, "import", "2024-01"))
                tag_rows.extend((i + 1, tag_ids[(i * 7 + k * 3) % len(tag_ids)]) for k in range(tag_n[i]))
            _insert(db, "customers_consent", consent_rows)
            _insert(db, "customers_customer_tags", tag_rows)
            bar.update(b - a)
    few = max(1, customers // 20)
    noted = np.sort(rng.choice(customers, size=few, replace=False)).tolist()
    _insert(
        db,
        "customers_note",
        (
            (c + 1, catalogue.NOTES[c % len(catalogue.NOTES)], c % 5 == 0, stamp, users[c % len(users)])
            for c in noted
        ),
    )
    prefs = np.sort(rng.choice(customers, size=few, replace=False)).tolist()
    _insert(
        db,
        "customers_preference",
        (
            (c + 1, key, values[c % len(values)], stamp, users[0])
            for c in prefs
            for key, values in catalogue.PREFERENCES[: 1 + c % 3]
        ),
    )
    promised = np.sort(rng.choice(customers, size=max(1, customers // 50), replace=False)).tolist()
    _insert(
        db,
        "promises_promise",
        (
            (
                c + 1,
                users[c % len(users)],
                None,
                catalogue.PROMISES[c % len(catalogue.PROMISES)],
                stamp,
                "open" if c % 3 else "kept",
                stamp,
                users[0],
                None,
                None,
                "",
            )
            for c in promised
        ),
    )
    timings["consents, tags, notes, preferences, promises"] = time.perf_counter() - t

    # Interactions: heavy-tailed per customer, in time order (an append-only log) -------------
    t = time.perf_counter()
    weights = rng.gamma(0.6, size=customers)
    who = rng.choice(customers, size=interactions, p=weights / weights.sum()).astype(np.int32)
    start = people.joined[who]
    when_all = start + (rng.random(interactions) * (now_epoch - start)).astype(np.int64)
    order = np.argsort(when_all, kind="stable")
    who, when_all = who[order], when_all[order]
    del order, start
    kinds = list(catalogue.INTERACTION_TEMPLATES)
    templates = [catalogue.INTERACTION_TEMPLATES[k] for k in kinds]
    kind_p = _p([30 if k == "inquiry" else 20 if k == "call" else 10 for k in kinds])
    with tqdm(total=interactions, desc="interactions", unit="row", unit_scale=True, mininterval=1) as bar:
        for a, b in chunks(interactions, CHUNK):
            n = b - a
            texts = utc_text(when_all[a:b])
            kind = rng.choice(len(kinds), size=n, p=kind_p).tolist()
            variant = rng.integers(0, 5, size=n).tolist()
            tp = rng.integers(0, len(touchpoints), size=n).tolist()
            staff = rng.integers(-2, len(users), size=n).tolist()  # < 0: no staff (self-service)
            with_body = (rng.random(n) < 0.6).tolist()
            cust = (who[a:b] + 1).tolist()
            rows = []
            for j in range(n):
                k = kind[j]
                summary, body = templates[k][variant[j] % len(templates[k])]
                s = staff[j]
                rows.append(
                    (
                        a + j + 1,
                        texts[j],
                        kinds[k],
                        summary,
                        body if with_body[j] else "",
                        texts[j],
                        cust[j],
                        users[s] if s >= 0 else None,
                        touchpoints[tp[j]],
                    )
                )
            _insert(db, "interactions_interaction", rows)
            bar.update(n)
    del who, when_all
    timings["interactions"] = time.perf_counter() - t

    # Orders and their lines --------------------------------------------------------------
    t = time.perf_counter()
    weights = rng.gamma(0.7, size=customers)
    buyer = rng.choice(customers, size=orders, p=weights / weights.sum()).astype(np.int32)
    start = people.joined[buyer]
    ordered = start + (rng.random(orders) * (now_epoch - start)).astype(np.int64)
    order = np.argsort(ordered, kind="stable")
    buyer, ordered = buyer[order], ordered[order]
    del order, start
    products = ref["products"]
    with tqdm(total=orders, desc="orders", unit="order", unit_scale=True, mininterval=1) as bar:
        for a, b in chunks(orders, CHUNK):
            n = b - a
            texts = utc_text(ordered[a:b])
            n_lines = rng.choice([1, 2, 3, 4], size=n, p=[0.6, 0.25, 0.10, 0.05]).tolist()
            store = rng.integers(-3, len(touchpoints), size=n).tolist()
            refunded = (rng.random(n) < 0.03).tolist()
            prod = (rng.zipf(1.4, size=(n, 4)) % len(products)).tolist()
            qty = rng.choice([1, 1, 1, 2, 3], size=(n, 4)).tolist()
            cust = (buyer[a:b] + 1).tolist()
            order_rows = []
            line_rows = []
            for j in range(n):
                total = 0
                for line in range(n_lines[j]):
                    pid, name, price = products[prod[j][line]]
                    amount = qty[j][line] * price
                    total += amount
                    line_rows.append((line + 1, name, qty[j][line], price, amount, a + j + 1, pid))
                s = store[j]
                order_rows.append(
                    (
                        a + j + 1,
                        f"O{a + j + 1:09d}",
                        texts[j],
                        "refunded" if refunded[j] else "paid",
                        total,
                        total if refunded[j] else 0,
                        cust[j],
                        touchpoints[s] if s >= 0 else None,
                    )
                )
            _insert(db, "orders_order", order_rows)
            _insert(db, "orders_orderline", line_rows)
            bar.update(n)
    timings["orders + lines"] = time.perf_counter() - t
    db.execute("COMMIT")

    t = time.perf_counter()
    for _name, sql in tqdm(indexes, desc="indexes", unit="index"):
        db.execute(sql)
    timings["rebuild indexes"] = time.perf_counter() - t
    db.close()
    return timings


def _p(weights: list[float]) -> np.ndarray:
    arr = np.asarray(weights, dtype=float)
    return arr / arr.sum()
