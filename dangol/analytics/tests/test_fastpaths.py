"""The NumPy/Arrow shortcuts of issue 18 give exactly what the straightforward code gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from dangol.analytics import arrays, bgnbd, duckpath, segments


def _unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The previous `bgnbd._group_rows`: np.unique per column, then np.unique of the combined key."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        values, codes = np.unique(np.asarray(column, dtype=float), return_inverse=True)
        key = key * len(values) + codes.reshape(-1)
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    return first, inverse.reshape(-1), counts


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(((a == b) | (np.isnan(a) & np.isnan(b))).all())


@pytest.mark.parametrize("seed", range(6))
def test_group_rows_equals_np_unique(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 20_000))
    x = rng.integers(0, 40, n).astype(float) - (10 if seed % 2 else 0)
    t_x = rng.integers(0, 400, n) / 7.0
    spend = np.round(rng.gamma(2.0, 3.0, n), 2)
    many = rng.random(n) * 1e6  # more distinct values than the binary-search shortcut takes
    if seed % 3 == 0:
        spend[rng.random(n) < 0.1] = np.nan
    for columns in [(x, t_x, spend), (x, t_x), (x, spend), (t_x,), (x, many)]:
        first, inverse, counts = bgnbd._group_rows(*columns)
        want_first, want_inverse, want_counts = _unique_rows(*columns)
        assert np.array_equal(inverse, want_inverse)
        assert np.array_equal(counts, want_counts)
        for column in columns:  # the representative row has the group's values
            assert _same(column[first], column[want_first])
    empty = bgnbd._group_rows(np.zeros(0), np.zeros(0))
    assert all(len(part) == 0 for part in empty)


@pytest.mark.parametrize("seed", range(6))
def test_rows_ahead_equals_searchsorted(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 20_000))
    cases = [
        rng.integers(-5, 40, n).astype(float),  # counted
        rng.integers(0, 10**9, n).astype(float),  # whole numbers, long range: sorted
        np.round(rng.normal(size=n), 1),  # ties
        -rng.integers(0, 1100, n) / 7.0,
    ]
    special = np.round(rng.normal(size=n), 1)
    special[rng.random(n) < 0.1] = np.nan
    special[rng.random(n) < 0.05] = np.inf
    special[rng.random(n) < 0.05] = -np.inf
    cases.append(special)
    for key in cases:
        assert np.array_equal(segments.rows_ahead(key), np.searchsorted(np.sort(key), key, side="left"))
    assert len(segments.rows_ahead(np.zeros(0))) == 0


def test_arrays_round_trip_like_pyarrow():
    rng = np.random.default_rng(7)
    for values in (
        rng.integers(-(2**40), 2**40, 1000),
        rng.integers(0, 5, 1000).astype(np.int32),
        np.array([1.5, np.nan, -np.inf, 0.0]),
        np.zeros(0),
    ):
        got = arrays.column(values)
        want = pa.array(values)
        assert got.type == want.type and got.null_count == want.null_count == 0  # NaN stays a number
        assert np.array_equal(got.to_numpy(), want.to_numpy(), equal_nan=True)
        assert np.array_equal(arrays.numbers(got), values, equal_nan=True)
    strided = np.arange(10.0)[::2]  # not contiguous: copied first
    assert arrays.column(strided).equals(pa.array(strided))
    names = ["식품", "", "Books", "가전"]
    assert arrays.strings(names).equals(pa.array(names, pa.string()))
    # several chunks, a slice with an offset, booleans, and nulls (pyarrow's own conversion)
    chunked = pa.chunked_array([pa.array([1, 2, 3]), pa.array([4, 5])])
    assert arrays.numbers(chunked).tolist() == [1, 2, 3, 4, 5]
    assert arrays.numbers(pa.array([1.0, 2.0, 3.0, 4.0]).slice(1, 2)).tolist() == [2.0, 3.0]
    assert arrays.numbers(pa.array([True, False, True])).tolist() == [True, False, True]
    with_null = arrays.numbers(pa.array([1.0, None]))
    assert with_null[0] == 1.0 and np.isnan(with_null[1])


def _tiers_by_sorting(clv: np.ndarray, cutoffs: segments.TierCutoffs) -> np.ndarray:
    """The previous `value_tier_codes`: a stable sort of every customer."""
    n = len(clv)
    order = np.argsort(-np.asarray(clv, dtype=float), kind="stable")
    rank = np.empty(n, dtype=float)
    rank[order] = (np.arange(n) + 1) / max(n, 1)
    bounds = np.cumsum([cutoffs.super_superior, cutoffs.superior, cutoffs.regular]) + 1e-12
    tier = np.full(n, 3, dtype=np.int64)
    tier[rank <= bounds[2]] = 2
    tier[rank <= bounds[1]] = 1
    tier[rank <= bounds[0]] = 0
    return tier


@pytest.mark.parametrize("seed", range(8))
def test_value_tiers_equal_a_stable_sort(seed):
    rng = np.random.default_rng(200 + seed)
    n = int(rng.integers(1, 5000))
    clv = np.round(rng.gamma(0.5, 100.0, n), int(rng.integers(-2, 2)))  # many ties, zeros
    if seed % 2:
        clv[rng.random(n) < 0.3] = 0.0
    if seed % 4 == 3:
        clv[rng.random(n) < 0.2] = np.nan
    for cutoffs in (
        segments.TierCutoffs(),
        segments.TierCutoffs(0.0, 0.0, 1.0),
        segments.TierCutoffs(0.5, 0.5, 0.0),
    ):
        assert np.array_equal(segments.value_tier_codes(clv, cutoffs), _tiers_by_sorting(clv, cutoffs))
    assert len(segments.value_tier_codes(np.zeros(0))) == 0


@pytest.mark.parametrize("seed", range(4))
def test_text_order_of_whole_numbers_equals_arrows_string_sort(seed):
    rng = np.random.default_rng(300 + seed)
    n = int(rng.integers(1, 5000))
    ids = np.concatenate(
        [
            rng.integers(0, 10 ** int(rng.integers(1, 17)), n),
            rng.integers(1, 99, 40) * 10 ** rng.integers(0, 14, 40),  # prefixes: 5, 50, 500 …
            [0, 9, 10, 99, 100, 10**15, 10**16 - 1],
        ]
    )
    ids = rng.permutation(np.unique(ids))
    want = pc.sort_indices(pa.array(ids).cast(pa.string()))
    assert np.array_equal(duckpath.text_order(ids), np.asarray(want.to_numpy(), dtype=np.int64))
    assert duckpath.text_order(np.array([-1, 5])) is None  # '-' sorts before digits: left to Arrow
    assert duckpath.text_order(np.array([10**16])) is None
    assert len(duckpath.text_order(np.zeros(0, dtype=np.int64))) == 0
