"""The DuckDB fast path: the per-customer summary and the related-sales figures as one SQL statement each.

`engine.summary` and `retention.related_sales` are Ibis expressions that run on every engine (the PySpark path
and the parity tests use them). On DuckDB the same definitions are written here as plain SQL over the validated
transactions (`engine.load_counted`, compiled by Ibis), because Ibis's rendering costs CPU that the numbers do
not need (measured at 10M order lines, 1M customers, CPU seconds of the whole process):

- summary: no cached (customer, day) table, the purchase days aggregated inside the one statement; the first
  day's amount by `arg_min` (the day is unique per customer there);
- related sales: the first category by an integer key (days since 1970 × number of categories + the category's
  rank in binary string order) instead of an `arg_min` over a (first day, category) struct — the same order,
  compared as integers.

The results are the same as the Ibis expressions' (tested in `tests/test_duckpath.py` on random data with ties).
With 63 categories or fewer, related sales come from the summary's own pass instead (`summary_with_categories`:
category bits per day, then the first category's revenue from one more scan of the lines, `related_from_summary`:
a lookup by id in NumPy for whole-number ids in a dense range, else a join).

Loading a file (`connect`, `load_counted`): the same reading and validation as `engine.load_counted`, written as
DuckDB SQL, so that `dangol analyze` on DuckDB runs without importing Ibis at all (importing Ibis and loading its
DuckDB backend, which imports every SQL dialect of sqlglot, is ≈ 1 s of start-up). The result, `Lines`, is the
validated transactions as a SELECT statement (a CSV is parsed once, into a Parquet copy that the later scans
read); `Lines.table()` gives the Ibis table for the steps that still need Ibis (the holdout check, cohorts
reaching back past the month masks).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dangol.analytics import arrays
from dangol.analytics.engine import (
    DUCKDB_MEMORY_LIMIT,
    Columns,
    InputError,
    read_file,
)
from dangol.analytics.retention import MASK_MONTHS

if TYPE_CHECKING:
    import ibis.expr.types as ir

_spill_ids = itertools.count()
_view_ids = itertools.count()


class Connection:
    """A plain DuckDB connection with the settings `engine.connect("duckdb")` gives its Ibis connection (memory
    cap, spill folder, UTC, no Python-variable scans); `.con` is the DuckDB connection, as on Ibis's backend."""

    name = "duckdb"

    def __init__(self) -> None:
        import duckdb

        spill = os.path.join(tempfile.gettempdir(), f"dangol-duckdb-raw-{os.getpid()}-{next(_spill_ids)}")
        self.con = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": os.environ.get("DANGOL_ANALYZE_MEMORY_LIMIT") or DUCKDB_MEMORY_LIMIT,
                "temp_directory": spill,
                "python_enable_replacements": False,
            },
        )
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")  # DuckDB's own bar on stdout; the CLI has its own
        self._ibis: Any = None
        self.spill = spill
        weakref.finalize(self, shutil.rmtree, spill, True)

    def ibis(self) -> Any:
        """The Ibis backend over the same DuckDB connection (imports Ibis; made once)."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis


@dataclass
class Lines:
    """The validated transactions (customer_id, day, amount[, category]) as DuckDB SQL on `con`."""

    con: Connection
    sql: str
    categories: list[str] | None = None  # the distinct categories, found by the validation scan
    _table: Any = field(default=None, repr=False)

    def table(self) -> ir.Table:
        """The same rows as an Ibis table (imports Ibis)."""
        if self._table is None:  # a view, read as a table (Ibis's own `.sql()` fails on DuckDB 2.0's cursor)
            name = f"dangol_lines_{next(_view_ids)}"
            self.con.con.execute(f"CREATE TEMP VIEW {name} AS {self.sql}")
            self._table = self.con.ibis().table(name)
        return self._table  # type: ignore[no-any-return]


def connect() -> Connection:
    return Connection()


@contextlib.contextmanager
def threads(con: Any, n: int) -> Iterator[None]:
    """DuckDB's worker threads on `con` limited to `n` for the block (then restored)."""
    before = int(con.con.sql("SELECT current_setting('threads')").fetchall()[0][0])
    con.con.execute(f"SET threads = {int(n)}")
    try:
        yield
    finally:
        con.con.execute(f"SET threads = {before}")


