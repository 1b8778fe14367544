"""Category associations for the next best action, mined with DuckDB from loyalty's order snapshot (the
Parquet file the last value run wrote), never from the live tables; cached per snapshot file. The mining is
campaigns' (dangol.campaigns.crosssell), which also stores every customer's picks for the segment condition."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db.models import Q

from dangol.campaigns.crosssell import latest_snapshot, mine_snapshot
from dangol.orders.models import OrderLine

logger = logging.getLogger(__name__)

_cache: dict[str, list[dict[str, Any]]] = {}
_lock = threading.Lock()


def category_rules() -> list[dict[str, Any]]:
    path = latest_snapshot()
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
