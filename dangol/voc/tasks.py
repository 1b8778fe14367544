from __future__ import annotations

from django_tasks import task

from dangol.voc.prevention import detect_recurrence
from dangol.voc.selectors import voc_board_refresh
from dangol.voc.sla import sla_check


@task()
def check_slas() -> dict[str, int]:
    return sla_check()


@task()
def refresh_board() -> str:
    return voc_board_refresh().isoformat()


@task()
def check_recurrence() -> int:
    return len(detect_recurrence())
