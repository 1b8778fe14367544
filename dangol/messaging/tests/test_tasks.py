"""The worker runs the messaging jobs the scheduler enqueues."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from dangol.messaging import services
from dangol.messaging.models import Message
from dangol.web.schedule import SCHEDULE

JOBS = [
    "dangol.messaging.tasks.send_due_messages",
    "dangol.messaging.tasks.reconcile_messages",
    "dangol.messaging.tasks.send_consent_reminders",
]


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_jobs_run_in_the_worker_and_send_what_is_due(shop, templates) -> None:
    from django_tasks_db.models import DBTaskResult

    assert set(JOBS) <= {path for path, _every in SCHEDULE}
    message = services.message_queue(
        customer=shop["hong"],
        template_code="case_ack",
        variables={"접수번호": "V-1"},
        purpose_ref="case:1:ack",
    )
    for path in JOBS:
        import_string(path).enqueue()
    call_command("worker", "--batch", verbosity=0)
    assert set(DBTaskResult.objects.filter(task_path__in=JOBS).values_list("status", flat=True)) == {
        "SUCCESSFUL"
    }
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
