from __future__ import annotations

from django_tasks import task


@task()
def invite_after_events(hours: int = 24) -> dict[str, int]:
    """Thin job for the scheduler: invite the customers of recent events (idempotent; see the service)."""
    import datetime as dt

    from django.utils import timezone

    from dangol.surveys.models import Survey
    from dangol.surveys.sending import invitations_after_events

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
    """Thin job for the scheduler: recompute the survey pages' default figures (see analysis.refresh_snapshots)."""
    from dangol.surveys.analysis import refresh_snapshots

    return refresh_snapshots()


@task()
def open_missing_followups() -> int:
    """Thin job: follow-up cases for yesterday's and today's unhappy answers that do not have one yet."""
    import datetime as dt

    from django.utils import timezone

    from dangol.surveys.services import followups_missing

    return followups_missing(since=timezone.now() - dt.timedelta(days=1))


# before the timed jobs: a long recomputation must not hold an unhappy customer's case back
@task(priority=10)
def open_followup(response_id: int) -> int | None:
    """A detractor's follow-up case, opened by the worker after the answer is stored (the answer's transaction
    wrote this job). Idempotent: a second run returns the same case."""
    from dangol.surveys.rollups import rollup_responses
    from dangol.surveys.services import followup_for_response

    case = followup_for_response(response_id)
    # its scores into the analysis roll-ups: counted once, however often the job is retried
    rollup_responses([response_id])
    return case.pk if case is not None else None


@task()
def rollup_answers() -> int:
    """Thin job for the scheduler: count the answers not counted yet into the analysis roll-ups (idempotent;
    see rollups.catch_up). Returns how many responses were counted."""
    from dangol.surveys import repurchase
    from dangol.surveys.rollups import catch_up

    counted = catch_up()
    repurchase.catch_up()  # and the customers' answers whose 90-day repurchase window closed
    return counted
