"""The campaigns' scheduled jobs. The launch job itself is `services.launch_campaign` (campaign_launch queues it
in the same module); it is also importable from here, the path of the jobs queued before it moved."""

from __future__ import annotations

from django_tasks import task

from dangol.campaigns.crosssell import picks_refresh
from dangol.campaigns.services import launch_campaign  # noqa: F401 (jobs queued under this path)
from dangol.campaigns.snapshot import snapshot_build, snapshot_due


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
