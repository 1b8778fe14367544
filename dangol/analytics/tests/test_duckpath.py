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


def _random_lines(path: Path, seed: int, *, string_ids: bool, shift: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n = 4000
    customers = rng.integers(1, 400, n) * (37 if not string_ids else 1)  # 37, 74, … 999: text order ≠ numeric
    customers -= shift  # negative ids: text order of "-…" by Arrow's sort of the text
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


@pytest.mark.parametrize(
    ("seed", "string_ids", "shift"), [(1, False, 0), (2, True, 0), (3, False, 0), (5, False, 5000)]
)
def test_fast_path_equals_the_ibis_expressions(tmp_path, seed, string_ids, shift):
    path = tmp_path / "lines.parquet"
    _random_lines(path, seed, string_ids=string_ids, shift=shift)
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
        # unordered (the pipeline's fits start on it): the same rows, put in id order by `id_order`
        rows = duckpath.summary(con, tx, end=END, unit_days=unit, ordered=False)
        order, ids = duckpath.id_order(rows)
        assert ids.equals(expected["customer_id"].combine_chunks())
        assert not rows.take(order)["frequency"].equals(rows["frequency"])  # DuckDB's order is not the ids'
        for name in expected.column_names[1:]:
            assert rows[name].take(order).equals(fast[name]), name
    fast_related = duckpath.related_sales(con, tx, end=END)
    slow_related = retention.related_sales(retention.customer_categories(tx.filter(tx.day <= END)))
    assert fast_related == slow_related
    assert 0 < fast_related["revenue_share"] < 1
    # the summary's own pass: the same summary, and related sales from its first categories
    table, found = duckpath.summary_with_categories(con, tx, end=END, unit_days=7.0)
    assert found is not None and len(found.names) == 6
    assert table.equals(duckpath.summary(con, tx, end=END, unit_days=7.0))
    assert duckpath.related_from_summary(con, tx, found, end=END) == slow_related


@pytest.mark.parametrize(
    ("spacing", "nulls", "lookup"), [(1, False, True), (3, True, True), (37, False, False)]
)
def test_first_category_revenue_by_id_lookup_equals_the_join(tmp_path, monkeypatch, spacing, nulls, lookup):
    """Whole-number ids in a dense range (at most 4 per customer): the first categories' revenue comes from
    a NumPy lookup by id over the lines read in batches instead of a join; the same figure as the join (FLOAT
    amounts, NULL amounts, batches smaller than the file) and, without NULL amounts, the same related sales
    as the Ibis expression. Sparser ids keep the join."""
    rng = np.random.default_rng(11)
    n = 3000
    customers = 1000 + rng.integers(0, 300, n) * spacing
    day = dt.date(2023, 1, 1) + np.array([dt.timedelta(days=int(d)) for d in rng.integers(0, 600, n)])
    day = np.where(rng.random(n) < 0.5, dt.date(2023, 3, 1), day)
    amount = (rng.integers(1, 400, n) / 4).astype(np.float32)
    path = tmp_path / "lines.parquet"
    table = pa.table(
        {
            "customer": pa.array(customers.astype(np.int32)),
            "date": pa.array(list(day), pa.date32()),
            "amount": pa.array(amount, mask=(rng.random(n) < 0.05) & nulls),
            "category": pa.array(list(np.array(["식품", "가전", "Books", "의류"])[rng.integers(0, 4, n)])),
        }
    )
    pq.write_table(table, path)
    con = engine.connect("duckdb")
    tx, _n = engine.load_counted(con, path, engine.Columns("customer", "date", "amount", "category"))
    _table, found = duckpath.summary_with_categories(con, tx, end=END, unit_days=7.0)
    assert found is not None
    monkeypatch.setattr(duckpath, "LOOKUP_BATCH", 256)
    by_lookup = duckpath._first_revenue_by_lookup(con, tx, found, end=END)
    by_join = duckpath._first_revenue_by_join(con, tx, found, end=END)
    assert (by_lookup is not None) == lookup
    if lookup:
        assert by_lookup == pytest.approx(by_join, rel=1e-12) and by_join > 0
    if not nulls:  # (with NULL amounts the summary's and the Ibis expression's revenue already differ)
        slow = retention.related_sales(retention.customer_categories(tx.filter(tx.day <= END)))
        assert duckpath.related_from_summary(con, tx, found, end=END) == slow


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
    _table, found = duckpath.summary_with_categories(con, tx, end=END, unit_days=7.0)
    assert found is not None and found.names == ["Books", "가전", "식품"]
    assert duckpath.related_from_summary(con, tx, found, end=END) == related
    # the same through the loader without Ibis, whose validation scan lists the categories
    raw = duckpath.connect()
    lines, _n = duckpath.load_counted(raw, path, engine.Columns("customer", "date", "amount", "category"))
    assert lines.categories == ["Books", "가전", "식품"]
    _table, found = duckpath.summary_with_categories(raw, lines, end=END, unit_days=7.0)
    assert found is not None and duckpath.related_from_summary(raw, lines, found, end=END) == related


def test_related_sales_past_the_category_bits_use_the_category_aggregate(tmp_path):
    """With more categories than bits in the summary's mask (MASK_CATEGORIES), the summary finds no first
    categories and related sales take the (customer, category) aggregate; with exactly MASK_CATEGORIES the
    bits hold them all, the last one in bit 62 included. Both agree with the Ibis expressions."""
    for count in (duckpath.MASK_CATEGORIES, duckpath.MASK_CATEGORIES + 1):
        path = tmp_path / f"tx-{count}.csv"
        rows = ["customer,date,amount,category"]
        for k in range(count):  # customer k buys category k on its first day; c0 also buys every category
            rows.append(f"c{k},2024-01-{1 + k % 28:02d},{100 + k},cat{k:03d}")
            rows.append(f"c0,2024-03-01,{k + 1},cat{k:03d}")
        rows.append(f"c{count - 1},2024-01-01,7,cat{count - 1:03d}")  # the last category on its own first day
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        con = engine.connect("duckdb")
        tx, _n = engine.load_counted(con, path, engine.Columns("customer", "date", "amount", "category"))
        expected = retention.related_sales(retention.customer_categories(tx.filter(tx.day <= END)))
        table, found = duckpath.summary_with_categories(con, tx, end=END, unit_days=7.0)
        assert table.equals(duckpath.summary(con, tx, end=END, unit_days=7.0))
        if count > duckpath.MASK_CATEGORIES:
            assert found is None
            assert duckpath.related_sales(con, tx, end=END) == expected
        else:
            assert found is not None and found.cross == 1
            assert duckpath.related_from_summary(con, tx, found, end=END) == expected


# --- loading without Ibis: `duckpath.load_counted` against `engine.load_counted` ---------------------------

_CSV_CASES = {
    # ISO dates, whole-number amounts, a missing category, a customer id column named like an output column
    "iso": (
        "customer_id,date,amount,category\n7,2024-01-02,1200,식품\n8,2024-01-03,300,\n7,2024-02-01,50,가전\n",
        engine.Columns("customer_id", "date", "amount", "category"),
    ),
    # yyyymmdd integers, decimal amounts, the date column named `day` and the amount column `amount`
    "yyyymmdd": (
        "cid,day,amount\nA,20240102,10.5\nB,20240103,3\nA,20240301,7.25\n",
        engine.Columns("cid", "day", "amount"),
    ),
    # timestamps and amounts written as text (one with a thousands comma would be text, kept simple here)
    "timestamps": (
        "who,at,won,kind\n1,2024-01-02 10:00:00,100,a\n2,2024-01-02 23:59:59,200,b\n",
        engine.Columns("who", "at", "won", "kind"),
    ),
}

_BAD_CSV = {
    "bad date": "c,d,a\n1,2024-01-02,10\n2,not a date,10\n",
    "bad amount": "c,d,a\n1,2024-01-02,10\n2,2024-01-03,ten\n",
    "negative": "c,d,a\n1,2024-01-02,10\n2,2024-01-03,-5\n3,2024-01-04,1\n",
    "no customer": "c,d,a\n1,2024-01-02,10\n,2024-01-03,5\n",
    "header only": "c,d,a\n",
}


def _rows(table: pa.Table) -> list[tuple]:
    return sorted(tuple(row.values()) for row in table.to_pylist())


@pytest.mark.parametrize("case", sorted(_CSV_CASES))
def test_loader_without_ibis_equals_the_engine_loader(tmp_path, case):
    text, cols = _CSV_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(text, encoding="utf-8")
    raw = duckpath.connect()
    lines, n = duckpath.load_counted(raw, path, cols)
    con = engine.connect("duckdb")
    tx, n_ibis = engine.load_counted(con, path, cols)
    expected = tx.to_pyarrow()
    got = raw.con.sql(lines.sql).to_arrow_table()
    assert n == n_ibis == text.count("\n") - 1
    assert got.schema.names == expected.schema.names
    assert [f.type for f in got.schema] == [f.type for f in expected.schema]
    assert _rows(got) == _rows(expected)
    # the Ibis view of the same lines (used by the holdout check) reads the same rows
    assert _rows(lines.table().to_pyarrow()) == _rows(expected)


@pytest.mark.parametrize("case", sorted(_BAD_CSV))
def test_loader_without_ibis_gives_the_engine_loaders_errors(tmp_path, case):
    path = tmp_path / "bad.csv"
    path.write_text(_BAD_CSV[case], encoding="utf-8")
    cols = engine.Columns("c", "d", "a")
    with pytest.raises(engine.InputError) as ibis_error:
        engine.load_counted(engine.connect("duckdb"), path, cols)
    with pytest.raises(engine.InputError) as raw_error:
        duckpath.load_counted(duckpath.connect(), path, cols)
    assert str(raw_error.value) == str(ibis_error.value)
    missing = engine.Columns("c", "d", "price")
    with pytest.raises(engine.InputError, match="열이 없습니다: price"):
        duckpath.load_counted(duckpath.connect(), path, missing)


def test_loader_without_ibis_reads_mixed_line_endings(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"c,d,a\r\n1,2024-01-02,10\n2,2024-01-03,5\n")
    cols = engine.Columns("c", "d", "a")
    lines, n = duckpath.load_counted(duckpath.connect(), path, cols)
    tx, n_ibis = engine.load_counted(engine.connect("duckdb"), path, cols)
    assert n == n_ibis == 2
    assert _rows(lines.con.con.sql(lines.sql).to_arrow_table()) == _rows(tx.to_pyarrow())


def test_loader_without_ibis_parses_a_csv_once_into_a_copy_that_lives_with_the_connection(tmp_path):
    """The CSV is parsed once, into a Parquet copy that every later scan reads: changing the file after loading
    changes nothing, and the copy goes away with the connection."""
    import gc

    path = tmp_path / "lines.csv"
    path.write_text("c,d,a\n1,2024-01-02,10\n1,2024-01-05,5\n2,2024-01-03,7\n", encoding="utf-8")
    con = duckpath.connect()
    lines, n = duckpath.load_counted(con, path, engine.Columns("c", "d", "a"))
    path.write_text("c,d,a\n9,2024-01-02,1\n", encoding="utf-8")
    table = duckpath.summary(con, lines, end=END, unit_days=1.0)
    assert n == 3
    assert table["customer_id"].to_pylist() == ["1", "2"]
    assert table["total"].to_pylist() == [15.0, 7.0]
    copies = list(Path(con.spill).glob("*.parquet"))
    assert len(copies) == 1
    del lines, con
    gc.collect()
    assert not copies[0].exists()


@pytest.mark.parametrize("string_ids", [True, False])
def test_cli_on_duckdb_does_not_import_ibis_or_pandas(tmp_path, string_ids):
    """`dangol analyze` on DuckDB (and so the app's value run) never imports Ibis, nor pandas (which pyarrow's
    `pa.array`/`to_numpy` import; see `arrays`), nor tqdm with --no-progress: the CLI in a fresh interpreter,
    with categories, reports none of them in `sys.modules` at the end; its figures match the Ibis path's
    summary."""
    import json
    import subprocess
    import sys

    path = tmp_path / "lines.parquet"
    _random_lines(path, 4, string_ids=string_ids)  # integer ids: put in text order from their digits
    out = tmp_path / "out"
    wrapper = (
        "import sys\n"
        "from dangol.analytics.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(*[name.upper() for name in ('ibis', 'pandas', 'tqdm') if name in sys.modules] or ['NONE'])\n"
        "sys.exit(code)\n"
    )
    args = [
        str(path),
        "--customer",
        "customer",
        "--date",
        "date",
        "--amount",
        "amount",
        "--category",
        "category",
    ]
    args += ["--end", END.isoformat(), "--out", str(out), "--no-progress"]
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "NONE"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    con = engine.connect("duckdb")
    tx, n = engine.load_counted(con, path, engine.Columns("customer", "date", "amount", "category"))
    summary = (
        engine.summary(engine.customer_days(tx), end=END, unit_days=7.0).order_by("customer_id").to_pyarrow()
    )
    assert report["n_transactions"] == n
    assert report["n_customers"] == summary.num_rows
    scorecard = pq.read_table(out / "customers.parquet")
    assert scorecard["customer_id"].equals(summary["customer_id"])
    np.testing.assert_allclose(scorecard["T"].to_numpy(), summary["T"].to_numpy(), rtol=1e-12)
    expected_related = retention.related_sales(retention.customer_categories(tx.filter(tx.day <= END)))
    assert report["three_r"]["related_sales"] == expected_related
