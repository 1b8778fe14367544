"""A real crash: a worker process is killed with SIGKILL after the provider accepted its message and before it
could record the answer. The message is neither lost nor sent twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from dangol.messaging import services
from dangol.messaging.sending import message_send_due, messages_reconcile

WORKER = (
    "import django; django.setup(); from dangol.messaging.sending import message_send_due; message_send_due()"
)


def _test_database_url() -> str:
    """The URL of the database this test runs on (the test database, SQLite file or PostgreSQL), for a child."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    configured = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(configured._replace(path=f"/{name}"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_provider_accepted_is_reconciled_without_a_second_send(
    shop, templates, solapi
) -> None:
    message = services.message_queue(
        customer=shop["hong"],
        template_code="free_text",
        variables={"내용": "예약 확인"},
        purpose_ref="visit:9",
    )
    solapi.mode = "hang"  # the provider takes the message, then never answers: the worker dies waiting
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangol.settings",
        "DATABASE_URL": _test_database_url(),
        "DANGOL_MESSAGING_TEXT_VIA": "solapi",
        "DANGOL_SOLAPI_API_KEY": "NCSTESTKEY",
        "DANGOL_SOLAPI_API_SECRET": "TESTSECRET",
        "DANGOL_SOLAPI_BASE_URL": solapi.url,
        "DANGOL_SMS_SENDERS": "02-1234-5678",
    }
    worker = subprocess.Popen([sys.executable, "-c", WORKER], env=env, cwd=Path(__file__).parents[3])
    try:
        assert solapi.accepted.wait(90), "the worker never reached the provider"
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
    solapi.release.set()
    solapi.mode = "ok"

    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == ("sending", "")  # the answer was never recorded
    assert message_send_due() == {}  # a claimed message is not picked up again
    assert messages_reconcile() == {}  # nor settled before the timeout

    later = timezone.now() + dt.timedelta(minutes=11)
    assert messages_reconcile(now=later) == {"found": 1}
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.provider_message_id == solapi.received[0]["messageId"]
    assert "중단 후 확인" in message.events.last().detail
    assert message_send_due() == {} and messages_reconcile(now=later) == {}
    assert len(solapi.received) == 1  # sent exactly once
