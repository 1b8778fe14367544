"""Import a customers or orders file: validate every row, then write all-or-nothing.

`on_error="abort"` (default): any bad row rejects the whole file and nothing is written.
`on_error="skip"`: good rows are written, bad ones reported. Either way the writes run in one
transaction, so an interrupted import leaves the database as it was. Rows are upserted by
external id / order number, so importing the same file twice changes nothing the second time.

A plain UTF-8 CSV is read and checked column-wise (dangol.imports.columnar, pyarrow); any row the
column checks cannot vouch for, and any other file, goes through the row-by-row validators, which
give the same clean values and the same Korean messages with line numbers. Such a file is then written
straight from its columns (write_customer_columns / write_order_columns: a temporary key table, joins,
INSERT … SELECT for consents); files read row by row keep the batch writers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.imports import customers as customer_rows
from dangol.imports import fastsql
from dangol.imports import orders as order_rows
from dangol.imports.columnar import Columns, read_columns
from dangol.imports.limits import Limits, too_large
from dangol.imports.models import ImportJob
from dangol.imports.readers import FileFormatError, check_file, header_keys, iter_records, read_table

BATCH = 2000
MAX_REPORTED_ERRORS = 1000


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    message: str = ""

    @property
    def error_rows(self) -> int:
        return len({e.line for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_rows": self.error_rows,
            "written": self.written,
            "message": self.message,
            "errors": [e.as_dict() for e in self.errors[:MAX_REPORTED_ERRORS]],
        }


Progress = Callable[[str, int, int], None]  # (phase, done, total)


def read_table_or_report(path: Path | str, *, filename: str | None, result: ImportResult) -> Any:
    """The file's table, or None with the reason written into `result` (an unreadable file is one error at row 0)."""
    try:
        return read_table(path, filename=filename)
    except FileFormatError as exc:
        result.message = str(exc)
        result.errors.append(RowError(0, "", str(exc)))
        return None


def run_import(
    *,
    kind: str,
    path: Path | str,
    filename: str | None = None,
    on_error: str = "abort",
    progress: Progress | None = None,
) -> ImportResult:
    if kind not in (ImportJob.Kind.CUSTOMERS, ImportJob.Kind.ORDERS):
        raise ValueError(_("알 수 없는 가져오기 종류입니다: %(kind)s") % {"kind": kind})
    if on_error not in ImportJob.OnError.values:
        raise ValueError(_("on_error는 abort 또는 skip이어야 합니다."))
    result = ImportResult(kind=kind)
    columns = customer_rows.COLUMNS if kind == "customers" else order_rows.COLUMNS
    required = customer_rows.REQUIRED if kind == "customers" else order_rows.REQUIRED
    try:
        cols = read_columns(path, filename=filename, columns=columns)
    except FileFormatError as exc:
        result.message = str(exc)
        result.errors.append(RowError(0, "", str(exc)))
        return result
    if cols is not None and all(c in cols.cells for c in required) and cols.rows:
        result.total_rows = cols.rows
        if kind == "customers":
            _import_customer_columns(
                cols, result, on_error, progress, source=f"import:{filename or Path(path).name}"
            )
        else:
            validator = order_rows.OrderRowValidator()
            fast, orders, errors = order_rows.check_columns(cols, validator)
            for line, _order_id, messages in errors:
                result.errors.extend(RowError(line, col, msg) for col, msg in messages)
            if progress:
                progress("validate", cols.rows, cols.rows)
            _write_order_records(
                orders,
                {order_id.strip() for _line, order_id, _m in errors},
                result,
                on_error,
                progress,
                fast=fast,
            )
        return result
    table = read_table_or_report(path, filename=filename, result=result)
    if table is None:
        return result
    result.total_rows = len(table.rows)
    missing = [c for c in required if c not in header_keys(table, columns)]
    if missing:
        result.message = _("필수 열이 없습니다: %(columns)s. 첫 줄의 열 이름을 확인하세요.") % {
            "columns": ", ".join(missing)
        }
        result.errors.append(RowError(1, ",".join(missing), result.message))
        return result
    if not table.rows:
        result.message = _("가져올 행이 없습니다.")
        return result
    if kind == "customers":
        _import_customers(
            table, columns, result, on_error, progress, source=f"import:{filename or Path(path).name}"
        )
    else:
        import_order_records(list(iter_records(table, columns)), result, on_error, progress)
    return result


