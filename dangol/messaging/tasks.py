"""Jobs for the worker (registered in dangol.web.schedule.SCHEDULE); each only calls a service and is safe to
run twice or in two workers at once."""

from __future__ import annotations

from django_tasks import task

from dangol.messaging.reminders import consent_reminders_send
from dangol.messaging.sending import message_send_due, messages_reconcile


@task()
def send_due_messages() -> dict[str, int]:
    return message_send_due()


@task()
def reconcile_messages() -> dict[str, int]:
    return messages_reconcile()


@task()
def send_consent_reminders() -> int:
    return consent_reminders_send()
