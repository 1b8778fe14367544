"""Reproducible Korean demo data.

Purchases follow a BG/NBD-style process (Fader, Hardie & Lee 2005): each customer buys at
a Poisson rate λ ~ Gamma(r, α) while alive and, after each purchase, drops out for good with
probability p ~ Beta(a, b). So customers differ in buying rate and some stop buying — the
structure the analytics must find. The parameters are those of a neighbourhood retail chain a
manager would recognise (PURCHASES): about 6 purchases a year while active, a third who buy once,
some who sign up and never buy, and the heaviest buyers at about one purchase a fortnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.module_loading import import_string
from faker import Faker

from dangol.accounts.models import Role, Team
from dangol.accounts.services import staff_create
from dangol.customers.models import (
    MARKETING_PURPOSES,
    REQUIRED_PURPOSES,
    Consent,
    ConsentEvent,
    Customer,
    Note,
    Preference,
    Tag,
)
from dangol.customers.services import _consent_stage
from dangol.demo import catalogue as cat
from dangol.interactions.models import Interaction, Touchpoint
from dangol.orders.models import Order, OrderLine, Product, ProductCategory
from dangol.promises.models import Promise
from dangol.voc.business_time import BusinessCalendar, korean_public_holidays

SEOUL = ZoneInfo("Asia/Seoul")
DEMO_PASSWORD = "dangol-demo-2026"  # noqa: S105 (printed for the demo login; documented in README)

STAFF = [
    # username, display name, role, team code
    ("admin", "관리자", Role.ADMIN, "cs"),
    ("manager", "김하늘 팀장", Role.MANAGER, "cs"),
    ("agent", "이서준 상담원", Role.AGENT, "cs"),
    ("agent2", "박지아 상담원", Role.AGENT, "cs"),
    ("store1", "최민호 매니저", Role.AGENT, "store-ops"),
    ("store2", "정유진 직원", Role.AGENT, "store-ops"),
    ("logistics", "한도윤 담당", Role.AGENT, "logistics"),
    ("product", "윤서연 MD", Role.MANAGER, "product"),
    ("online", "강태오 담당", Role.AGENT, "online"),
    ("analyst", "오지민 분석가", Role.ANALYST, "analytics"),
    ("viewer", "임도현 인턴", Role.VIEWER, "marketing"),
]


@dataclass(frozen=True)
class PurchaseProcess:
    """The demo's buying behaviour (see the module docstring)."""

    rate_shape: float = 0.8  # r of the Gamma over buying rates: heterogeneous, a long tail of heavy buyers
    purchases_per_year: float = 6.0  # mean rate while active
    dropout_a: float = 1.2  # p ~ Beta(a, b): mean 0.17, so most stop after a handful of purchases
    dropout_b: float = 6.0
    never_buy: float = 0.08  # signed up (membership, app) and never bought: the ladder's prospects
    max_per_year: float = 25.0  # a cap at about one purchase a fortnight


PURCHASES = PurchaseProcess()


@dataclass
class DemoStats:
    customers: int = 0
    orders: int = 0
    order_lines: int = 0
    interactions: int = 0
    promises: int = 0
    extra: dict[str, int] = field(default_factory=dict)


@dataclass
class DemoContext:
    """What the domain apps' demo generators get: the business built so far, and the seeded RNG."""

    rng: np.random.Generator
    fake: Faker
    start: dt.datetime
    end: dt.datetime
    customers: list[Customer]
    staff: list[User]
    teams: dict[str, Team]
    stores: list[Touchpoint]
    touchpoints: dict[str, Touchpoint]
    products: list[Product]


# Each is called as f(context) -> {"label": count} inside the same transaction, in this order.
DEMO_EXTENSIONS = [
    "dangol.voc.demo.generate_cases",
    "dangol.surveys.demo.generate_surveys",
    "dangol.knowledge.demo.generate_articles",
    "dangol.rewards.demo.generate_program",
    "dangol.lifecycle.demo.generate_requests",
]


