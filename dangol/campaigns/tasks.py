"""The launch job: only loads the campaign and calls the service (safe to retry: every step is keyed)."""

from __future__ import annotations

from django_tasks import task

from dangol.campaigns.services import campaign_run


@task()
def launch_campaign(campaign_id: int) -> str:
    return campaign_run(campaign_id).status
