from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from dangol.accounts.services import staff_of
from dangol.imports.models import ImportJob
from dangol.imports.services import import_job_run

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("종류"), choices=ImportJob.Kind.choices)
    on_error = forms.ChoiceField(label=_("오류 처리"), choices=ImportJob.OnError.choices, initial="abort")
    file = forms.FileField(label=_("파일 (CSV 또는 XLSX)"))

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("CSV(.csv) 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다."))
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("파일이 너무 큽니다(최대 200MB)."))
        if f.size == 0:
            raise forms.ValidationError(_("빈 파일입니다."))
        return f


@permission_required("imports.add_importjob", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_dir = Path(settings.VAR_DIR) / "uploads"
        upload_dir.mkdir(parents=True, exist_ok=True)
        f = form.cleaned_data["file"]
        stored = upload_dir / f"{uuid.uuid4().hex}{Path(f.name).suffix.lower()}"
        with stored.open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        job = ImportJob.objects.create(
            kind=form.cleaned_data["kind"],
            on_error=form.cleaned_data["on_error"],
            filename=f.name[:255],
            stored_path=str(stored),
            created_by=staff_of(request),
        )
        if f.size <= settings.DANGOL_IMPORT_INLINE_ROWS * 200:
            import_job_run(job=job)  # small files: answer at once
        else:
            from dangol.imports.tasks import run_import_job

            transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
        return redirect("imports:job", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at")[:20]
    return render(request, "imports/upload.html", {"nav": "imports", "form": form, "jobs": jobs})


@permission_required("imports.view_importjob", raise_exception=True)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    return render(request, "imports/job.html", {"nav": "imports", "job": job})


@permission_required("imports.view_importjob", raise_exception=True)
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_status.html", {"job": job})
