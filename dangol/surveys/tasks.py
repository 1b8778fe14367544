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
    for survey in Survey.objects.filter(status=Survey.Status.ACTIVE).exclude(trigger__in=["manual", "segment"]):
        for key, value in invitations_after_events(survey=survey, since=since).items():
            total[key] += value
    return total
