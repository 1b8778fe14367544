"""Related sales (002 3R): item or category associations mined from order lines, "customers who buy X also
buy Y" per customer, and their evaluation on a time holdout. Pure Ibis; runs in DuckDB (or any Ibis backend).

Input: order lines as an Ibis table with at least (basket_id, customer_id, day, item) — `item` is a product
or a category, whichever level is mined. A basket is one order; a line repeated in a basket counts once.

Measures of a rule X → Y over N baskets (Agrawal, Imieliński & Swami 1993; Brin et al. 1997 for lift):

    support(X → Y)    = n(X ∧ Y) / N
    confidence(X → Y) = n(X ∧ Y) / n(X)
    lift(X → Y)       = confidence(X → Y) / (n(Y) / N)  = N · n(X ∧ Y) / (n(X) · n(Y))

Lift above 1: buying X makes Y more likely than it is in an average basket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

LINE_COLUMNS = ("basket_id", "customer_id", "day", "item")


class AssociationError(ValueError):
    """Bad input (a missing column, a support outside (0, 1]); the message is Korean and names it."""


def _check(lines: ir.Table) -> None:
    missing = [c for c in LINE_COLUMNS if c not in lines.columns]
    if missing:
        raise AssociationError(f"주문 행에 열이 없습니다: {', '.join(missing)}")


def basket_items(lines: ir.Table) -> ir.Table:
    """(basket_id, customer_id, item): each item once per basket."""
    _check(lines)
    return lines.select("basket_id", "customer_id", "item").distinct()


def item_pairs(lines: ir.Table, *, min_support: float = 0.001, min_count: int = 2) -> ir.Table:
    """Rules X → Y (both directions of every pair) with support ≥ `min_support` and a pair count ≥ `min_count`:
    (antecedent, consequent, pair_count, antecedent_count, consequent_count, baskets, support, confidence,
    lift). One self-join of the distinct basket items on basket_id, then GROUP BY (X, Y); the filter on the
    pair count applies before the item counts are joined."""
    if not 0 < min_support <= 1:
        raise AssociationError(f"최소 지지도는 0보다 크고 1 이하여야 합니다: {min_support}")
    items = basket_items(lines).select("basket_id", "item")
    baskets = items.basket_id.nunique().name("baskets").as_table()
    counts = items.group_by("item").aggregate(n=items.count())
    left = items.rename(antecedent="item")
    right = items.rename(consequent="item", basket_r="basket_id")
    joined = left.join(right, left.basket_id == right.basket_r).filter(lambda t: t.antecedent != t.consequent)
    pairs = joined.group_by(["antecedent", "consequent"]).aggregate(pair_count=joined.count())
    pairs = pairs.cross_join(baskets)
    pairs = pairs.filter(
        (pairs.pair_count >= min_count) & (pairs.pair_count >= (pairs.baskets * min_support).ceil())
    )
    a = counts.rename(antecedent="item", antecedent_count="n")
    c = counts.rename(consequent="item", consequent_count="n")
    rules = pairs.join(a, "antecedent").join(c, "consequent")
    n = rules.baskets.cast("float64")
    return rules.select(
        "antecedent",
        "consequent",
        "pair_count",
        "antecedent_count",
        "consequent_count",
        "baskets",
        support=rules.pair_count.cast("float64") / n,
        confidence=rules.pair_count.cast("float64") / rules.antecedent_count,
        lift=n * rules.pair_count / (rules.antecedent_count.cast("float64") * rules.consequent_count),
    )


def popular_items(lines: ir.Table) -> ir.Table:
    """(item, baskets): how many baskets hold each item — the popularity baseline's ranking."""
    items = basket_items(lines)
    return items.group_by("item").aggregate(baskets=items.count())


def recommend(
    lines: ir.Table,
    rules: ir.Table,
    *,
    k: int = 3,
    min_lift: float = 0.0,
    fill_popular: bool = True,
    per_item: int = 20,
) -> ir.Table:
    """Top-k items per customer that they have not bought: (customer_id, item, score, source, rank).

    Candidates are the consequents Y of rules X → Y with lift > `min_lift` (default: every mined rule; on the
    benchmark's holdout summing all rules beat keeping only lift > 1, which drops the popular consequents
    that are often what a customer buys next) whose antecedent X the customer
    bought; a candidate's score is the sum of the confidences of those rules — every item the customer bought
    that points at Y is a vote for Y — (ties: higher lift, then the item name, so the order is deterministic). With `fill_popular`, customers with fewer than k candidates get the
    most popular items they have not bought after them (source "popular", score 0). Only each antecedent's
    `per_item` most confident rules are used (a customer needs k; this bounds the join on big catalogues)."""
    if k < 1:
        raise AssociationError(f"추천 개수는 1 이상이어야 합니다: {k}")
    bought = lines.select("customer_id", "item").distinct()
    good = rules.filter(rules.lift > min_lift)
    good = good.mutate(
        _r=ibis.row_number().over(
            group_by="antecedent", order_by=[ibis.desc("confidence"), ibis.desc("lift"), "consequent"]
        )
    )
    good = good.filter(good._r < per_item).drop("_r")
    hit = bought.join(good, bought.item == good.antecedent)
    scored = hit.group_by(["customer_id", "consequent"]).aggregate(
        score=hit.confidence.sum(), best_lift=hit.lift.max()
    )
    scored = scored.rename(item="consequent")
    fresh = scored.anti_join(bought, ["customer_id", "item"])
    ranked = fresh.mutate(source=ibis.literal("rule"))
    if fill_popular:
        top = popular_items(lines).order_by([ibis.desc("baskets"), "item"]).limit(k + 50)
        customers = bought.select("customer_id").distinct()
        pop = customers.cross_join(top.select("item", "baskets"))
        pop = pop.anti_join(bought, ["customer_id", "item"]).anti_join(fresh, ["customer_id", "item"])
        pop = pop.select(
            "customer_id",
            "item",
            score=ibis.literal(0.0),
            best_lift=pop.baskets.cast("float64"),  # score 0 puts these last; among them, by popularity
            source=ibis.literal("popular"),
        )
        ranked = ranked.select("customer_id", "item", "score", "best_lift", "source").union(pop)
    order = [ibis.desc("score"), ibis.desc("best_lift"), ranked.item]
    ranked = ranked.mutate(rank=ibis.row_number().over(group_by="customer_id", order_by=order) + 1)
    return ranked.filter(ranked.rank <= k).select("customer_id", "item", "score", "source", "rank")


