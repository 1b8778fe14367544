"""The launch job: only loads the campaign and calls the service (safe to retry: every step is keyed)."""

from __future__ import annotations

from django_tasks import task

from dangol.campaigns.crosssell import picks_refresh
from dangol.campaigns.services import campaign_run


@task()
def launch_campaign(campaign_id: int) -> str:
    return campaign_run(campaign_id).status


@task()
def refresh_crosssell_picks() -> dict[str, int]:
    """Daily, after the value run: rebuild the cross-sell picks from its snapshot (dangol.campaigns.crosssell)."""
    return picks_refresh()
