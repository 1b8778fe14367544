"""Snapshot orders to a columnar file, run the analytics engine on it, write each customer's value back.

The engine (dangol.analytics, no Django) is called through its command-line contract: it reads the
snapshot and writes DIR/customers.parquet and DIR/report.json (issue 5). Pages never scan the
order tables for this: they read CustomerValue rows and the stored report (STYLE: analytics off OLTP).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.analytics.segments import ladder_stage
from dangol.customers.models import Customer
from dangol.imports.fastsql import db_datetime
from dangol.loyalty.models import ENGINE_TIERS, CustomerValue, LadderStage, ValueRun, ValueTier
from dangol.loyalty.rhythm import expected_next_purchase, fitted_rhythm
from dangol.orders.models import OrderLine
from dangol.rewards.selectors import referral_measure, referrer_ids
from dangol.surveys.selectors import promoter_customer_ids

SNAPSHOT_COLUMNS = ("customer_id", "ordered_at", "amount", "category")


def analytics_pseudonym(customer_id: int, key: bytes) -> int:
    """The id a customer has in one analytics run (가명처리, 개인정보 보호법 제28조의2): a keyed hash that fits
    int64. The key is made per run and never written down, so the snapshot cannot be joined back to a person
    by anyone without the run's memory, nor two runs' snapshots to each other."""
    digest = hmac.new(key, str(customer_id).encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def snapshot_orders(path: Path, *, batch: int = 200_000, key: bytes | None = None) -> int:
    """Write one row per order line (pseudonymous customer id, Seoul time, net amount in ₩, product category) as
    Parquet: no names, phones or e-mails, and no customer whose processing is suspended (처리정지, 제37조).
    Without `key` the ids are pseudonymised with a fresh random key (nothing can map them back)."""
    key = key or secrets.token_bytes(32)
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
        OrderLine.objects.filter(
            order__status__in=["paid", "partially_refunded"],
            order__customer__processing_suspended_at__isnull=True,
        )
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
            buf["customer_id"].append(analytics_pseudonym(customer_id, key))
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
        key = secrets.token_bytes(32)
        n = snapshot_orders(snapshot, key=key)
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
        advocates = _advocate_ids(end_date) | _referrer_ids(end_date)
        if advocates:  # promoters (NPS 9–10) climb from regular to advocate (001: the relationship ladder)
            (out_dir / "advocates.txt").write_text(
                "\n".join(str(i) for i in sorted(analytics_pseudonym(a, key) for a in advocates)),
                encoding="utf-8",
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
                "--no-progress",
                *engine_args(),
                *extra,
            ]
        )
        if code != 0:
            raise RuntimeError(_("분석 엔진이 실패했습니다(종료 코드 %(code)s).") % {"code": code})
        report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
        _add_referrals(report, end_date)
        count = _write_back(out_dir / "customers.parquet", run, key=key, report=report)
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


def engine_args() -> list[str]:
    """The engine the settings choose (DANGOL_ANALYTICS_ENGINE, DANGOL_SPARK_REMOTE, DANGOL_SPARK_MASTER) as
    `dangol analyze` options. On Spark the snapshot (pseudonymous customer key, order time, net amount,
    category) is read by the Spark cluster: nothing else leaves the app."""
    if settings.DANGOL_ANALYTICS_ENGINE != "pyspark":
        return ["--engine", "duckdb"]
    args = ["--engine", "pyspark"]
    if settings.DANGOL_SPARK_REMOTE:
        args += ["--spark-remote", settings.DANGOL_SPARK_REMOTE]
    elif settings.DANGOL_SPARK_MASTER:
        args += ["--spark-master", settings.DANGOL_SPARK_MASTER]
    return args


def _year_before(end_date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(end_date - dt.timedelta(days=365), dt.time.min, tzinfo=tz),
        dt.datetime.combine(end_date, dt.time.max, tzinfo=tz),
    )


def _referrer_ids(end_date: dt.date) -> set[int]:
    """Customers who brought a new customer in the year before `end_date` (the loyalty program's referrals):
    advocates on the ladder, beside the NPS promoters (001: 단골고객이 다른 고객을 추천)."""
    since, until = _year_before(end_date)
    return referrer_ids(since=since, until=until)


def _add_referrals(report: dict[str, Any], end_date: dt.date) -> None:
    """The 3R referral measure from the loyalty program (the engine has no referral data of its own)."""
    three_r = report.setdefault("three_r", {})
    if not three_r.get("referral"):
        since, until = _year_before(end_date)
        measure = referral_measure(since=since, until=until)
        three_r["referral"] = measure if measure["count"] else None


def _advocate_ids(end_date: dt.date) -> set[int]:
    """Customers who recommend us: their latest NPS answer in the year before `end_date` was 9 or 10."""
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
    "expected_next_purchase",
)


def _num(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if number != number else number  # NaN → default


@transaction.atomic
def _write_back(
    path: Path, run: ValueRun, *, key: bytes | None = None, report: dict[str, Any] | None = None
) -> int:
    """Upsert each customer's value from the engine's output. With `key`, the output's ids are the run's
    pseudonyms and are mapped back here, in memory. Customers whose processing is suspended are left out.
    With the run's `report`, each buyer gets the expected next purchase of its BG/NBD fit (dangol.loyalty.rhythm)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pylist()
    now = db_datetime(timezone.now())
    valid_ids = set(
        Customer.objects.filter(processing_suspended_at__isnull=True).values_list("id", flat=True)
    )
    real = {analytics_pseudonym(pk, key): pk for pk in valid_ids} if key is not None else None
    rows: list[tuple[Any, ...]] = []
    fit = fitted_rhythm(report)
    end_date = run.end_date if isinstance(run.end_date, dt.date) else dt.date.fromisoformat(str(run.end_date))
    next_purchase: dict[int, dt.date | None] = {}
    for r in table:
        cid = int(r["customer_id"]) if real is None else real.get(int(r["customer_id"]), -1)
        if cid not in valid_ids:
            continue
        if fit is not None:
            next_purchase[cid] = expected_next_purchase(
                frequency=_num(r.get("frequency"), default=float("nan")),
                recency=_num(r.get("recency"), default=float("nan")),
                age=_num(r.get("T"), default=float("nan")),
                end_date=end_date,
                r=fit[0],
                alpha=fit[1],
                unit_days=fit[2],
            )
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
    # freshly computed: no longer stale after a merge; then the expected next purchase (None: never bought)
    rows = [(*row, False, next_purchase.get(row[0])) for row in rows]
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
        "expected_next_purchase",
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
