"""Cross-sell picks for the segment condition "likely to buy category X".

The rules X → Y are mined with DuckDB (dangol.analytics.associations) from loyalty's order snapshot — the
Parquet file the last value run wrote, never the live tables. The snapshot's customer ids are pseudonyms, so
each customer's top-k is then computed (same `recommend`, lift > 1 rules only, no popularity fill) against
the categories each customer has bought, read once from the database, and stored in CrossSellPick (rebuilt
whole, in one transaction). The job runs after the value run (`dangol campaigns_crosssell`), so the picks are
as fresh as the values the other conditions read."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangol.analytics.associations import item_pairs, recommend
from dangol.campaigns.models import CrossSellPick
from dangol.customers.models import Customer
from dangol.loyalty.models import ValueRun
from dangol.orders.models import OrderLine

logger = logging.getLogger(__name__)

MIN_SUPPORT = 0.005
TOP_K = 3
BOUGHT_STATUSES = ["paid", "partially_refunded"]


def latest_snapshot() -> Path | None:
    """The order snapshot of the last finished value run, if its file is still there."""
    run = (
        ValueRun.objects.filter(status=ValueRun.Status.DONE)
        .exclude(output_dir="")
        .order_by("-pk")
        .values_list("output_dir", flat=True)
        .first()
    )
    path = Path(run) / "orders.parquet" if run else None
    return path if path is not None and path.exists() else None


def mine_snapshot(path: Path, *, min_support: float = MIN_SUPPORT) -> list[dict[str, Any]]:
    """Category rules X → Y (lift > 1) from a snapshot: one basket per customer and order time; best first."""
    import ibis

    con = ibis.duckdb.connect()
    raw = con.read_parquet(str(path))
    lines = raw.select(
        basket_id=raw.customer_id.cast("string").concat(":", raw.ordered_at.cast("string")),
        customer_id=raw.customer_id,
        day=raw.ordered_at.date(),
        item=raw.category,
    )
    rules = item_pairs(lines, min_support=min_support)
    rules = rules.filter(rules.lift > 1).order_by([ibis.desc("confidence"), ibis.desc("lift")])
    return list(rules.to_pyarrow().to_pylist())


def _bought_pairs() -> Any:
    """(customer_id, category name) of every active customer's standing orders, as an Arrow table."""
    import pyarrow as pa

    customers: list[int] = []
    items: list[str] = []
    rows = (
        OrderLine.objects.filter(
            order__status__in=BOUGHT_STATUSES,
            order__customer__status=Customer.Status.ACTIVE,
            order__customer__forgotten_at__isnull=True,
            product__category__isnull=False,
        )
        .values_list("order__customer_id", "product__category__name")
        .distinct()
        .order_by()
    )
    for customer_id, name in rows.iterator(chunk_size=50_000):
        customers.append(customer_id)
        items.append(name)
    return pa.table({"customer_id": pa.array(customers, pa.int64()), "item": pa.array(items, pa.string())})


def picks_compute(rules: list[dict[str, Any]], *, k: int = TOP_K) -> list[tuple[int, str, int, float]]:
    """(customer_id, category, rank, score) of every customer's top-k categories from these rules."""
    import ibis
    import pyarrow as pa

    if not rules:
        return []
    con = ibis.duckdb.connect()
    bought = con.create_table("bought", _bought_pairs())
    lines = bought.mutate(basket_id=ibis.literal("x"), day=ibis.literal(dt.date(2000, 1, 1)))
    table = pa.Table.from_pylist(
        [
            {
                "antecedent": r["antecedent"],
                "consequent": r["consequent"],
                "confidence": float(r["confidence"]),
                "lift": float(r["lift"]),
            }
            for r in rules
        ]
    )
    ranked = recommend(lines, con.create_table("rules", table), k=k, min_lift=1.0, fill_popular=False)
    out = ranked.select("customer_id", "item", "rank", "score").to_pyarrow().to_pylist()
    return [(int(r["customer_id"]), str(r["item"]), int(r["rank"]), float(r["score"])) for r in out]


def picks_refresh(
    *, rules: list[dict[str, Any]] | None = None, k: int = TOP_K, now: dt.datetime | None = None
) -> dict[str, int]:
    """Rebuild every customer's picks from `rules` (default: mined from the last value run's snapshot). Without
    a snapshot nothing changes (the last picks stand). Safe to rerun: the table is replaced in one transaction."""
    now = now or timezone.now()
    if rules is None:
        path = latest_snapshot()
        if path is None:
            return {"rules": 0, "customers": 0, "picks": 0, "skipped": 1}
        rules = mine_snapshot(path)
    picks = picks_compute(rules, k=k)
    with transaction.atomic():
        CrossSellPick.objects.all().delete()
        CrossSellPick.objects.bulk_create(
            [
                CrossSellPick(customer_id=cid, category=item, rank=rank, score=score, computed_at=now)
                for cid, item, rank, score in picks
            ],
            batch_size=5000,
        )
    return {"rules": len(rules), "customers": len({p[0] for p in picks}), "picks": len(picks), "skipped": 0}