def available(con: Any) -> bool:
    """True on a DuckDB connection (Ibis's or `Connection`): the fast path needs its raw DuckDB connection."""
    return getattr(con, "name", "") == "duckdb" and hasattr(con, "con")


def _lines_sql(tx: ir.Table | Lines) -> str:
    if isinstance(tx, Lines):
        return tx.sql
    import ibis

    return str(ibis.to_sql(tx, dialect="duckdb"))


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
}
_FLOATS = {"FLOAT", "DOUBLE"}


def load_counted(con: Connection, source: str | os.PathLike[str], cols: Columns) -> tuple[Lines, int]:
    """`engine.load_counted` on a file, in DuckDB SQL: the same columns, conversions, checks and messages."""
    return read_file(
        con,
        source,
        parquet=lambda path: _validated(con, f"read_parquet({_text(str(path))})", cols),
        csv=lambda path: _validated(con, _csv_once(con, path), cols),
    )


def _csv(path: Path) -> str:
    return f"read_csv({_text(str(path))}, header = TRUE, auto_detect = TRUE)"


def _csv_once(con: Connection, path: Path) -> str:
    """A CSV parsed once: copied as DuckDB reads it (its detected column types, the rows in file order, so row
    numbers stay those of the file) to a Parquet file in the connection's spill folder, which lives as long as
    the connection. Validation, the summary and related sales then scan the Parquet file instead of parsing the
    CSV three times. A parse error is raised here, inside `read_file`'s CSV handling, as before."""
    os.makedirs(con.spill, exist_ok=True)
    target = os.path.join(con.spill, f"lines-{next(_view_ids)}.parquet")
    con.con.execute(f"COPY (SELECT * FROM {_csv(path)}) TO {_text(target)} (FORMAT parquet)")  # noqa: S608
    return f"read_parquet({_text(target)})"


def _validated(con: Connection, source: str, cols: Columns) -> tuple[Lines, int]:
    relation = con.con.sql(f"SELECT * FROM {source}")  # noqa: S608 (a quoted path)
    types = {name: str(kind).upper() for name, kind in zip(relation.columns, relation.types, strict=True)}
    missing = [c for c in (cols.customer, cols.date, cols.amount, cols.category) if c and c not in types]
    if missing:
        raise InputError(f"열이 없습니다: {', '.join(missing)} (있는 열: {', '.join(types)})")
    date, amount = _name(cols.date), _name(cols.amount)
    date_type, amount_type = types[cols.date], types[cols.amount]
    if date_type == "DATE":
        day = date
    elif date_type.startswith("TIMESTAMP"):
        day = f"CAST({date} AS DATE)"
    elif date_type in _INTEGERS:  # 19970101
        day = f"CAST(STRPTIME(CAST({date} AS VARCHAR), '%Y%m%d') AS DATE)"
    else:
        day = f"CAST(TRY_CAST(CAST({date} AS VARCHAR) AS TIMESTAMP) AS DATE)"
    if amount_type == "VARCHAR":
        value = f"TRY_CAST({amount} AS DOUBLE)"
    elif amount_type in _FLOATS:
        value = amount
    else:
        value = f"CAST({amount} AS DOUBLE)"
    checks = {}
    if date_type != "DATE":
        checks["bad_date"] = "day IS NULL AND _raw_date IS NOT NULL"
    if not (amount_type in _INTEGERS or amount_type in _FLOATS or amount_type.startswith("DECIMAL")):
        checks["bad_amount"] = "amount IS NULL AND _raw_amount IS NOT NULL"
    checks["negative"] = "amount < 0"
    checks["no_customer"] = "customer_id IS NULL"
    category = f", {_name(cols.category)} AS _raw_category" if cols.category else ""
    typed = (  # names quoted, the path quoted: no input text is spliced in unquoted
        f"SELECT {_name(cols.customer)} AS customer_id, {day} AS day, {value} AS amount, "  # noqa: S608
        f"{date} AS _raw_date, {amount} AS _raw_amount{category} FROM {source}"
    )
    counts = ", ".join(f"SUM(CAST(({test}) AS BIGINT)) AS {name}" for name, test in checks.items())
    named = "COALESCE(CAST(_raw_category AS VARCHAR), '미분류')"
    # the distinct categories in the same scan (the summary's category bits need them): a CSV is parsed once less
    distinct = f", LIST(DISTINCT {named}) AS categories" if cols.category else ""
    row = con.con.sql(f"SELECT COUNT(*) AS n, {counts}{distinct} FROM ({typed})").fetchall()[0]  # noqa: S608
    found = dict(zip(["n", *checks, *(["categories"] if cols.category else [])], row, strict=True))
    if not found["n"]:
        raise InputError("거래가 한 건도 없습니다 (empty file)")
    if any(found[name] for name in checks):
        firsts = ", ".join(f"MIN(_row) FILTER (WHERE {test}) AS {name}" for name, test in checks.items())
        numbered = f"SELECT *, ROW_NUMBER() OVER () + 1 AS _row FROM ({typed})"  # noqa: S608
        rows = dict(zip(checks, con.con.sql(f"SELECT {firsts} FROM ({numbered})").fetchall()[0], strict=True))  # noqa: S608
        if rows.get("bad_date") is not None:
            raise InputError(f"열 {cols.date}: {rows['bad_date']}행의 날짜를 읽을 수 없습니다")
        if rows.get("bad_amount") is not None:
            raise InputError(f"열 {cols.amount}: {rows['bad_amount']}행의 금액이 숫자가 아닙니다")
        if rows["negative"] is not None:
            raise InputError(f"열 {cols.amount}: {rows['negative']}행의 금액이 음수입니다")
        if rows["no_customer"] is not None:
            raise InputError(f"열 {cols.customer}: {rows['no_customer']}행의 고객 ID가 비어 있습니다")
    category = f", {named} AS category" if cols.category else ""
    sql = f"SELECT customer_id, day, amount{category} FROM ({typed})"  # noqa: S608
    return Lines(con, sql, categories=sorted(found["categories"]) if cols.category else None), int(found["n"])


