"""The worker's job (registered in dangol.web.schedule.SCHEDULE): safe to run twice or in two workers at once,
since every enrolment is keyed by (journey, customer, occurrence)."""

from __future__ import annotations

from django_tasks import task

from dangol.journeys.services import journeys_run


@task()
def run_journeys() -> dict[str, dict[str, int]]:
    return journeys_run()
