from __future__ import annotations

from django_tasks import task

from dangol.promises.services import promises_break_overdue, promises_notify_due


@task()
def break_overdue_promises() -> int:
    return promises_break_overdue()


@task()
def notify_promises_due() -> int:
    return promises_notify_due()
