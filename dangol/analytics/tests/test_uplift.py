"""Control-group assignment and lift arithmetic on constructed cases with known answers (issue 16)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from dangol.analytics.uplift import assign_holdout, holdout_size, lift, revenue_uplift, wilson

Z = 1.959963984540054


def test_holdout_is_reproducible_for_a_seed_and_independent_of_input_order() -> None:
    ids = list(range(1, 1001))
    strata = ["gold" if i % 5 == 0 else "silver" if i % 5 == 1 else "rest" for i in ids]
    first = assign_holdout(ids, strata, share=0.1, seed=42)
    again = assign_holdout(list(reversed(ids)), list(reversed(strata)), share=0.1, seed=42)
    assert first == again
    other = assign_holdout(ids, strata, share=0.1, seed=43)
    assert other != first


def test_holdout_is_stratified_round_share_times_n_per_stratum() -> None:
    # strata of 200, 200 and 600 members: 10% is exactly 20, 20 and 60 of each
    ids = list(range(1, 1001))
    strata = ["gold" if i % 5 == 0 else "silver" if i % 5 == 1 else "rest" for i in ids]
    held = assign_holdout(ids, strata, share=0.1, seed=7)
    by_stratum = Counter(strata[i - 1] for i in held)
    assert by_stratum == {"gold": 20, "silver": 20, "rest": 60}
    assert held <= set(ids)


def test_holdout_is_random_not_the_first_members() -> None:
    ids = list(range(1, 101))
    held = assign_holdout(ids, ["x"] * 100, share=0.1, seed=1)
    assert len(held) == 10
    assert held != set(range(1, 11))
    assert held != set(range(91, 101))
    # over many seeds every member is held out sometimes (a uniform draw), roughly 10% of the time
    counts: Counter[int] = Counter()
    for seed in range(400):
        counts.update(assign_holdout(ids, ["x"] * 100, share=0.1, seed=seed))
    assert set(counts) == set(ids)
    assert all(15 <= c <= 70 for c in counts.values())  # expected 40 each


def test_small_strata_hold_out_at_least_one_and_rounding_is_half_up() -> None:
    assert holdout_size(2, 0.1) == 1  # 0.2 rounds to 0, but a stratum of 2 keeps one control
    assert holdout_size(1, 0.1) == 0  # a lone member is treated
    assert holdout_size(15, 0.1) == 2  # 1.5 rounds half up to 2
    assert holdout_size(25, 0.1) == 3  # 2.5 → 3 (not banker's 2)
    assert holdout_size(10, 0.0) == 0
    assert holdout_size(10, 1.0) == 10
    held = assign_holdout([1, 2, 3], ["a", "a", "b"], share=0.1, seed=3)
    assert len(held & {1, 2}) == 1 and 3 not in held


def test_holdout_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        assign_holdout([1, 2], ["a"], share=0.1, seed=1)
    with pytest.raises(ValueError, match="share"):
        assign_holdout([1], ["a"], share=1.5, seed=1)
    with pytest.raises(ValueError, match="duplicate"):
        assign_holdout([1, 1], ["a", "a"], share=0.5, seed=1)


def test_wilson_interval_by_hand() -> None:
    # 8 of 10: p = 0.8; centre = (0.8 + z²/20)/(1 + z²/10); half = z·sqrt(0.016 + z²/400)/(1 + z²/10)
    z2 = Z * Z
    centre = (0.8 + z2 / 20) / (1 + z2 / 10)
    half = Z * math.sqrt(0.8 * 0.2 / 10 + z2 / 400) / (1 + z2 / 10)
    low, high = wilson(8, 10)
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)  # the textbook Wilson interval for 8/10


def test_lift_known_answer_newcombe_1998_example() -> None:
    # Newcombe (1998) Table II, example (a): 56/70 vs 48/80, method 10 → 0.0524 to 0.3339
    result = lift(treated_n=70, treated_conv=56, control_n=80, control_conv=48)
    assert result.treated_rate == pytest.approx(0.8)
    assert result.control_rate == pytest.approx(0.6)
    assert result.diff == pytest.approx(0.2)
    assert result.relative == pytest.approx(0.2 / 0.6)
    assert result.diff_low is not None and result.diff_high is not None
    assert round(result.diff_low, 4) == 0.0524
    assert round(result.diff_high, 4) == 0.3339
    # the same bounds assembled by hand from the two Wilson intervals
    l1, u1 = wilson(56, 70)
    l2, u2 = wilson(48, 80)
    assert result.diff_low == pytest.approx(0.2 - math.sqrt((0.8 - l1) ** 2 + (u2 - 0.6) ** 2))
    assert result.diff_high == pytest.approx(0.2 + math.sqrt((u1 - 0.8) ** 2 + (0.6 - l2) ** 2))
    assert result.significant


def test_lift_with_zero_control_conversions_has_no_relative_lift() -> None:
    # Newcombe (1998) example (d): 5/56 vs 0/29 → −0.0381 to 0.1926
    result = lift(treated_n=56, treated_conv=5, control_n=29, control_conv=0)
    assert result.relative is None
    assert result.diff_low is not None and result.diff_high is not None
    assert (round(result.diff_low, 4), round(result.diff_high, 4)) == (-0.0381, 0.1926)
    assert not result.significant


def test_lift_with_an_empty_arm_and_bad_counts() -> None:
    empty = lift(treated_n=10, treated_conv=2, control_n=0, control_conv=0)
    assert empty.treated_rate == pytest.approx(0.2)
    assert empty.control_rate is None and empty.diff is None and empty.diff_low is None
    with pytest.raises(ValueError, match="more conversions"):
        lift(treated_n=3, treated_conv=4, control_n=3, control_conv=0)


def test_revenue_uplift_welch_interval_by_hand() -> None:
    # treated 10, 20, 30 (mean 20, var 100); control 0, 10, 20 (mean 10, var 100)
    # se = sqrt(100/3 + 100/3); Welch df = (200/3)² / (2·(100/3)²/2) = 4; t(0.975, 4) = 2.776445
    result = revenue_uplift([10, 20, 30], [0, 10, 20])
    se = math.sqrt(200 / 3)
    assert result.treated_mean == pytest.approx(20) and result.control_mean == pytest.approx(10)
    assert result.diff == pytest.approx(10)
    assert result.diff_low == pytest.approx(10 - 2.776445 * se, abs=1e-5)
    assert result.diff_high == pytest.approx(10 + 2.776445 * se, abs=1e-5)


def test_revenue_uplift_small_arms() -> None:
    one = revenue_uplift([5.0], [1.0, 3.0])
    assert one.diff == pytest.approx(3.0) and one.diff_low is None and one.diff_high is None
    same = revenue_uplift([2.0, 2.0], [1.0, 1.0])
    assert same.diff_low == same.diff_high == pytest.approx(1.0)
    none = revenue_uplift([], [1.0])
    assert none.treated_mean is None and none.diff is None
