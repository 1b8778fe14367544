"""Field-survey answers from CSV (UTF-8 or CP949) or .xlsx, with the foundation import's per-row rules:
every row is validated first; 'abort' writes nothing when any row is wrong, 'skip' writes the good rows.

Columns: one per question code (gap items also `<code>__expectation`, Kano `<code>__functional` and
`<code>__dysfunctional`, multiple choice separated by `|`), and optionally `answered_at` (응답일시),
`customer` (고객 외부 ID), `touchpoint` (접점 코드), `staff` (직원 아이디), `ref` (원본 번호: the same ref is
imported once), `comment` (의견), `wave` (차수)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dangol.customers.models import Customer
from dangol.imports.models import ImportJob
from dangol.imports.readers import parse_datetime
from dangol.imports.services import (
    ImportResult,
    Progress,
    RowError,
    aborted_message,
    import_job_create,
    import_job_execute,
    read_table_or_report,
    upload_store,
)
from dangol.interactions.models import Touchpoint
from dangol.surveys.models import Response, Survey
from dangol.surveys.services import clean_answers, response_record

META = {
    "answered_at": "answered_at",
    "응답일시": "answered_at",
    "customer": "customer",
    "고객": "customer",
    "touchpoint": "touchpoint",
    "접점": "touchpoint",
    "staff": "staff",
    "직원": "staff",
    "ref": "ref",
    "원본번호": "ref",
    "comment": "comment",
    "의견": "comment",
    "wave": "wave",
    "차수": "wave",
}
FOLLOWUP_DAYS = 14  # older field answers are history: no follow-up case any more


def _answer_keys(survey: Survey) -> set[str]:
    keys: set[str] = set()
    for q in survey.questions.all():
        if q.kind == "gap":
            keys |= {q.code, f"{q.code}__expectation"}
        elif q.kind == "kano":
            keys |= {f"{q.code}__functional", f"{q.code}__dysfunctional"}
        else:
            keys.add(q.code)
    return keys


def responses_import(
    *, survey: Survey, path: Path | str, filename: str | None = None, on_error: str = "abort"
) -> ImportResult:
    result = ImportResult(kind="survey_responses")
    if on_error not in ("abort", "skip"):
        raise ValueError(_("on_error는 abort 또는 skip이어야 합니다."))
    table = read_table_or_report(path, filename=filename, result=result)
    if table is None:
        return result
    answer_keys = _answer_keys(survey)
    columns: dict[int, str] = {}
    for position, name in enumerate(table.header):
        key = name.strip().lower()
        canonical = META.get(key) or META.get(name.strip()) or (key if key in answer_keys else None)
        if canonical and canonical not in columns.values():
            columns[position] = canonical
    if not set(columns.values()) & answer_keys:
        result.message = _("문항 열이 없습니다. 첫 줄에 문항 코드(%(codes)s …)를 쓰세요.") % {
            "codes": ", ".join(sorted(answer_keys)[:8])
        }
        result.errors.append(RowError(1, "", result.message))
        return result
    result.total_rows = len(table.rows)
    if not table.rows:
        result.message = _("가져올 행이 없습니다.")
        return result
    multiple = {q.code for q in survey.questions.all() if q.kind == "multiple"}
    touchpoints = dict(Touchpoint.objects.values_list("code", "pk"))
    now = timezone.now()
    prepared: list[tuple[int, dict[str, Any]]] = []
    for line, cells in table.rows:
        raw = {key: (cells[pos] if pos < len(cells) else "").strip() for pos, key in columns.items()}
        errors: list[RowError] = []
        data: dict[str, Any] = {
            k: (v.split("|") if k in multiple and v else v)
            for k, v in raw.items()
            if k in answer_keys or k == "comment"
        }
        extra: dict[str, Any] = {"answered_at": now}
        if raw.get("answered_at"):
            try:
                extra["answered_at"] = parse_datetime(raw["answered_at"])
                if extra["answered_at"] > now + dt.timedelta(minutes=5):
                    errors.append(RowError(line, "answered_at", _("응답일시가 미래입니다.")))
            except ValueError as exc:
                errors.append(RowError(line, "answered_at", str(exc)))
        if raw.get("customer"):
            customer = Customer.objects.filter(external_id=raw["customer"], status="active").first()
            if customer is None:
                message = _("고객 외부 ID를 찾을 수 없습니다: %(external_id)s") % {
                    "external_id": raw["customer"]
                }
                errors.append(RowError(line, "customer", message))
            extra["customer"] = customer
        if raw.get("touchpoint"):
            if raw["touchpoint"] not in touchpoints:
                message = _("알 수 없는 접점 코드입니다: %(code)s") % {"code": raw["touchpoint"]}
                errors.append(RowError(line, "touchpoint", message))
            else:
                extra["touchpoint_id"] = touchpoints[raw["touchpoint"]]
        if raw.get("staff"):
            staff = User.objects.filter(username=raw["staff"]).first()
            if staff is None:
                message = _("직원 아이디를 찾을 수 없습니다: %(username)s") % {"username": raw["staff"]}
                errors.append(RowError(line, "staff", message))
            extra["staff"] = staff
        if raw.get("ref"):
            if len(raw["ref"]) > 60:
                errors.append(RowError(line, "ref", _("원본 번호는 60자 이내여야 합니다.")))
            extra["source_ref"] = f"import:{survey.pk}:{raw['ref'][:60]}"
        if raw.get("wave"):
            extra["wave"] = raw["wave"][:20]
        try:
            clean_answers(survey, data)
        except ValidationError as exc:
            errors.extend(RowError(line, key, " ".join(msgs)) for key, msgs in exc.message_dict.items())
        if errors:
            result.errors.extend(errors)
            continue
        prepared.append((line, {"data": data, **extra}))
    if result.errors and on_error == "abort":
        result.message = aborted_message(result.error_rows)
        return result
    with transaction.atomic():
        for _line, item in prepared:
            touchpoint_id = item.pop("touchpoint_id", None)
            touchpoint = Touchpoint.objects.get(pk=touchpoint_id) if touchpoint_id else None
            recent = item["answered_at"] >= now - dt.timedelta(days=FOLLOWUP_DAYS)
            _response, created = response_record(
                survey=survey, touchpoint=touchpoint, source=Response.Source.IMPORT, followup=recent, **item
            )
            if created:
                result.created += 1
            else:
                result.unchanged += 1
    result.written = True
    counted = {"created": result.created, "unchanged": result.unchanged, "skipped": result.error_rows}
    if result.errors:
        result.message = (
            _("응답 %(created)s건을 가져왔습니다 (이미 있던 %(unchanged)s건, 오류 %(skipped)s행 건너뜀).")
            % counted
        )
    else:
        result.message = _("응답 %(created)s건을 가져왔습니다 (이미 있던 %(unchanged)s건).") % counted
    return result


def responses_import_upload(
    *, survey: Survey, upload: UploadedFile, on_error: str, by: User
) -> ImportResult | ImportJob:
    """Import an uploaded file at once when it is short, or queue it for the job worker (the ImportJob).

    Raises FileFormatError when the file breaks an upload limit before any row is read.
    """
    stored = upload_store(upload=upload)
    if stored.background:
        job = import_job_create(
            kind=ImportJob.Kind.SURVEY_RESPONSES,
            stored=stored,
            on_error=on_error,
            by=by,
            options={"survey": survey.pk},
        )
        transaction.on_commit(lambda: run_responses_import_job.enqueue(job.pk))
        return job
    try:
        return responses_import(survey=survey, path=stored.path, filename=stored.filename, on_error=on_error)
    finally:
        stored.path.unlink(missing_ok=True)


def responses_import_job_run(*, job: ImportJob) -> ImportJob:
    def run(progress: Progress) -> ImportResult:
        survey = Survey.objects.get(pk=job.options["survey"])
        return responses_import(
            survey=survey, path=job.stored_path, filename=job.filename, on_error=job.on_error
        )

    return import_job_execute(job=job, run=run)


@task()
def run_responses_import_job(job_id: int) -> str:
    """Thin job: a queued survey-response upload (see responses_import_upload)."""
    return responses_import_job_run(job=ImportJob.objects.get(pk=job_id)).status
