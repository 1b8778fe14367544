from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from dangol.accounts.services import staff_of
from dangol.imports.models import ImportJob
from dangol.imports.readers import FileFormatError
from dangol.imports.services import import_job_create, import_job_run, upload_store
from dangol.imports.tasks import run_import_job

# Survey responses are uploaded from the survey pages, which know the survey.
FILE_KINDS = [(k, label) for k, label in ImportJob.Kind.choices if k != ImportJob.Kind.SURVEY_RESPONSES]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("종류"), choices=FILE_KINDS)
    on_error = forms.ChoiceField(label=_("오류 처리"), choices=ImportJob.OnError.choices, initial="abort")
    file = forms.FileField(label=_("파일 (CSV 또는 XLSX)"))

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("CSV(.csv) 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다."))
        if f.size == 0:
            raise forms.ValidationError(_("빈 파일입니다."))
        return f


@permission_required("imports.add_importjob", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored = upload_store(upload=form.cleaned_data["file"])
        except FileFormatError as exc:
            form.add_error("file", str(exc))
        else:
            job = import_job_create(
                kind=form.cleaned_data["kind"],
                on_error=form.cleaned_data["on_error"],
                stored=stored,
                by=staff_of(request),
            )
            if stored.background:
                transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
            else:
                import_job_run(job=job)  # small files: answer at once
            return redirect("imports:job", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at")[:20]
    return render(
        request,
        "imports/upload.html",
        {"nav": "imports", "form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


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