def aborted_message(error_rows: int) -> str:
    """Why nothing was imported: some rows have errors and the user chose to abort on any."""
    return _(
        "오류가 있는 행이 %(count)s개 있어 파일 전체를 가져오지 않았습니다. "
        "오류를 고치거나 '오류 행만 건너뛰기'를 선택하세요."
    ) % {"count": error_rows}


def _finish_validation(result: ImportResult, on_error: str) -> bool:
    if result.errors and on_error == "abort":
        result.message = aborted_message(result.error_rows)
        return False
    return True


def _import_customers(
    table: Any,
    columns: dict[str, str],
    result: ImportResult,
    on_error: str,
    progress: Progress | None,
    *,
    source: str,
) -> None:
    validator = customer_rows.CustomerRowValidator()
    clean: list[customer_rows.CleanCustomer] = []
    total = len(table.rows)
    for n, (line, raw) in enumerate(iter_records(table, columns), start=1):
        try:
            clean.append(validator.clean(line, raw))
        except customer_rows.RowErrors as exc:
            result.errors.extend(RowError(line, col, msg) for col, msg in exc.messages)
        if progress and n % BATCH == 0:
            progress("validate", n, total)
    _write_customer_records(clean, result, on_error, progress, source=source)


def _import_customer_columns(
    cols: Columns, result: ImportResult, on_error: str, progress: Progress | None, *, source: str
) -> None:
    rows, slow, errors = customer_rows.check_columns(cols, customer_rows.CustomerRowValidator())
    for line, messages in errors:
        result.errors.extend(RowError(line, col, msg) for col, msg in messages)
    if progress:
        progress("validate", cols.rows, cols.rows)
    if not _finish_validation(result, on_error):
        return
    for row in slow:
        rows.append(row)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic(), fastsql.bulk_session():
        customer_rows.write_customer_columns(rows, source=source, counts=counts, tag_cache={})
        if progress:
            progress("write", len(rows.line), len(rows.line))
    _record(result, counts)


def _write_customer_records(
    clean: list[customer_rows.CleanCustomer],
    result: ImportResult,
    on_error: str,
    progress: Progress | None,
    *,
    source: str,
) -> None:
    if not _finish_validation(result, on_error):
        return
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    tag_cache: dict[str, int] = {}
    done = 0
    with transaction.atomic(), fastsql.bulk_session():
        for start in range(0, len(clean), BATCH):
            batch = clean[start : start + BATCH]
            customer_rows.write_customers(batch, source=source, counts=counts, tag_cache=tag_cache)
            done += len(batch)
            if progress:
                progress("write", done, len(clean))
    _record(result, counts)


def import_order_records(
    records: list[tuple[int, dict[str, str]]],
    result: ImportResult,
    on_error: str,
    progress: Progress | None = None,
) -> None:
    """Validate and write order lines given as (line, {canonical column: text}); also used by the API."""
    validator = order_rows.OrderRowValidator()
    validator.prefetch_customers({raw.get("customer_id", "").strip() for _line, raw in records})
    orders: list[order_rows.CleanOrder] = []
    bad_orders: set[str] = set()
    total = len(records)
    for n, (line, raw) in enumerate(records, start=1):
        try:
            order = validator.clean(line, raw)
            if order is not None:
                orders.append(order)
        except customer_rows.RowErrors as exc:
            result.errors.extend(RowError(line, col, msg) for col, msg in exc.messages)
            bad_orders.add(raw.get("order_id", "").strip())
        if progress and n % BATCH == 0:
            progress("validate", n, total)
    _write_order_records(orders, bad_orders, result, on_error, progress)


