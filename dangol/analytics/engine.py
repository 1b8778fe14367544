"""Loading and validating transactions, and the per-customer summary, as Ibis expressions.

The same expressions run on DuckDB (in-process, default) and on PySpark (local or a cluster). Only
the per-customer sufficient statistics leave the engine; the models are fitted in NumPy/SciPy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dangol.analytics.retention import bit_or, month_bit

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Ibis is imported inside the functions that use it: `InputError` and `Columns` are needed by the DuckDB path of
# `dangol analyze` (`duckpath.load_counted`), which runs without importing Ibis (≈ 1 s of start-up).

_spark_sessions: dict[tuple[str, str], Any] = {}
LOCAL_MASTER = "local[2]"
DUCKDB_MEMORY_LIMIT = "400MB"
_spill_ids = itertools.count()


class InputError(ValueError):
    """Bad input: the message names the column (and row where there is one). CLI exit code 2."""


def connect(engine: str = "duckdb", *, remote: str | None = None, master: str | None = None) -> Any:
    """An Ibis connection. DuckDB runs in-process. PySpark runs on a Spark Connect server (`remote`,
    sc://host:15002), on a classic cluster manager (`master`: spark://…, yarn, k8s://…) or, by default, in
    local mode on this machine (local[2])."""
    import ibis

    if engine == "duckdb":
        if remote or master:
            raise InputError("--spark-remote와 --spark-master는 pyspark 엔진에만 씁니다 (--engine pyspark)")
        # DuckDB may otherwise keep up to 80 % of RAM in its buffer pool; past this limit its aggregations
        # spill to a temporary folder instead (10M order lines: ~0.9 GB peak RSS instead of ~1.15 GB).
        spill = os.path.join(
            tempfile.gettempdir(), f"dangol-duckdb-{os.getpid()}-{next(_spill_ids)}"
        )  # made on use
        con = ibis.duckdb.connect(
            memory_limit=os.environ.get("DANGOL_ANALYZE_MEMORY_LIMIT") or DUCKDB_MEMORY_LIMIT,
            temp_directory=spill,
        )
        weakref.finalize(con, shutil.rmtree, spill, True)
        return con
    if engine == "pyspark":
        return ibis.pyspark.connect(spark_session(remote=remote, master=master))
    raise InputError(f"알 수 없는 엔진입니다: {engine} (duckdb 또는 pyspark)")


def spark_session(*, remote: str | None = None, master: str | None = None) -> Any:
    """One SparkSession per process and target, with its own warehouse folder (see shared/notes/analytics.md).

    With `remote` the session is a Spark Connect client: the server keeps its own configuration (warehouse,
    shuffle partitions, memory); only the session time zone is set, so dates read the same everywhere."""
    if remote and master:
        raise InputError("--spark-remote와 --spark-master 중 하나만 지정하세요")
    if remote and not remote.startswith("sc://"):
        raise InputError(f"Spark Connect 주소는 sc://로 시작해야 합니다: {remote}")
    target = ("remote", remote) if remote else ("master", master or LOCAL_MASTER)
    session = _spark_sessions.get(target)
    if session is not None:
        return session
    from pyspark.sql import SparkSession

    if remote:
        try:
            session = SparkSession.builder.remote(remote).appName("dangol-analytics").getOrCreate()
            session.conf.set("spark.sql.session.timeZone", "UTC")
        except ImportError as exc:  # the Spark Connect client needs grpcio, grpcio-status, googleapis-protos
            raise InputError(f"Spark Connect 클라이언트 패키지가 없습니다: {exc}") from exc
        except Exception as exc:
            raise InputError(f"Spark Connect 서버에 연결할 수 없습니다 ({remote}): {exc}") from exc
    else:
        warehouse = tempfile.mkdtemp(prefix="dangol-spark-")
        builder = (
            SparkSession.builder.master(target[1])
            .appName("dangol-analytics")
            .config("spark.sql.warehouse.dir", warehouse)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
        )
        if target[1].startswith("local"):  # on a cluster, the cluster's own settings apply
            builder = builder.config("spark.sql.shuffle.partitions", "4").config("spark.driver.memory", "2g")
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
    _spark_sessions[target] = session
    return session


@dataclass(frozen=True)
class Columns:
    customer: str
    date: str
    amount: str
    category: str | None = None


def load(con: Any, source: str | Path | ir.Table, cols: Columns) -> ir.Table:
    """Read CSV or Parquet (or take a table) and return (customer_id, day, amount[, category]), validated."""
    return load_counted(con, source, cols)[0]


_Read = TypeVar("_Read")


def load_counted(con: Any, source: str | Path | ir.Table, cols: Columns) -> tuple[ir.Table, int]:
    """`load`, and the number of transactions (counted by the validation pass anyway)."""
    if not isinstance(source, (str, os.PathLike)):  # an Ibis table
        return _validated(source, cols)
    return read_file(
        con,
        source,
        parquet=lambda path: _validated(con.read_parquet(str(path)), cols),
        csv=lambda path: _validated(_read_csv(con, path), cols),
    )


def read_file(
    con: Any,
    source: str | os.PathLike[str],
    *,
    parquet: Callable[[Path], _Read],
    csv: Callable[[Path], _Read],
) -> _Read:
    """A transactions file read by `parquet` or `csv` (each reads and validates one path), with the checks and
    Korean messages every loader gives: no file, an empty file, a CSV the engine cannot parse. A CSV whose lines
    end partly in CRLF and partly in LF (a spreadsheet round-trip: the header written by one program, the rows by
    another) is refused by DuckDB's strict parser, so a copy with LF endings is read instead; the copy lives as
    long as `con`, since the engine reads lazily."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"파일이 없습니다: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"빈 파일입니다: {path}")
    if path.suffix.lower() in (".parquet", ".pq"):
        return parquet(path)
    try:
        return csv(path)
    except InputError:
        raise
    except Exception as exc:  # the engine's parse error, when sniffing or further down the file
        if not mixed_line_endings(path):
            raise InputError(f"CSV를 읽을 수 없습니다: {path}: {exc}") from exc
    copy = normalised_copy(path)
    weakref.finalize(con, os.unlink, copy)
    try:
        return csv(copy)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"CSV를 읽을 수 없습니다 (줄 끝을 LF로 맞춘 뒤에도): {path}: {exc}") from exc


