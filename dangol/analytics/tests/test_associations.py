"""Association arithmetic on a basket set small enough to count by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dangol.analytics.associations import (
    AssociationError,
    evaluate_holdout,
    item_pairs,
    lines_table,
    popularity_recommend,
    recommend,
)

D = dt.date(2026, 1, 1)


def _lines(baskets: list[tuple[int, int, list[str]]], day: dt.date = D) -> list[dict]:
    return [
        {"basket_id": b, "customer_id": c, "day": day, "item": item}
        for b, c, items in baskets
        for item in items
    ]


# N = 5 baskets. n(빵)=4, n(우유)=4, n(계란)=2, n(맥주)=1; n(빵∧우유)=3, n(빵∧계란)=2, n(우유∧계란)=1,
# n(빵∧맥주)=n(우유∧맥주)=1. The duplicated 빵 line in basket 2 counts once.
BASKETS = [
    (1, 1, ["빵", "우유"]),
    (2, 1, ["빵", "우유", "계란", "빵"]),
    (3, 2, ["빵", "계란"]),
    (4, 2, ["우유"]),
    (5, 3, ["빵", "우유", "맥주"]),
]


def _rules(min_support: float = 0.4, min_count: int = 2) -> dict[tuple[str, str], dict]:
    rows = item_pairs(lines_table(_lines(BASKETS)), min_support=min_support, min_count=min_count)
    return {(r["antecedent"], r["consequent"]): r for r in rows.to_pyarrow().to_pylist()}


def test_support_confidence_and_lift_match_the_hand_count() -> None:
    rules = _rules()
    # support ≥ 0.4 means a pair count ≥ 2: only 빵↔우유 (3) and 빵↔계란 (2) survive
    assert set(rules) == {("빵", "우유"), ("우유", "빵"), ("빵", "계란"), ("계란", "빵")}
    r = rules[("빵", "우유")]
    assert (r["pair_count"], r["antecedent_count"], r["consequent_count"], r["baskets"]) == (3, 4, 4, 5)
    assert r["support"] == pytest.approx(3 / 5)
    assert r["confidence"] == pytest.approx(3 / 4)
    assert r["lift"] == pytest.approx((3 / 4) / (4 / 5))  # 0.9375: together less often than by chance
    r = rules[("빵", "계란")]
    assert (r["support"], r["confidence"]) == pytest.approx((2 / 5, 2 / 4))
    assert r["lift"] == pytest.approx(1.25)
    r = rules[("계란", "빵")]
    assert r["confidence"] == pytest.approx(1.0)
    assert r["lift"] == pytest.approx(1.25)


def test_minimum_support_drops_rare_pairs() -> None:
    assert len(_rules(min_support=0.2, min_count=1)) == 10  # all five pairs, both directions
    assert set(_rules(min_support=0.6)) == {("빵", "우유"), ("우유", "빵")}
    assert _rules(min_support=0.8) == {}


@pytest.mark.parametrize("bad", [0, -0.1, 1.5])
def test_support_outside_zero_one_is_a_clear_error(bad: float) -> None:
    with pytest.raises(AssociationError, match="최소 지지도"):
        item_pairs(lines_table(_lines(BASKETS)), min_support=bad)


def test_missing_column_is_named() -> None:
    import ibis

    table = ibis.memtable({"basket_id": [1], "item": ["빵"]})
    with pytest.raises(AssociationError, match="customer_id"):
        item_pairs(table)


def test_recommendations_exclude_what_the_customer_bought() -> None:
    lines = lines_table(_lines(BASKETS))
    rules = item_pairs(lines, min_support=0.4)
    recs = recommend(lines, rules, k=3, min_lift=1.0, fill_popular=False).to_pyarrow().to_pylist()
    # customer 3 bought 빵 (빵→계란: lift 1.25, confidence 0.5); 빵↔우유 (lift < 1) is left out;
    # customers 1 and 2 already bought 계란 and 빵.
    assert [(r["customer_id"], r["item"], r["source"], r["rank"]) for r in recs] == [(3, "계란", "rule", 1)]
    assert recs[0]["score"] == pytest.approx(0.5)
    # topped up with popular items not bought: only 맥주 is left for 1 and 2, nothing more for 3
    filled = recommend(lines, rules, k=3).order_by(["customer_id", "rank"]).to_pyarrow().to_pylist()
    assert [(r["customer_id"], r["item"], r["source"]) for r in filled] == [
        (1, "맥주", "popular"),
        (2, "맥주", "popular"),
        (3, "계란", "rule"),
    ]


def test_popular_items_fill_up_to_k_and_the_baseline_skips_bought_items() -> None:
    lines = lines_table(_lines([*BASKETS, (6, 4, ["빵"]), (7, 5, ["맥주"])]))
    rules = item_pairs(lines, min_support=0.25)
    recs = recommend(lines, rules, k=2).filter(lambda t: t.customer_id == 5).to_pyarrow().to_pylist()
    # customer 5 bought only 맥주: no rule with lift > 1 starts there (맥주 pairs occur once), so the two most
    # popular items (빵 in 5 baskets, 우유 in 4) fill in.
    assert sorted((r["rank"], r["item"], r["source"]) for r in recs) == [
        (1, "빵", "popular"),
        (2, "우유", "popular"),
    ]
    base = popularity_recommend(lines, k=2).filter(lambda t: t.customer_id == 4).to_pyarrow().to_pylist()
    assert sorted((r["rank"], r["item"]) for r in base) == [(1, "우유"), (2, "계란")]


def test_holdout_hit_rate_against_popularity() -> None:
    later = D + dt.timedelta(days=30)
    train = _lines(
        [
            (1, 1, ["텐트", "랜턴"]),
            (2, 2, ["텐트", "랜턴"]),
            (3, 3, ["텐트", "랜턴"]),
            (4, 4, ["물", "과자"]),
            (5, 5, ["물", "과자"]),
            (6, 6, ["물", "라면"]),
            (7, 7, ["물"]),
            (8, 8, ["텐트"]),
        ]
    )
    # after the cutoff: 8 (bought 텐트) buys 랜턴 — rule 텐트→랜턴 finds it, popularity offers 물, 과자, 라면;
    # 7 (bought 물) buys 과자 — both find it; 1 buys 텐트 again (nothing new: not scored);
    # 9 is new (no history: not scored).
    test = _lines([(9, 8, ["랜턴"]), (10, 7, ["과자"]), (11, 1, ["텐트"]), (12, 9, ["물"])], day=later)
    result = evaluate_holdout(lines_table(train + test), cutoff=D, k=1, min_support=0.2)
    assert result.customers == 2
    assert (result.hits, result.hit_rate) == (2, 1.0)
    # rules (N = 8, support ≥ 0.2 → pair count ≥ 2): 텐트→랜턴 (3/4, lift 2) and 물→과자 (2/4, lift 2).
    # popularity@1: 텐트 and 물 both in 4 baskets, the tie broken by name: 물 for customer 8 (miss), and for
    # customer 7, who has 물, 텐트 (miss).
    assert result.popularity_hits == 0
    assert result.rules > 0


def test_votes_from_several_bought_items_add_up() -> None:
    # By the single best rule 포도 would come first (귤→포도 3/4 against 사과→배 and 귤→배, 2/4 each); customer 9
    # bought both 사과 and 귤, which both point at 배: 2/4 + 2/4 = 1 > 3/4, so 배 comes first.
    baskets = [
        (1, 1, ["사과", "배"]),
        (2, 2, ["사과", "배"]),
        (3, 3, ["사과", "감"]),
        (4, 4, ["귤", "포도", "배"]),
        (5, 5, ["귤", "포도", "배"]),
        (6, 6, ["귤", "포도"]),
        (7, 9, ["사과", "귤"]),
    ]
    lines = lines_table(_lines(baskets))
    rules = item_pairs(lines, min_support=0.1, min_count=1)
    recs = recommend(lines, rules, k=2, fill_popular=False).filter(lambda t: t.customer_id == 9)
    rows = sorted(recs.to_pyarrow().to_pylist(), key=lambda r: r["rank"])
    assert [r["item"] for r in rows] == ["배", "포도"]
    # 사과 in 4 baskets, 사과∧배 in 2; 귤 in 4 baskets, 귤∧배 in 2
    assert rows[0]["score"] == pytest.approx(2 / 4 + 2 / 4)
    assert rows[1]["score"] == pytest.approx(3 / 4)