def _write_order_records(
    orders: list[order_rows.CleanOrder],
    bad_orders: set[str],
    result: ImportResult,
    on_error: str,
    progress: Progress | None,
    *,
    fast: order_rows.FastLines | None = None,
) -> None:
    """Write validated orders; `fast` holds the lines that passed the column checks (written straight
    from their columns), `orders` the ones the row validator accepted."""
    if not _finish_validation(result, on_error):
        return
    # In skip mode an order with any bad line is skipped whole: half an order is a wrong order.
    skipped = [o for o in orders if o.external_id in bad_orders]
    for order in skipped:
        result.errors.append(
            RowError(
                order.line,
                "order_id",
                _("주문 '%(order)s'의 다른 행에 오류가 있어 주문 전체를 건너뜁니다.")
                % {"order": order.external_id},
            )
        )
    orders = [o for o in orders if o.external_id not in bad_orders]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    catalogue = order_rows.Catalogue()
    done = 0
    lines_total = sum(len(o.lines) for o in orders)
    if fast is not None:
        with transaction.atomic(), fastsql.bulk_session():
            order_rows.write_order_columns(fast, orders, counts=counts, catalogue=catalogue)
            if progress:
                progress("write", lines_total + len(fast.lines), lines_total + len(fast.lines))
        _record(result, counts)
        return
    with transaction.atomic(), fastsql.bulk_session():
        for start in range(0, len(orders), BATCH):
            batch = orders[start : start + BATCH]
            order_rows.write_orders(batch, counts=counts, catalogue=catalogue)
            done += sum(len(o.lines) for o in batch)
            if progress:
                progress("write", done, lines_total)
    _record(result, counts)


def _record(result: ImportResult, counts: dict[str, int]) -> None:
    result.created, result.updated, result.unchanged = (
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )
    result.written = True
    counted = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.error_rows,
    }
    if result.errors:
        result.message = (
            _("새로 추가 %(created)s, 변경 %(updated)s, 변경 없음 %(unchanged)s, 건너뜀 %(skipped)s행")
            % counted
        )
    else:
        result.message = _("새로 추가 %(created)s, 변경 %(updated)s, 변경 없음 %(unchanged)s") % counted


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    filename: str
    background: bool  # long enough to go to the job worker instead of the web request


def upload_store(*, upload: UploadedFile) -> StoredUpload:
    """Keep an upload where the job worker can read it, once it passes the checks that need no parsing.

    Raises FileFormatError (and keeps nothing) when the file breaks a limit: too many bytes, an .xlsx
    whose zip declares too much to inflate, or one that is not a zip at all.
    """
    limits = Limits.from_settings()
    name = upload.name or ""
    if (upload.size or 0) > limits.max_bytes:
        raise too_large(limits)
    upload_dir = Path(settings.VAR_DIR) / "uploads"
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = upload_dir / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:6]}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        text_bytes = check_file(stored, filename=name, limits=limits)
    except FileFormatError:
        stored.unlink(missing_ok=True)
        raise
    inline_bytes = settings.DANGOL_IMPORT_INLINE_ROWS * 200
    return StoredUpload(path=stored, filename=name[:255], background=text_bytes > inline_bytes)


def import_job_create(
    *, kind: str, stored: StoredUpload, on_error: str, by: User, options: dict[str, Any] | None = None
) -> ImportJob:
    return ImportJob.objects.create(
        kind=kind,
        on_error=on_error,
        filename=stored.filename,
        stored_path=str(stored.path),
        options=options or {},
        created_by=by,
    )


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Run a queued customers or orders upload (see import_job_execute)."""

    def run(progress: Progress) -> ImportResult:
        return run_import(
            kind=job.kind,
            path=job.stored_path,
            filename=job.filename,
            on_error=job.on_error,
            progress=progress,
        )

    return import_job_execute(job=job, run=run)


def import_job_execute(*, job: ImportJob, run: Callable[[Progress], ImportResult]) -> ImportJob:
    """Run a queued upload with `run` (an importer reading job.stored_path), keep its status row current
    (the page polls it) and delete the file after. Apps above this one pass their own importer."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        job.refresh_from_db()
        return job
    last_saved = [0]

    def progress(phase: str, done: int, total: int) -> None:
        # A second connection would be needed on PostgreSQL to show progress from inside the
        # write transaction; validation progress is saved, writes are reported at the end.
        if phase == "validate" and done - last_saved[0] >= 5000:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done // 2, total_rows=total)
            last_saved[0] = done

    try:
        result = run(progress)
    except Exception as exc:  # never leave a job "running" forever
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            message=(_("가져오기 중 오류가 발생했습니다: %(error)s") % {"error": exc})[:500],
            finished_at=timezone.now(),
        )
        raise
    finally:
        Path(job.stored_path).unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE if result.written else ImportJob.Status.FAILED,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        created_count=result.created,
        updated_count=result.updated,
        unchanged_count=result.unchanged,
        error_count=result.error_rows,
        errors=[e.as_dict() for e in result.errors[:MAX_REPORTED_ERRORS]],
        message=result.message[:500],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