def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


MASK_CATEGORIES = 63  # category ranks 0 … 62: bits of a signed int64


def _names_list(names: list[str]) -> str:
    """The category names as a DuckDB list of quoted literals: a name's rank is its LIST_POSITION − 1."""
    return "[" + ", ".join(_text(name) for name in names) + "]"


@dataclass
class FirstCategories:
    """What the summary's pass over the order lines already knows for related sales (`related_from_summary`):
    each customer's first category (its rank among `names`, in binary string order) and how many customers
    bought in more than one category. `firsts` holds the customers' raw ids (`_raw_id`) and ranks
    (`_first_category`) for one join with the lines; `revenue` is the sum of the customers' totals."""

    names: list[str]
    firsts: pa.Table
    cross: int
    customers: int
    revenue: float


def summary(
    con: Any, tx: ir.Table | Lines, *, end: dt.date, unit_days: float, ordered: bool = True
) -> pa.Table:
    """`engine.summary(engine.customer_days(tx), end=…, unit_days=…).order_by("customer_id").to_pyarrow()`,
    the same columns and rows, in one DuckDB statement. `ordered=False`: the rows in the order DuckDB returns
    them, the ids not yet as text (`id_order` gives the order and the text ids)."""
    return _summary(con, tx, end=end, unit_days=unit_days, names=None, ordered=ordered)[0]


def summary_with_categories(
    con: Any, tx: ir.Table | Lines, *, end: dt.date, unit_days: float, ordered: bool = True
) -> tuple[pa.Table, FirstCategories | None]:
    """`summary`, and from the same pass over the lines each customer's first category and whether they bought
    in more than one (None when the lines have more than MASK_CATEGORIES categories: then `related_sales`).

    The per-(customer, day) aggregate also ORs each line's category bit (1 << rank, ranks in binary string
    order); per customer the first day's bits give the first category (the lowest bit: the smallest name, as in
    `retention.related_sales`) and the OR of all days' bits the number of categories. Related sales then need
    only the first category's revenue: one join of the lines with 1M (customer, rank) rows
    (`related_from_summary`) instead of a (customer, category) aggregate over every line. At 10M lines this
    measured ≈ 3.3–3.8 user CPU s for summary + join against ≈ 4.9–6.2 s for summary + the (customer, category)
    statement (load ≈ 6–14)."""
    if isinstance(tx, Lines) and tx.categories is not None:  # from the validation scan (all days: ranks of a
        names = tx.categories  # superset keep the order of the names before `end`)
    else:
        # compiled SQL and a date: no input text; Python's str order is code-point order, as is UTF-8's byte
        # order (DuckDB's)
        distinct = f"SELECT DISTINCT category FROM ({_lines_sql(tx)}) AS t WHERE day <= {_date(end)}"  # noqa: S608
        names = sorted(row[0] for row in con.con.sql(distinct).fetchall())
    if not names or len(names) > MASK_CATEGORIES:
        return summary(con, tx, end=end, unit_days=unit_days, ordered=ordered), None
    return _summary(con, tx, end=end, unit_days=unit_days, names=names, ordered=ordered)


