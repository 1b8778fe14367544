"""The segment feature snapshot: one row per live customer with every column the builder's conditions read,
written as Parquet under DANGOL_VAR_DIR/segments/ and read by DuckDB, so a segment over a million customers is
counted in a column scan instead of joins over the order history (issue 16: p95 < 1 s).

Keyed by the internal customer id (the segment's members are sent to, so the ids must be the real ones — unlike
the value run's pseudonymous order snapshot, which is for analytics and is not reused here); no names, phones,
e-mails, addresses or free text. Each column is filled by the same selectors the live conditions use (or the
same filter written once more here, named beside it), and `dangol.campaigns.conditions` compiles one
definition to either the live querysets or DuckDB SQL over this file. Consent and processing suspension are in
the file for counting only: a send re-checks them live through messaging.

Written by `dangol segments-snapshot` and by the worker after each value run (tasks.refresh_segment_snapshot);
a new file replaces the old one atomically (write to a temporary name, then rename).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Max
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from dangol.customers.models import ConsentPurpose, Customer
from dangol.customers.selectors import customer_ids_consenting
from dangol.loyalty.models import CustomerValue, ValueRun
from dangol.orders.models import Order, OrderLine
from dangol.orders.selectors import STANDING
from dangol.rewards.models import Membership
from dangol.surveys.selectors import customer_ids_by_last_score
from dangol.voc.selectors import customer_ids_flagged, customer_ids_recovered, customer_ids_with_open_case

VERSION = 2  # 2: next_purchase_on (a file of another version is not read: the live tables answer)
FILE = "customers.parquet"
META = "meta.json"
CHUNK = 50_000
EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)

Progress = Callable[[str, int, int], None]


def directory() -> Path:
    """Where the snapshot lives: DANGOL_SEGMENT_SNAPSHOT_DIR, by default VAR_DIR/segments."""
    return Path(settings.DANGOL_SEGMENT_SNAPSHOT_DIR or Path(settings.VAR_DIR) / "segments")


def consent_column(purpose: str) -> str:
    return f"consent_{purpose}"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored date-time as naive UTC (the file's and DuckDB's timestamps carry no zone)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def schema() -> Any:
    import pyarrow as pa

    fields = [
        ("customer_id", pa.int64()),
        ("joined_at", pa.timestamp("us")),
        ("birth_month", pa.int8()),
        ("home_store_id", pa.int64()),
        ("processing_suspended", pa.bool_()),
        ("membership_tier", pa.string()),
        ("value_tier", pa.string()),
        ("previous_tier", pa.string()),
        ("stage", pa.string()),
        ("previous_stage", pa.string()),
        ("rfm_segment", pa.string()),
        ("clv", pa.int64()),
        ("p_alive", pa.float64()),
        ("frequency", pa.int64()),
        ("recency", pa.float64()),
        ("age", pa.float64()),
        ("next_purchase_on", pa.date32()),  # the value run's expected next purchase (dangol.loyalty.rhythm)
        ("last_purchase_at", pa.timestamp("us")),
        ("categories", pa.list_(pa.int64())),
        ("likely_to_buy", pa.list_(pa.string())),
        ("nps_last", pa.int16()),
        ("csat_last", pa.int16()),
        ("voc_open", pa.bool_()),
        ("voc_recovered_at", pa.timestamp("us")),
        ("flagged", pa.bool_()),
    ]
    fields += [(consent_column(p), pa.bool_()) for p in ConsentPurpose.values]
    return pa.schema(fields)


def _pairs(qs: Any) -> Any:
    return qs.order_by().iterator(chunk_size=CHUNK)


def snapshot_build(*, progress: Progress | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Write a new snapshot of every live customer; its facts (rows, built_at, seconds)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    now = now or timezone.now()
    started = timezone.now()
    steps = 11
    step = 0

    def tick(label: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(label, step, steps)

    ids: list[int] = []
    cols: dict[str, list[Any]] = {name: [] for name in schema().names}
    customers = (
        Customer.objects.filter(status=Customer.Status.ACTIVE, forgotten_at__isnull=True)
        .annotate(birth_month=ExtractMonth("birth_date"))
        .order_by("pk")
        .values_list("pk", "joined_at", "birth_month", "home_store_id", "processing_suspended_at")
    )
    for pk, joined, month, store, suspended in customers.iterator(chunk_size=CHUNK):
        ids.append(pk)
        cols["joined_at"].append(_utc(joined))
        cols["birth_month"].append(month)
        cols["home_store_id"].append(store)
        cols["processing_suspended"].append(suspended is not None)
    n = len(ids)
    cols["customer_id"] = ids
    at = {pk: i for i, pk in enumerate(ids)}
    tick("customers")

    def fill(name: str, rows: Any, convert: Callable[[Any], Any] = lambda v: v, default: Any = None) -> None:
        column = [default] * n
        for pk, value in rows:
            i = at.get(pk)
            if i is not None:
                column[i] = convert(value)
        cols[name] = column

    def flag(name: str, id_rows: Any) -> None:
        column = [False] * n
        for pk in id_rows:
            i = at.get(pk)
            if i is not None:
                column[i] = True
        cols[name] = column

    for purpose in ConsentPurpose.values:  # customers.selectors: the consent condition's own selector
        flag(
            consent_column(purpose),
            _pairs(customer_ids_consenting(purpose).values_list("customer_id", flat=True)),
        )
    tick("consents")
    fill(
        "membership_tier",
        _pairs(Membership.objects.values_list("customer_id", "tier__code")),
    )
    tick("memberships")
    value_fields = (
        "value_tier",
        "previous_tier",
        "stage",
        "previous_stage",
        "rfm_segment",
        "clv",
        "probability_alive",
        "frequency",
        "recency",
        "age",
        "expected_next_purchase",
    )
    names = [*value_fields[:6], "p_alive", "frequency", "recency", "age", "next_purchase_on"]
    value_cols: dict[str, list[Any]] = {name: [None] * n for name in names}
    for row in _pairs(CustomerValue.objects.values_list("customer_id", *value_fields)):
        i = at.get(row[0])
        if i is None:
            continue
        for name, value in zip(names, row[1:], strict=True):
            value_cols[name][i] = value
    cols.update(value_cols)
    tick("values")
    # orders.selectors.customer_ids_last_purchase: the last standing order
    fill(
        "last_purchase_at",
        _pairs(
            Order.objects.filter(status__in=STANDING)
            .values("customer_id")
            .annotate(last=Max("ordered_at"))
            .values_list("customer_id", "last")
        ),
        _utc,
    )
    tick("last purchase")
    # orders.selectors.customer_ids_bought: a standing order's line of a product in the category
    bought: list[list[int] | None] = [None] * n
    for pk, category in _pairs(
        OrderLine.objects.filter(order__status__in=STANDING, product__category_id__isnull=False)
        .values_list("order__customer_id", "product__category_id")
        .distinct()
    ):
        i = at.get(pk)
        if i is not None:
            bought[i] = [*(bought[i] or []), category]
    cols["categories"] = [sorted(c) if c else [] for c in bought]
    tick("categories")
    picks: list[list[str] | None] = [None] * n
    pick = apps.get_model("campaigns", "CrossSellPick")  # models.py imports conditions, which imports this
    for pk, name in _pairs(pick.objects.values_list("customer_id", "category")):
        i = at.get(pk)
        if i is not None:
            picks[i] = [*(picks[i] or []), name]
    cols["likely_to_buy"] = [sorted(p) if p else [] for p in picks]
    tick("cross-sell")
    for score in ("nps", "csat"):  # surveys.selectors: the latest answer with this score
        fill(
            f"{score}_last", _pairs(customer_ids_by_last_score(score=score).values_list("customer_id", score))
        )
    tick("surveys")
    flag("voc_open", _pairs(customer_ids_with_open_case().values_list("customer_id", flat=True)))
    fill(
        "voc_recovered_at",
        _pairs(
            customer_ids_recovered(since=EPOCH)
            .values("customer_id")
            .annotate(last=Max("resolved_at"))
            .values_list("customer_id", "last")
        ),
        _utc,
    )
    flag("flagged", _pairs(customer_ids_flagged().values_list("customer_id", flat=True)))
    tick("voc")

    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{FILE}.{os.getpid()}.tmp"
    table = pa.table(cols, schema=schema())
    pq.write_table(table, tmp, row_group_size=256_000)
    built_at = now
    meta = {
        "version": VERSION,
        "built_at": built_at.isoformat(),
        "rows": n,
        "seconds": round((timezone.now() - started).total_seconds(), 2),
    }
    meta_tmp = folder / f".{META}.{os.getpid()}.tmp"
    meta_tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, folder / FILE)
    os.replace(meta_tmp, folder / META)
    tick("written")
    return meta


def snapshot_info(*, max_age: dt.timedelta | None = None) -> dict[str, Any] | None:
    """The current snapshot's path and built_at (an aware date-time), or None when there is none usable: missing,
    of another version, or older than `max_age` (default DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS; then the live
    tables answer)."""
    folder = directory()
    path, meta_path = folder / FILE, folder / META
    if not path.exists() or not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        built_at = dt.datetime.fromisoformat(meta["built_at"])
    except (OSError, ValueError, KeyError):
        return None
    if meta.get("version") != VERSION:
        return None
    if max_age is None:
        max_age = dt.timedelta(hours=settings.DANGOL_SEGMENT_SNAPSHOT_MAX_AGE_HOURS)
    if timezone.now() - built_at > max_age:
        return None
    return {"path": path, "built_at": built_at, "rows": int(meta.get("rows", 0))}


def snapshot_due() -> bool:
    """Whether the worker should rebuild: no usable snapshot, or a value run finished after it was built."""
    info = snapshot_info()
    if info is None:
        return True
    last = (
        ValueRun.objects.filter(status=ValueRun.Status.DONE, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return last is not None and last > info["built_at"]
