import datetime as dt
import random

from dangol.textmining import rising_terms
from dangol.textmining.trends import poisson_tail

NOW = dt.date(2026, 11, 24)
STEADY = [
    "배송이 늦어요",
    "환불 문의드립니다",
    "포인트 적립이 안 돼요",
    "교환 요청합니다",
    "영수증 재발급 문의",
]


def records(rising_per_week=1, rising_now=12, weeks=8, seed=1):
    rng = random.Random(seed)
    out = []
    for w in range(weeks + 1):
        for _ in range(20):
            out.append((NOW - dt.timedelta(days=7 * w + rng.randrange(7)), rng.choice(STEADY)))
        n = rising_now if w == 0 else rising_per_week
        for _ in range(n):
            out.append(
                (NOW - dt.timedelta(days=7 * w + rng.randrange(7)), "앱 결제오류 때문에 주문이 안 돼요")
            )
    out.append((NOW - dt.timedelta(days=200), "아주 오래된 결제오류"))  # outside the window
    return out


def test_term_rising_against_its_own_baseline_is_reported_with_figures():
    rows = rising_terms(records(), now=NOW, weeks=8)
    terms = [r["term"] for r in rows]
    assert terms and terms[0] in {"결제오류", "결제 오류", "앱", "주문"}
    assert "결제오류" in terms
    top = next(r for r in rows if r["term"] == "결제오류")
    assert top["count"] == 12 and top["baseline"] == 1.0 and top["ratio"] == 12.0
    assert top["p_value"] < 0.01 and len(top["weekly"]) == 8
    for steady in ("배송", "환불", "교환"):
        assert steady not in terms


def test_nothing_rises_when_the_week_looks_like_the_baseline():
    assert rising_terms(records(rising_per_week=5, rising_now=6), now=NOW, weeks=8) == []


def test_small_counts_are_not_trends():
    rows = rising_terms([(NOW, "결제오류 문의"), (NOW, "결제오류 또")], now=NOW)
    assert rows == []


def test_empty_records_and_poisson_tail():
    assert rising_terms([], now=NOW) == []
    assert abs(poisson_tail(1, 2.0) - (1 - 0.1353352832)) < 1e-9
    assert poisson_tail(0, 3.0) == 1.0