def _summary(
    con: Any,
    tx: ir.Table | Lines,
    *,
    end: dt.date,
    unit_days: float,
    names: list[str] | None,
    ordered: bool = True,
) -> tuple[pa.Table, FirstCategories | None]:
    end_month = end.year * 12 + end.month - 1
    unit = float(unit_days)
    id_type = str(con.con.sql(f"SELECT customer_id FROM ({_lines_sql(tx)}) AS lines LIMIT 0").types[0])  # noqa: S608
    integer_ids = id_type.upper() in _INTEGERS - {"HUGEINT"}  # 128-bit ids: Arrow's sort of the text
    raw_id = "\n  customer_id AS _raw_id," if integer_ids or names else ""
    # whole-number ids become text in Arrow after the sort (`id_order`), not in DuckDB before it: the sort
    # then moves numbers instead of strings
    text_id = "" if integer_ids else "\n  CAST(customer_id AS VARCHAR) AS customer_id,"
    day_bits = per_bits = out_bits = ""
    if names:  # the names are quoted literals
        day_bits = f",\n    BIT_OR(1::BIGINT << (LIST_POSITION({_names_list(names)}, category) - 1)) AS category_bits"
        per_bits = ",\n    ARG_MIN(category_bits, day) AS first_bits,\n    BIT_OR(category_bits) AS all_bits"
        out_bits = (
            ",\n  BIT_COUNT((first_bits & -first_bits) - 1)::INTEGER AS _first_category,"
            "\n  BIT_COUNT(all_bits) > 1 AS _cross"
        )
    # built from Ibis's compiled SQL (it quotes every name and literal), dates and numbers: no input text
    sql = f"""
WITH days AS (
  SELECT customer_id, day, SUM(amount) AS day_amount{day_bits}
  FROM ({_lines_sql(tx)}) AS lines
  WHERE day <= {_date(end)}
  GROUP BY customer_id, day
), per AS (
  SELECT
    customer_id,
    MIN(day) AS first_day,
    MAX(day) AS last_day,
    COUNT(*) AS n_days,
    SUM(day_amount) AS total,
    ARG_MIN(day_amount, day) AS first_amount,
    BIT_OR(CASE WHEN back BETWEEN 0 AND {MASK_MONTHS} THEN (1::BIGINT << back) ELSE 0::BIGINT END) AS month_bits{per_bits}
  FROM (SELECT *, ({end_month} - (YEAR(day) * 12 + MONTH(day) - 1))::INTEGER AS back FROM days)
  GROUP BY customer_id
)
SELECT{text_id}{raw_id}
  first_day,
  last_day,
  n_days,
  total,
  month_bits,
  n_days - 1 AS frequency,
  CAST(DATE_DIFF('day', first_day, last_day) AS DOUBLE) / {unit} AS recency,
  CAST(DATE_DIFF('day', first_day, {_date(end)}) AS DOUBLE) / {unit} AS "T",
  CASE WHEN n_days > 1 THEN (total - first_amount) / (n_days - 1) ELSE 0.0 END AS monetary,
  CAST(DATE_DIFF('day', last_day, {_date(end)}) AS DOUBLE) AS days_since_last{out_bits}
FROM per
"""  # noqa: S608
    table = con.con.sql(sql).to_arrow_table()
    categories = None
    if names:
        cross = pc.sum(table["_cross"]).as_py() or 0
        revenue = pc.sum(table["total"]).as_py() or 0.0
        firsts = table.select(["_raw_id", "_first_category"])
        categories = FirstCategories(names, firsts, int(cross), table.num_rows, float(revenue))
        table = table.drop_columns(["_first_category", "_cross"])
    if "customer_id" in table.column_names and "_raw_id" in table.column_names:
        table = table.drop_columns(["_raw_id"])  # text ids: `customer_id` is the id
    if not ordered:
        return table, categories
    order, ids = id_order(table)
    ordered_table = table.drop_columns([c for c in ("customer_id", "_raw_id") if c in table.column_names])
    return ordered_table.take(order).add_column(0, "customer_id", ids), categories