def _korean_mobile(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        middle, last = rng.integers(2000, 10000), rng.integers(0, 10000)
        phone = f"010-{middle:04d}-{last:04d}"
        if phone not in used:
            used.add(phone)
            return phone


def _romanize(rng: np.random.Generator) -> str:
    syllables = [
        "kim",
        "lee",
        "park",
        "choi",
        "jung",
        "min",
        "ji",
        "seo",
        "hyun",
        "woo",
        "jin",
        "soo",
        "young",
        "ha",
    ]
    return "".join(rng.choice(syllables, size=2)) + str(rng.integers(1, 9999))


def generate(
    *,
    customers: int = 5000,
    seed: int = 2026,
    end: dt.datetime | None = None,
    years: float = 2.0,
    progress: Callable[[str], None] | None = None,
) -> DemoStats:
    """Fill an empty database with the demo business. Same seed, same data."""
    say = progress or (lambda _msg: None)
    rng = np.random.default_rng(seed)
    fake = Faker("ko_KR")
    fake.seed_instance(seed)
    end = end or dt.datetime.now(tz=SEOUL).replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=int(365 * years))
    span_days = (end - start).days
    stats = DemoStats()

    with transaction.atomic():
        say("팀·직원·접점·상품")
        teams = {
            code: Team.objects.create(code=code, name=name, process=process)
            for code, name, process in cat.TEAMS
        }
        users: list[User] = []
        for username, display, role, team in STAFF:
            users.append(
                staff_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    team=teams[team],
                    display_name=display,
                )
            )
        Team.objects.filter(code="cs").update(lead=users[1])
        stores = [
            Touchpoint.objects.create(code=c, name=n, kind="physical", channel="store", address=a)
            for c, n, a in cat.STORES
        ]
        others = {
            c: Touchpoint.objects.create(code=c, name=n, kind=k, channel=ch)
            for c, n, k, ch in cat.OTHER_TOUCHPOINTS
        }
        products: list[Product] = []
        for i, (cname, items) in enumerate(cat.CATEGORIES.items(), start=1):
            category = ProductCategory.objects.create(code=f"cat{i:02d}", name=cname)
            for j, (pname, price) in enumerate(items, start=1):
                products.append(
                    Product.objects.create(sku=f"P{i:02d}{j:03d}", name=pname, category=category, price=price)
                )
        tags = [Tag.objects.create(name=t) for t in cat.TAGS]

        say(f"고객 {customers:,}명")
        n = customers
        joined_offsets = rng.uniform(-120, span_days - 3, size=n)  # some joined before the window
        used_phones: set[str] = set()
        store_weights = rng.dirichlet(np.ones(len(stores)) * 3)
        home = rng.choice(len(stores), size=n, p=store_weights)
        channels = rng.choice(
            ["store", "online", "app", "call_center", "referral", "ads"],
            size=n,
            p=[0.42, 0.25, 0.18, 0.04, 0.06, 0.05],
        )
        customer_objs = []
        for k in range(n):
            joined = start + dt.timedelta(days=float(joined_offsets[k]), hours=float(rng.uniform(9, 21)))
            gender = "F" if rng.random() < 0.55 else "M"
            name = fake.name_female() if gender == "F" else fake.name_male()
            customer_objs.append(
                Customer(
                    name=name,
                    preferred_name=f"{name} 고객님" if rng.random() < 0.7 else f"{name[1:]}님",
                    phone=(phone := _korean_mobile(rng, used_phones)),
                    phone_last4=phone[-4:],
                    email=f"{_romanize(rng)}@{rng.choice(['naver.com', 'gmail.com', 'daum.net', 'kakao.com'])}"
                    if rng.random() < 0.8
                    else "",
                    birth_date=dt.date(
                        int(rng.integers(1955, 2006)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
                    )
                    if rng.random() < 0.75
                    else None,
                    gender=gender if rng.random() < 0.9 else "",
                    address=fake.address() if rng.random() < 0.6 else "",
                    external_id=f"C{k + 1:07d}",
                    joined_at=joined,
                    acquisition_channel=str(channels[k]),
                    home_store=stores[int(home[k])],
                )
            )
        Customer.objects.bulk_create(customer_objs, batch_size=2000)
        custs = list(Customer.objects.order_by("id"))
        stats.customers = len(custs)

        through = Customer.tags.through
        tag_rows = [
            through(customer_id=c.pk, tag_id=tags[int(t)].pk)
            for c in custs
            if rng.random() < 0.35
            for t in set(rng.choice(len(tags), size=int(rng.integers(1, 3))))
        ]
        through.objects.bulk_create(tag_rows, batch_size=5000)

        say("동의 기록")
        consents, events = [], []
        for c in custs:
            state: dict[str, bool] = {}
            granted_required = rng.random() < 0.97
            for required in REQUIRED_PURPOSES:
                state[required] = granted_required
            for marketing in MARKETING_PURPOSES:
                state[marketing] = bool(
                    rng.random()
                    < {
                        "marketing_sms": 0.55,
                        "marketing_email": 0.45,
                        "marketing_push": 0.4,
                        "marketing_kakao": 0.5,
                    }[marketing]
                )
            for purpose_key, granted in state.items():
                purpose = str(purpose_key)
                source = "가입 시 " + {"store": "매장 태블릿", "online": "웹 가입", "app": "앱 가입"}.get(
                    c.acquisition_channel, "상담원 확인"
                )
                events.append(
                    ConsentEvent(
                        customer_id=c.pk,
                        purpose=purpose,
                        granted=granted,
                        occurred_at=c.joined_at,
                        source=source,
                        version="2024-01",
                    )
                )
                when = c.joined_at
                if granted and purpose in MARKETING_PURPOSES and rng.random() < 0.12:
                    when = c.joined_at + dt.timedelta(days=float(rng.uniform(10, 300)))
                    if when < end:
                        granted = False
                        state[purpose] = False
                        events.append(
                            ConsentEvent(
                                customer_id=c.pk,
                                purpose=purpose,
                                granted=False,
                                occurred_at=when,
                                source="수신거부 링크",
                                version="2024-01",
                            )
                        )
                consents.append(
                    Consent(
                        customer_id=c.pk,
                        purpose=purpose,
                        granted=granted,
                        changed_at=min(when, end),
                        source=source,
                        version="2024-01",
                    )
                )
            c.consent_stage = _consent_stage(state)
        Consent.objects.bulk_create(consents, batch_size=5000)
        ConsentEvent.objects.bulk_create(events, batch_size=5000)
        Customer.objects.bulk_update(custs, ["consent_stage"], batch_size=2000)

        say("주문 (BG/NBD 과정)")
        # λ per day ~ Gamma(shape r, scale 1/α); p ~ Beta(a, b).
        process = PURCHASES
        rates = rng.gamma(
            shape=process.rate_shape,
            scale=process.purchases_per_year / process.rate_shape / 365.0,
            size=n,
        )
        dropout = rng.beta(process.dropout_a, process.dropout_b, size=n)
        buys = rng.random(size=n) >= process.never_buy
        cap = int(round(process.max_per_year * span_days / 365))
        prices = np.array([p.price for p in products])
        product_ids = np.array([p.pk for p in products])
        product_names = [p.name for p in products]
        popularity = rng.dirichlet(np.ones(len(products)) * 0.6)
        order_objs: list[Order] = []
        line_specs: list[list[tuple[int, int, int]]] = []
        online = [others["web"], others["app"]]
        order_seq = 0
        for k, c in enumerate(custs):
            t = max((c.joined_at - start).total_seconds() / 86400, 0.0)
            alive = bool(buys[k])
            first = True
            bought = 0
            while alive and bought < cap:
                if not first:
                    t += rng.exponential(1 / rates[k])
                if t >= span_days:
                    break
                bought += 1
                first = False
                when = start + dt.timedelta(days=t)
                when = when.replace(hour=int(rng.integers(9, 22)), minute=int(rng.integers(0, 60)))
                if when >= end:
                    break
                n_lines = int(rng.integers(1, 5))
                picks = rng.choice(len(products), size=n_lines, replace=False, p=popularity)
                lines = [(int(product_ids[i]), int(rng.integers(1, 3)), int(prices[i])) for i in picks]
                total = sum(q * p for _, q, p in lines)
                r = rng.random()
                touchpoint = (
                    c.home_store
                    if r < 0.5
                    else (
                        stores[int(rng.integers(len(stores)))]
                        if r < 0.6
                        else online[int(rng.random() < 0.45)]
                    )
                )
                refunded = 0
                status = Order.Status.PAID
                if rng.random() < 0.03:
                    refunded = total if rng.random() < 0.6 else lines[0][1] * lines[0][2]
                    status = Order.Status.REFUNDED if refunded >= total else Order.Status.PARTIALLY_REFUNDED
                order_seq += 1
                order_objs.append(
                    Order(
                        external_id=f"O{order_seq:08d}",
                        customer_id=c.pk,
                        touchpoint=touchpoint,
                        ordered_at=when,
                        total_amount=total,
                        refunded_amount=refunded,
                        status=status,
                    )
                )
                line_specs.append(lines)
                if rng.random() < dropout[k]:
                    alive = False
        Order.objects.bulk_create(order_objs, batch_size=5000)
        say(f"주문 {len(order_objs):,}건, 주문 상품")
        ids = list(Order.objects.order_by("id").values_list("id", flat=True))
        name_of = dict(zip(product_ids.tolist(), product_names, strict=True))
        line_objs = [
            OrderLine(
                order_id=oid,
                line_no=i,
                product_id=pid,
                product_name=name_of[pid],
                quantity=q,
                unit_price=p,
                amount=q * p,
            )
            for oid, lines in zip(ids, line_specs, strict=True)
            for i, (pid, q, p) in enumerate(lines, start=1)
        ]
        OrderLine.objects.bulk_create(line_objs, batch_size=5000)
        stats.orders, stats.order_lines = len(order_objs), len(line_objs)

        say("상호작용·메모·약속")
        agents = [u for u in users if u.username not in ("admin", "analyst", "viewer")]
        type_weights = {
            "inquiry": 0.34,
            "complaint": 0.14,
            "praise": 0.08,
            "visit": 0.12,
            "call": 0.14,
            "message": 0.13,
            "purchase": 0.05,
        }
        types = list(type_weights)
        tp_for_type: dict[str, list[Touchpoint]] = {
            "inquiry": [others["call-center"], others["web"], others["app"], others["sns"], others["email"]],
            "complaint": [
                others["call-center"],
                others["delivery"],
                others["web"],
                others["app"],
                others["sns"],
            ],
            "praise": [*stores, others["call-center"], others["sns"], others["app"]],
            "visit": [*stores, others["visit-service"]],
            "call": [others["call-center"]],
            "message": [others["sns"], others["app"], others["email"]],
            "purchase": [*stores, others["web"], others["ads"]],
        }
        interactions = []
        for c in custs:
            count = int(rng.poisson(4.0))
            for _ in range(count):
                kind = types[int(rng.choice(len(types), p=list(type_weights.values())))]
                summary, body = cat.INTERACTION_TEMPLATES[kind][
                    int(rng.integers(len(cat.INTERACTION_TEMPLATES[kind])))
                ]
                span = max((end - c.joined_at).total_seconds(), 3600.0)
                when = c.joined_at + dt.timedelta(seconds=float(rng.uniform(0, span)))
                tps = tp_for_type[kind]
                interactions.append(
                    Interaction(
                        customer_id=c.pk,
                        touchpoint=tps[int(rng.integers(len(tps)))],
                        staff=agents[int(rng.integers(len(agents)))],
                        occurred_at=when,
                        type=kind,
                        summary=summary,
                        body=body,
                    )
                )
        Interaction.objects.bulk_create(interactions, batch_size=5000)
        stats.interactions = len(interactions)

        prefs, notes = [], []
        for c in custs:
            if rng.random() < 0.3:
                for key, values in [
                    cat.PREFERENCES[int(i)]
                    for i in rng.choice(len(cat.PREFERENCES), size=int(rng.integers(1, 3)), replace=False)
                ]:
                    prefs.append(
                        Preference(
                            customer_id=c.pk,
                            key=key,
                            value=values[int(rng.integers(len(values)))],
                            recorded_by=agents[int(rng.integers(len(agents)))],
                        )
                    )
            if rng.random() < 0.15:
                notes.append(
                    Note(
                        customer_id=c.pk,
                        body=cat.NOTES[int(rng.integers(len(cat.NOTES)))],
                        author=agents[int(rng.integers(len(agents)))],
                        pinned=bool(rng.random() < 0.3),
                    )
                )
        Preference.objects.bulk_create(prefs, batch_size=5000)
        Note.objects.bulk_create(notes, batch_size=5000)

        promises = _promises(rng, custs, agents, end)
        made_at = [p.created_at for p in promises]
        Promise.objects.bulk_create(promises, batch_size=2000)
        for promise, made in zip(promises, made_at, strict=True):  # auto_now_add stamped "now"
            promise.created_at = made
        Promise.objects.bulk_update(promises, ["created_at"], batch_size=2000)
        stats.promises = len(promises)
        context = DemoContext(
            rng=rng,
            fake=fake,
            start=start,
            end=end,
            customers=custs,
            staff=users,
            teams=teams,
            stores=stores,
            touchpoints={**{s.code: s for s in stores}, **others},
            products=products,
        )
        for path in DEMO_EXTENSIONS:
            try:
                extension = import_string(path)
            except ImportError:
                continue  # that domain app is not installed
            say(path.rsplit(".", 1)[-1])
            stats.extra.update(extension(context) or {})
    return stats


# Promises are due when the business is open (Seoul, weekdays 09:00–18:00, not on public holidays): a call
# back "by Friday 3 p.m.", not at 2 a.m. on a Sunday.
PROMISE_CALENDAR = BusinessCalendar(public_holidays=korean_public_holidays)


def _promises(
    rng: np.random.Generator, custs: list[Customer], agents: list[User], end: dt.datetime
) -> list[Promise]:
    """Promises made over the last four months (a fifth of them this week) during opening hours, each due half
    an hour to three business days later (on the half hour); most kept, some broken, a few forgotten."""
    promises = []
    for k in rng.choice(len(custs), size=max(len(custs) // 15, 10), replace=False):
        c = custs[int(k)]
        owner = agents[int(rng.integers(len(agents)))]
        days_ago = rng.uniform(0, 4) if rng.random() < 0.2 else rng.uniform(0, 120)  # this week's are open
        made = PROMISE_CALENDAR.add(end - dt.timedelta(days=float(days_ago)), dt.timedelta(minutes=1))
        due = PROMISE_CALENDAR.add(made, dt.timedelta(minutes=float(rng.uniform(30, 27 * 60))))
        due = due.replace(minute=0 if due.minute < 30 else 30, second=0, microsecond=0)
        if due <= made:  # rounding down went before the promise: keep it after
            due = made.replace(second=0, microsecond=0) + dt.timedelta(minutes=30 - made.minute % 30)
        made = min(made, end - dt.timedelta(minutes=1))
        if due > end or rng.random() < 0.04:  # not due yet, or forgotten
            promise_status, resolved = Promise.Status.OPEN, None
        else:
            promise_status = Promise.Status.KEPT if rng.random() < 0.8 else Promise.Status.BROKEN
            resolved = (
                max(made, due - dt.timedelta(hours=float(rng.uniform(0, 20))))
                if promise_status == Promise.Status.KEPT
                else due
            )
        promises.append(
            Promise(
                customer_id=c.pk,
                owner=owner,
                team=owner.staff.team,
                text=cat.PROMISES[int(rng.integers(len(cat.PROMISES)))],
                due_at=due,
                status=promise_status,
                created_by=owner,
                created_at=made,
                resolved_at=resolved,
            )
        )
    return promises