def popularity_recommend(lines: ir.Table, *, k: int = 3) -> ir.Table:
    """The baseline: each customer's k most popular items (by baskets) that they have not bought."""
    bought = lines.select("customer_id", "item").distinct()
    top = popular_items(lines).order_by([ibis.desc("baskets"), "item"]).limit(k + 50)
    pop = bought.select("customer_id").distinct().cross_join(top).anti_join(bought, ["customer_id", "item"])
    order = [ibis.desc(pop.baskets), pop.item]
    pop = pop.mutate(rank=ibis.row_number().over(group_by="customer_id", order_by=order) + 1)
    return pop.filter(pop.rank <= k).select("customer_id", "item", "rank")


@dataclass(frozen=True)
class HoldoutResult:
    """Hit rate@k on the customers who bought something new after the cutoff."""

    k: int
    customers: int  # bought before and after the cutoff, at least one item new to them after it
    hits: int
    hit_rate: float
    popularity_hits: int
    popularity_hit_rate: float
    rules: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "customers": self.customers,
            "hits": self.hits,
            "hit_rate": self.hit_rate,
            "popularity_hits": self.popularity_hits,
            "popularity_hit_rate": self.popularity_hit_rate,
            "rules": self.rules,
        }


def evaluate_holdout(
    lines: ir.Table, *, cutoff: dt.date, k: int = 3, min_support: float = 0.001, min_count: int = 2
) -> HoldoutResult:
    """Mine rules and recommend from the lines up to `cutoff` (inclusive); a customer is a hit when one of
    their top-k recommendations is among the items they bought for the first time after the cutoff. The same
    for the popularity baseline (top-k popular items not yet bought). Customers with no line before the
    cutoff, or nothing new after it, are not scored (neither method could be right)."""
    _check(lines)
    when = ibis.literal(cutoff)
    train = lines.filter(lines.day <= when)
    test = lines.filter(lines.day > when)
    # each piece is read several times below: materialise it once (a temporary table on the backend)
    train = train.cache()
    seen = train.select("customer_id", "item").distinct().cache()
    new = test.select("customer_id", "item").distinct().anti_join(seen, ["customer_id", "item"]).cache()
    scored = new.select("customer_id").distinct().semi_join(seen, "customer_id")
    rules = item_pairs(train, min_support=min_support, min_count=min_count).cache()

    def hits(recommended: ir.Table) -> int:
        matched = recommended.semi_join(new, ["customer_id", "item"]).select("customer_id").distinct()
        return int(matched.count().to_pyarrow().as_py())

    n = int(scored.count().to_pyarrow().as_py())
    rule_hits = hits(recommend(train, rules, k=k))
    pop_hits = hits(popularity_recommend(train, k=k))
    return HoldoutResult(
        k=k,
        customers=n,
        hits=rule_hits,
        hit_rate=rule_hits / n if n else 0.0,
        popularity_hits=pop_hits,
        popularity_hit_rate=pop_hits / n if n else 0.0,
        rules=int(rules.count().to_pyarrow().as_py()),
    )


def lines_table(rows: list[dict[str, Any]], con: Any | None = None) -> ir.Table:
    """Order lines from Python dicts (basket_id, customer_id, day, item) as a table on `con` (a new
    in-memory DuckDB when None): how the Django side hands a customer's or a snapshot's lines in."""
    import pyarrow as pa

    con = con or ibis.duckdb.connect()
    schema = pa.schema(
        [
            ("basket_id", pa.int64()),
            ("customer_id", pa.int64()),
            ("day", pa.date32()),
            ("item", pa.string()),
        ]
    )
    table = pa.Table.from_pylist([{c: r[c] for c in LINE_COLUMNS} for r in rows], schema=schema)
    return con.create_table(f"lines_{id(table)}", table, temp=True)