def _read_csv(con: Any, path: Path) -> ir.Table:
    return con.read_csv(str(path), **({"header": True} if _is_duckdb(con) else {}))


def _validated(raw: ir.Table, cols: Columns) -> tuple[ir.Table, int]:
    """(customer_id, day, amount[, category]) and the row count; InputError naming the first bad row."""
    import ibis

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
        customer_id=raw[cols.customer],
        day=day,
        amount=amount,
        _raw_date=raw[cols.date],
        _raw_amount=raw[cols.amount],
    )
    problems = _problems(t)
    # One scan that only counts: a row number over the whole file is a window without a partition (Spark
    # moves every row to one task for it), so it is computed only when something is wrong, to name the row.
    checks = _one_row(
        t.aggregate(n=t.count(), **{name: test.cast("int64").sum() for name, test in problems.items()})
    )
    if not checks["n"]:
        raise InputError("거래가 한 건도 없습니다 (empty file)")
    if any(checks[name] for name in problems):
        numbered = t.mutate(_row=ibis.row_number() + 2)
        rows = _one_row(
            numbered.aggregate(
                **{name: numbered._row.min(where=test) for name, test in _problems(numbered).items()}
            )
        )
        if rows.get("bad_date") is not None:
            raise InputError(f"열 {cols.date}: {rows['bad_date']}행의 날짜를 읽을 수 없습니다")
        if rows.get("bad_amount") is not None:
            raise InputError(f"열 {cols.amount}: {rows['bad_amount']}행의 금액이 숫자가 아닙니다")
        if rows["negative"] is not None:
            raise InputError(f"열 {cols.amount}: {rows['negative']}행의 금액이 음수입니다")
        if rows["no_customer"] is not None:
            raise InputError(f"열 {cols.customer}: {rows['no_customer']}행의 고객 ID가 비어 있습니다")
    keep = ["customer_id", "day", "amount"] + (["category"] if cols.category else [])
    if cols.category:
        t = t.mutate(category=t[cols.category].cast("string").fill_null("미분류"))
    return t.select(*keep), int(checks["n"])


def _one_row(expr: ir.Table) -> dict[str, Any]:
    """The single row of an aggregate as a dict. On DuckDB through its own connection: Ibis's `to_pyarrow`
    imports pandas (≈ 0.3 CPU s at start-up) for a row of integers."""
    import ibis

    try:
        backend = expr._find_backend()
    except Exception:  # an expression Ibis cannot place: let it execute as usual
        backend = None
    if _is_duckdb(backend) and hasattr(backend, "con"):
        relation = backend.con.sql(str(ibis.to_sql(expr, dialect="duckdb")))
        return dict(zip(relation.columns, relation.fetchall()[0], strict=True))
    return expr.to_pyarrow().to_pylist()[0]  # type: ignore[no-any-return]


def _problems(t: ir.Table) -> dict[str, ir.BooleanValue]:
    """The row checks of `_validated`, in the order they are reported. A column that is already a date (or a
    number) cannot fail to read as one: its check is left out, and the counting scan need not read it."""
    checks: dict[str, ir.BooleanValue] = {}
    if not t._raw_date.type().is_date():
        checks["bad_date"] = t.day.isnull() & t._raw_date.notnull()
    if not t._raw_amount.type().is_numeric():
        checks["bad_amount"] = t.amount.isnull() & t._raw_amount.notnull()
    checks["negative"] = t.amount < 0
    checks["no_customer"] = t.customer_id.isnull()
    return checks


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
    `month_bits`: the months of the purchase days as the bits of one integer (`retention.month_bit`), from
    which the pipeline counts cohorts and retention without another pass.
    """

    import ibis

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
        month_bits=bit_or(month_bit(cal.day, end)),
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
    import ibis

    window = tx.filter((tx.day > ibis.literal(end)) & (tx.day <= ibis.literal(holdout_end)))
    days = window.select("customer_id", "day").distinct()
    counts = days.group_by("customer_id").aggregate(holdout_purchases=days.count())
    return counts.mutate(customer_id=counts.customer_id.cast("string"))
