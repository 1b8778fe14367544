"""Snapshot orders to a columnar file, run the analytics engine on it, write each customer's value back.

The engine (dangol.analytics, no Django) is called through its command-line contract: it reads the
snapshot and writes DIR/customers.parquet and DIR/report.json (issue 5). Pages never scan the
order tables for this: they read CustomerValue rows and the stored report (STYLE: analytics off OLTP).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.imports.fastsql import db_datetime
from dangol.loyalty.models import ENGINE_TIERS, CustomerValue, LadderStage, ValueRun, ValueTier
from dangol.orders.models import OrderLine

SNAPSHOT_COLUMNS = ("customer_id", "ordered_at", "amount", "category")


def snapshot_orders(path: Path, *, batch: int = 200_000) -> int:
    """Write one row per order line (customer, Seoul time, net amount in ₩, product category) as Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("customer_id", pa.int64()),
            ("ordered_at", pa.timestamp("s")),
            ("amount", pa.int64()),
            ("category", pa.string()),
        ]
    )
    rows = (
        OrderLine.objects.filter(order__status__in=["paid", "partially_refunded"])
        .values_list(
            "order__customer_id",
            "order__ordered_at",
            "amount",
            "order__total_amount",
            "order__refunded_amount",
            "product__category__name",
        )
        .order_by()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    tz = timezone.get_current_timezone()
    with pq.ParquetWriter(path, schema) as writer:
        buf: dict[str, list[Any]] = {c: [] for c in SNAPSHOT_COLUMNS}
        for customer_id, ordered_at, amount, total, refunded, category in rows.iterator(chunk_size=20_000):
            net = amount if not refunded or not total else round(amount * (total - refunded) / total)
            buf["customer_id"].append(customer_id)
            buf["ordered_at"].append(ordered_at.astimezone(tz).replace(tzinfo=None))
            buf["amount"].append(max(int(net), 0))
            buf["category"].append(category or "미분류")
            if len(buf["customer_id"]) >= batch:
                writer.write_table(pa.table(buf, schema=schema))
                written += len(buf["customer_id"])
                buf = {c: [] for c in SNAPSHOT_COLUMNS}
        if buf["customer_id"]:
            writer.write_table(pa.table(buf, schema=schema))
            written += len(buf["customer_id"])
    return written


def value_refresh(*, end: dt.date | None = None, horizon_weeks: int = 52) -> ValueRun:
    """Run the whole pipeline once. Safe to rerun: values are upserted per customer."""
    end_date = end or timezone.localdate()
    run = ValueRun.objects.create(end_date=end_date)
    out_dir = Path(settings.VAR_DIR) / "analytics" / f"run-{run.pk}"
    try:
        snapshot = out_dir / "orders.parquet"
        n = snapshot_orders(snapshot)
        if n == 0:
            ValueRun.objects.filter(pk=run.pk).update(
                status=ValueRun.Status.DONE,
                finished_at=timezone.now(),
                message="주문이 없어 계산할 것이 없습니다.",
            )
            run.refresh_from_db()
            return run
        from dangol.analytics.cli import main as analyze

        extra = []
        advocates = _advocate_ids(end_date)
        if advocates:  # promoters (NPS 9–10) climb from regular to advocate (001: the relationship ladder)
            (out_dir / "advocates.txt").write_text(
                "\n".join(str(i) for i in sorted(advocates)), encoding="utf-8"
            )
            extra = ["--advocates", str(out_dir / "advocates.txt")]
        code = analyze(
            [
                str(snapshot),
                "--customer",
                "customer_id",
                "--date",
                "ordered_at",
                "--amount",
                "amount",
                "--category",
                "category",
                "--end",
                end_date.isoformat(),
                "--time-unit",
                "week",
                "--horizon",
                str(horizon_weeks),
                "--out",
                str(out_dir),
                *extra,
            ]
        )
        if code != 0:
            raise RuntimeError(_("분석 엔진이 실패했습니다(종료 코드 %(code)s).") % {"code": code})
        report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
        count = _write_back(out_dir / "customers.parquet", run)
    except Exception as exc:
        ValueRun.objects.filter(pk=run.pk).update(
            status=ValueRun.Status.FAILED,
            message=str(exc)[:500],
            finished_at=timezone.now(),
            output_dir=str(out_dir),
        )
        raise
    ValueRun.objects.filter(pk=run.pk).update(
        status=ValueRun.Status.DONE,
        finished_at=timezone.now(),
        report=report,
        n_customers=count,
        n_transactions=int(report.get("n_transactions", n)),
        output_dir=str(out_dir),
    )
    run.refresh_from_db()
    return run


def _advocate_ids(end_date: dt.date) -> set[int]:
    """Customers who recommend us: their latest NPS answer in the year before `end_date` was 9 or 10."""
    try:
        from dangol.surveys.selectors import promoter_customer_ids
    except ImportError:  # the surveys app is optional
        return set()
    since = dt.datetime.combine(
        end_date - dt.timedelta(days=365), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    return promoter_customer_ids(since=since)


_UPSERT_COLUMNS = (
    "customer_id",
    "run_id",
    "frequency",
    "recency",
    "age",
    "monetary",
    "rfm_r",
    "rfm_f",
    "rfm_m",
    "rfm_segment",
    "probability_alive",
    "expected_purchases",
    "clv",
    "value_tier",
    "stage",
    "previous_tier",
    "previous_stage",
    "previous_probability_alive",
    "computed_at",
    "stale",
)


def _num(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if number != number else number  # NaN → default


@transaction.atomic
def _write_back(path: Path, run: ValueRun) -> int:
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pylist()
    now = db_datetime(timezone.now())
    valid_ids = set(Customer.objects.values_list("id", flat=True))
    rows: list[tuple[Any, ...]] = []
    for r in table:
        cid = int(r["customer_id"])
        if cid not in valid_ids:
            continue
        rows.append(
            (
                cid,
                run.pk,
                int(_num(r.get("frequency"))),
                _num(r.get("recency")),
                _num(r.get("T")),
                _num(r.get("monetary")),
                int(_num(r.get("rfm_r"))),
                int(_num(r.get("rfm_f"))),
                int(_num(r.get("rfm_m"))),
                str(r.get("rfm_segment") or ""),
                _num(r.get("probability_alive"), default=float("nan")),
                _num(r.get("expected_purchases")),
                int(round(_num(r.get("clv")))),
                _tier(r.get("value_tier")),
                _stage(r.get("stage")),
                "",
                "",
                None,
                now,
            )
        )
    buyers = {row[0] for row in rows}
    from dangol.analytics.segments import ladder_stage

    never_bought = _stage(ladder_stage(purchases=0))  # the same rule table as the engine's (잠재고객)
    for cid in valid_ids - buyers:
        rows.append(
            (
                cid,
                run.pk,
                0,
                0.0,
                0.0,
                0.0,
                0,
                0,
                0,
                "",
                None,
                0.0,
                0,
                "",
                never_bought,
                "",
                "",
                None,
                now,
            )
        )
    rows = [tuple(None if isinstance(v, float) and v != v else v for v in row) for row in rows]
    rows = [(*row, False) for row in rows]  # freshly computed: no longer stale after a merge
    table_name = connection.ops.quote_name(CustomerValue._meta.db_table)
    cols = ", ".join(_UPSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(_UPSERT_COLUMNS))
    keep = (
        "run_id",
        "frequency",
        "recency",
        "age",
        "monetary",
        "rfm_r",
        "rfm_f",
        "rfm_m",
        "rfm_segment",
        "probability_alive",
        "expected_purchases",
        "clv",
        "value_tier",
        "stage",
        "computed_at",
        "stale",
    )
    # The previous values come from the row being replaced, so movements between two runs are kept.
    sets = ", ".join(
        [
            f"previous_tier = {table_name}.value_tier",
            f"previous_stage = {table_name}.stage",
            f"previous_probability_alive = {table_name}.probability_alive",
        ]
        + [f"{c} = EXCLUDED.{c}" for c in keep]
    )
    sql = (
        f"INSERT INTO {table_name} ({cols}) VALUES ({marks}) "  # noqa: S608 (fixed column names)
        f"ON CONFLICT (customer_id) DO UPDATE SET {sets}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    return len(rows)


def _tier(value: Any) -> str:
    text = str(value or "")
    return ENGINE_TIERS[text].value if text in ENGINE_TIERS else (text if text in ValueTier.values else "")


def _stage(value: Any) -> str:
    text = str(value or "").lower().replace(" ", "_")
    return text if text in LadderStage.values else ""