def id_order(table: pa.Table) -> tuple[pa.Array, pa.Array]:
    """The order of an unordered summary's rows (`summary(..., ordered=False)`) by the id as text, like the
    Ibis path's ORDER BY, and the ids as text in that order. Arrow's single-threaded sort of the ids is cheaper
    than DuckDB's sort of the whole rows (0.4 against 0.9 CPU s for 1M customers); whole-number ids (`_raw_id`)
    are put in text order from their digits (`text_order`), a fifth of that again, and written as text as
    DuckDB's `CAST(customer_id AS VARCHAR)` writes them (decimal digits, a minus sign for negatives)."""
    if "customer_id" in table.column_names:
        ids = table["customer_id"].combine_chunks()
        order = pc.sort_indices(ids)
        return order, ids.take(order)
    raw = table["_raw_id"].combine_chunks()
    digits_order = text_order(arrays.numbers(raw))
    if digits_order is None:  # negative or very long ids: sorted as text
        text = pc.cast(raw, pa.string())
        order = pc.sort_indices(text)
        return order, text.take(order)
    order = arrays.column(digits_order)  # pa.array would import pandas
    return order, pc.cast(raw.take(order), pa.string())


def text_order(ids: np.ndarray) -> np.ndarray | None:
    """The order of distinct whole numbers as text (`"100" < "99"`), as `pc.sort_indices(ids.cast(string))`
    gives it, or None when an id is negative or has more than 16 digits. Text order is the order of the digits
    left-aligned (zero-padded to 16 digits: "19" → 19·10^14 < "2" → 2·10^15), a shorter id first where the
    padded values tie ("1" < "10" < "100"): one integer key, padded value × 32 + number of digits."""
    values = np.asarray(ids, dtype=np.int64)
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if int(values.min()) < 0 or int(values.max()) >= 10**16:
        return None
    powers = 10 ** np.arange(17, dtype=np.int64)
    digits = np.maximum(np.searchsorted(powers, values, side="right"), 1)  # 1 for 0–9, 2 for 10–99, …
    key = values * powers[16 - digits] * 32 + digits
    return np.argsort(key)  # type: ignore[no-any-return]


def related_sales(con: Any, tx: ir.Table, *, end: dt.date) -> dict[str, Any]:
    """`retention.related_sales(retention.customer_categories(tx.filter(tx.day <= end)))` in one statement:
    revenue from categories other than each customer's first one (bought on the first day, the smallest
    category in binary string order when several), and the share of customers buying in more than one."""
    lines = (  # Ibis's compiled SQL (it quotes every name and literal) and a date: no input text
        f"(SELECT customer_id, day, amount, category FROM ({_lines_sql(tx)}) AS t "  # noqa: S608
        f"WHERE day <= {_date(end)})"
    )
    # the categories' ranks in binary string order (Python's str order is code-point order, as is UTF-8's
    # byte order), joined as a small constant table
    names = sorted(row[0] for row in con.con.sql(f"SELECT DISTINCT category FROM {lines}").fetchall())  # noqa: S608
    if not names:
        return {"revenue_share": None, "cross_category_buyer_share": None}
    ranks = pa.table(
        {"category": arrays.strings(names), "r": arrays.column(np.arange(len(names), dtype=np.int64))}
    )
    sql = f"""
WITH cats AS (
  SELECT
    customer_id,
    SUM(amount) AS revenue,
    DATE_DIFF('day', DATE '1970-01-01', MIN(day))::BIGINT * {len(names)} + r AS first_key
  FROM {lines} AS l JOIN dangol_category_ranks USING (category)
  GROUP BY customer_id, r
), per AS (
  SELECT SUM(revenue) AS revenue, ARG_MIN(revenue, first_key) AS first_revenue, COUNT(*) AS n_cat
  FROM cats
  GROUP BY customer_id
)
SELECT SUM(revenue) AS revenue, SUM(revenue - first_revenue) AS related, COUNT(*) AS n,
       SUM((n_cat > 1)::BIGINT) AS "cross"
FROM per
"""  # noqa: S608
    con.con.register("dangol_category_ranks", ranks)
    try:
        row = con.con.sql(sql).fetchall()[0]
    finally:
        con.con.unregister("dangol_category_ranks")
    revenue, related, n, cross = row
    return {
        "revenue_share": round((related or 0) / revenue, 4) if revenue else None,
        "cross_category_buyer_share": round(cross / n, 4) if n else None,
    }


