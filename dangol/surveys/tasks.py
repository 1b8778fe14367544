"""The surveys' scheduled jobs (dangol.web.schedule), thin: each calls a service. The follow-up job that an
answer queues is `followups.open_followup`; it is also importable from here, the path of the jobs queued before
it moved."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from dangol.surveys import repurchase
from dangol.surveys.analysis import refresh_snapshots
from dangol.surveys.followups import (
    followups_missing,
    open_followup,  # noqa: F401 (jobs queued under this path)
)
from dangol.surveys.models import Survey
from dangol.surveys.rollups import catch_up
from dangol.surveys.sending import invitations_after_events


@task()
def invite_after_events(hours: int = 24) -> dict[str, int]:
    """Invite the customers of recent events (idempotent; see the service)."""
    since = timezone.now() - dt.timedelta(hours=hours)
    total = {"invited": 0, "skipped": 0}
    for survey in Survey.objects.filter(status=Survey.Status.ACTIVE).exclude(
        trigger__in=["manual", "segment"]
    ):
        for key, value in invitations_after_events(survey=survey, since=since).items():
            total[key] += value
    return total


@task()
def refresh_analysis() -> int:
    """Recompute the survey pages' default figures (see analysis.refresh_snapshots)."""
    return refresh_snapshots()


@task()
def open_missing_followups() -> int:
    """Follow-up cases for yesterday's and today's unhappy answers that do not have one yet."""
    return followups_missing(since=timezone.now() - dt.timedelta(days=1))


@task()
def rollup_answers() -> int:
    """Count the answers not counted yet into the analysis roll-ups (idempotent; see rollups.catch_up), and the
    customers' answers whose 90-day repurchase window closed. Returns how many responses were counted."""
    counted = catch_up()
    repurchase.catch_up()
    return counted
