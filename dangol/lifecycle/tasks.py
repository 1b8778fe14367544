"""Jobs for the worker (registered in dangol.web.schedule.SCHEDULE); idempotent: what was destroyed is not due again."""

from __future__ import annotations

from django_tasks import task

from dangol.lifecycle.retention import destruction_run


@task()
def destroy_expired_personal_data() -> dict[str, int]:
    return destruction_run()
