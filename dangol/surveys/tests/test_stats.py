from __future__ import annotations

import numpy as np
import pytest

from dangol.surveys.stats import (
    drivers,
    drivers_from_moments,
    ipa_quadrant,
    mean_interval,
    nps,
    nps_from_scores,
    wilson,
)


def test_nps_arithmetic():
    # 0..10 once each: promoters 9,10 (2), passives 7,8 (2), detractors 0..6 (7)
    result = nps_from_scores(list(range(11)))
    assert (result.promoters, result.passives, result.detractors, result.n) == (2, 2, 7, 11)
    assert result.score == pytest.approx(100 * (2 - 7) / 11, abs=0.05)
    assert nps(50, 30, 20).score == 30.0
    assert nps(10, 0, 0).score == 100.0 and nps(0, 0, 10).score == -100.0


def test_nps_interval_contains_the_score_and_shrinks_with_n():
    small, big = nps(5, 3, 2), nps(500, 300, 200)
    assert small.low < small.score < small.high
    assert (big.high - big.low) < (small.high - small.low)
    # variance by hand: p+ = .5, p- = .2 -> (.5 + .2 - .09)/1000 = .00061, half = 1.96*sqrt = .0484
    assert big.high - big.score == pytest.approx(4.8, abs=0.1)


def test_wilson_interval_known_value():
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-3) and high == pytest.approx(0.9433, abs=1e-3)
    assert wilson(0, 0) == (0.0, 0.0)


def test_mean_interval_from_sums():
    values = [1, 2, 3, 4, 5]
    mean, low, high = mean_interval(sum(values), sum(v * v for v in values), len(values))
    assert mean == 3 and low < 3 < high


def test_driver_analysis_finds_the_item_that_drives_satisfaction():
    rng = np.random.default_rng(1)
    people = rng.normal(size=400)
    physical = 0.3 * people + rng.normal(size=400)
    overall = 0.8 * people + 0.2 * physical + rng.normal(scale=0.5, size=400)
    result = drivers(["people", "physical"], np.column_stack([people, physical]), overall)
    assert result is not None and result.warning == ""
    assert result.beta[0] > result.beta[1] > 0
    assert sum(result.relative_weight) == pytest.approx(result.r_squared, abs=1e-6)
    assert result.relative_weight[0] > result.relative_weight[1]
    assert result.p_values[0] < 0.001


def test_driver_analysis_warns_on_small_samples_and_refuses_impossible_fits():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(12, 2))
    result = drivers(["a", "b"], x, x[:, 0] + rng.normal(size=12))
    assert result is not None and "믿기 어렵습니다" in result.warning
    assert drivers(["a", "b"], x[:3], x[:3, 0]) is None
    assert drivers(["a"], np.ones((10, 1)), np.arange(10.0)) is None


def _moments(x: np.ndarray, y: np.ndarray) -> list[list[int]]:
    v = np.column_stack([y, np.ones(len(y)), x]).astype(int)
    return [[int(v[:, i] @ v[:, j]) for j in range(v.shape[1])] for i in range(v.shape[1])]


def test_drivers_from_sufficient_statistics_equal_the_regression_on_the_rows():
    rng = np.random.default_rng(3)
    items = rng.integers(1, 6, size=(500, 3))
    overall = np.clip(np.rint(0.6 * items[:, 0] + 0.3 * items[:, 2] + rng.normal(size=500)), 1, 5).astype(int)
    rows = drivers(["a", "b", "c"], items.astype(float), overall.astype(float))
    summed = drivers_from_moments(["a", "b", "c"], _moments(items, overall))
    assert rows is not None and summed is not None
    assert summed.n == rows.n == 500 and summed.r_squared == pytest.approx(rows.r_squared, abs=1e-9)
    assert summed.beta == pytest.approx(rows.beta, abs=1e-9)
    assert summed.relative_weight == pytest.approx(rows.relative_weight, abs=1e-9)
    assert summed.p_values == pytest.approx(rows.p_values, rel=1e-6, abs=1e-12)
    assert summed.beta[0] > summed.beta[2] > abs(summed.beta[1])
    # a constant item or too few rows: no fit, as from the rows
    constant = np.column_stack([items[:, :2], np.full(500, 3)])
    assert drivers_from_moments(["a", "b", "c"], _moments(constant, overall)) is None
    assert drivers_from_moments(["a", "b", "c"], _moments(items[:4], overall[:4])) is None


def test_ipa_quadrants():
    assert ipa_quadrant(0.3, 3.0, 0.2, 4.0) == "concentrate"
    assert ipa_quadrant(0.3, 4.5, 0.2, 4.0) == "keep_up"
    assert ipa_quadrant(0.1, 3.0, 0.2, 4.0) == "low_priority"
    assert ipa_quadrant(0.1, 4.5, 0.2, 4.0) == "overkill"
