"""VOC cases for the pages benchmark, added to bench/foundation/builddb.py's SQLite database.

`add_cases(path, cases, seed)`: VOC categories (through the ORM, so the ids are what the app makes) and
`cases` voc_case rows appended with raw sqlite3 (secondary indexes dropped and rebuilt, as builddb does).
The cached databases are keyed by this file's text: edit it and they are rebuilt.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np
from datagen import utc_text
from tqdm import tqdm

CHUNK = 200_000
CASE_TITLES = [
    ("배송이 너무 늦어요", "주문한 지 일주일이 지났는데 아직 못 받았습니다."),
    ("상품이 파손되어 왔어요", "포장이 찢어져 있고 내용물이 깨져 있었습니다."),
    ("직원 응대가 불친절했어요", "계산대 직원이 말을 끊고 퉁명스럽게 대했습니다."),
    ("환불이 아직 안 됐어요", "반품한 지 열흘이 지났는데 환불이 되지 않았습니다."),
    ("포인트가 적립되지 않았어요", "영수증에는 적립으로 나오는데 앱에는 없습니다."),
    ("앱 결제가 안 돼요", "결제 단계에서 계속 오류가 납니다."),
    ("매장 진열이 좋았어요", "신선식품 코너가 깔끔해서 좋았습니다."),
    ("유통기한이 지난 상품", "어제 산 우유의 유통기한이 지나 있었습니다."),
]
VOC_CATEGORIES = {
    "배송": ["지연", "파손", "오배송"],
    "매장": ["응대", "진열", "계산"],
    "상품": ["품질", "유통기한"],
    "결제·환불": ["환불 지연", "앱 결제"],
    "멤버십": ["포인트"],
}


def _voc_reference_rows() -> dict[str, Any]:
    from django.db import connection

    from dangol.accounts.models import Team
    from dangol.voc.models import Category

    teams = list(Team.objects.order_by("id").values_list("id", flat=True))
    leaves = []
    for k, (parent, children) in enumerate(VOC_CATEGORIES.items()):
        top = Category.objects.create(code=f"bench-{k}", name=parent, owner_team_id=teams[k % len(teams)])
        for j, child in enumerate(children):
            leaves.append(
                Category.objects.create(
                    code=f"bench-{k}-{j}", name=child, parent=top, owner_team_id=teams[k % len(teams)]
                ).pk
            )
    connection.close()
    return {"teams": teams, "categories": leaves}


def case_rows(
    cases: int,
    *,
    customers: int,
    users: list[int],
    teams: list[int],
    categories: list[int],
    touchpoints: list[int],
    seed: int,
    now_epoch: int,
) -> Any:
    """(column names, chunks of row tuples) for `cases` VOC cases over three years, ids growing with time.

    About 4% are open (new/open/waiting, opened in the last 60 days), 6% resolved, the rest closed; 85% are
    linked to a customer; open cases are a third unassigned."""
    rng = np.random.default_rng(seed + 7)
    cols = (
        "id", "number", "kind", "status", "priority", "channel", "origin", "customer_id", "contact_name",
        "contact_info", "callback_phone", "touchpoint_id", "category_id", "team_id", "assignee_id", "title",
        "body", "created_at", "created_by_id", "first_response_due", "resolution_due", "first_responded_at",
        "resolved_at", "closed_at", "difficult_type", "root_cause_note", "resolution_type", "resolution_note",
        "resolution_cost", "compensation_points", "customer_reaction", "satisfaction_score", "would_continue",
        "reopened_count", "version",
    )  # fmt: skip
    start = now_epoch - 3 * 365 * 86400
    created = np.sort(rng.integers(start, now_epoch, size=cases))
    recent = created > now_epoch - 60 * 86400
    state = rng.random(cases)
    kinds = ["complaint", "inquiry", "suggestion", "praise"]
    kind_p = [0.55, 0.3, 0.1, 0.05]

    def chunks() -> Any:
        for a in range(0, cases, CHUNK):
            b = min(cases, a + CHUNK)
            n = b - a
            at = utc_text(created[a:b])
            due = utc_text(created[a:b] + 3 * 86400)
            first_due = utc_text(created[a:b] + 4 * 3600)
            done = utc_text(created[a:b] + 2 * 86400)
            kind = rng.choice(4, size=n, p=kind_p).tolist()
            cust = rng.integers(1, customers + 1, size=n).tolist()
            linked = (rng.random(n) < 0.85).tolist()
            tmpl = rng.integers(0, len(CASE_TITLES), size=n).tolist()
            cat = rng.integers(0, len(categories), size=n).tolist()
            team = rng.integers(0, len(teams), size=n).tolist()
            who = rng.integers(-3, len(users), size=n).tolist()
            tp = rng.integers(0, len(touchpoints), size=n).tolist()
            prio = rng.choice(3, size=n, p=[0.2, 0.7, 0.1]).tolist()
            sat = rng.integers(1, 6, size=n).tolist()
            rows = []
            for j in range(n):
                i = a + j
                s = state[i]
                if recent[i] and s < 0.40:
                    status = ("new", "open", "waiting")[int(s * 10) % 3]
                elif s < 0.06 or (recent[i] and s < 0.6):
                    status = "resolved"
                else:
                    status = "closed"
                is_open = status in ("new", "open", "waiting")
                title, body = CASE_TITLES[tmpl[j]]
                assignee = users[who[j]] if who[j] >= 0 else None
                rows.append(
                    (
                        i + 1, f"V{i + 1:09d}", kinds[kind[j]], status, ("low", "normal", "high")[prio[j]],
                        "phone", "customer", cust[j] if linked[j] else None,
                        "" if linked[j] else "미확인 고객", "" if linked[j] else "010-0000-0000", "",
                        touchpoints[tp[j]], categories[cat[j]], teams[team[j]], assignee, title, body, at[j],
                        users[0], first_due[j], due[j], None if status == "new" else done[j],
                        None if is_open else done[j], done[j] if status == "closed" else None, "", "",
                        "" if is_open else "explain", "", 0, 0, "", None if is_open else sat[j],
                        None if is_open else sat[j] >= 3, 0, 1,
                    )
                )  # fmt: skip
            yield rows

    return cols, chunks


def add_cases(path: Path, *, cases: int, customers: int, seed: int) -> dict[str, float]:
    """Append VOC categories and `cases` cases to the SQLite database at `path` (DATABASE_URL points there)."""
    t0 = time.perf_counter()
    ref = _voc_reference_rows()
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in (  # build only: the app's own connections keep WAL and synchronous=NORMAL
        "journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE", "cache_size=-1000000",
        "temp_store=MEMORY", "foreign_keys=OFF",
    ):  # fmt: skip
        db.execute(f"PRAGMA {pragma}")
    users = [r[0] for r in db.execute("SELECT id FROM auth_user ORDER BY id")]
    touchpoints = [r[0] for r in db.execute("SELECT id FROM interactions_touchpoint ORDER BY id")]
    required = {
        r[1] for r in db.execute('PRAGMA table_info("voc_case")') if r[3] and r[4] is None and not r[5]
    }
    cols, chunks = case_rows(
        cases, customers=customers, users=users, teams=ref["teams"], categories=ref["categories"],
        touchpoints=touchpoints, seed=seed, now_epoch=int(dt.datetime(2026, 11, 20, tzinfo=dt.UTC).timestamp()),
    )  # fmt: skip
    missing = required - set(cols)
    if missing:
        raise SystemExit(f"bench/pages: voc_case has new NOT NULL columns {sorted(missing)}; update bigdb.py")
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name='voc_case'"
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    db.execute("BEGIN")
    sql = f"INSERT INTO voc_case ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    with tqdm(total=cases, desc="voc cases", unit="row", unit_scale=True, mininterval=1) as bar:
        for rows in chunks():
            db.executemany(sql, rows)
            bar.update(len(rows))
    db.execute("COMMIT")
    timings = {"voc cases": time.perf_counter() - t0}
    t = time.perf_counter()
    for _name, ddl in tqdm(indexes, desc="voc_case indexes", unit="index"):
        db.execute(ddl)
    db.close()
    timings["voc_case indexes"] = time.perf_counter() - t
    return timings
