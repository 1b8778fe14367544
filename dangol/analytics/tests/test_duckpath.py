"""The DuckDB fast path (`duckpath`) gives the same summary and related-sales figures as the Ibis expressions that
every engine runs (`engine.summary`, `retention.related_sales`), on random data made to have ties: several
categories on a customer's first day, several lines per day, ids whose text order differs from their numeric
order, and lines after the end date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dangol.analytics import duckpath, engine, retention

END = dt.date(2024, 6, 30)


def _random_lines(path: Path, seed: int, *, string_ids: bool) -> None:
    rng = np.random.default_rng(seed)
    n = 4000
    customers = rng.integers(1, 400, n) * (37 if not string_ids else 1)  # 37, 74, … 999: text order ≠ numeric
    day = dt.date(2023, 1, 1) + np.array([dt.timedelta(days=int(d)) for d in rng.integers(0, 600, n)])
    # few days and few categories per customer, so first days with several categories are common
    day = np.where(rng.random(n) < 0.5, dt.date(2023, 3, 1), day)
    categories = np.array(["식품", "가전", "Books", "books", "의류", "가구"])[rng.integers(0, 6, n)]
    table = pa.table(
        {
            "customer": pa.array([f"c{c}" for c in customers] if string_ids else customers.astype(np.int64)),
            "date": pa.array(list(day), pa.date32()),
            "amount": pa.array(rng.integers(1, 50, n) * 100, pa.int64()),
            "category": pa.array(list(categories)),
        }
    )
    pq.write_table(table, path)


@pytest.mark.parametrize(("seed", "string_ids"), [(1, False), (2, True), (3, False)])
def test_fast_path_equals_the_ibis_expressions(tmp_path, seed, string_ids):
    path = tmp_path / "lines.parquet"
    _random_lines(path, seed, string_ids=string_ids)
    con = engine.connect("duckdb")
    assert duckpath.available(con)
    tx, _n = engine.load_counted(con, path, engine.Columns("customer", "date", "amount", "category"))
    for unit in (1.0, 7.0):
        fast = duckpath.summary(con, tx, end=END, unit_days=unit)
        slow = engine.summary(engine.customer_days(tx), end=END, unit_days=unit).order_by("customer_id")
        expected = slow.to_pyarrow()
        assert fast.schema == expected.schema
        assert fast.num_rows == expected.num_rows > 300
        for name in expected.column_names:
            if pa.types.is_floating(expected.schema.field(name).type):
                np.testing.assert_allclose(fast[name].to_numpy(), expected[name].to_numpy(), rtol=1e-12)
            else:
                assert fast[name].equals(expected[name]), name
    fast_related = duckpath.related_sales(con, tx, end=END)
    slow_related = retention.related_sales(retention.customer_categories(tx.filter(tx.day <= END)))
    assert fast_related == slow_related
    assert 0 < fast_related["revenue_share"] < 1


def test_first_category_ties_go_to_the_smallest_name_in_binary_order(tmp_path):
    """On the first day A buys "가전" and "Books": "Books" comes first in binary (UTF-8) order, so the
    revenue from other categories is 가전's 300 + 식품's 100 of 500."""
    path = tmp_path / "tx.csv"
    path.write_text(
        "customer,date,amount,category\n"
        "A,2024-01-05,300,가전\n"
        "A,2024-01-05,100,Books\n"
        "A,2024-02-01,100,식품\n"
        "B,2024-01-07,50,식품\n",
        encoding="utf-8",
    )
    con = engine.connect("duckdb")
    tx, _n = engine.load_counted(con, path, engine.Columns("customer", "date", "amount", "category"))
    related = duckpath.related_sales(con, tx, end=END)
    assert related == {"revenue_share": round(400 / 550, 4), "cross_category_buyer_share": 0.5}