def related_from_summary(
    con: Any, tx: ir.Table | Lines, found: FirstCategories, *, end: dt.date
) -> dict[str, Any]:
    """`related_sales` from what the summary's pass found (`summary_with_categories`): the revenue of each
    customer's first category is the one figure left, summed over the lines joined with the customers' first
    category ranks; revenue from other categories is the customers' total revenue minus it."""
    if not found.customers:
        return {"revenue_share": None, "cross_category_buyer_share": None}
    first_revenue = _first_revenue_by_lookup(con, tx, found, end=end)
    if first_revenue is None:
        first_revenue = _first_revenue_by_join(con, tx, found, end=end)
    revenue = found.revenue
    return {
        "revenue_share": round((revenue - first_revenue) / revenue, 4) if revenue else None,
        "cross_category_buyer_share": round(found.cross / found.customers, 4),
    }


LOOKUP_BATCH = 1 << 18  # order lines per batch read from DuckDB by `_first_revenue_by_lookup` (≈ 5 MB)


def _first_revenue_by_lookup(
    con: Any, tx: ir.Table | Lines, found: FirstCategories, *, end: dt.date
) -> float | None:
    """The first categories' revenue when the ids are whole numbers in a dense range (at most 4 per customer,
    as in most shops' numbering): each customer's first category rank in a NumPy array indexed by the id, the
    lines (id, rank, amount) read from DuckDB in batches and summed where the line's rank is its customer's.
    This replaces the hash join of every line with the customers (at 10M lines, ≈ 0.5 against ≈ 0.9 CPU s).
    None for other ids (text, sparse numbers, unsigned 64-bit): then `_first_revenue_by_join`. A NULL amount
    counts 0, as SUM skips it; amounts are summed as doubles, as SUM sums a FLOAT column."""
    ids = found.firsts["_raw_id"]
    kind = ids.type
    if not (pa.types.is_signed_integer(kind) or (pa.types.is_unsigned_integer(kind) and kind.bit_width < 64)):
        return None
    raw = arrays.numbers(ids).astype(np.int64)
    low, high = int(raw.min()), int(raw.max())
    if high - low > 4 * len(raw) + 1024:
        return None
    first = np.full(high - low + 1, -1, dtype=np.int8)  # ranks 0 … 62; −1: no such customer
    first[raw - low] = arrays.numbers(found.firsts["_first_category"])
    sql = f"""
SELECT
  customer_id,
  COALESCE(LIST_POSITION({_names_list(found.names)}, category) - 1, -2)::TINYINT AS rank,
  CAST(COALESCE(amount, 0) AS DOUBLE) AS amount
FROM ({_lines_sql(tx)}) AS t
WHERE day <= {_date(end)}
"""  # noqa: S608 (compiled SQL, quoted names and a date: no input text)
    total = 0.0
    for batch in con.con.sql(sql).fetch_record_batch(LOOKUP_BATCH):
        customer = arrays.numbers(batch.column(0)).astype(np.int64)
        rank = arrays.numbers(batch.column(1))
        amount = arrays.numbers(batch.column(2))
        total += float(np.add.reduce(amount[first[customer - low] == rank]))
    return total


def _first_revenue_by_join(con: Any, tx: ir.Table | Lines, found: FirstCategories, *, end: dt.date) -> float:
    name = f"dangol_first_categories_{next(_view_ids)}"
    sql = f"""
SELECT SUM(l.amount)
FROM (
  SELECT customer_id, amount, (LIST_POSITION({_names_list(found.names)}, category) - 1)::INTEGER AS rank
  FROM ({_lines_sql(tx)}) AS t
  WHERE day <= {_date(end)}
) AS l
JOIN {name} AS f ON l.customer_id = f._raw_id AND l.rank = f._first_category
"""  # noqa: S608
    con.con.register(name, found.firsts)
    try:
        return float(con.con.sql(sql).fetchall()[0][0] or 0.0)
    finally:
        con.con.unregister(name)
