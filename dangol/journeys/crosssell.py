"""Category associations for the next best action, mined with DuckDB from loyalty's order snapshot (the
Parquet file the last value run wrote), never from the live tables; cached per snapshot file."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from django.db.models import Q

from dangol.analytics.associations import item_pairs
from dangol.loyalty.models import ValueRun
from dangol.orders.models import OrderLine

logger = logging.getLogger(__name__)

MIN_SUPPORT = 0.005
_cache: dict[str, list[dict[str, Any]]] = {}
_lock = threading.Lock()


def _snapshot() -> Path | None:
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
    """Category rules X → Y (lift > 1) from a snapshot: one basket per customer and order time."""
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


def category_rules() -> list[dict[str, Any]]:
    path = _snapshot()
    if path is None:
        return []
    key = f"{path}:{path.stat().st_mtime_ns}"
    with _lock:
        if key not in _cache:
            try:
                _cache.clear()
                _cache[key] = mine_snapshot(path)
            except Exception:  # a damaged snapshot must not break the 360 page
                logger.exception("cross-sell mining failed on %s", path)
                _cache[key] = []
        return _cache[key]


def recommendation_for(customer_id: int, rules: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """The best rule whose antecedent category the customer bought and whose consequent they never did."""
    rules = category_rules() if rules is None else rules
    if not rules:
        return None
    bought = set(
        OrderLine.objects.filter(
            ~Q(order__status__in=["cancelled", "refunded"]), order__customer_id=customer_id
        ).values_list("product__category__name", flat=True)
    )
    for rule in rules:  # sorted by confidence, then lift
        if rule["antecedent"] in bought and rule["consequent"] not in bought:
            return rule
    return None
