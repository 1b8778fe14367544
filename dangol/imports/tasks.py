from __future__ import annotations

from django_tasks import task

from dangol.imports.models import ImportJob
from dangol.imports.services import import_job_run


@task()
def run_import_job(job_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    return import_job_run(job=job).status
