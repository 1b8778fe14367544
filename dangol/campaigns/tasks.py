"""The launch job: only loads the campaign and calls the service (safe to retry: every step is keyed)."""

from __future__ import annotations

from django_tasks import task

from dangol.campaigns.crosssell import picks_refresh
from dangol.campaigns.services import campaign_run
from dangol.campaigns.snapshot import snapshot_build, snapshot_due


@task()
def launch_campaign(campaign_id: int) -> str:
    return campaign_run(campaign_id).status


@task()
def refresh_crosssell_picks() -> dict[str, int]:
    """Daily, after the value run: rebuild the cross-sell picks from its snapshot (dangol.campaigns.crosssell)."""
    return picks_refresh()


@task()
def refresh_segment_snapshot() -> int:
    """Hourly: rebuild the segment snapshot when a value run finished after it (or there is none usable); the
    number of customers written, 0 when it was current."""
    if not snapshot_due():
        return 0
    return int(snapshot_build()["rows"])
