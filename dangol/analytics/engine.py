"""Loading and validating transactions, and the per-customer summary, as Ibis expressions.

The same expressions run on DuckDB (in-process, default) and on PySpark (local or a cluster). Only
the per-customer sufficient statistics leave the engine; the models are fitted in NumPy/SciPy.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

_spark_session: Any = None


class InputError(ValueError):
    """Bad input: the message names the column (and row where there is one). CLI exit code 2."""


def connect(engine: str = "duckdb") -> Any:
    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "pyspark":
        return ibis.pyspark.connect(spark_session())
    raise InputError(f"알 수 없는 엔진입니다: {engine} (duckdb 또는 pyspark)")


def spark_session() -> Any:
    """One local SparkSession per process, with its own warehouse folder (see shared/notes/analytics.md)."""
    global _spark_session
    if _spark_session is None:
        from pyspark.sql import SparkSession

        warehouse = tempfile.mkdtemp(prefix="dangol-spark-")
        _spark_session = (
            SparkSession.builder.master("local[2]")
            .appName("dangol-analytics")
            .config("spark.sql.warehouse.dir", warehouse)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
        _spark_session.sparkContext.setLogLevel("ERROR")
    return _spark_session


@dataclass(frozen=True)
class Columns:
    customer: str
    date: str
    amount: str
    category: str | None = None


def load(con: Any, source: str | Path | ir.Table, cols: Columns) -> ir.Table:
    """Read CSV or Parquet (or take a table) and return (customer_id, day, amount[, category]), validated."""
    return load_counted(con, source, cols)[0]


def load_counted(con: Any, source: str | Path | ir.Table, cols: Columns) -> tuple[ir.Table, int]:
    """`load`, and the number of transactions (counted by the validation pass anyway)."""
    if isinstance(source, ir.Table):
        return _validated(source, cols)
    path = Path(source)
    if not path.exists():
        raise InputError(f"파일이 없습니다: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"빈 파일입니다: {path}")
    if path.suffix.lower() in (".parquet", ".pq"):
        return _validated(con.read_parquet(str(path)), cols)
    try:
        return _validated(_read_csv(con, path), cols)
    except InputError:
        raise
    except Exception as exc:  # the engine's parse error, when sniffing or further down the file
        if not mixed_line_endings(path):
            raise InputError(f"CSV를 읽을 수 없습니다: {path}: {exc}") from exc
    # Lines ending partly in CRLF and partly in LF (a spreadsheet round-trip: the header written by one
    # program, the rows by another): DuckDB's strict parser refuses them, so read a copy with LF endings.
    copy = normalised_copy(path)
    weakref.finalize(con, os.unlink, copy)  # the table is read lazily: keep the copy while `con` lives
    try:
        return _validated(_read_csv(con, copy), cols)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"CSV를 읽을 수 없습니다 (줄 끝을 LF로 맞춘 뒤에도): {path}: {exc}") from exc


def _read_csv(con: Any, path: Path) -> ir.Table:
    return con.read_csv(str(path), **({"header": True} if _is_duckdb(con) else {}))


def _validated(raw: ir.Table, cols: Columns) -> tuple[ir.Table, int]:
    """(customer_id, day, amount[, category]) and the row count; InputError naming the first bad row."""
    missing = [
        c for c in (cols.customer, cols.date, cols.amount, cols.category) if c and c not in raw.columns
    ]
    if missing:
        raise InputError(f"열이 없습니다: {', '.join(missing)} (있는 열: {', '.join(raw.columns)})")
    day = _as_date(raw[cols.date])
    kind = raw[cols.amount].type()
    amount = (
        raw[cols.amount].try_cast("float64")
        if kind.is_string()
        else raw[cols.amount]
        if kind.is_floating()
        else raw[cols.amount].cast("float64")
    )
    t = raw.mutate(
        _row=ibis.row_number() + 2,
        customer_id=raw[cols.customer],
        day=day,
        amount=amount,
        _raw_date=raw[cols.date],
        _raw_amount=raw[cols.amount],
    )
    checks = (
        t.aggregate(
            n=t.count(),
            bad_date=t._row.min(where=t.day.isnull() & t._raw_date.notnull()),
            bad_amount=t._row.min(where=t.amount.isnull() & t._raw_amount.notnull()),
            negative=t._row.min(where=t.amount < 0),
            no_customer=t._row.min(where=t.customer_id.isnull()),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    if not checks["n"]:
        raise InputError("거래가 한 건도 없습니다 (empty file)")
    if checks["bad_date"] is not None:
        raise InputError(f"열 {cols.date}: {checks['bad_date']}행의 날짜를 읽을 수 없습니다")
    if checks["bad_amount"] is not None:
        raise InputError(f"열 {cols.amount}: {checks['bad_amount']}행의 금액이 숫자가 아닙니다")
    if checks["negative"] is not None:
        raise InputError(f"열 {cols.amount}: {checks['negative']}행의 금액이 음수입니다")
    if checks["no_customer"] is not None:
        raise InputError(f"열 {cols.customer}: {checks['no_customer']}행의 고객 ID가 비어 있습니다")
    keep = ["customer_id", "day", "amount"] + (["category"] if cols.category else [])
    if cols.category:
        t = t.mutate(category=t[cols.category].cast("string").fill_null("미분류"))
    return t.select(*keep), int(checks["n"])


def mixed_line_endings(path: Path, chunk_size: int = 1 << 20) -> bool:
    """True when some lines end in CRLF and others in a bare LF. Reads the whole file in binary chunks
    (a CR at the end of one chunk pairs with an LF at the start of the next)."""
    crlf = lf = 0
    previous = b""
    with path.open("rb") as file:
        while chunk := file.read(chunk_size):
            crlf += chunk.count(b"\r\n") + (previous.endswith(b"\r") and chunk.startswith(b"\n"))
            lf += chunk.count(b"\n")
            if crlf and crlf < lf:
                return True
            previous = chunk
    return 0 < crlf < lf


def normalised_copy(path: Path, chunk_size: int = 1 << 20) -> Path:
    """A temporary copy of `path` with every CRLF turned into LF (bytes, so any ASCII-compatible encoding
    works). The caller deletes it."""
    handle, name = tempfile.mkstemp(prefix="dangol-analyze-", suffix=path.suffix or ".csv")
    pending = b""
    with path.open("rb") as source, os.fdopen(handle, "wb") as target:
        while chunk := source.read(chunk_size):
            chunk = pending + chunk
            # a CR at the end may be the first half of a CRLF split across two chunks
            pending = b"\r" if chunk.endswith(b"\r") else b""
            target.write(chunk[: len(chunk) - len(pending)].replace(b"\r\n", b"\n"))
        target.write(pending)
    return Path(name)


def _is_duckdb(con: Any) -> bool:
    return getattr(con, "name", "") == "duckdb"


def _as_date(column: ir.Value) -> ir.Value:
    kind = column.type()
    if kind.is_date():
        return column
    if kind.is_timestamp():
        return column.date()
    if kind.is_integer():  # 19970101
        return column.cast("string").as_date("%Y%m%d")
    return column.cast("string").try_cast("timestamp").date()


def customer_days(tx: ir.Table) -> ir.Table:
    """One row per customer and purchase day (customer_id, day, day_amount): every later step reads this,
    not the transactions (a few million rows instead of tens of millions)."""
    return tx.group_by(["customer_id", "day"]).aggregate(day_amount=tx.amount.sum())


def summary(days: ir.Table, *, end: dt.date, unit_days: float) -> ir.Table:
    """Per customer: frequency, recency, T, monetary (Fader, Hardie & Lee definitions) and totals.

    `days` is `customer_days(tx)` (or the transactions themselves). Purchase days up to `end`:
    frequency = days − 1; recency = (last − first) / unit; T = (end − first) / unit;
    monetary = mean of the day totals after the first day (0 when there is none).
    """
    if "day_amount" not in days.columns:
        days = customer_days(days)
    end_lit = ibis.literal(end)
    cal = days.filter(days.day <= end_lit)
    per = cal.group_by("customer_id").aggregate(
        first_day=cal.day.min(),
        last_day=cal.day.max(),
        n_days=cal.count(),
        total=cal.day_amount.sum(),
        first_amount=cal.day_amount.argmin(cal.day),
    )
    return per.mutate(
        customer_id=per.customer_id.cast("string"),
        frequency=(per.n_days - 1).cast("int64"),
        recency=(per.last_day.delta(per.first_day, unit="day").cast("float64") / unit_days),
        T=(end_lit.delta(per.first_day, unit="day").cast("float64") / unit_days),
        monetary=ibis.ifelse(per.n_days > 1, (per.total - per.first_amount) / (per.n_days - 1), 0.0),
        days_since_last=end_lit.delta(per.last_day, unit="day").cast("float64"),
    ).drop("first_amount")


def holdout_counts(tx: ir.Table, *, end: dt.date, holdout_end: dt.date) -> ir.Table:
    """Purchase days per customer in (end, holdout_end]."""
    window = tx.filter((tx.day > ibis.literal(end)) & (tx.day <= ibis.literal(holdout_end)))
    days = window.select("customer_id", "day").distinct()
    counts = days.group_by("customer_id").aggregate(holdout_purchases=days.count())
    return counts.mutate(customer_id=counts.customer_id.cast("string"))
